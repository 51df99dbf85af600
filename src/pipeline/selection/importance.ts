/**
 * Model-based column importances for selection.
 *
 * Trees: the fast learners of `src/models/fast` do not record split gains, so this file grows its
 * own small ensemble of extremely randomised trees (Geurts et al. 2006: at each node, sqrt(p)
 * candidate columns, one uniform random threshold each, the best by impurity decrease). A
 * column's importance is its total weighted impurity decrease (Gini or variance), normalised per
 * tree and averaged. Random thresholds make the importance of pure-noise columns small and
 * unbiased by their number of distinct values, which is what selection needs; the ensemble is
 * only used to rank, never to predict.
 *
 * L1: |coefficients| of an L1-penalised model on standardised columns: lasso (regression) or
 * one-vs-rest logistic regression (classification, summed over classes), solved by FISTA. The
 * penalty is `alphaRatio` times the smallest penalty at which every coefficient is zero.
 */
import type { Matrix } from '../../models/estimator.js';
import type { Rng } from '../../util/rng.js';

/** Trees in the importance ensemble. */
export const IMPORTANCE_TREES = 100;
/** Depth limit of each tree: importances come mostly from the upper splits. */
export const IMPORTANCE_DEPTH = 8;
/** Rows per tree at most (a seeded subsample without replacement, also for smaller sets: 63%). */
const TREE_ROWS = 2000;
const MIN_LEAF = 3;

/** Impurity-decrease importances of a seeded extra-trees ensemble; sums to 1 unless all are 0. */
export function treeImportances(X: Matrix, y: Float64Array, nClasses: number, rng: Rng): Float64Array {
  const { rows: n, cols: p } = X;
  const total = new Float64Array(p);
  const mtry = Math.max(1, Math.round(Math.sqrt(p)));
  const take = Math.max(2, Math.min(TREE_ROWS, Math.ceil(0.632 * n)));
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const perTree = new Float64Array(p);
  const features = Array.from({ length: p }, (_, j) => j);
  for (let t = 0; t < IMPORTANCE_TREES; t++) {
    // Partial Fisher-Yates: the first `take` entries become this tree's rows.
    for (let i = 0; i < Math.min(take, n - 1); i++) {
      const j = i + Math.floor(rng.next() * (n - i));
      const v = all[i]!;
      all[i] = all[j]!;
      all[j] = v;
    }
    perTree.fill(0);
    grow(X, y, nClasses, all.slice(0, Math.min(take, n)), 0, perTree, features, mtry, rng);
    let s = 0;
    for (const v of perTree) s += v;
    if (s > 0) for (let j = 0; j < p; j++) total[j] += perTree[j]! / s;
  }
  let s = 0;
  for (const v of total) s += v;
  if (s > 0) for (let j = 0; j < p; j++) total[j]! /= s;
  return total;
}

/** n x impurity of the rows (Gini for classes, variance for values): the quantity a split lowers. */
function impurity(y: Float64Array, rows: Int32Array, nClasses: number, counts: Float64Array): number {
  const m = rows.length;
  if (nClasses > 0) {
    counts.fill(0);
    for (const r of rows) counts[y[r]!]!++;
    let g = m;
    for (const c of counts) g -= (c * c) / m;
    return g;
  }
  let s = 0;
  let ss = 0;
  for (const r of rows) {
    s += y[r]!;
    ss += y[r]! * y[r]!;
  }
  return Math.max(0, ss - (s * s) / m);
}

