/**
 * `elastic_net`: linear regression with scikit-learn's elastic-net objective
 *
 *   (1 / (2n)) |y - Xw - b|^2 + alpha l1_ratio |w|_1 + (alpha (1 - l1_ratio) / 2) |w|^2,
 *
 * by cyclic (or seeded random) coordinate descent on centred data (the intercept is not
 * penalised; columns are not rescaled, as in the project's ridge: the pipeline's scaler does that).
 * Each coordinate step is the soft-thresholded univariate solution against the running residual
 * (Friedman, Hastie and Tibshirani 2010, "Regularization paths for generalized linear models via
 * coordinate descent"); with more rows than columns the steps run on the Gram matrix X'X
 * (their covariance updates), each then costing O(p) instead of O(n). Stopping: when the largest
 * coefficient change of a pass is below tol x the largest coefficient, the duality gap of the
 * problem (written as a lasso on augmented data) is computed, and the solve ends once it is below
 * tol x |y - mean y|^2.
 */
import type { Estimator, EstimatorJSON, Matrix, MatrixData, ModelSpec } from './estimator.js';
import { defineFamily, familySpec } from './descriptor.js';
import { bool, categorical, float, int, resolveParams } from './hyperparams.js';
import type { ParamsOf } from './hyperparams.js';
import { checkAbort, checkFit, checkPredict, loadParams, notFitted, openJSON } from './fast/common.js';
import { centring, linearPredict } from './linear-regression.js';
import { acquireWorkspace, releaseWorkspace } from './svm/workspace.js';
import { dotRows } from './svm/kernel.js';
import { checkKeys, readBool, readFloats, readNum } from './svm/json.js';
import { createRng } from '../util/rng.js';

const NAME = 'elastic_net';
const VERSION = 1;
const MAX_FEATURES = 1_000_000;

/** Hyperparameters of {@link ElasticNet} (scikit-learn's names and defaults). */
export const elasticNetDecls = {
  /** Overall penalty (> 0; linear_regression fits without one). */
  alpha: float({ min: 0, exclusiveMin: true, max: 1e12, log: true, default: 1 }),
  /** Share of the L1 part: 0 is a ridge penalty, 1 the lasso. */
  l1_ratio: float({ min: 0, max: 1, default: 0.5 }),
  fit_intercept: bool({ default: true }),
  /** Passes over the coordinates. */
  max_iter: int({ min: 1, max: 1e7, log: true, default: 1000 }),
  /** Tolerance of the stopping rule (relative coefficient change, then duality gap / |y - mean y|^2). */
  tol: float({ min: 0, exclusiveMin: true, max: 1, log: true, default: 1e-4 }),
  /** 'cyclic' or 'random' (a seeded random coordinate per step). */
  selection: categorical({ choices: ['cyclic', 'random'], default: 'cyclic' }),
};

/** Validated hyperparameters of {@link ElasticNet}. */
export type ElasticNetParams = ParamsOf<typeof elasticNetDecls>;

/** Validates `elastic_net` parameters; throws E_PARAM naming the bad one. */
export function elasticNetParams(params: Record<string, unknown>): ElasticNetParams {
  return resolveParams(NAME, elasticNetDecls, params);
}

/** Result of {@link coordinateDescent}. */
export interface EnetSolution {
  readonly w: Float64Array;
  readonly iterations: number;
  readonly gap: number;
  readonly converged: boolean;
}

/**
 * Minimises 1/2 |r|^2 + l1 |w|_1 + l2/2 |w|^2 with r = yc - Xc w, Xc column-major (n x p),
 * yc centred; l1 and l2 are alpha l1_ratio n and alpha (1 - l1_ratio) n.
 */
