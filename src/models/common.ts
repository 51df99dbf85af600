/**
 * Helpers shared by the model adapters: input checks for fit/predict, model-file validation for
 * `load`, and small numeric utilities. Models reject bad input with an AutomlError instead of
 * producing NaN or crashing deep inside a library.
 */
import { AutomlError, show } from '../util/errors.js';
import type { EstimatorJSON, Matrix, ModelContext, Task } from './estimator.js';
import { matrix } from './estimator.js';
import { resolveParams } from './hyperparams.js';
import type { ParamDecls, ParamsOf } from './hyperparams.js';

/** Options of {@link checkFitInput}. */
export interface FitInputOptions {
  /** The model handles missing values itself: NaN in X is allowed (±Infinity never is). Default false. */
  readonly allowMissing?: boolean;
}

/**
 * Checks training data before a fit, for every model family: X and y have the same number of
 * rows, X is not empty, X is finite (NaN allowed with `allowMissing`), and y holds class indices
 * 0..nClasses-1 (classification, nClasses >= 2) or finite values (regression).
 * @throws AutomlError `E_DATA` for X (and for nClasses), `E_TARGET` for y, naming the model, the
 *   row, the column and the value.
 */
export function checkFitInput(model: string, X: Matrix, y: Float64Array, ctx: Pick<ModelContext, 'task' | 'nClasses'>, opts: FitInputOptions = {}): void {
  const who = `model "${model}"`;
  if (X.rows !== y.length) {
    throw new AutomlError('E_DATA', `${who}: X has ${X.rows} rows but y has ${y.length} values; pass one target per row`, { model, value: y.length });
  }
  if (X.rows === 0 || X.cols === 0) {
    throw new AutomlError('E_DATA', `${who}: cannot fit on an empty matrix (${X.rows} rows x ${X.cols} columns)`, { model, value: [X.rows, X.cols] });
  }
  const d = X.data;
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (Number.isFinite(v) || (opts.allowMissing && Number.isNaN(v))) continue;
    const row = Math.floor(i / X.cols);
    const column = i % X.cols;
    const fix = opts.allowMissing ? 'use NaN for missing values' : 'impute missing values before this model';
    throw new AutomlError('E_DATA', `${who}: X has a non-finite value ${show(v)} at row ${row}, column ${column}; ${fix}`, { model, row, column: String(column), value: v });
  }
  const k = ctx.nClasses;
  if (ctx.task === 'classification' && (!Number.isInteger(k) || k < 2)) {
    throw new AutomlError('E_DATA', `${who}: classification needs at least 2 classes, got nClasses = ${show(k)}`, { model, value: k });
  }
  for (let i = 0; i < y.length; i++) {
    const v = y[i]!;
    if (ctx.task === 'classification') {
      if (Number.isInteger(v) && v >= 0 && v < k) continue;
      throw new AutomlError('E_TARGET', `${who}: target y[${i}] = ${show(v)} is not a class index in 0..${k - 1}; encode labels first`, { model, row: i, value: v });
    }
    if (!Number.isFinite(v)) throw new AutomlError('E_TARGET', `${who}: target y[${i}] = ${show(v)} is not a finite number`, { model, row: i, value: v });
  }
}

/**
 * Checks that a model is fitted and that X has as many columns as it was fitted on.
 * @throws AutomlError('E_MODEL') when unfitted, AutomlError('E_PREDICT_COLUMNS') on a width mismatch.
 */
export function checkPredictInput(model: string, X: Matrix, nFeatures: number | undefined): asserts nFeatures is number {
  if (nFeatures === undefined) {
    throw new AutomlError('E_MODEL', `model "${model}": predict called before fit; fit the model or load a fitted one`, { model });
  }
  if (X.cols !== nFeatures) {
    throw new AutomlError(
      'E_PREDICT_COLUMNS',
      `model "${model}": X has ${X.cols} columns but the model was fitted on ${nFeatures}`,
      { model, value: X.cols },
    );
  }
}

/** Throws E_MODEL_FILE with a message naming the model and the problem. */
export function modelFileError(model: string, problem: string, value?: unknown, path?: string): AutomlError {
  return new AutomlError('E_MODEL_FILE', `model file for "${model}": ${problem}; the file is corrupt or was written by another model`, {
    model,
    value,
    ...(path !== undefined ? { path } : {}),
  });
}

const ENVELOPE_KEYS: readonly string[] = ['model', 'version', 'params', 'state'];

/**
 * Validates the envelope of a serialised estimator (name tag, version, params object, state
 * object) and returns its params and state.
 * @throws AutomlError('E_MODEL_FILE').
 */
export function openEnvelope(
  json: unknown,
  model: string,
  version: number,
): { params: Record<string, unknown>; state: Record<string, unknown> } {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw modelFileError(model, `expected an object, got ${show(json)}`, json);
  const j = json as Partial<EstimatorJSON>;
  // A key this build never writes means the file was edited or comes from elsewhere: refuse it
  // rather than guess what it was meant to change.
  for (const k of Object.keys(j)) {
    if (!ENVELOPE_KEYS.includes(k)) throw modelFileError(model, `unknown key ${show(k)} (an estimator holds only ${ENVELOPE_KEYS.join(', ')})`, k);
  }
  if (j.model !== model) throw modelFileError(model, `tag "model" is ${show(j.model)}, expected "${model}"`, j.model);
  if (j.version !== version) throw modelFileError(model, `version ${show(j.version)} is not supported (expected ${version})`, j.version);
  if (j.params === null || typeof j.params !== 'object' || Array.isArray(j.params)) throw modelFileError(model, '"params" must be an object', j.params);
  if (j.state === null || typeof j.state !== 'object' || Array.isArray(j.state)) throw modelFileError(model, '"state" must be an object', j.state);
  return { params: j.params as Record<string, unknown>, state: j.state as Record<string, unknown> };
}

