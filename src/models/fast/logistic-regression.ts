/**
 * Multinomial logistic regression (`logistic_regression`) with an L2 penalty in scikit-learn's
 * parametrisation (minimise C * sum of log-losses + ||W||^2 / 2, intercept unpenalised), solved
 * by our own L-BFGS. Two classes use a single weight vector (a sigmoid), as scikit-learn does, so
 * that C means the same thing.
 */
import type { Estimator, EstimatorJSON, Matrix, ModelContext, ModelSpec } from '../estimator.js';
import { AutomlError } from '../../util/errors.js';
import { argmaxRows, checkAbort, checkFit, checkPredict, decodeFloats, modelFileError, notFitted, openJSON, softmaxRows, stateNum, loadParams } from './common.js';
import { lbfgs } from './lbfgs.js';
import { boolParam, numParam, rejectUnknown } from './params.js';

const NAME = 'logistic_regression';
const VERSION = 1;

/** Validated hyperparameters of {@link LogisticRegression}. */
export interface LogisticRegressionParams {
  /** Inverse regularisation strength, as in scikit-learn. Default 1. */
  readonly C: number;
  /** Maximum L-BFGS iterations. Default 100. */
  readonly max_iter: number;
  /** Gradient tolerance (largest gradient component of the objective, as SciPy's gtol). Default 1e-4. */
  readonly tol: number;
  readonly fit_intercept: boolean;
}

/** Validates logistic-regression hyperparameters; throws E_PARAM naming the bad one. */
export function logisticRegressionParams(params: Record<string, unknown>): LogisticRegressionParams {
  rejectUnknown(NAME, params, ['C', 'max_iter', 'tol', 'fit_intercept']);
  return {
    C: numParam(NAME, params, 'C', 1, { min: 0, minExclusive: true }),
    max_iter: numParam(NAME, params, 'max_iter', 100, { min: 1, int: true }),
    tol: numParam(NAME, params, 'tol', 1e-4, { min: 0, minExclusive: true }),
    fit_intercept: boolParam(NAME, params, 'fit_intercept', true),
  };
}

interface Fitted {
  readonly p: number;
  /** Score columns: 1 for two classes, else nClasses. */
  readonly K: number;
  /** K x p, row-major. */
  readonly W: Float64Array;
  readonly b: Float64Array;
  readonly iterations: number;
}

/** L2-penalised logistic regression. */
export class LogisticRegression implements Estimator {
  readonly name = NAME;
  private fitted: Fitted | null = null;

  constructor(
    readonly params: LogisticRegressionParams,
    readonly nClasses: number,
    private readonly signal?: AbortSignal,
  ) {}

  /** L-BFGS iterations used by the last fit. */
  get iterations(): number {
    return this.fitted?.iterations ?? 0;
  }

  fit(X: Matrix, y: Float64Array): void {
    checkFit(NAME, X, y, { task: 'classification', nClasses: this.nClasses, seed: 0 }, false);
    this.fitted = null;
    const { rows: n, cols: p, data: d } = X;
    const K = this.nClasses === 2 ? 1 : this.nClasses;
    const P = this.params;
    const dim = K * p + K;
    // scikit-learn's objective exactly (sum of losses + ||W||^2 / (2C)), so that its gradient
    // and relative-decrease tolerances mean the same here.
    const lam = 1 / P.C;
    const z = new Float64Array(n * K);
    const labels = Int32Array.from(y);
    const fi = P.fit_intercept;
    const fun = (w: Float64Array, g: Float64Array): number =>
      K === 1 ? binaryLossGrad(d, n, p, labels, w, g, fi, lam) : softmaxLossGrad(d, n, p, K, labels, w, g, fi, lam, z);
    const res = lbfgs(fun, new Float64Array(dim), {
      maxIter: P.max_iter,
      gtol: P.tol,
      onIteration: () => checkAbort(NAME, this.signal),
    });
    const w = res.x;
    if (!w.every(Number.isFinite)) {
      throw new AutomlError('E_MODEL', `${NAME}: the solver diverged (non-finite weights) with C=${P.C}; scale the features or lower C`, {
        param: 'C',
        value: P.C,
      });
    }
    this.fitted = { p, K, W: w.slice(0, K * p), b: w.slice(K * p), iterations: res.iterations };
  }