function grow(X: Matrix, y: Float64Array, K: number, rows: Int32Array, depth: number, imp: Float64Array, features: number[], mtry: number, rng: Rng): void {
  const m = rows.length;
  if (depth >= IMPORTANCE_DEPTH || m < 2 * MIN_LEAF) return;
  const counts = new Float64Array(Math.max(K, 1));
  const parent = impurity(y, rows, K, counts);
  if (parent <= 1e-12) return;
  const { cols: p, data } = X;
  let bestGain = 0;
  let bestF = -1;
  let bestT = 0;
  // Draw mtry distinct columns by a partial shuffle of the shared feature list.
  for (let c = 0; c < mtry; c++) {
    const s = c + Math.floor(rng.next() * (p - c));
    const f = features[s]!;
    features[s] = features[c]!;
    features[c] = f;
    let lo = Infinity;
    let hi = -Infinity;
    for (const r of rows) {
      const v = data[r * p + f]!;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (!(hi > lo)) continue;
    const t = lo + rng.next() * (hi - lo);
    const gain = parent - splitImpurity(X, y, K, rows, f, t);
    if (gain > bestGain) {
      bestGain = gain;
      bestF = f;
      bestT = t;
    }
  }
  if (bestF < 0) return;
  const left: number[] = [];
  const right: number[] = [];
  for (const r of rows) (data[r * p + bestF]! <= bestT ? left : right).push(r);
  if (left.length < MIN_LEAF || right.length < MIN_LEAF) return;
  imp[bestF] += bestGain;
  grow(X, y, K, Int32Array.from(left), depth + 1, imp, features, mtry, rng);
  grow(X, y, K, Int32Array.from(right), depth + 1, imp, features, mtry, rng);
}

/** Summed child impurity (n x impurity) of splitting `rows` at x[f] <= t. */
function splitImpurity(X: Matrix, y: Float64Array, K: number, rows: Int32Array, f: number, t: number): number {
  const { cols: p, data } = X;
  if (K > 0) {
    const cl = new Float64Array(K);
    const cr = new Float64Array(K);
    let nl = 0;
    for (const r of rows) {
      if (data[r * p + f]! <= t) {
        cl[y[r]!]!++;
        nl++;
      } else cr[y[r]!]!++;
    }
    const nr = rows.length - nl;
    let g = 0;
    if (nl > 0) {
      g += nl;
      for (const c of cl) g -= (c * c) / nl;
    }
    if (nr > 0) {
      g += nr;
      for (const c of cr) g -= (c * c) / nr;
    }
    return g;
  }
  let sl = 0;
  let ssl = 0;
  let nl = 0;
  let sr = 0;
  let ssr = 0;
  for (const r of rows) {
    const v = y[r]!;
    if (data[r * p + f]! <= t) {
      sl += v;
      ssl += v * v;
      nl++;
    } else {
      sr += v;
      ssr += v * v;
    }
  }
  const nr = rows.length - nl;
  return (nl > 0 ? ssl - (sl * sl) / nl : 0) + (nr > 0 ? ssr - (sr * sr) / nr : 0);
}

/** Iteration cap of the L1 fit (reached only by very weak penalties on hard problems). */
const FISTA_ITERATIONS = 300;
/**
 * Stop when no standardised coefficient moves more than this share of the largest one in an
 * iteration: the importances are compared with their mean, so ranks are settled long before.
 */
const FISTA_TOLERANCE = 1e-4;
/** Below this share of non-zero entries the standardised design is applied through the sparse raw one. */
const SPARSE_DENSITY = 0.5;

/**
 * |coefficients| of an L1-penalised linear (nClasses 0) or one-vs-rest logistic model on
 * standardised columns; constant columns get 0.
 */
export function l1Importances(X: Matrix, y: Float64Array, nClasses: number, alphaRatio: number): Float64Array {
  const { rows: n, cols: p } = X;
  const Z = standardisedDesign(X);
  const L0 = largestEigen(Z);
  const out = new Float64Array(p);
  const targets: Float64Array[] = [];
  if (nClasses > 0) {
    // Binary problems need one model (the two one-vs-rest models mirror each other).
    const K = nClasses === 2 ? 1 : nClasses;
    for (let c = 0; c < K; c++) targets.push(Float64Array.from(y, (v) => (v === (nClasses === 2 ? 1 : c) ? 1 : 0)));
  } else {
    let m = 0;
    for (const v of y) m += v;
    m /= n;
    let ss = 0;
    for (const v of y) ss += (v - m) * (v - m);
    const sd = Math.sqrt(ss / n) || 1;
    targets.push(Float64Array.from(y, (v) => (v - m) / sd));
  }
  for (const t of targets) {
    const w = fista(Z, t, nClasses > 0, alphaRatio, L0);
    for (let j = 0; j < p; j++) out[j] += Math.abs(w[j]!);
  }
  return out;
}

/**
 * The standardised design Z = (X - mean) / sd, applied as products: `times(w)` is Z w (n values),
 * `transposeTimes(r)` is Z' r (p values). Constant columns act as zero columns.
 */
interface Design {
  readonly n: number;
  readonly p: number;
  times(w: Float64Array, out: Float64Array): void;
  transposeTimes(r: Float64Array, out: Float64Array): void;
}

function standardisedDesign(X: Matrix): Design {
  const { rows: n, cols: p, data } = X;
  const mean = new Float64Array(p);
  const sd = new Float64Array(p);
  let nonZero = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) {
      const v = data[i * p + j]!;
      mean[j] += v;
      if (v !== 0) nonZero++;
    }
  }
  for (let j = 0; j < p; j++) mean[j]! /= n;
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) sd[j] += (data[i * p + j]! - mean[j]!) ** 2;
  // inv[j] = 1 / sd, or 0 for a constant column (which then contributes nothing).
  const inv = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    const s = Math.sqrt(sd[j]! / n);
    inv[j] = s > 1e-12 * Math.max(1, Math.abs(mean[j]!)) ? 1 / s : 0;
  }
  return nonZero < SPARSE_DENSITY * n * p ? new SparseDesign(X, mean, inv, nonZero) : new DenseDesign(X, mean, inv);
}

