/**
 * `linear_regression`: ordinary least squares by Householder QR with column pivoting on the
 * centred data (the intercept is the mean offset, as in the project's ridge). QR works on X itself
 * rather than on X'X, so the condition number is not squared, and the pivoting reveals the rank:
 * with collinear or constant columns, the columns beyond the numerical rank get weight 0 (a basic
 * least-squares solution: the fitted values are those of any least-squares solution, scikit-learn's
 * minimum-norm one included).
 */
import type { Estimator, EstimatorJSON, Matrix, ModelSpec } from './estimator.js';
import { defineFamily, familySpec } from './descriptor.js';
import { bool, resolveParams } from './hyperparams.js';
import type { ParamsOf } from './hyperparams.js';
import { checkAbort, checkFit, checkPredict, loadParams, notFitted, openJSON } from './fast/common.js';
import { checkKeys, readFloats, readNum } from './svm/json.js';

const NAME = 'linear_regression';
const VERSION = 1;
const MAX_FEATURES = 1_000_000;

/** Hyperparameters of {@link LinearRegression}. */
export const linearRegressionDecls = {
  fit_intercept: bool({ default: true }),
};

/** Validated hyperparameters of {@link LinearRegression}. */
export type LinearRegressionParams = ParamsOf<typeof linearRegressionDecls>;

/** Validates `linear_regression` parameters; throws E_PARAM naming the bad one. */
export function linearRegressionParams(params: Record<string, unknown>): LinearRegressionParams {
  return resolveParams(NAME, linearRegressionDecls, params);
}

/** Column means of X (zeros without an intercept) and the mean of y. */
export function centring(X: Matrix, y: Float64Array, fitIntercept: boolean): { mx: Float64Array; my: number } {
  const { rows: n, cols: p, data: d } = X;
  const mx = new Float64Array(p);
  let my = 0;
  if (!fitIntercept) return { mx, my };
  for (let i = 0; i < n; i++) {
    const o = i * p;
    for (let j = 0; j < p; j++) mx[j] = mx[j]! + d[o + j]!;
    my += y[i]!;
  }
  for (let j = 0; j < p; j++) mx[j] = mx[j]! / n;
  return { mx, my: my / n };
}

/** Least squares with the numerical rank of its QR factorisation. */
export function leastSquares(X: Matrix, y: Float64Array, mx: Float64Array, my: number, signal?: AbortSignal): { w: Float64Array; rank: number } {
  const { rows: n, cols: p, data: d } = X;
  // Column-major centred copy: Householder reflections work on contiguous columns.
  const A = new Float64Array(n * p);
  for (let i = 0; i < n; i++) {
    const o = i * p;
    for (let j = 0; j < p; j++) A[j * n + i] = d[o + j]! - mx[j]!;
  }
  const b = Float64Array.from(y, (v) => v - my);
  const perm = Int32Array.from({ length: p }, (_, j) => j);
  const norms = new Float64Array(p);
  const steps = Math.min(n, p);
  const diag = new Float64Array(steps);
  let rank = 0;
  let tol = 0;
  for (let k = 0; k < steps; k++) {
    if ((k & 15) === 0) checkAbort(NAME, signal);
    // Pivot: the remaining column of largest norm below row k.
    let best = k;
    for (let j = k; j < p; j++) {
      let s = 0;
      const o = j * n;
      for (let i = k; i < n; i++) s += A[o + i]! * A[o + i]!;
      norms[j] = s;
      if (s > norms[best]!) best = j;
    }
    if (best !== k) {
      const ok = k * n;
      const ob = best * n;
      for (let i = 0; i < n; i++) {
        const t = A[ok + i]!;
        A[ok + i] = A[ob + i]!;
        A[ob + i] = t;
      }
      const t = perm[k]!;
      perm[k] = perm[best]!;
      perm[best] = t;
    }
    const norm = Math.sqrt(norms[best]!);
    if (k === 0) tol = Math.max(n, p) * 2.220446049250313e-16 * norm;
    if (!(norm > tol) || norm === 0) break;
    rank++;
    // Householder vector v (stored in place of column k below the diagonal), R_kk = -sign * norm.
    const o = k * n;
    const alpha = A[o + k]! > 0 ? -norm : norm;
    A[o + k] = A[o + k]! - alpha;
    let vv = 0;
    for (let i = k; i < n; i++) vv += A[o + i]! * A[o + i]!;
    diag[k] = alpha;
    if (vv === 0) continue;
    for (let j = k + 1; j < p; j++) {
      const oj = j * n;
      let s = 0;
      for (let i = k; i < n; i++) s += A[o + i]! * A[oj + i]!;
      const f = (2 * s) / vv;
      for (let i = k; i < n; i++) A[oj + i] = A[oj + i]! - f * A[o + i]!;
    }
    let s = 0;
    for (let i = k; i < n; i++) s += A[o + i]! * b[i]!;
    const f = (2 * s) / vv;
    for (let i = k; i < n; i++) b[i] = b[i]! - f * A[o + i]!;
  }
  // Back substitution on the leading rank x rank block of R; the other columns keep weight 0.
  const z = new Float64Array(p);
  for (let k = rank - 1; k >= 0; k--) {
    let s = b[k]!;
    for (let j = k + 1; j < rank; j++) s -= A[j * n + k]! * z[j]!;
    z[k] = s / diag[k]!;
  }
  const w = new Float64Array(p);
  for (let k = 0; k < p; k++) w[perm[k]!] = z[k]!;
  return { w, rank };
}

