/**
 * The dense kernels of Gaussian-process regression, each written so that its inner loop runs over
 * contiguous memory of row-major arrays: Cholesky (rows of L against rows of L), the triangular
 * inverse (rows of L^-1 as combinations of earlier rows) and K^-1 = L^-T L^-1 (rows of L^-T
 * against rows of L^-T). Inner products are unrolled by four.
 *
 * TODO(numeric): src/numeric/cholesky.ts (branch 'numeric') will hold the project's one Cholesky;
 * these loops stay here only while that lacks the in-place and inverse forms used below.
 */

/** sum_{t=from}^{to-1} a[oa + t] b[ob + t]. */
export function dotRange(a: Float64Array, oa: number, b: Float64Array, ob: number, from: number, to: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let t = from;
  for (; t + 3 < to; t += 4) {
    s0 += a[oa + t]! * b[ob + t]!;
    s1 += a[oa + t + 1]! * b[ob + t + 1]!;
    s2 += a[oa + t + 2]! * b[ob + t + 2]!;
    s3 += a[oa + t + 3]! * b[ob + t + 3]!;
  }
  for (; t < to; t++) s0 += a[oa + t]! * b[ob + t]!;
  return s0 + s1 + (s2 + s3);
}

/**
 * Overwrites the lower triangle of the symmetric `a` (n x n) with its Cholesky factor L and zeroes
 * the strict upper triangle. Returns false (a partly overwritten) when a pivot is not positive.
 */
export function choleskyInPlace(a: Float64Array, n: number): boolean {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j < i; j++) {
      const rj = j * n;
      a[ri + j] = (a[ri + j]! - dotRange(a, ri, a, rj, 0, j)) / a[rj + j]!;
    }
    const d = a[ri + i]! - dotRange(a, ri, a, ri, 0, i);
    if (!(d > 0)) return false;
    a[ri + i] = Math.sqrt(d);
    a.fill(0, ri + i + 1, ri + n);
  }
  return true;
}

/** Solves L x = b into `out` (L lower triangular, row-major). */
export function solveLower(L: Float64Array, n: number, b: ArrayLike<number>, out: Float64Array): Float64Array {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    out[i] = (b[i]! - dotRange(L, ri, out, 0, 0, i)) / L[ri + i]!;
  }
  return out;
}

/** Solves L' x = b into `out` (L lower triangular, row-major). */
export function solveLowerT(L: Float64Array, n: number, b: ArrayLike<number>, out: Float64Array): Float64Array {
  for (let i = 0; i < n; i++) out[i] = b[i]!;
  for (let i = n - 1; i >= 0; i--) {
    const xi = out[i]! / L[i * n + i]!;
    out[i] = xi;
    // Column i of L' is row i of L: subtract it from the entries above.
    const ri = i * n;
    for (let k = 0; k < i; k++) out[k] = out[k]! - L[ri + k]! * xi;
  }
  return out;
}

/**
 * K^-1 (full, symmetric, written into `out`) from the Cholesky factor L of K. `work` (n x n) is
 * overwritten with L^-T.
 */
export function inverseFromCholesky(L: Float64Array, n: number, out: Float64Array, work: Float64Array): void {
  // Rows of U = L^-1: U_i = (e_i - sum_{k<i} L_ik U_k) / L_ii, built in `out` (lower triangle).
  const U = out;
  U.fill(0);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let k = 0; k < i; k++) {
      const c = L[ri + k]!;
      if (c === 0) continue;
      const rk = k * n;
      for (let t = 0; t <= k; t++) U[ri + t] = U[ri + t]! - c * U[rk + t]!;
    }
    const inv = 1 / L[ri + i]!;
    for (let t = 0; t < i; t++) U[ri + t] = U[ri + t]! * inv;
    U[ri + i] = inv;
  }
  // W = U' (upper triangular), then K^-1_ij = sum_{k >= max(i, j)} W_ik W_jk: contiguous rows.
  const W = work;
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) W[k * n + i] = U[i * n + k]!;
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const v = dotRange(W, ri, W, j * n, i, n);
      out[ri + j] = v;
    }
  }
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) out[i * n + j] = out[j * n + i]!;
}