class DenseDesign implements Design {
  readonly n: number;
  readonly p: number;
  readonly #Z: Float64Array;
  readonly #active: Int32Array;

  constructor(X: Matrix, mean: Float64Array, inv: Float64Array) {
    const { rows: n, cols: p, data } = X;
    this.n = n;
    this.p = p;
    const Z = new Float64Array(n * p);
    for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) Z[i * p + j] = (data[i * p + j]! - mean[j]!) * inv[j]!;
    this.#Z = Z;
    this.#active = new Int32Array(p);
  }

  times(w: Float64Array, out: Float64Array): void {
    const { n, p } = this;
    const Z = this.#Z;
    const active = this.#active;
    // The iterate is sparse (that is the point of L1), so only its non-zeros enter.
    let nnz = 0;
    for (let j = 0; j < p; j++) if (w[j] !== 0) active[nnz++] = j;
    for (let i = 0; i < n; i++) {
      let s = 0;
      const o = i * p;
      for (let a = 0; a < nnz; a++) {
        const j = active[a]!;
        s += Z[o + j]! * w[j]!;
      }
      out[i] = s;
    }
  }

  transposeTimes(r: Float64Array, out: Float64Array): void {
    const { n, p } = this;
    const Z = this.#Z;
    out.fill(0);
    for (let i = 0; i < n; i++) {
      const ri = r[i]!;
      if (ri === 0) continue;
      const o = i * p;
      for (let j = 0; j < p; j++) out[j] += Z[o + j]! * ri;
    }
  }
}

/**
 * Mostly-zero data (one-hot columns, pixel counts): Z is never formed. Z w = X (w / sd) - mean . (w / sd)
 * and Z' r = (X' r - mean * sum(r)) / sd touch only the non-zero entries of X, kept row by row.
 */
class SparseDesign implements Design {
  readonly n: number;
  readonly p: number;
  readonly #start: Int32Array;
  readonly #col: Int32Array;
  readonly #val: Float64Array;
  readonly #mean: Float64Array;
  readonly #inv: Float64Array;
  readonly #u: Float64Array;

  constructor(X: Matrix, mean: Float64Array, inv: Float64Array, nonZero: number) {
    const { rows: n, cols: p, data } = X;
    this.n = n;
    this.p = p;
    const start = new Int32Array(n + 1);
    const col = new Int32Array(nonZero);
    const val = new Float64Array(nonZero);
    let at = 0;
    for (let i = 0; i < n; i++) {
      start[i] = at;
      for (let j = 0; j < p; j++) {
        const v = data[i * p + j]!;
        if (v !== 0 && inv[j] !== 0) {
          col[at] = j;
          val[at++] = v;
        }
      }
    }
    start[n] = at;
    this.#start = start;
    this.#col = col;
    this.#val = val;
    this.#mean = mean;
    this.#inv = inv;
    this.#u = new Float64Array(p);
  }

  times(w: Float64Array, out: Float64Array): void {
    const { n, p } = this;
    const start = this.#start;
    const col = this.#col;
    const val = this.#val;
    const mean = this.#mean;
    const inv = this.#inv;
    const u = this.#u;
    let shift = 0;
    for (let j = 0; j < p; j++) {
      u[j] = w[j]! * inv[j]!;
      shift += mean[j]! * u[j]!;
    }
    let e = 0;
    for (let i = 0; i < n; i++) {
      let s = -shift;
      const end = start[i + 1]!;
      for (; e < end; e++) s += val[e]! * u[col[e]!]!;
      out[i] = s;
    }
  }

