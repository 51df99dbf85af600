/**
 * Readers for the `state` of a serialised model (SVM, SVR, GP regression, linear models): every
 * field is checked (type, finiteness, integer range, array length against the sizes the state
 * declares) and anything unexpected is refused with E_MODEL_FILE naming the JSON path, so a
 * damaged or edited model file fails on load instead of predicting nonsense.
 */
import { modelFileError } from '../fast/common.js';

/** Largest array a model file may hold (elements); larger means a damaged or hostile file. */
export const MAX_ARRAY = 50_000_000;

/** Refuses keys of `state` outside `allowed` and requires each of `required`. */
export function checkKeys(model: string, path: string, state: Record<string, unknown>, allowed: readonly string[], required: readonly string[] = allowed): void {
  for (const k of Object.keys(state)) if (!allowed.includes(k)) modelFileError(model, `${path}.${k}`, state[k], `no such key (known: ${allowed.join(', ')})`);
  for (const k of required) if (!(k in state)) modelFileError(model, `${path}.${k}`, undefined, 'a value (the key is missing)');
}

/** A plain object at `path`. */
export function readObject(model: string, path: string, v: unknown): Record<string, unknown> {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) modelFileError(model, path, v, 'an object');
  return v as Record<string, unknown>;
}

/** Bounds of a number read by {@link readNum}. */
export interface NumBounds {
  readonly int?: boolean;
  readonly min?: number;
  readonly max?: number;
  /** When true the minimum itself is refused. */
  readonly above?: boolean;
}

function describe(b: NumBounds): string {
  const kind = b.int ? 'an integer' : 'a finite number';
  const lo = b.min === undefined ? '' : b.above ? ` > ${b.min}` : ` >= ${b.min}`;
  const hi = b.max === undefined ? '' : `${lo ? ' and' : ''} <= ${b.max}`;
  return kind + lo + hi;
}

function inBounds(v: unknown, b: NumBounds): v is number {
  return (
    typeof v === 'number' &&
    Number.isFinite(v) &&
    (!b.int || Number.isInteger(v)) &&
    (b.min === undefined || (b.above ? v > b.min : v >= b.min)) &&
    (b.max === undefined || v <= b.max)
  );
}

/** A number at `path` within bounds. */
export function readNum(model: string, path: string, v: unknown, b: NumBounds = {}): number {
  if (!inBounds(v, b)) modelFileError(model, path, v, describe(b));
  return v;
}

/** A boolean at `path`. */
export function readBool(model: string, path: string, v: unknown): boolean {
  if (typeof v !== 'boolean') modelFileError(model, path, v, 'true or false');
  return v;
}

/** One of `choices` at `path`. */
export function readEnum<T extends string>(model: string, path: string, v: unknown, choices: readonly T[]): T {
  if (typeof v !== 'string' || !(choices as readonly string[]).includes(v)) modelFileError(model, path, v, `one of ${choices.map((c) => JSON.stringify(c)).join(', ')}`);
  return v as T;
}

/** An array of finite numbers at `path`, of exactly `length` elements when given. */
export function readFloats(model: string, path: string, v: unknown, length?: number, b: NumBounds = {}): Float64Array {
  if (!Array.isArray(v) || v.length > MAX_ARRAY) modelFileError(model, path, Array.isArray(v) ? `${v.length} elements` : v, `an array of at most ${MAX_ARRAY} numbers`);
  if (length !== undefined && v.length !== length) modelFileError(model, path, `${v.length} elements`, `${length} elements`);
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const x = v[i] as unknown;
    if (!inBounds(x, b)) modelFileError(model, `${path}[${i}]`, x, describe(b));
    out[i] = x;
  }
  return out;
}

/** An array of integers at `path` within bounds, of exactly `length` elements when given. */
export function readInts(model: string, path: string, v: unknown, length: number | undefined, b: NumBounds): Int32Array {
  return Int32Array.from(readFloats(model, path, v, length, { ...b, int: true }));
}
