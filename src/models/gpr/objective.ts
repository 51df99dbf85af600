/**
 * The covariance of `gaussian_process` and its negative log marginal likelihood with gradient.
 *
 *   k(x, z) = s2 g(r) + n2 [x = z],  r^2 = sum_d ((x_d - z_d) / l_d)^2  (one l for all d unless ARD),
 *   g = exp(-r^2 / 2) (RBF) or (1 + sqrt5 r + 5 r^2 / 3) exp(-sqrt5 r) (Matérn 5/2).
 *
 * Hyperparameters are optimised in logs: theta = [log s2, log l_1..l_q, log n2]. With
 * a = K^-1 y and W = a a' - K^-1, d(log p(y))/d theta_j = 1/2 sum_ik W_ik dK_ik/d theta_j
 * (Rasmussen and Williams 2006, eq. 5.9), where dK/d log s2 = s2 g, dK/d log n2 = n2 I and
 * dK/d log l_d = s2 h(r) ((x_d - z_d) / l_d)^2 with h = g (RBF) or (5/3)(1 + sqrt5 r) exp(-sqrt5 r).
 */
import { choleskyInPlace, inverseFromCholesky, solveLower, solveLowerT } from './linalg.js';

/** Base covariance shape. */
export type GpKernel = 'rbf' | 'matern52';

const SQRT5 = Math.sqrt(5);

/** g(r) from r^2. */
export function shape(kind: GpKernel, r2: number): number {
  if (kind === 'rbf') return Math.exp(-0.5 * r2);
  const r = Math.sqrt(r2);
  return (1 + SQRT5 * r + (5 / 3) * r2) * Math.exp(-SQRT5 * r);
}

/** h(r) from r^2: d g / d log l = h(r) r^2. */
function slope(kind: GpKernel, r2: number): number {
  if (kind === 'rbf') return Math.exp(-0.5 * r2);
  const r = Math.sqrt(r2);
  return (5 / 3) * (1 + SQRT5 * r) * Math.exp(-SQRT5 * r);
}

/** Squared scaled distance between row i of A and row k of B (p columns each), lengths `ls`. */
export function scaledDistance(A: Float64Array, i: number, B: Float64Array, k: number, p: number, ls: Float64Array): number {
  let s = 0;
  const oa = i * p;
  const ob = k * p;
  if (ls.length === 1) {
    for (let d = 0; d < p; d++) {
      const t = A[oa + d]! - B[ob + d]!;
      s += t * t;
    }
    return s / (ls[0]! * ls[0]!);
  }
  for (let d = 0; d < p; d++) {
    const t = (A[oa + d]! - B[ob + d]!) / ls[d]!;
    s += t * t;
  }
  return s;
}

/** Training data and reusable buffers of one fit. */
export interface GpProblem {
  readonly kind: GpKernel;
  readonly X: Float64Array;
  readonly n: number;
  readonly p: number;
  /** Normalised targets. */
  readonly y: Float64Array;
  /** Fixed jitter added to the diagonal (scikit-learn's `alpha`). */
  readonly jitter: number;
  /** Isotropic kernels: the n x n unscaled squared distances (computed once); null with ARD. */
  readonly D: Float64Array | null;
  /** n x n buffers: K then L then scratch, and K^-1. */
  readonly A: Float64Array;
  readonly Kinv: Float64Array;
}

/** Builds the buffers of a fit (the distance matrix too when the kernel is isotropic). */
export function gpProblem(kind: GpKernel, X: Float64Array, n: number, p: number, y: Float64Array, jitter: number, ard: boolean): GpProblem {
  let D: Float64Array | null = null;
  if (!ard) {
    D = new Float64Array(n * n);
    const one = Float64Array.of(1);
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < i; k++) {
        const v = scaledDistance(X, i, X, k, p, one);
        D[i * n + k] = v;
        D[k * n + i] = v;
      }
    }
  }
  return { kind, X, n, p, y, jitter, D, A: new Float64Array(n * n), Kinv: new Float64Array(n * n) };
}

/** Unpacked hyperparameters. */
export interface GpHyper {
  readonly s2: number;
  readonly ls: Float64Array;
  readonly n2: number;
}