export function coordinateDescent(Xc: Float64Array, n: number, p: number, yc: Float64Array, l1: number, l2: number, opt: { maxIter: number; tol: number; random: boolean; seed: number; signal?: AbortSignal }): EnetSolution {
  const w = new Float64Array(p);
  const R = Float64Array.from(yc);
  const colNorm = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    let s = 0;
    const o = j * n;
    for (let i = 0; i < n; i++) s += Xc[o + i]! * Xc[o + i]!;
    colNorm[j] = s;
  }
  let yy = 0;
  for (let i = 0; i < n; i++) yy += yc[i]! * yc[i]!;
  const tol = opt.tol * yy;
  const rng = opt.random ? createRng(`${opt.seed}/elastic_net`) : null;
  let gap = tol + 1;
  let iter = 0;
  let converged = false;
  for (; iter < opt.maxIter; iter++) {
    if ((iter & 7) === 0) checkAbort(NAME, opt.signal);
    let wMax = 0;
    let dMax = 0;
    for (let t = 0; t < p; t++) {
      const j = rng ? Math.floor(rng.next() * p) : t;
      const nj = colNorm[j]!;
      if (nj === 0) continue;
      const o = j * n;
      const old = w[j]!;
      // rho = x_j . (r + x_j w_j): the fit of column j to the residual without itself.
      let rho = 0;
      for (let i = 0; i < n; i++) rho += Xc[o + i]! * R[i]!;
      rho += nj * old;
      const mag = Math.abs(rho) - l1;
      const next = mag > 0 ? (Math.sign(rho) * mag) / (nj + l2) : 0;
      if (next !== old) {
        const d = old - next;
        for (let i = 0; i < n; i++) R[i] = R[i]! + d * Xc[o + i]!;
        w[j] = next;
      }
      dMax = Math.max(dMax, Math.abs(next - old));
      wMax = Math.max(wMax, Math.abs(next));
    }
    if (wMax === 0 || dMax / wMax < opt.tol || iter === opt.maxIter - 1) {
      gap = dualityGap(Xc, n, p, yc, R, w, l1, l2);
      if (gap < tol) {
        converged = true;
        iter++;
        break;
      }
    }
  }
  return { w, iterations: iter, gap, converged };
}

/**
 * Duality gap of the elastic net seen as a lasso on [X; sqrt(l2) I], [y; 0]: the dual point is
 * the augmented residual scaled into the dual feasible set |X~' theta|_inf <= l1.
 */
function dualityGap(Xc: Float64Array, n: number, p: number, yc: Float64Array, R: Float64Array, w: Float64Array, l1: number, l2: number): number {
  let dual = 0;
  let wNorm2 = 0;
  let wNorm1 = 0;
  for (let j = 0; j < p; j++) {
    const o = j * n;
    let s = 0;
    for (let i = 0; i < n; i++) s += Xc[o + i]! * R[i]!;
    dual = Math.max(dual, Math.abs(s - l2 * w[j]!));
    wNorm2 += w[j]! * w[j]!;
    wNorm1 += Math.abs(w[j]!);
  }
  let rr = 0;
  let ry = 0;
  for (let i = 0; i < n; i++) {
    rr += R[i]! * R[i]!;
    ry += R[i]! * yc[i]!;
  }
  const s = dual > l1 ? l1 / dual : 1;
  return 0.5 * (1 + s * s) * (rr + l2 * wNorm2) + l1 * wNorm1 - s * ry;
}

/**
 * The same minimisation from the Gram matrix G = Xc'Xc (p x p) and c = Xc'yc (Friedman, Hastie
 * and Tibshirani's "covariance updates"): q = Xc'r = c - G w is kept up to date, so a coordinate
 * step costs O(p) instead of O(n), and the duality gap follows from |r|^2 = |yc|^2 - 2 w'c + w'Gw
 * and r'yc = |yc|^2 - w'c. The coordinates, steps and stopping rule are those of
 * {@link coordinateDescent}; only the arithmetic differs (rounding, at the level of the tolerance).
 */
