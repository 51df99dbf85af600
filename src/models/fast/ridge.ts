/**
 * Ridge regression (`ridge`) in closed form: Cholesky of Xc'Xc + alpha I on centred data, so the
 * intercept is not penalised. alpha = 0 is ordinary least squares; when the system is singular
 * a tiny ridge, grown until the factorisation succeeds, stands in.
 */
import type { Estimator, EstimatorJSON, Matrix, MatrixData, ModelSpec } from '../estimator.js';
import { defineFamily, familySpec } from '../descriptor.js';
import { bool, float, resolveParams } from '../hyperparams.js';
import type { ParamsOf } from '../hyperparams.js';
import { AutomlError } from '../../util/errors.js';
import { checkAbort, checkFit, checkPredict, decodeFloats, notFitted, openJSON, stateNum, modelFileError, loadParams } from './common.js';
import { choleskySolve, choleskyWithJitter } from '../../numeric/cholesky.js';
import { AbtWorkspace } from './abt-wasm.js';
import { dotAt } from './logistic-kernels.js';

const NAME = 'ridge';
const VERSION = 1;

/** Hyperparameters of {@link Ridge}. */
export const ridgeDecls = {
  /** L2 penalty; 0 gives ordinary least squares. */
  alpha: float({ min: 0, log: true, default: 1 }),
  fit_intercept: bool({ default: true }),
};

/** Validated hyperparameters of {@link Ridge}. */
export type RidgeParams = ParamsOf<typeof ridgeDecls>;

/** Validates ridge hyperparameters; throws E_PARAM naming the bad one. */
export function ridgeParams(params: Record<string, unknown>): RidgeParams {
  return resolveParams(NAME, ridgeDecls, params);
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
    // Upper triangle of Xc'Xc and Xc'yc, in chunks of rows (see gram).
    const A = new Float64Array(p * p);
    const r = new Float64Array(p);
    gram(d, n, p, mx, y, my, A, r, this.signal);
    let trace = 0;
    for (let j = 0; j < p; j++) trace += A[j * p + j]!;
    // Rounding can make X'X (alpha = 0, collinear columns) indefinite: a tiny ridge relative to
    // the mean diagonal stands in, grown until the factorisation succeeds.
    const L = choleskyWithJitter(A, p, { shift: this.params.alpha, first: 1e-10 * Math.max(trace / p, 1e-12), growth: 100, attempts: 12 });
    if (!L) {
      throw new AutomlError('E_MODEL', `${NAME}: X'X + alpha I is not positive definite even with a jitter; check X for constant or huge columns`, {
        param: 'alpha',
        value: this.params.alpha,
      });
    }
    const w = choleskySolve(L, p, r);
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

/** Rows per chunk of the Gram product: a transposed chunk of 50 features stays in L2. */
const CHUNK = 1024;

/**
 * Accumulates the upper triangle of Xc'Xc into A and Xc'yc into r (Xc = X - mx, yc = y - my).
 * Each chunk of rows is centred into a transposed copy, so every entry of A is a dot product of
 * two contiguous vectors; blocks of two rows x four columns of A keep eight sums in registers
 * with six loads per eight multiply-adds and no store in the inner loop.
 */
function gram(d: MatrixData, n: number, p: number, mx: Float64Array, y: Float64Array, my: number, A: Float64Array, r: Float64Array, signal?: AbortSignal): void {
  // With WebAssembly SIMD the chunk's full T T' (both triangles) is still the faster product.
  const ws = AbtWorkspace.create(p * CHUNK + p * p);
  const T = ws ? ws.f64.subarray(0, p * CHUNK) : new Float64Array(p * CHUNK);
  const yc = new Float64Array(CHUNK);
  for (let i0 = 0; i0 < n; i0 += CHUNK) {
    checkAbort(NAME, signal);
    const len = Math.min(CHUNK, n - i0);
    for (let i = 0; i < len; i++) {
      const o = (i0 + i) * p;
      for (let j = 0; j < p; j++) T[j * len + i] = d[o + j]! - mx[j]!;
      yc[i] = y[i0 + i]! - my;
    }
    for (let j = 0; j < p; j++) r[j]! += dotAt(T, j * len, yc, 0, len);
    if (ws) {
      const c = p * CHUNK;
      ws.abt(0, p, 0, p, len, c);
      const C = ws.f64;
      for (let j = 0; j < p; j++) for (let k = j; k < p; k++) A[j * p + k]! += C[c + j * p + k]!;
    } else gramChunk(T, len, p, A);
  }
}

/** Adds T T' (upper triangle; T is p x len, row-major) into A. */
function gramChunk(T: Float64Array, len: number, p: number, A: Float64Array): void {
  for (let j = 0; j < p; j += 2) {
    for (let k = j; k < p; k += 4) {
      if (j + 1 >= p || k + 3 >= p) {
        // Edge block: entry by entry.
        for (let a = j; a < Math.min(j + 2, p); a++) for (let b = Math.max(k, a); b < Math.min(k + 4, p); b++) A[a * p + b]! += dotAt(T, a * len, T, b * len, len);
        continue;
      }
      const ra = j * len;
      const rb = ra + len;
      const c0 = k * len;
      const c1 = c0 + len;
      const c2 = c1 + len;
      const c3 = c2 + len;
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      let b0 = 0;
      let b1 = 0;
      let b2 = 0;
      let b3 = 0;
      for (let i = 0; i < len; i++) {
        const u = T[ra + i]!;
        const v = T[rb + i]!;
        const x0 = T[c0 + i]!;
        const x1 = T[c1 + i]!;
        const x2 = T[c2 + i]!;
        const x3 = T[c3 + i]!;
        a0 += u * x0;
        a1 += u * x1;
        a2 += u * x2;
        a3 += u * x3;
        b0 += v * x0;
        b1 += v * x1;
        b2 += v * x2;
        b3 += v * x3;
      }
      const oa = j * p + k;
      const ob = oa + p;
      A[oa]! += a0;
      A[oa + 1]! += a1;
      A[oa + 2]! += a2;
      A[oa + 3]! += a3;
      // Row j + 1 starts at column j + 1: b0 (column k = j) lies below the diagonal.
      if (k > j) A[ob]! += b0;
      A[ob + 1]! += b1;
      A[ob + 2]! += b2;
      A[ob + 3]! += b3;
    }
  }
}

/** The `ridge` family: closed-form ridge regression. */
export const ridgeFamily = defineFamily({
  name: NAME,
  description: 'Ridge regression in closed form (Cholesky); alpha = 0 is least squares',
  tasks: ['regression'],
  params: ridgeDecls,
  // One penalty for every coefficient is fair only when features share a scale.
  preprocessing: { encoding: 'onehot', scaler: 'standard' },
  space: {
    comment: 'ridge (regression only; closed form). alpha is the L2 penalty on standardised-scale coefficients; the low end is nearly least squares.',
    params: { alpha: { low: 0.0001, high: 1000 } },
  },
  searchRank: 5,
  warmStart: { rank: 3, withSelection: true },
  create: (params, ctx) => new Ridge(params, ctx.signal),
  load: (json) => Ridge.load(json),
});

/** Registry entry of {@link ridgeFamily}. */
export const ridgeSpec: ModelSpec = familySpec(ridgeFamily);
