/**
 * Ridge regression (`ridge`) in closed form: Cholesky of Xc'Xc + alpha I on centred data, so the
 * intercept is not penalised. alpha = 0 is ordinary least squares; when the system is singular
 * a tiny ridge, grown until the factorisation succeeds, stands in.
 */
import type { Estimator, EstimatorJSON, Matrix, ModelContext, ModelSpec } from '../estimator.js';
import { AutomlError } from '../../util/errors.js';
import { checkAbort, checkFit, checkPredict, decodeFloats, notFitted, openJSON, stateNum, modelFileError, loadParams } from './common.js';
import { boolParam, numParam, rejectUnknown } from './params.js';

const NAME = 'ridge';
const VERSION = 1;

/** Validated hyperparameters of {@link Ridge}. */
export interface RidgeParams {
  /** L2 penalty; 0 gives ordinary least squares. Default 1. */
  readonly alpha: number;
  readonly fit_intercept: boolean;
}

/** Validates ridge hyperparameters; throws E_PARAM naming the bad one. */
export function ridgeParams(params: Record<string, unknown>): RidgeParams {
  rejectUnknown(NAME, params, ['alpha', 'fit_intercept']);
  return { alpha: numParam(NAME, params, 'alpha', 1, { min: 0 }), fit_intercept: boolParam(NAME, params, 'fit_intercept', true) };
}

/** Closed-form ridge regression. */
export class Ridge implements Estimator {
  readonly name = NAME;
  private fitted: { w: Float64Array; b: number } | null = null;

  constructor(
    readonly params: RidgeParams,
    private readonly signal?: AbortSignal,
  ) {}

  /** Fitted coefficients (a copy) and intercept. */
  get coefficients(): { w: Float64Array; b: number } {
    const f = this.fitted ?? notFitted(NAME);
    return { w: f.w.slice(), b: f.b };
  }

  fit(X: Matrix, y: Float64Array): void {
    checkFit(NAME, X, y, { task: 'regression', nClasses: 0, seed: 0 }, false);
    this.fitted = null;
    const { rows: n, cols: p, data: d } = X;
    const mx = new Float64Array(p);
    let my = 0;
    if (this.params.fit_intercept) {
      for (let i = 0; i < n; i++) {
        const o = i * p;
        for (let j = 0; j < p; j++) mx[j]! += d[o + j]!;
        my += y[i]!;
      }
      for (let j = 0; j < p; j++) mx[j]! /= n;
      my /= n;
    }
    // Upper triangle of Xc'Xc and Xc'yc in one pass over the rows, four rows at a time so each
    // entry of A is read and written once per four rows.
    const A = new Float64Array(p * p);
    const r = new Float64Array(p);
    gram(d, n, p, mx, y, my, A, r, this.signal);
    let trace = 0;
    for (let j = 0; j < p; j++) trace += A[j * p + j]!;
    let jitter = 0;
    let L: Float64Array | null = null;
    for (let attempt = 0; attempt < 12 && !L; attempt++) {
      L = cholesky(A, p, this.params.alpha + jitter);
      jitter = jitter === 0 ? 1e-10 * Math.max(trace / p, 1e-12) : jitter * 100;
    }
    if (!L) {
      throw new AutomlError('E_MODEL', `${NAME}: X'X + alpha I is not positive definite even with a jitter; check X for constant or huge columns`, {
        param: 'alpha',
        value: this.params.alpha,
      });
    }
    const w = solveCholesky(L, p, r);
    let b = my;
    for (let j = 0; j < p; j++) b -= w[j]! * mx[j]!;
    this.fitted = { w, b };
  }

  predict(X: Matrix): Float64Array {
    const f = this.fitted ?? notFitted(NAME);
    checkPredict(NAME, X, f.w.length);
    const p = X.cols;
    const out = new Float64Array(X.rows);
    for (let i = 0; i < X.rows; i++) {
      let s = f.b;
      for (let j = 0; j < p; j++) s += f.w[j]! * X.data[i * p + j]!;
      out[i] = s;
    }
    return out;
  }

  toJSON(): EstimatorJSON {
    const f = this.fitted ?? notFitted(NAME);
    return { model: NAME, version: VERSION, params: { ...this.params }, state: { w: Array.from(f.w), b: f.b } };
  }