export function coordinateDescentGram(G: Float64Array, c: Float64Array, yy: number, p: number, l1: number, l2: number, opt: { maxIter: number; tol: number; random: boolean; seed: number; signal?: AbortSignal }): EnetSolution {
  const w = new Float64Array(p);
  const q = Float64Array.from(c);
  const tol = opt.tol * yy;
  const rng = opt.random ? createRng(`${opt.seed}/elastic_net`) : null;
  let gap = tol + 1;
  let iter = 0;
  let converged = false;
  for (; iter < opt.maxIter; iter++) {
    if ((iter & 63) === 0) checkAbort(NAME, opt.signal);
    let wMax = 0;
    let dMax = 0;
    for (let t = 0; t < p; t++) {
      const j = rng ? Math.floor(rng.next() * p) : t;
      const nj = G[j * p + j]!;
      if (nj === 0) continue;
      const old = w[j]!;
      const rho = q[j]! + nj * old;
      const mag = Math.abs(rho) - l1;
      const next = mag > 0 ? (Math.sign(rho) * mag) / (nj + l2) : 0;
      if (next !== old) {
        // G is symmetric: row j is column j.
        const d = next - old;
        const o = j * p;
        for (let k = 0; k < p; k++) q[k] = q[k]! - d * G[o + k]!;
        w[j] = next;
      }
      dMax = Math.max(dMax, Math.abs(next - old));
      wMax = Math.max(wMax, Math.abs(next));
    }
    if (wMax === 0 || dMax / wMax < opt.tol || iter === opt.maxIter - 1) {
      let wc = 0;
      let wGw = 0;
      let dual = 0;
      let wNorm1 = 0;
      let wNorm2 = 0;
      for (let j = 0; j < p; j++) {
        wc += w[j]! * c[j]!;
        // (Gw)_j = c_j - q_j.
        wGw += w[j]! * (c[j]! - q[j]!);
        dual = Math.max(dual, Math.abs(q[j]! - l2 * w[j]!));
        wNorm1 += Math.abs(w[j]!);
        wNorm2 += w[j]! * w[j]!;
      }
      const rr = Math.max(yy - 2 * wc + wGw, 0);
      const ry = yy - wc;
      const sc = dual > l1 ? l1 / dual : 1;
      gap = 0.5 * (1 + sc * sc) * (rr + l2 * wNorm2) + l1 * wNorm1 - sc * ry;
      if (gap < tol) {
        converged = true;
        iter++;
        break;
      }
    }
  }
  return { w, iterations: iter, gap, converged };
}

/** Largest column count for which the Gram form is used (p^2 memory, n p^2 work once). */
const GRAM_MAX_FEATURES = 2000;

/** Rows per block of the Gram product. */
const BLOCK = 1024;

/**
 * G = Xc'Xc, c = Xc'yc and |yc|^2 with Xc = X - mx, yc = y - my, one block of rows at a time: each
 * block is centred into a transposed copy T (p x rows, so that every entry of G is a dot product
 * of contiguous rows) and T T' is added to G, in WebAssembly SIMD where available.
 */
function centredGram(d: MatrixData, n: number, p: number, mx: Float64Array, y: Float64Array, my: number): { G: Float64Array; c: Float64Array; yy: number } {
  const G = new Float64Array(p * p);
  const c = new Float64Array(p);
  let yy = 0;
  // Small products stay in JavaScript (a workspace's copies would cost more than they save).
  const ws = n * p * p >= 20_000 ? acquireWorkspace(p * BLOCK + p * p) : null;
  const T = ws ? ws.f64.subarray(0, p * BLOCK) : new Float64Array(p * BLOCK);
  const yc = new Float64Array(BLOCK);
  for (let i0 = 0; i0 < n; i0 += BLOCK) {
    const len = Math.min(BLOCK, n - i0);
    for (let i = 0; i < len; i++) {
      const o = (i0 + i) * p;
      for (let j = 0; j < p; j++) T[j * len + i] = d[o + j]! - mx[j]!;
      const v = y[i0 + i]! - my;
      yc[i] = v;
      yy += v * v;
    }
    for (let j = 0; j < p; j++) c[j] = c[j]! + dotRows(T, j * len, yc, 0, len);
    if (ws) {
      ws.abt(0, p, 0, p, len, p * BLOCK);
      const C = ws.f64.subarray(p * BLOCK, p * BLOCK + p * p);
      for (let k = 0; k < p * p; k++) G[k] = G[k]! + C[k]!;
    } else {
      for (let j = 0; j < p; j++) {
        for (let k = 0; k <= j; k++) {
          const v = dotRows(T, j * len, T, k * len, len);
          G[j * p + k] = G[j * p + k]! + v;
          if (k !== j) G[k * p + j] = G[k * p + j]! + v;
        }
      }
    }
  }
  releaseWorkspace(ws);
  return { G, c, yy };
}

/** Elastic-net regression; see the module comment. */
export class ElasticNet implements Estimator {
  readonly name = NAME;
  private fitted: { w: Float64Array; b: number; iterations: number; converged: boolean } | null = null;

  constructor(
    readonly params: ElasticNetParams,
    private readonly seed = 0,
    private readonly signal?: AbortSignal,
  ) {}