  predictProba(X: Matrix): Matrix {
    const f = this.fitted ?? notFitted(NAME);
    checkPredict(NAME, X, f.p);
    const { p, K, W, b } = f;
    const C = this.nClasses;
    const out = new Float64Array(X.rows * C);
    const d = X.data;
    for (let i = 0; i < X.rows; i++) {
      const o = i * p;
      for (let k = 0; k < K; k++) {
        let s = b[k]!;
        for (let j = 0; j < p; j++) s += W[k * p + j]! * d[o + j]!;
        if (K === 1) {
          const p1 = 1 / (1 + Math.exp(-s));
          out[2 * i] = 1 - p1;
          out[2 * i + 1] = p1;
        } else out[i * C + k] = s;
      }
    }
    if (K > 1) softmaxRows(out, C);
    return { rows: X.rows, cols: C, data: out };
  }

  predict(X: Matrix): Float64Array {
    return argmaxRows(this.predictProba(X).data, this.nClasses);
  }

  toJSON(): EstimatorJSON {
    const f = this.fitted ?? notFitted(NAME);
    return {
      model: NAME,
      version: VERSION,
      params: { ...this.params },
      state: { nClasses: this.nClasses, p: f.p, K: f.K, W: Array.from(f.W), b: Array.from(f.b), iterations: f.iterations },
    };
  }

  /** Restores from {@link LogisticRegression.toJSON} output. */
  static load(json: EstimatorJSON): LogisticRegression {
    const s = openJSON(NAME, VERSION, json);
    const nClasses = stateNum(NAME, s, 'nClasses', true);
    if (nClasses < 2) modelFileError(NAME, 'state.nClasses', nClasses, 'at least 2');
    const m = new LogisticRegression(loadParams(NAME, logisticRegressionParams, json.params), nClasses);
    const p = stateNum(NAME, s, 'p', true);
    const K = nClasses === 2 ? 1 : nClasses;
    const W = decodeFloats(NAME, 'state.W', s.W);
    const b = decodeFloats(NAME, 'state.b', s.b);
    if (W.length !== K * p) modelFileError(NAME, 'state.W', W.length, `${K * p} weights`);
    if (b.length !== K) modelFileError(NAME, 'state.b', b.length, `${K} intercepts`);
    m.fitted = { p, K, W, b, iterations: stateNum(NAME, s, 'iterations', true) };
    return m;
  }
}

// The objective kernels are top-level functions over typed arrays so that V8 optimises them
// once, independent of the closure that calls them.

/** Binary objective (sum of log-losses + lam/2 ||w||^2) and its gradient; w = [weights, bias]. */
function binaryLossGrad(d: Float64Array, n: number, p: number, y: Int32Array, w: Float64Array, g: Float64Array, fitIntercept: boolean, lam: number): number {
  g.fill(0);
  const b = fitIntercept ? w[p]! : 0;
  let loss = 0;
  let gb = 0;
  for (let i = 0; i < n; i++) {
    const o = i * p;
    const s = b + dotAt(w, 0, d, o, p);
    // log(1 + e^s) - y s without overflow; residual sigmoid(s) - y.
    loss += (s > 0 ? s + Math.log1p(Math.exp(-s)) : Math.log1p(Math.exp(s))) - y[i]! * s;
    const r = 1 / (1 + Math.exp(-s)) - y[i]!;
    for (let j = 0; j < p; j++) g[j]! += r * d[o + j]!;
    gb += r;
  }
  let pen = 0;
  for (let j = 0; j < p; j++) {
    pen += w[j]! * w[j]!;
    g[j]! += lam * w[j]!;
  }
  g[p] = fitIntercept ? gb : 0;
  return loss + 0.5 * lam * pen;
}

