/**
 * Cholesky factorisation of symmetric positive-definite matrices (row-major Float64Array, n x n)
 * and what callers do with the factor: solves, the inverse, and retries with a growing diagonal
 * jitter when rounding makes a matrix numerically indefinite. Used by ridge regression (the
 * normal equations) and by the GP sampler (the kernel matrix).
 */

/** Pivots at or below this count as non-positive: their square root would blow up the factor. */
const MIN_PIVOT = 1e-300;

/**
 * The lower Cholesky factor L of `a + shift * I` (a = L L^T), as a fresh n x n array whose strict
 * upper triangle is zero. Reads only the diagonal and upper triangle of `a` (not modified), so a
 * caller that builds a symmetric matrix may fill just that half. Returns null when a pivot is not
 * positive (not positive definite, or non-finite entries).
 */
export function cholesky(a: Float64Array, n: number, shift = 0): Float64Array | null {
  const L = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    const rj = j * n;
    let s = a[rj + j]! + shift;
    for (let k = 0; k < j; k++) s -= L[rj + k]! * L[rj + k]!;
    if (!(s > MIN_PIVOT)) return null;
    const ljj = Math.sqrt(s);
    L[rj + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      const ri = i * n;
      let t = a[rj + i]!;
      for (let k = 0; k < j; k++) t -= L[ri + k]! * L[rj + k]!;
      L[ri + j] = t / ljj;
    }
  }
  return L;
}

/** The diagonal jitter schedule of {@link choleskyWithJitter}. */
export interface JitterOptions {
  /** Always added to the diagonal (a ridge penalty, say). Default 0. */
  readonly shift?: number;
  /** Jitter of the first retry (the first attempt has none). Default 1e-8. */
  readonly first?: number;
  /** Factor by which the jitter grows between retries. Default 10. */
  readonly growth?: number;
  /** Attempts in all, the jitter-free one included. Default 8. */
  readonly attempts?: number;
}

/**
 * The Cholesky factor of `a + (shift + jitter) I`: first with no jitter, then with a jitter that
 * grows geometrically, because near-duplicate rows (GP inputs, collinear features) make a
 * positive semi-definite matrix indefinite by rounding. Null when every attempt fails, which with
 * the defaults takes non-finite input.
 */
export function choleskyWithJitter(a: Float64Array, n: number, opt: JitterOptions = {}): Float64Array | null {
  const shift = opt.shift ?? 0;
  const growth = opt.growth ?? 10;
  const attempts = opt.attempts ?? 8;
  let jitter = 0;
  for (let attempt = 0; attempt < attempts; attempt++) {
    const L = cholesky(a, n, shift + jitter);
    if (L) return L;
    jitter = jitter === 0 ? (opt.first ?? 1e-8) : jitter * growth;
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

/** Solves (L L^T) x = b from the lower Cholesky factor L; returns a fresh x. */
export function choleskySolve(l: Float64Array, n: number, b: ArrayLike<number>): Float64Array {
  return solveUpperT(l, n, solveLower(l, n, b, new Float64Array(n)), new Float64Array(n));
}

/** A^{-1} from the lower Cholesky factor L of A, as a full symmetric matrix. */
export function inverseFromCholesky(l: Float64Array, n: number): Float64Array {
  // Row j of U holds column j of L^{-1} (so U = L^{-T}, upper triangular); then
  // A^{-1}[i][j] = sum over k >= max(i, j) of U[i][k] U[j][k], a dot product of contiguous rows.
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