  /** Coefficients (a copy), intercept, coordinate passes made and whether the gap test passed. */
  get coefficients(): { w: Float64Array; b: number; iterations: number; converged: boolean } {
    const f = this.fitted ?? notFitted(NAME);
    return { ...f, w: f.w.slice() };
  }

  fit(X: Matrix, y: Float64Array): void {
    checkFit(NAME, X, y, { task: 'regression', nClasses: 0, seed: this.seed }, false);
    this.fitted = null;
    const { rows: n, cols: p, data: d } = X;
    const P = this.params;
    const { mx, my } = centring(X, y, P.fit_intercept);
    const l1 = P.alpha * P.l1_ratio * n;
    const l2 = P.alpha * (1 - P.l1_ratio) * n;
    const opt = { maxIter: P.max_iter, tol: P.tol, random: P.selection === 'random', seed: this.seed, signal: this.signal };
    let sol: EnetSolution;
    if (n > p && p <= GRAM_MAX_FEATURES) {
      // More rows than columns: a pass over the Gram matrix is cheaper than one over the data.
      const { G, c, yy } = centredGram(d, n, p, mx, y, my);
      sol = coordinateDescentGram(G, c, yy, p, l1, l2, opt);
    } else {
      const Xc = new Float64Array(n * p);
      for (let i = 0; i < n; i++) {
        const o = i * p;
        for (let j = 0; j < p; j++) Xc[j * n + i] = d[o + j]! - mx[j]!;
      }
      sol = coordinateDescent(Xc, n, p, Float64Array.from(y, (v) => v - my), l1, l2, opt);
    }
    let b = my;
    for (let j = 0; j < p; j++) b -= sol.w[j]! * mx[j]!;
    this.fitted = { w: sol.w, b, iterations: sol.iterations, converged: sol.converged };
  }

  predict(X: Matrix): Float64Array {
    const f = this.fitted ?? notFitted(NAME);
    checkPredict(NAME, X, f.w.length);
    return linearPredict(X, f.w, f.b);
  }

  toJSON(): EstimatorJSON {
    const f = this.fitted ?? notFitted(NAME);
    return {
      model: NAME,
      version: VERSION,
      params: { ...this.params },
      state: { nFeatures: f.w.length, w: Array.from(f.w), b: f.b, iterations: f.iterations, converged: f.converged },
    };
  }

  /** Restores from {@link ElasticNet.toJSON} output, validating every field. */
  static load(json: EstimatorJSON): ElasticNet {
    const s = openJSON(NAME, VERSION, json);
    const m = new ElasticNet(loadParams(NAME, elasticNetParams, json.params));
    checkKeys(NAME, 'state', s, ['nFeatures', 'w', 'b', 'iterations', 'converged']);
    const p = readNum(NAME, 'state.nFeatures', s.nFeatures, { int: true, min: 1, max: MAX_FEATURES });
    m.fitted = {
      w: readFloats(NAME, 'state.w', s.w, p),
      b: readNum(NAME, 'state.b', s.b),
      iterations: readNum(NAME, 'state.iterations', s.iterations, { int: true, min: 0 }),
      converged: readBool(NAME, 'state.converged', s.converged),
    };
    return m;
  }
}

/** `elastic_net`: penalised linear regression. Not in the default search (no searchRank) yet. */
export const elasticNetFamily = defineFamily({
  name: NAME,
  description: 'Elastic-net linear regression (L1 + L2 penalty, coordinate descent with a duality-gap stop)',
  tasks: ['regression'],
  params: elasticNetDecls,
  // One penalty for every coefficient is fair only when features share a scale.
  preprocessing: { encoding: 'onehot', scaler: 'standard' },
  space: {
    comment: "elastic_net (regression only; scikit-learn's objective, coordinate descent). alpha is the overall penalty on the pipeline's scaled features; l1_ratio 0 is ridge-like, 1 is the lasso. Not in the default search space yet.",
    params: { alpha: { low: 1e-4, high: 10 }, l1_ratio: { low: 0, high: 1 } },
  },
  create: (params, ctx) => new ElasticNet(params, ctx.seed, ctx.signal),
  load: (json) => ElasticNet.load(json),
});

/** Registry entry of {@link elasticNetFamily}. */
export const elasticNetSpec: ModelSpec = familySpec(elasticNetFamily);