/**
 * Multinomial objective and gradient; w = [K x p weights row-major, K biases]. Rows go in blocks
 * of four so each weight (forward) and each gradient entry (backward) is loaded once per four
 * rows; `z` is an n x K scratch that holds scores, then residuals.
 */
function softmaxLossGrad(d: Float64Array, n: number, p: number, K: number, y: Int32Array, w: Float64Array, g: Float64Array, fitIntercept: boolean, lam: number, z: Float64Array): number {
  g.fill(0);
  const kp = K * p;
  let i0 = 0;
  for (; i0 + 3 < n; i0 += 4) {
    const o0 = i0 * p;
    const o1 = o0 + p;
    const o2 = o1 + p;
    const o3 = o2 + p;
    // Two classes x four rows per pass: eight independent sums per loaded weight pair.
    let k = 0;
    for (; k + 1 < K; k += 2) {
      const wa = k * p;
      const wb = wa + p;
      const ba = fitIntercept ? w[kp + k]! : 0;
      const bb = fitIntercept ? w[kp + k + 1]! : 0;
      let a0 = ba;
      let a1 = ba;
      let a2 = ba;
      let a3 = ba;
      let b0 = bb;
      let b1 = bb;
      let b2 = bb;
      let b3 = bb;
      for (let j = 0; j < p; j++) {
        const x0 = d[o0 + j]!;
        const x1 = d[o1 + j]!;
        const x2 = d[o2 + j]!;
        const x3 = d[o3 + j]!;
        const u = w[wa + j]!;
        const v = w[wb + j]!;
        a0 += u * x0;
        a1 += u * x1;
        a2 += u * x2;
        a3 += u * x3;
        b0 += v * x0;
        b1 += v * x1;
        b2 += v * x2;
        b3 += v * x3;
      }
      z[i0 * K + k] = a0;
      z[(i0 + 1) * K + k] = a1;
      z[(i0 + 2) * K + k] = a2;
      z[(i0 + 3) * K + k] = a3;
      z[i0 * K + k + 1] = b0;
      z[(i0 + 1) * K + k + 1] = b1;
      z[(i0 + 2) * K + k + 1] = b2;
      z[(i0 + 3) * K + k + 1] = b3;
    }
    for (; k < K; k++) {
      const wo = k * p;
      const b = fitIntercept ? w[kp + k]! : 0;
      let s0 = b;
      let s1 = b;
      let s2 = b;
      let s3 = b;
      for (let j = 0; j < p; j++) {
        const wj = w[wo + j]!;
        s0 += wj * d[o0 + j]!;
        s1 += wj * d[o1 + j]!;
        s2 += wj * d[o2 + j]!;
        s3 += wj * d[o3 + j]!;
      }
      z[i0 * K + k] = s0;
      z[(i0 + 1) * K + k] = s1;
      z[(i0 + 2) * K + k] = s2;
      z[(i0 + 3) * K + k] = s3;
    }
  }
  for (let i = i0; i < n; i++) {
    for (let k = 0; k < K; k++) z[i * K + k] = (fitIntercept ? w[kp + k]! : 0) + dotAt(w, k * p, d, i * p, p);
  }
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const o = i * K;
    let mx = -Infinity;
    for (let k = 0; k < K; k++) if (z[o + k]! > mx) mx = z[o + k]!;
    let se = 0;
    for (let k = 0; k < K; k++) se += z[o + k] = Math.exp(z[o + k]! - mx);
    const yi = y[i]!;
    loss += Math.log(se) - Math.log(z[o + yi]!);
    const inv = 1 / se;
    for (let k = 0; k < K; k++) {
      const r = z[o + k]! * inv - (k === yi ? 1 : 0);
      z[o + k] = r;
      g[kp + k]! += r;
    }
  }
  i0 = 0;
  for (; i0 + 3 < n; i0 += 4) {
    const o0 = i0 * p;
    const o1 = o0 + p;
    const o2 = o1 + p;
    const o3 = o2 + p;
    let k = 0;
    for (; k + 1 < K; k += 2) {
      const wa = k * p;
      const wb = wa + p;
      const r0 = z[i0 * K + k]!;
      const r1 = z[(i0 + 1) * K + k]!;
      const r2 = z[(i0 + 2) * K + k]!;
      const r3 = z[(i0 + 3) * K + k]!;
      const q0 = z[i0 * K + k + 1]!;
      const q1 = z[(i0 + 1) * K + k + 1]!;
      const q2 = z[(i0 + 2) * K + k + 1]!;
      const q3 = z[(i0 + 3) * K + k + 1]!;
      for (let j = 0; j < p; j++) {
        const x0 = d[o0 + j]!;
        const x1 = d[o1 + j]!;
        const x2 = d[o2 + j]!;
        const x3 = d[o3 + j]!;
        g[wa + j]! += r0 * x0 + r1 * x1 + (r2 * x2 + r3 * x3);
        g[wb + j]! += q0 * x0 + q1 * x1 + (q2 * x2 + q3 * x3);
      }
    }
    for (; k < K; k++) {
      const wo = k * p;
      const r0 = z[i0 * K + k]!;
      const r1 = z[(i0 + 1) * K + k]!;
      const r2 = z[(i0 + 2) * K + k]!;
      const r3 = z[(i0 + 3) * K + k]!;
      for (let j = 0; j < p; j++) g[wo + j]! += r0 * d[o0 + j]! + r1 * d[o1 + j]! + (r2 * d[o2 + j]! + r3 * d[o3 + j]!);
    }
  }
  for (let i = i0; i < n; i++) {
    for (let k = 0; k < K; k++) {
      const r = z[i * K + k]!;
      const wo = k * p;
      for (let j = 0; j < p; j++) g[wo + j]! += r * d[i * p + j]!;
    }
  }
  let pen = 0;
  for (let j = 0; j < kp; j++) {
    pen += w[j]! * w[j]!;
    g[j]! += lam * w[j]!;
  }
  if (!fitIntercept) for (let k = 0; k < K; k++) g[kp + k] = 0;
  return loss + 0.5 * lam * pen;
}

