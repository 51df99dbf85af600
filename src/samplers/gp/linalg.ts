/**
 * Dense linear algebra on row-major Float64Array matrices, just what GP regression needs:
 * Cholesky factorisation with adaptive jitter, triangular solves and the inverse from a factor.
 */

/**
 * Factorises the symmetric positive-definite `a` (n x n) in place into its lower Cholesky factor
 * L (a = L L^T; the strict upper triangle is zeroed). Returns false if a pivot is not positive.
 */
export function choleskyInPlace(a: Float64Array, n: number): boolean {
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let d = a[rj + j]!;
    for (let k = 0; k < j; k++) d -= a[rj + k]! * a[rj + k]!;
    if (!(d > 0)) return false;
    const ljj = Math.sqrt(d);
    a[rj + j] = ljj;
    const inv = 1 / ljj;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let s = a[ri + j]!;
      for (let k = 0; k < j; k++) s -= a[ri + k]! * a[rj + k]!;
      a[ri + j] = s * inv;
    }
    for (let i = j + 1; i < n; i++) a[rj + i] = 0;
  }
  return true;
}

/**
 * The Cholesky factor of `k + jitter * I` (a fresh array), retrying with a growing jitter when
 * rounding makes `k` numerically indefinite (near-duplicate points). Returns null if even a large
 * jitter fails, which only happens with non-finite input.
 */
export function choleskyWithJitter(k: Float64Array, n: number): Float64Array | null {
  let jitter = 0;
  for (let attempt = 0; attempt < 8; attempt++) {
    const a = k.slice();
    if (jitter > 0) for (let i = 0; i < n; i++) a[i * n + i] += jitter;
    if (choleskyInPlace(a, n)) return a;
    jitter = jitter === 0 ? 1e-8 : jitter * 10;
  }
  return null;
}

/** Solves L x = b (L lower triangular) into `out` (may alias b). */
export function solveLower(l: Float64Array, n: number, b: ArrayLike<number>, out: Float64Array): Float64Array {
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= l[ri + k]! * out[k]!;
    out[i] = s / l[ri + i]!;
  }
  return out;
}

/** Solves L^T x = b (L lower triangular) into `out` (may alias b). */
export function solveUpperT(l: Float64Array, n: number, b: ArrayLike<number>, out: Float64Array): Float64Array {
  for (let i = n - 1; i >= 0; i--) {
    let s = b[i]!;
    for (let k = i + 1; k < n; k++) s -= l[k * n + i]! * out[k]!;
    out[i] = s / l[i * n + i]!;
  }
  return out;
}

/** K^{-1} from its lower Cholesky factor L, as a full symmetric matrix. */
export function inverseFromCholesky(l: Float64Array, n: number): Float64Array {
  // Row j of U holds column j of L^{-1} (so U = L^{-T}, upper triangular); then
  // K^{-1}[i][j] = sum over k >= max(i, j) of U[i][k] U[j][k], a dot product of contiguous rows.
  const u = new Float64Array(n * n);
  const x = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    x.fill(0, 0, j);
    for (let i = j; i < n; i++) {
      const ri = i * n;
      let s = i === j ? 1 : 0;
      for (let k = j; k < i; k++) s -= l[ri + k]! * x[k]!;
      x[i] = s / l[ri + i]!;
    }
    const rj = j * n;
    for (let i = j; i < n; i++) u[rj + i] = x[i]!;
  }
  const inv = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let j = 0; j <= i; j++) {
      const rj = j * n;
      let s = 0;
      for (let k = i; k < n; k++) s += u[ri + k]! * u[rj + k]!;
      inv[ri + j] = s;
      inv[rj + i] = s;
    }
  }
  return inv;
}