/** Reads a finite number field from a model file's state. */
export function readNumber(model: string, state: Record<string, unknown>, key: string, opts: { int?: boolean; min?: number; max?: number } = {}): number {
  const v = state[key];
  // Integers are sizes and indices: safe, so that nothing rounds or wraps in a typed array.
  if (typeof v !== 'number' || !Number.isFinite(v) || (opts.int && !Number.isSafeInteger(v)) || (opts.min !== undefined && v < opts.min) || (opts.max !== undefined && v > opts.max)) {
    const range = opts.min !== undefined || opts.max !== undefined ? ` in ${opts.min ?? '-inf'}..${opts.max ?? 'inf'}` : '';
    throw modelFileError(model, `state.${key} = ${show(v)} is not a valid ${opts.int ? 'integer' : 'number'}${range}`, v, `state.${key}`);
  }
  return v;
}

/** Reads an array of finite numbers of the expected length (when given) from a model file's state. */
export function readNumbers(model: string, state: Record<string, unknown>, key: string, length?: number): Float64Array {
  const v = state[key];
  if (!Array.isArray(v) || (length !== undefined && v.length !== length)) {
    throw modelFileError(model, `state.${key} must be an array${length !== undefined ? ` of ${length} numbers` : ''}`, show(v), `state.${key}`);
  }
  const out = new Float64Array(v.length);
  for (let i = 0; i < v.length; i++) {
    const x = v[i];
    if (typeof x !== 'number' || !Number.isFinite(x)) throw modelFileError(model, `state.${key}[${i}] = ${show(x)} is not a finite number`, x, `state.${key}[${i}]`);
    out[i] = x;
  }
  return out;
}

/** Reads the task field of a model file's state. */
export function readTask(model: string, state: Record<string, unknown>, allowed: readonly Task[]): Task {
  const t = state['task'];
  if (typeof t !== 'string' || !(allowed as readonly string[]).includes(t)) {
    throw modelFileError(model, `state.task = ${show(t)} must be one of ${allowed.join(', ')}`, t);
  }
  return t as Task;
}

/** Checks the task given at create time against the tasks a model supports. */
export function checkTask(model: string, task: Task, allowed: readonly Task[]): void {
  if (!allowed.includes(task)) {
    throw new AutomlError('E_PARAM', `model "${model}" supports ${allowed.join(' and ')} only, not ${task}; choose another model`, {
      model,
      param: 'task',
      value: task,
    });
  }
}

/** Row-wise argmax of a probability matrix (first maximum wins, so ties go to the lower class). */
export function argmaxRows(P: Matrix): Float64Array {
  const out = new Float64Array(P.rows);
  for (let i = 0; i < P.rows; i++) {
    const o = i * P.cols;
    let best = 0;
    for (let k = 1; k < P.cols; k++) if (P.data[o + k]! > P.data[o + best]!) best = k;
    out[i] = best;
  }
  return out;
}

/** Converts a matrix to the number[][] that ml.js libraries expect (a copy, so they cannot mutate X). */
export function toRows(X: Matrix): number[][] {
  const rows: number[][] = new Array(X.rows);
  for (let i = 0; i < X.rows; i++) rows[i] = Array.from(X.data.subarray(i * X.cols, (i + 1) * X.cols));
  return rows;
}

/** A rows x k matrix of zeros. */
export function zeros(rows: number, k: number): Matrix {
  return matrix(rows, k);
}

/** Validates the params stored in a model file; a bad value is a corrupt file, not a bad config. */
export function readParams<D extends ParamDecls>(model: string, decls: D, params: Record<string, unknown>): ParamsOf<D> {
  try {
    return resolveParams(model, decls, params);
  } catch (e) {
    throw modelFileError(model, `bad params (${(e as Error).message})`, params);
  }
}

/**
 * A 31-bit non-negative integer derived from a model seed and a purpose label, for libraries that
 * insist on an integer seed (ml-random-forest). FNV-1a keeps it dependent on the inputs only.
 */
export function intSeed(seed: number, purpose: string): number {
  const text = `${seed}/${purpose}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) & 0x7fffffff;
}

/**
 * Balanced class weights of the classes present in `y` (class indices 0..nClasses-1): n / (k n_c)
 * for class c with n_c rows, k the number of classes present; 0 for an absent class. Computed on
 * the rows a fit trains on, so each CV fold weights its own rows.
 */
export function balancedClassWeights(y: ArrayLike<number>, nClasses: number): Float64Array {
  const counts = new Float64Array(nClasses);
  for (let i = 0; i < y.length; i++) counts[y[i]!]!++;
  let k = 0;
  for (const c of counts) if (c > 0) k++;
  return counts.map((c) => (c > 0 ? y.length / (k * c) : 0));
}

/** Each row's weight under `ctx.classWeight` (`balanced`: its class's {@link balancedClassWeights}), or null for unweighted rows. */
export function rowClassWeights(y: Float64Array, nClasses: number, classWeight: ModelContext['classWeight']): Float64Array | null {
  if (classWeight !== 'balanced' || nClasses < 2) return null;
  const w = balancedClassWeights(y, nClasses);
  return Float64Array.from(y, (c) => w[c]!);
}