  transposeTimes(r: Float64Array, out: Float64Array): void {
    const { n, p } = this;
    const start = this.#start;
    const col = this.#col;
    const val = this.#val;
    const mean = this.#mean;
    const inv = this.#inv;
    out.fill(0);
    let total = 0;
    for (let i = 0; i < n; i++) {
      const ri = r[i]!;
      total += ri;
      const end = start[i + 1]!;
      for (let e = start[i]!; e < end; e++) out[col[e]!] += val[e]! * ri;
    }
    for (let j = 0; j < p; j++) out[j] = (out[j]! - mean[j]! * total) * inv[j]!;
  }
}

/** Largest eigenvalue of Z'Z / n by power iteration (an upper bound is fine: it sets the step). */
function largestEigen(Z: Design): number {
  const { n, p } = Z;
  const v = new Float64Array(p).fill(1 / Math.sqrt(p));
  let lambda = 1;
  const u = new Float64Array(n);
  const w = new Float64Array(p);
  for (let it = 0; it < 30; it++) {
    Z.times(v, u);
    Z.transposeTimes(u, w);
    let norm = 0;
    for (const x of w) norm += x * x;
    norm = Math.sqrt(norm);
    if (!(norm > 0)) return 1;
    lambda = norm / n;
    for (let j = 0; j < p; j++) v[j] = w[j]! / norm;
  }
  // Power iteration approaches from below; a margin keeps the step safely under 1/L.
  return lambda * 1.05;
}

/** FISTA for mean loss + alpha ||w||_1 with an unpenalised intercept; returns w. */
function fista(Z: Design, t: Float64Array, logistic: boolean, alphaRatio: number, eig: number): Float64Array {
  const { n, p } = Z;
  let tm = 0;
  for (const v of t) tm += v;
  tm /= n;
  const r = new Float64Array(n);
  const grad = new Float64Array(p);
  // Gradient at w = 0 with the optimal intercept: the penalty above which every w stays 0.
  for (let i = 0; i < n; i++) r[i] = t[i]! - tm;
  Z.transposeTimes(r, grad);
  let alphaMax = 0;
  for (let j = 0; j < p; j++) alphaMax = Math.max(alphaMax, Math.abs(grad[j]!) / n);
  const w = new Float64Array(p);
  if (!(alphaMax > 0)) return w;
  const alpha = alphaRatio * alphaMax;
  // Intercept of the centred design: for least squares it is the mean and stays fixed.
  let b = logistic ? Math.log(Math.max(tm, 1e-6) / Math.max(1 - tm, 1e-6)) : tm;
  const L = (logistic ? 0.25 : 1) * eig + 1e-12;
  const step = 1 / L;
  const z = new Float64Array(p);
  let zb = b;
  const wPrev = new Float64Array(p);
  let bPrev = b;
  let theta = 1;
  const s = new Float64Array(n);
  for (let it = 0; it < FISTA_ITERATIONS; it++) {
    Z.times(z, s);
    let gb = 0;
    for (let i = 0; i < n; i++) {
      const v = zb + s[i]!;
      const pred = logistic ? 1 / (1 + Math.exp(-v)) : v;
      r[i] = pred - t[i]!;
      gb += r[i]!;
    }
    Z.transposeTimes(r, grad);
    let change = 0;
    let largest = 0;
    // Gradient restart (O'Donoghue and Candes 2015): when the step turns against the momentum,
    // drop the momentum. It keeps FISTA from oscillating on these ill-conditioned problems.
    let against = 0;
    for (let j = 0; j < p; j++) {
      const v = z[j]! - (step * grad[j]!) / n;
      const next = Math.sign(v) * Math.max(0, Math.abs(v) - step * alpha);
      change = Math.max(change, Math.abs(next - wPrev[j]!));
      largest = Math.max(largest, Math.abs(next));
      against += (z[j]! - next) * (next - wPrev[j]!);
      w[j] = next;
    }
    b = logistic ? zb - (step * gb) / n : tm;
    against += (zb - b) * (b - bPrev);
    if (against > 0) theta = 1;
    const thetaNext = (1 + Math.sqrt(1 + 4 * theta * theta)) / 2;
    const mom = (theta - 1) / thetaNext;
    for (let j = 0; j < p; j++) {
      z[j] = w[j]! + mom * (w[j]! - wPrev[j]!);
      wPrev[j] = w[j]!;
    }
    zb = b + mom * (b - bPrev);
    bPrev = b;
    theta = thetaNext;
    if (change <= FISTA_TOLERANCE * largest) break;
  }
  return w;
}
