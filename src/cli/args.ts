/** Argument parsers and options shared by several commands. */
import { InvalidArgumentError, Option } from 'commander';

/** The storage every command uses without `--storage`. */
export const DEFAULT_STORAGE = 'sqlite:automl.db';

/** Parses a duration: `90` (seconds), `90s`, `5m`, `1.5h`. Returns seconds or null when malformed. */
export function parseDuration(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?)?\s*$/i.exec(text);
  if (!m) return null;
  const n = Number(m[1]);
  const unit = (m[2] ?? 's').toLowerCase()[0];
  const s = unit === 'h' ? n * 3600 : unit === 'm' ? n * 60 : n;
  return s > 0 ? s : null;
}

/** A parser for an integer option that must be at least `min`; `name` is the flag the error names. */
export function intArg(name: string, min: number): (v: string) => number {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new InvalidArgumentError(`${name} must be an integer >= ${min}, got '${v}'`);
    return n;
  };
}

/** Parses a fraction strictly between 0 and 1. */
export function fractionArg(v: string): number {
  const n = Number(v);
  if (!(n > 0 && n < 1)) throw new InvalidArgumentError(`must be a fraction between 0 and 1, got '${v}'`);
  return n;
}

/** Parses a duration (see parseDuration) into seconds. */
export function durationArg(v: string): number {
  const s = parseDuration(v);
  if (s === null) throw new InvalidArgumentError(`expected seconds or a duration like 90s, 5m, 1h; got '${v}'`);
  return s;
}

/** Parses `a,b,c` into its non-empty, trimmed items. */
export function listArg(v: string): string[] {
  return v.split(',').map((s) => s.trim()).filter(Boolean);
}

/** The `--storage <url>` option; a new instance per command, as commander options cannot be shared. */
export function storageOption(): Option {
  return new Option('--storage <url>', 'where studies live: sqlite:<file>, memory:, postgresql://...').default(DEFAULT_STORAGE);
}

/**
 * The text of `list()` for a help line, or '' when it throws: the help must render even when a
 * registry cannot load (a missing optional dependency), since help is how users find out why.
 */
export function helpList(list: () => string): string {
  try {
    return list();
  } catch {
    return '';
  }
}
