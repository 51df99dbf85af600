/**
 * Kernel functions of the support-vector learners (RBF, polynomial, linear) over dense row-major
 * float64 rows, and the resolution of scikit-learn's `gamma` conventions ('scale', 'auto').
 *
 * The RBF kernel is evaluated as exp(-gamma (|x|^2 + |z|^2 - 2 x.z)) with the squared norms
 * computed once, as LIBSVM does: one dot product per entry instead of a difference and a square.
 */
import type { Matrix } from '../estimator.js';

/** Kernel names accepted by `svm` and `svr`. */
export const KERNELS = ['rbf', 'poly', 'linear'] as const;

/** A kernel family. */
export type KernelKind = (typeof KERNELS)[number];

/** A fully resolved kernel: gamma is a number here, never 'scale' or 'auto'. */
export interface KernelSpec {
  readonly kind: KernelKind;
  readonly gamma: number;
  readonly degree: number;
  readonly coef0: number;
}

/**
 * scikit-learn's gamma: a positive number as is; 'scale' = 1 / (n_features * X.var()) with the
 * variance over every entry of X (1 / n_features when X is constant); 'auto' = 1 / n_features.
 */
export function resolveGamma(gamma: number | 'scale' | 'auto', X: Matrix): number {
  if (typeof gamma === 'number') return gamma;
  const p = X.cols;
  if (gamma === 'auto') return 1 / p;
  const d = X.data;
  const n = d.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += d[i]!;
  mean /= n;
  let v = 0;
  for (let i = 0; i < n; i++) {
    const e = d[i]! - mean;
    v += e * e;
  }
  v /= n;
  return v > 0 ? 1 / (p * v) : 1 / p;
}

/** Dot product of row a of `x` (offset oa) and row b of `z` (offset ob), length p; unrolled by four. */
export function dotRows(x: Float64Array, oa: number, z: Float64Array, ob: number, p: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let k = 0;
  for (; k + 3 < p; k += 4) {
    s0 += x[oa + k]! * z[ob + k]!;
    s1 += x[oa + k + 1]! * z[ob + k + 1]!;
    s2 += x[oa + k + 2]! * z[ob + k + 2]!;
    s3 += x[oa + k + 3]! * z[ob + k + 3]!;
  }
  for (; k < p; k++) s0 += x[oa + k]! * z[ob + k]!;
  return s0 + s1 + (s2 + s3);
}

/** Squared norm of every row of a row-major matrix. */
export function rowNorms(d: Float64Array, rows: number, p: number): Float64Array {
  const out = new Float64Array(rows);
  for (let i = 0; i < rows; i++) out[i] = dotRows(d, i * p, d, i * p, p);
  return out;
}

/** Integer power by squaring (degree is a small positive integer). */
function ipow(b: number, e: number): number {
  let r = 1;
  let x = b;
  let k = e;
  while (k > 0) {
    if (k & 1) r *= x;
    x *= x;
    k >>= 1;
  }
  return r;
}

/** The kernel value from a dot product and the two squared norms. */
export function kernelFromDot(k: KernelSpec, dot: number, na: number, nb: number): number {
  switch (k.kind) {
    case 'rbf':
      return Math.exp(-k.gamma * (na + nb - 2 * dot));
    case 'poly':
      return ipow(k.gamma * dot + k.coef0, k.degree);
    case 'linear':
      return dot;
  }
}
