/**
 * Multinomial logistic regression (`logistic_regression`) with an L2 or L1 penalty in
 * scikit-learn's parametrisation (minimise C * sum of log-losses + ||W||^2 / 2, or + ||W||_1;
 * intercept unpenalised), solved by our own L-BFGS (L2) or OWL-QN (L1, which makes weights
 * exactly zero). Two classes use a single weight vector (a sigmoid), as scikit-learn does, so
 * that C means the same thing.
 */
import type { Estimator, EstimatorJSON, Matrix, ModelContext, ModelSpec } from '../estimator.js';
import { rowClassWeights } from '../common.js';
import { defineFamily, familySpec } from '../descriptor.js';
import { bool, categorical, float, int, resolveParams } from '../hyperparams.js';
import type { ParamsOf } from '../hyperparams.js';
import { AutomlError } from '../../util/errors.js';
import { argmaxRows, checkAbort, checkFit, checkPredict, decodeFloats, modelFileError, notFitted, openJSON, softmaxRows, stateNum, loadParams } from './common.js';
import { lbfgs } from '../../numeric/lbfgs.js';
import { owlqn } from '../../numeric/owlqn.js';
import { addL2, binaryLoss, softmaxLoss, softmaxScratch } from './logistic-kernels.js';

const NAME = 'logistic_regression';
const VERSION = 1;

/** Hyperparameters of {@link LogisticRegression}. */
export const logisticRegressionDecls = {
  /** Inverse regularisation strength, as in scikit-learn. */
  C: float({ min: 0, exclusiveMin: true, log: true, default: 1 }),
  /** 'l2' (L-BFGS) or 'l1' (OWL-QN; sparse weights). */
  penalty: categorical({ choices: ['l2', 'l1'], default: 'l2' }),
  /** Maximum solver iterations. */
  max_iter: int({ min: 1, log: true, default: 100 }),
  /** Gradient tolerance (largest (pseudo-)gradient component of the objective, as SciPy's gtol). */
  tol: float({ min: 0, exclusiveMin: true, log: true, default: 1e-4 }),
  fit_intercept: bool({ default: true }),
};

/** Validated hyperparameters of {@link LogisticRegression}. */
export type LogisticRegressionParams = ParamsOf<typeof logisticRegressionDecls>;

/** Validates logistic-regression hyperparameters; throws E_PARAM naming the bad one. */
export function logisticRegressionParams(params: Record<string, unknown>): LogisticRegressionParams {
  return resolveParams(NAME, logisticRegressionDecls, params);
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

/** L2- or L1-penalised logistic regression. */
export class LogisticRegression implements Estimator {
  readonly name = NAME;
  private fitted: Fitted | null = null;

  constructor(
    readonly params: LogisticRegressionParams,
    readonly nClasses: number,
    private readonly signal?: AbortSignal,
    private readonly classWeight?: ModelContext['classWeight'],
  ) {}

  /** Solver iterations used by the last fit. */
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
    // scikit-learn's objective exactly (sum of losses + ||W||^2 / (2C), or + ||W||_1 / C), so
    // that its gradient and relative-decrease tolerances mean the same here.
    const lam = 1 / P.C;
    const sc = K > 1 ? softmaxScratch(d, n, p, K) : null;
    const labels = Int32Array.from(y);
    const fi = P.fit_intercept;
    const l2 = P.penalty === 'l2';
    // Balanced class weights scale each row's loss term (scikit-learn's class_weight='balanced').
    const rw = rowClassWeights(y, this.nClasses, this.classWeight);
    const fun = (w: Float64Array, g: Float64Array): number =>
      (sc ? softmaxLoss(d, n, p, K, labels, w, g, fi, sc, rw) : binaryLoss(d, n, p, labels, w, g, fi, rw)) + (l2 ? addL2(w, g, K * p, lam) : 0);
    const opt = { maxIter: P.max_iter, gtol: P.tol, onIteration: () => checkAbort(NAME, this.signal) };
    const res = l2 ? lbfgs(fun, new Float64Array(dim), opt) : owlqn(fun, new Float64Array(dim), K * p, lam, opt);
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

/** The `logistic_regression` family: multinomial logistic regression, L2 or L1. */
export const logisticRegressionFamily = defineFamily({
  name: NAME,
  description: 'Multinomial logistic regression with L2 (L-BFGS) or L1 (OWL-QN) penalty',
  tasks: ['classification'],
  classWeights: true,
  params: logisticRegressionDecls,
  // One penalty for every weight is fair only when features share a scale.
  preprocessing: { encoding: 'onehot', scaler: 'standard' },
  space: {
    comment:
      "logistic_regression (classification only; native solvers: L-BFGS for the L2 penalty, OWL-QN for L1, which zeroes weights). C is scikit-learn's inverse regularisation strength; the pipeline's scaling makes one range fit most data.",
    params: { C: { low: 0.001, high: 1000 }, penalty: {} },
  },
  searchRank: 4,
  warmStart: { rank: 2, withSelection: true },
  create: (params, ctx) => new LogisticRegression(params, ctx.nClasses, ctx.signal, ctx.classWeight),
  load: (json) => LogisticRegression.load(json),
});

/** Registry entry of {@link logisticRegressionFamily}. */
export const logisticRegressionSpec: ModelSpec = familySpec(logisticRegressionFamily);
