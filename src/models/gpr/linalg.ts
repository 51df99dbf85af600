/**
 * The dense kernels of Gaussian-process regression, written so that every inner loop is a dot
 * product of contiguous row-major memory (no strided access, no stores in the loop), with two
 * rows at a time where that halves the loads:
 * - Cholesky: L_ij = (A_ij - L_i[0..j) . L_j[0..j)) / L_jj;
 * - the inverse factor kept transposed, W = L^-T: column i of L^-1 is row i of W, and
 *   W_ji = -(L_i[j..i) . W_j[j..i)) / L_ii;
 * - K^-1 = L^-T L^-1, K^-1_ij = W_i[max(i,j)..n) . W_j[max(i,j)..n).
 *
 * The project's src/numeric/cholesky.ts has the general factor and inverse (allocating, column
 * by column); these in-place forms are about 1.3x faster at n = 500..1000, and a GP fit runs
 * them once per likelihood evaluation.
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
  let i = 0;
  // Rows i and i + 1 together: each row L_j is loaded once for both.
  for (; i + 1 < n; i += 2) {
    const ra = i * n;
    const rb = ra + n;
    for (let j = 0; j < i; j++) {
      const rj = j * n;
      let sa0 = 0;
      let sb0 = 0;
      let sa1 = 0;
      let sb1 = 0;
      let t = 0;
      for (; t + 1 < j; t += 2) {
        const v = a[rj + t]!;
        const w = a[rj + t + 1]!;
        sa0 += a[ra + t]! * v;
        sb0 += a[rb + t]! * v;
        sa1 += a[ra + t + 1]! * w;
        sb1 += a[rb + t + 1]! * w;
      }
      if (t < j) {
        const v = a[rj + t]!;
        sa0 += a[ra + t]! * v;
        sb0 += a[rb + t]! * v;
      }
      const ljj = a[rj + j]!;
      a[ra + j] = (a[ra + j]! - (sa0 + sa1)) / ljj;
      a[rb + j] = (a[rb + j]! - (sb0 + sb1)) / ljj;
    }
    const da = a[ra + i]! - dotRange(a, ra, a, ra, 0, i);
    if (!(da > 0)) return false;
    const laa = Math.sqrt(da);
    a[ra + i] = laa;
    a[rb + i] = (a[rb + i]! - dotRange(a, rb, a, ra, 0, i)) / laa;
    const db = a[rb + i + 1]! - dotRange(a, rb, a, rb, 0, i + 1);
    if (!(db > 0)) return false;
    a[rb + i + 1] = Math.sqrt(db);
    a.fill(0, ra + i + 1, ra + n);
    a.fill(0, rb + i + 2, rb + n);
  }
  for (; i < n; i++) {
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
 * K^-1 (full, symmetric, written into `out`) from the Cholesky factor L of K. `work` (n x n,
 * may be L itself, which is then destroyed) receives W = L^-T.
 */
export function inverseFromCholesky(L: Float64Array, n: number, out: Float64Array, work: Float64Array): void {
  // W = L^-T, upper triangular, built in `out` first (work may alias L, still needed here).
  const W = out;
  W.fill(0);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    const inv = 1 / L[ri + i]!;
    W[ri + i] = inv;
    for (let j = 0; j < i; j++) {
      const rj = j * n;
      W[rj + i] = -dotRange(L, ri, W, rj, j, i) * inv;
    }
  }
  work.set(W);
  const V = work;
  // K^-1_ij = V_i[i..n) . V_j[i..n) for j <= i; two rows of i at a time share the loads of V_j.
  let i = 0;
  for (; i + 1 < n; i += 2) {
    const ra = i * n;
    const rb = ra + n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      // Entry (i+1, i+1.. n) of V_i is needed from i+1 on, V_i[i] pairs with V_j[i] only.
      let s0 = V[ra + i]! * V[rj + i]!;
      let s1 = 0;
      let s2 = 0;
      let s3 = 0;
      let t = i + 1;
      for (; t + 1 < n; t += 2) {
        const v = V[rj + t]!;
        const w = V[rj + t + 1]!;
        s0 += V[ra + t]! * v;
        s1 += V[rb + t]! * v;
        s2 += V[ra + t + 1]! * w;
        s3 += V[rb + t + 1]! * w;
      }
      if (t < n) {
        const v = V[rj + t]!;
        s0 += V[ra + t]! * v;
        s1 += V[rb + t]! * v;
      }
      out[ra + j] = s0 + s2;
      out[rb + j] = s1 + s3;
    }
    out[rb + i + 1] = dotRange(V, rb, V, rb, i + 1, n);
  }
  for (; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) out[ri + j] = dotRange(V, ri, V, j * n, i, n);
  }
  for (let r = 0; r < n; r++) for (let c = r + 1; c < n; c++) out[r * n + c] = out[c * n + r]!;
}
