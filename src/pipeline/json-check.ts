/**
 * Validation helpers for reading saved pipelines: each failure is an E_MODEL_FILE error naming
 * the JSON path (e.g. `$.preprocessor.plans[2].scale`) and the value found. Nothing is evaluated.
 */
import { AutomlError, show } from '../util/errors.js';

/** Where a JSON value sits, for messages: the source (file name or "model") and the JSON path. */
export interface JsonAt {
  readonly source: string;
  readonly path: string;
}

/** Extends a JSON path with a key or an index. */
export function at(where: JsonAt, key: string | number): JsonAt {
  return { source: where.source, path: typeof key === 'number' ? `${where.path}[${key}]` : `${where.path}.${key}` };
}

/** An E_MODEL_FILE error for a bad value at a JSON path. */
export function badJson(where: JsonAt, expected: string, value: unknown): AutomlError {
  return new AutomlError(
    'E_MODEL_FILE',
    `${where.source}: ${where.path} must be ${expected}, got ${value === undefined ? 'nothing' : show(value)}; the model file is damaged or was written by an incompatible version — re-create it with \`automl search\``,
    { file: where.source, path: where.path, value },
  );
}

/** A plain object (not an array or null). */
export function readObject(v: unknown, where: JsonAt): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) throw badJson(where, 'an object', v);
  return v as Record<string, unknown>;
}

/** An array. */
export function readArray(v: unknown, where: JsonAt): unknown[] {
  if (!Array.isArray(v)) throw badJson(where, 'an array', v);
  return v;
}

/** A string. */
export function readString(v: unknown, where: JsonAt): string {
  if (typeof v !== 'string') throw badJson(where, 'a string', v);
  return v;
}

/** A finite number. */
export function readNumber(v: unknown, where: JsonAt): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw badJson(where, 'a finite number', v);
  return v;
}

/** A boolean. */
export function readBoolean(v: unknown, where: JsonAt): boolean {
  if (typeof v !== 'boolean') throw badJson(where, 'true or false', v);
  return v;
}

/** One of the given strings. */
export function readEnum<T extends string>(v: unknown, options: readonly T[], where: JsonAt): T {
  if (typeof v !== 'string' || !(options as readonly string[]).includes(v)) {
    throw badJson(where, `one of ${options.map((o) => show(o)).join(', ')}`, v);
  }
  return v as T;
}

/** An array of strings. */
export function readStrings(v: unknown, where: JsonAt): string[] {
  return readArray(v, where).map((s, i) => readString(s, at(where, i)));
}