/** theta (logs) to values. */
export function unpack(theta: Float64Array): GpHyper {
  const q = theta.length - 2;
  return { s2: Math.exp(theta[0]!), ls: Float64Array.from({ length: q }, (_, d) => Math.exp(theta[1 + d]!)), n2: Math.exp(theta[q + 1]!) };
}

function r2At(prob: GpProblem, h: GpHyper, i: number, k: number): number {
  return prob.D ? prob.D[i * prob.n + k]! / (h.ls[0]! * h.ls[0]!) : scaledDistance(prob.X, i, prob.X, k, prob.p, h.ls);
}

/**
 * Factorises K(theta) into prob.A (lower Cholesky factor); the extra diagonal jitter used when
 * the plain one fails, or -1 when even a large one fails.
 */
export function factor(prob: GpProblem, h: GpHyper): number {
  const { n, A, kind } = prob;
  let extra = 0;
  for (let attempt = 0; attempt < 6; attempt++) {
    for (let i = 0; i < n; i++) {
      const ri = i * n;
      for (let k = 0; k < i; k++) A[ri + k] = h.s2 * shape(kind, r2At(prob, h, i, k));
      A[ri + i] = h.s2 + h.n2 + prob.jitter + extra;
    }
    if (choleskyInPlace(A, n)) return extra;
    extra = extra === 0 ? 1e-8 * (h.s2 + h.n2) : extra * 100;
  }
  return -1;
}

/** a = K^-1 y from the factor in prob.A, and log det K. */
export function solveAlpha(prob: GpProblem): { alpha: Float64Array; logDet: number } {
  const { n, A } = prob;
  const alpha = solveLowerT(A, n, solveLower(A, n, prob.y, new Float64Array(n)), new Float64Array(n));
  let logDet = 0;
  for (let i = 0; i < n; i++) logDet += 2 * Math.log(A[i * n + i]!);
  return { alpha, logDet };
}

/** -log p(y | theta) and its gradient (into `grad`); +Infinity where K cannot be factorised. */
export function negLogLikelihood(prob: GpProblem, theta: Float64Array, grad: Float64Array): number {
  const { n, p, kind, Kinv, A } = prob;
  const h = unpack(theta);
  if (factor(prob, h) < 0) {
    grad.fill(0);
    return Infinity;
  }
  const { alpha, logDet } = solveAlpha(prob);
  let yAlpha = 0;
  for (let i = 0; i < n; i++) yAlpha += prob.y[i]! * alpha[i]!;
  const nll = 0.5 * yAlpha + 0.5 * logDet + 0.5 * n * Math.log(2 * Math.PI);
  // L is no longer needed once K^-1 is formed: A serves as the scratch of the inverse.
  inverseFromCholesky(A, n, Kinv, A);
  const q = h.ls.length;
  const gl = new Float64Array(q);
  let gs = 0;
  let trace = 0;
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    const ai = alpha[i]!;
    trace += ai * ai - Kinv[ri + i]!;
    // The diagonal adds s2 to the s2-gradient and nothing to the length-scale ones (r = 0).
    gs += (ai * ai - Kinv[ri + i]!) * h.s2;
    for (let k = 0; k < i; k++) {
      const w = 2 * (ai * alpha[k]! - Kinv[ri + k]!);
      if (w === 0) continue;
      const r2 = r2At(prob, h, i, k);
      gs += w * h.s2 * shape(kind, r2);
      const hs = w * h.s2 * slope(kind, r2);
      if (q === 1) gl[0] = gl[0]! + hs * r2;
      else {
        const oi = i * p;
        const ok = k * p;
        for (let d = 0; d < p; d++) {
          const t = (prob.X[oi + d]! - prob.X[ok + d]!) / h.ls[d]!;
          gl[d] = gl[d]! + hs * t * t;
        }
      }
    }
  }
  grad[0] = -0.5 * gs;
  for (let d = 0; d < q; d++) grad[1 + d] = -0.5 * gl[d]!;
  grad[q + 1] = -0.5 * h.n2 * trace;
  return nll;
}
