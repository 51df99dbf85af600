/**
 * Input checks and JSON helpers shared by the fast learners.
 */
import type { EstimatorJSON, Matrix, MatrixData, ModelContext } from '../estimator.js';
import { AutomlError, show } from '../../util/errors.js';
import { checkFitInput } from '../common.js';

/**
 * Checks a training set: the one fit-input check of every model family ({@link checkFitInput}),
 * with `allowNaN` for the learners that handle missing values.
 */
export function checkFit(model: string, X: Matrix, y: Float64Array, ctx: ModelContext, allowNaN: boolean): void {
  checkFitInput(model, X, y, ctx, { allowMissing: allowNaN });
}

/** Checks that a matrix to predict on has the training column count. */
export function checkPredict(model: string, X: Matrix, nFeatures: number): void {
  if (X.cols !== nFeatures) {
    throw new AutomlError(
      'E_PREDICT_COLUMNS',
      `${model}: model was fitted on ${nFeatures} columns but X has ${X.cols}; pass the same features as in training`,
      { value: X.cols },
    );
  }
}

/** Throws the standard error for using an estimator before `fit`. */
export function notFitted(model: string): never {
  throw new AutomlError('E_MODEL', `${model}: call fit() before predict()`, {});
}

/** Throws `E_ABORTED` when the signal fired. */
export function checkAbort(model: string, signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new AutomlError('E_ABORTED', `${model}: fit aborted`, { reason: String(signal.reason) });
}

/** Encodes floats for JSON: non-finite values (only ±Infinity occur) become strings JSON can hold. */
export function encodeFloats(a: ArrayLike<number>): (number | string)[] {
  const out: (number | string)[] = new Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const v = a[i]!;
    out[i] = Number.isFinite(v) ? v : String(v);
  }
  return out;
}

/**
 * Decodes {@link encodeFloats} output, validating every element. Only split thresholds may be
 * infinite (`allowInfinite`); weights, baselines and leaf values must be finite, or predictions
 * go blank or zero a class.
 */
export function decodeFloats(model: string, path: string, a: unknown, allowInfinite = false): Float64Array {
  if (!Array.isArray(a)) modelFileError(model, path, a, 'an array of numbers');
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    if (typeof v === 'number' && Number.isFinite(v)) out[i] = v;
    else if (allowInfinite && (v === 'Infinity' || v === Infinity)) out[i] = Infinity;
    else if (allowInfinite && (v === '-Infinity' || v === -Infinity)) out[i] = -Infinity;
    else modelFileError(model, `${path}[${i}]`, v, allowInfinite ? 'a number' : 'a finite number');
  }
  return out;
}

/** Decodes an integer array (node links, features, bins), validating every element. */
export function decodeInts(model: string, path: string, a: unknown): Int32Array {
  if (!Array.isArray(a)) modelFileError(model, path, a, 'an array of integers');
  const out = new Int32Array(a.length);
  for (let i = 0; i < a.length; i++) {
    const v = a[i];
    // Checked as a number first: 2**32 + 1 would wrap to 1 in the Int32Array.
    if (typeof v !== 'number' || !Number.isInteger(v) || v < -0x80000000 || v > 0x7fffffff) modelFileError(model, `${path}[${i}]`, v, 'a 32-bit integer');
    out[i] = v;
  }
  return out;
}

/** Throws `E_MODEL_FILE` for a malformed serialised model. */
export function modelFileError(model: string, path: string, value: unknown, want: string): never {
  throw new AutomlError('E_MODEL_FILE', `${model}: model JSON at ${path} is ${show(value)}, expected ${want}; re-save the model`, {
    path,
    value,
  });
}

/** Checks the name tag and version of serialised model JSON and returns its state as a record. */
export function openJSON(model: string, version: number, json: EstimatorJSON): Record<string, unknown> {
  if (json === null || typeof json !== 'object' || json.model !== model) {
    modelFileError(model, 'model', (json as { model?: unknown } | null)?.model, `"${model}"`);
  }
  if (json.version !== version) modelFileError(model, 'version', json.version, String(version));
  // A key this build never writes means the file was edited or comes from elsewhere: refuse it.
  for (const k of Object.keys(json)) {
    if (!['model', 'version', 'params', 'state'].includes(k)) modelFileError(model, k, (json as unknown as Record<string, unknown>)[k], 'no such key (an estimator holds model, version, params, state)');
  }
  const params = json.params as unknown;
  if (params === null || typeof params !== 'object' || Array.isArray(params)) modelFileError(model, 'params', params, 'an object');
  const s = json.state;
  if (s === null || typeof s !== 'object' || Array.isArray(s)) modelFileError(model, 'state', s, 'an object');
  return s as Record<string, unknown>;
}

/** Reads a numeric field of a model state object. */
export function stateNum(model: string, state: Record<string, unknown>, key: string, int = false): number {
  const v = state[key];
  // Integers are counts and sizes: non-negative and safe, so nothing wraps or overflows.
  if (typeof v !== 'number' || !Number.isFinite(v) || (int && (!Number.isSafeInteger(v) || v < 0))) {
    modelFileError(model, `state.${key}`, v, int ? 'a non-negative integer' : 'a finite number');
  }
  return v;
}

/** Row-wise softmax in place over `k` columns, stable against overflow. */
export function softmaxRows(z: Float64Array, k: number): void {
  for (let o = 0; o < z.length; o += k) {
    let m = -Infinity;
    for (let c = 0; c < k; c++) if (z[o + c]! > m) m = z[o + c]!;
    let s = 0;
    for (let c = 0; c < k; c++) {
      const e = Math.exp(z[o + c]! - m);
      z[o + c] = e;
      s += e;
    }
    const inv = 1 / s;
    for (let c = 0; c < k; c++) z[o + c]! *= inv;
  }
}

/** Index of the largest value in each row of a rows x k array (first on ties). */
export function argmaxRows(p: MatrixData, k: number): Float64Array {
  const n = p.length / k;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bv = p[i * k]!;
    for (let c = 1; c < k; c++) {
      if (p[i * k + c]! > bv) {
        bv = p[i * k + c]!;
        best = c;
      }
    }
    out[i] = best;
  }
  return out;
}

/** Validates the hyperparameters stored in model JSON, reporting problems as E_MODEL_FILE. */
export function loadParams<T>(model: string, read: (p: Record<string, unknown>) => T, params: Record<string, unknown>): T {
  try {
    return read(params);
  } catch (e) {
    if (e instanceof AutomlError) throw new AutomlError('E_MODEL_FILE', `${model}: model JSON has bad params: ${e.message}`, { path: 'params' }, { cause: e });
    throw e;
  }
}