/** Ordinary least squares; see the module comment. */
export class LinearRegression implements Estimator {
  readonly name = NAME;
  private fitted: { w: Float64Array; b: number; rank: number } | null = null;

  constructor(
    readonly params: LinearRegressionParams,
    private readonly signal?: AbortSignal,
  ) {}

  /** Coefficients (a copy), intercept and the numerical rank of the centred design. */
  get coefficients(): { w: Float64Array; b: number; rank: number } {
    const f = this.fitted ?? notFitted(NAME);
    return { w: f.w.slice(), b: f.b, rank: f.rank };
  }

  fit(X: Matrix, y: Float64Array): void {
    checkFit(NAME, X, y, { task: 'regression', nClasses: 0, seed: 0 }, false);
    this.fitted = null;
    const { mx, my } = centring(X, y, this.params.fit_intercept);
    const { w, rank } = leastSquares(X, y, mx, my, this.signal);
    let b = my;
    for (let j = 0; j < X.cols; j++) b -= w[j]! * mx[j]!;
    this.fitted = { w, b, rank };
  }

  predict(X: Matrix): Float64Array {
    const f = this.fitted ?? notFitted(NAME);
    checkPredict(NAME, X, f.w.length);
    return linearPredict(X, f.w, f.b);
  }

  toJSON(): EstimatorJSON {
    const f = this.fitted ?? notFitted(NAME);
    return { model: NAME, version: VERSION, params: { ...this.params }, state: { nFeatures: f.w.length, w: Array.from(f.w), b: f.b, rank: f.rank } };
  }

  /** Restores from {@link LinearRegression.toJSON} output, validating every field. */
  static load(json: EstimatorJSON): LinearRegression {
    const s = openJSON(NAME, VERSION, json);
    const m = new LinearRegression(loadParams(NAME, linearRegressionParams, json.params));
    checkKeys(NAME, 'state', s, ['nFeatures', 'w', 'b', 'rank']);
    const p = readNum(NAME, 'state.nFeatures', s.nFeatures, { int: true, min: 1, max: MAX_FEATURES });
    const w = readFloats(NAME, 'state.w', s.w, p);
    m.fitted = { w, b: readNum(NAME, 'state.b', s.b), rank: readNum(NAME, 'state.rank', s.rank, { int: true, min: 0, max: p }) };
    return m;
  }
}

/** X w + b for every row. */
export function linearPredict(X: Matrix, w: Float64Array, b: number): Float64Array {
  const p = X.cols;
  const out = new Float64Array(X.rows);
  for (let i = 0; i < X.rows; i++) {
    const o = i * p;
    let s = b;
    for (let j = 0; j < p; j++) s += w[j]! * X.data[o + j]!;
    out[i] = s;
  }
  return out;
}

/** `linear_regression`: ordinary least squares. Not in the default search (no searchRank) yet. */
export const linearRegressionFamily = defineFamily({
  name: NAME,
  description: 'Ordinary least squares (Householder QR with column pivoting; collinear columns get weight 0)',
  tasks: ['regression'],
  params: linearRegressionDecls,
  // Unpenalised: scaling does not change the fit, but one-hot columns keep categories apart.
  preprocessing: { encoding: 'onehot', scaler: 'standard' },
  space: { comment: 'linear_regression (regression only; ordinary least squares by pivoted QR): no hyperparameter to search. Not in the default search space yet.', params: {} },
  create: (params, ctx) => new LinearRegression(params, ctx.signal),
  load: (json) => LinearRegression.load(json),
});

/** Registry entry of {@link linearRegressionFamily}. */
export const linearRegressionSpec: ModelSpec = familySpec(linearRegressionFamily);
