/** Argument parsers and options shared by several commands. */
import { availableParallelism } from 'node:os';
import { InvalidArgumentError, Option, type Command } from 'commander';
import { parseDelimiter } from '../data/csv-delimiter.js';
import { isAutomlError } from '../util/errors.js';
import { STUDY_NAME_RULE, studyNameProblem } from '../util/output-path.js';

/** The storage every command uses without `--storage` when AUTOML_STORAGE is not set either. */
export const DEFAULT_STORAGE = 'sqlite:automl.db';

/** The environment variable that replaces {@link DEFAULT_STORAGE} on every command (`--storage` still wins). */
export const STORAGE_ENV = 'AUTOML_STORAGE';

/** Seconds per duration unit, longest first: a duration names each unit at most once, in this order. */
const DURATION_UNITS: readonly { readonly re: RegExp; readonly seconds: number }[] = [
  { re: /^(?:h|hr|hrs|hours?)$/, seconds: 3600 },
  { re: /^(?:m|min|mins|minutes?)$/, seconds: 60 },
  { re: /^(?:s|sec|secs|seconds?)$/, seconds: 1 },
  { re: /^(?:ms|msecs?|milliseconds?)$/, seconds: 0.001 },
];

/**
 * Parses a duration into seconds: a bare number is seconds (`90`, `2.5`); otherwise one or more
 * number+unit parts, longest unit first, each unit once: `90s`, `500ms`, `1m30s`, `1h15m`, `1.5h`
 * (units h, m, s, ms and their long forms, any case). Returns null when malformed or not above 0.
 */
export function parseDuration(text: string): number | null {
  const t = text.trim().toLowerCase();
  if (/^\d+(?:\.\d+)?$/.test(t)) return Number(t) > 0 ? Number(t) : null;
  const parts = /^(?:\d+(?:\.\d+)?\s*[a-z]+\s*)+$/.test(t) ? [...t.matchAll(/(\d+(?:\.\d+)?)\s*([a-z]+)/g)] : [];
  if (parts.length === 0) return null;
  let next = 0; // index in DURATION_UNITS the next part may use at the earliest
  let total = 0;
  for (const [, n, unit] of parts) {
    const u = DURATION_UNITS.findIndex((d) => d.re.test(unit!));
    if (u < next) return null; // unknown unit, or out of order / repeated (`30s1m`, `1m1m`)
    total += Number(n) * DURATION_UNITS[u]!.seconds;
    next = u + 1;
  }
  return total > 0 ? total : null;
}

/** A parser for an integer option from `min` (to `max`, when given); `name` is the flag the error names. */
export function intArg(name: string, min: number, max?: number): (v: string) => number {
  return (v: string): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min || (max !== undefined && n > max)) {
      throw new InvalidArgumentError(`${name} must be an integer ${max === undefined ? `>= ${min}` : `from ${min} to ${max}`}, got '${v}'`);
    }
    return n;
  };
}

/** Parses a fraction strictly between 0 and 1. */
export function fractionArg(v: string): number {
  const n = Number(v);
  if (!(n > 0 && n < 1)) throw new InvalidArgumentError(`must be a fraction between 0 and 1, got '${v}'`);
  return n;
}

/** Parses --test-size: 0 (no holdout) or a fraction in (0, 1). */
export function testSizeArg(v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !(n === 0 || (n > 0 && n < 1))) throw new InvalidArgumentError(`must be 0 (no holdout, no test score) or a fraction between 0 and 1, got '${v}'`);
  return n;
}

/** The longest duration a flag accepts, in seconds (365 days). */
export const MAX_DURATION_S = 365 * 24 * 3600;

/** Parses a duration (see parseDuration) into seconds, at most {@link MAX_DURATION_S}. */
export function durationArg(v: string): number {
  const s = parseDuration(v);
  if (s === null) throw new InvalidArgumentError(`expected seconds (90) or a duration like 90s, 500ms, 1m30s, 1h15m, 1.5h; got '${v}'`);
  if (s > MAX_DURATION_S) throw new InvalidArgumentError(`at most 365 days (8760h) is accepted, got '${v}'`);
  return s;
}