  /** Restores from {@link Ridge.toJSON} output. */
  static load(json: EstimatorJSON): Ridge {
    const s = openJSON(NAME, VERSION, json);
    const m = new Ridge(loadParams(NAME, ridgeParams, json.params));
    const w = decodeFloats(NAME, 'state.w', s.w);
    if (w.length === 0) modelFileError(NAME, 'state.w', s.w, 'a non-empty array of weights');
    m.fitted = { w, b: stateNum(NAME, s, 'b') };
    return m;
  }
}

/** Accumulates the upper triangle of Xc'Xc into A and Xc'yc into r (Xc = X - mx, yc = y - my). */
function gram(d: Float64Array, n: number, p: number, mx: Float64Array, y: Float64Array, my: number, A: Float64Array, r: Float64Array, signal?: AbortSignal): void {
  const c0 = new Float64Array(p);
  const c1 = new Float64Array(p);
  const c2 = new Float64Array(p);
  const c3 = new Float64Array(p);
  let i = 0;
  for (; i + 3 < n; i += 4) {
    if ((i & 0xfffc) === 0) checkAbort(NAME, signal);
    for (let j = 0; j < p; j++) {
      const m = mx[j]!;
      c0[j] = d[i * p + j]! - m;
      c1[j] = d[(i + 1) * p + j]! - m;
      c2[j] = d[(i + 2) * p + j]! - m;
      c3[j] = d[(i + 3) * p + j]! - m;
    }
    const y0 = y[i]! - my;
    const y1 = y[i + 1]! - my;
    const y2 = y[i + 2]! - my;
    const y3 = y[i + 3]! - my;
    for (let j = 0; j < p; j++) {
      const a0 = c0[j]!;
      const a1 = c1[j]!;
      const a2 = c2[j]!;
      const a3 = c3[j]!;
      r[j]! += a0 * y0 + a1 * y1 + (a2 * y2 + a3 * y3);
      const row = j * p;
      for (let k = j; k < p; k++) A[row + k]! += a0 * c0[k]! + a1 * c1[k]! + (a2 * c2[k]! + a3 * c3[k]!);
    }
  }
  for (; i < n; i++) {
    for (let j = 0; j < p; j++) c0[j] = d[i * p + j]! - mx[j]!;
    const yc = y[i]! - my;
    for (let j = 0; j < p; j++) {
      const v = c0[j]!;
      r[j]! += v * yc;
      for (let k = j; k < p; k++) A[j * p + k]! += v * c0[k]!;
    }
  }
}

/** Lower Cholesky factor of (upper-triangle-stored A) + ridge I, or null if not positive definite. */
function cholesky(A: Float64Array, p: number, ridge: number): Float64Array | null {
  const L = new Float64Array(p * p);
  for (let j = 0; j < p; j++) {
    let s = A[j * p + j]! + ridge;
    for (let k = 0; k < j; k++) s -= L[j * p + k]! * L[j * p + k]!;
    if (!(s > 1e-300)) return null;
    const ljj = Math.sqrt(s);
    L[j * p + j] = ljj;
    for (let i = j + 1; i < p; i++) {
      let t = A[j * p + i]!;
      for (let k = 0; k < j; k++) t -= L[i * p + k]! * L[j * p + k]!;
      L[i * p + j] = t / ljj;
    }
  }
  return L;
}

/** Solves L L' w = r. */
function solveCholesky(L: Float64Array, p: number, r: Float64Array): Float64Array {
  const z = new Float64Array(p);
  for (let i = 0; i < p; i++) {
    let s = r[i]!;
    for (let k = 0; k < i; k++) s -= L[i * p + k]! * z[k]!;
    z[i] = s / L[i * p + i]!;
  }
  const w = new Float64Array(p);
  for (let i = p - 1; i >= 0; i--) {
    let s = z[i]!;
    for (let k = i + 1; k < p; k++) s -= L[k * p + i]! * w[k]!;
    w[i] = s / L[i * p + i]!;
  }
  return w;
}

/** Registry entry for {@link Ridge}. */
export const ridgeSpec: ModelSpec = {
  name: NAME,
  description: 'Ridge regression in closed form (Cholesky); alpha = 0 is least squares',
  tasks: ['regression'],
  create(params: Record<string, unknown>, ctx: ModelContext): Estimator {
    if (ctx.task !== 'regression') {
      throw new AutomlError('E_PARAM', `${NAME}: only regression is supported, got task "${ctx.task}"; use logistic_regression for classification`, {
        value: ctx.task,
      });
    }
    return new Ridge(ridgeParams(params), ctx.signal);
  },
  load: (json) => Ridge.load(json),
};