/** Dot product of a[ao..ao+p) and b[bo..bo+p) with four accumulators, to hide add latency. */
function dotAt(a: Float64Array, ao: number, b: Float64Array, bo: number, p: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  for (; j + 3 < p; j += 4) {
    s0 += a[ao + j]! * b[bo + j]!;
    s1 += a[ao + j + 1]! * b[bo + j + 1]!;
    s2 += a[ao + j + 2]! * b[bo + j + 2]!;
    s3 += a[ao + j + 3]! * b[bo + j + 3]!;
  }
  for (; j < p; j++) s0 += a[ao + j]! * b[bo + j]!;
  return s0 + s1 + (s2 + s3);
}

/** Registry entry for {@link LogisticRegression}. */
export const logisticRegressionSpec: ModelSpec = {
  name: NAME,
  description: 'Multinomial logistic regression with L2 penalty, solved by L-BFGS',
  tasks: ['classification'],
  create(params: Record<string, unknown>, ctx: ModelContext): Estimator {
    if (ctx.task !== 'classification') {
      throw new AutomlError('E_PARAM', `${NAME}: only classification is supported, got task "${ctx.task}"; use ridge for regression`, {
        value: ctx.task,
      });
    }
    return new LogisticRegression(logisticRegressionParams(params), ctx.nClasses, ctx.signal);
  },
  load: (json) => LogisticRegression.load(json),
};