/** Parses a study name: refuses names that would make a path (see STUDY_NAME_RULE). */
export function studyNameArg(v: string): string {
  const why = studyNameProblem(v);
  if (why !== null) throw new InvalidArgumentError(`'${v}' is not allowed as a study name (${why}); a study name is ${STUDY_NAME_RULE}`);
  return v;
}

/** Share of `--time` a trial may take by default (see {@link defaultTrialTimeout}). */
export const DEFAULT_TRIAL_SHARE = 0.4;
/** The smallest default per-trial limit, in seconds. */
export const MIN_DEFAULT_TRIAL_TIMEOUT_S = 10;

/**
 * The per-trial time limit (seconds) without `--trial-timeout`: with `--time`, 40% of it but at
 * least 10 s; without, none. Why: one runaway trial (a huge ensemble, a slow family on wide data)
 * otherwise holds a worker until the deadline; a trial that needs more than 40% of the budget
 * leaves too little for the rest of the search and the re-check anyway, while the 10 s floor keeps
 * short budgets from killing ordinary trials (below 25 s of --time it is no tighter than the
 * deadline itself). With more workers than cores each trial gets only cores / workers of a core,
 * so the share grows by workers / cores (up to the whole budget): 8 workers on 2 cores otherwise
 * stopped every trial of a large dataset and left no model.
 */
export function defaultTrialTimeout(time: number | undefined, trialTimeout: number | undefined, workers = 1, cores = availableParallelism()): number | undefined {
  if (trialTimeout !== undefined || time === undefined) return trialTimeout;
  const oversubscribed = Math.max(1, workers / Math.max(1, cores));
  return Math.max(MIN_DEFAULT_TRIAL_TIMEOUT_S, Math.min(time, DEFAULT_TRIAL_SHARE * oversubscribed * time));
}

/** The `--memory-limit <MB>` option: heap per worker thread. */
export function memoryLimitOption(): Option {
  return new Option('--memory-limit <MB>', 'heap limit per worker thread in MB; a trial that exceeds it fails (out-of-memory) and its thread is replaced (default 2048)').argParser(
    intArg('--memory-limit', 64),
  );
}

/** The `--trial-timeout <duration>` option. */
export function trialTimeoutOption(): Option {
  return new Option(
    '--trial-timeout <duration>',
    `time limit per trial, counted from the start of its objective (FAIL with reason timeout); default with --time: ${DEFAULT_TRIAL_SHARE * 100}% of it (times workers / cores when workers outnumber cores, up to all of it), at least ${MIN_DEFAULT_TRIAL_TIMEOUT_S}s`,
  ).argParser(durationArg);
}

/** Parses `a,b,c` into its non-empty, trimmed items. */
export function listArg(v: string): string[] {
  return v.split(',').map((s) => s.trim()).filter(Boolean);
}

/** The `--delimiter <char>` option of every command that reads CSV: `,` `;` `|` `\t`, or comma, semicolon, tab, pipe. */
export function delimiterOption(): Option {
  return new Option('--delimiter <char>', "CSV field delimiter: , ; | or \\t (or comma, semicolon, tab, pipe); default: detected from the first lines").argParser((v: string) => {
    try {
      return parseDelimiter(v);
    } catch (e) {
      if (isAutomlError(e)) throw new InvalidArgumentError(e.message);
      throw e;
    }
  });
}

/**
 * The `--storage <url>` option; a new instance per command, as commander options cannot be shared.
 * Its default is $AUTOML_STORAGE when set, else {@link DEFAULT_STORAGE}; the help says both.
 */
export function storageOption(): Option {
  return new Option('--storage <url>', 'where studies live: sqlite:<file>, memory:, postgresql://...')
    .default(DEFAULT_STORAGE)
    .env(STORAGE_ENV)
    .argParser((v: string) => {
      if (v.trim() === '') throw new InvalidArgumentError(`the storage URL is empty (from --storage or $${STORAGE_ENV}); give one such as ${DEFAULT_STORAGE}, or unset ${STORAGE_ENV}`);
      return v;
    });
}

/**
 * Ends a command's `--help` with an "Examples:" block: commands that run as written from the
 * project folder (bundled datasets under datasets/), one per line.
 */
export function withExamples(command: Command, examples: readonly string[]): Command {
  return command.addHelpText('after', `\nExamples:\n${examples.map((e) => `  $ ${e}`).join('\n')}`);
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
