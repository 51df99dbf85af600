/**
 * What L-BFGS and OWL-QN share: the limited memory of correction pairs (s, y) in a ring buffer,
 * the two-loop recursion that turns a gradient into a search direction, and small vector helpers.
 * OWL-QN feeds the pseudo-gradient where L-BFGS feeds the gradient; the pairs are always built
 * from the smooth gradient.
 */

/** Dot product of two vectors of equal length. */
export function dot(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

/** y += a x. */
export function axpy(a: number, x: Float64Array, y: Float64Array): void {
  for (let i = 0; i < x.length; i++) y[i]! += a * x[i]!;
}

/** x *= a. */
export function scale(a: number, x: Float64Array): void {
  for (let i = 0; i < x.length; i++) x[i]! *= a;
}

/** Largest absolute component (the infinity norm); 0 for an empty vector. */
export function maxAbs(a: Float64Array): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]!));
  return m;
}

/**
 * Writes the steepest-descent direction -g into `dir`, shortened to unit length when |g| > 1:
 * the gradient's scale says nothing about curvature, so a first (or restarted) step should not
 * trust it.
 */
export function steepestDescent(g: Float64Array, dir: Float64Array): void {
  for (let i = 0; i < g.length; i++) dir[i] = -g[i]!;
  scale(1 / Math.max(1, Math.sqrt(dot(g, g))), dir);
}

/**
 * The last `m` correction pairs s = x' - x, y = g' - g of a quasi-Newton solve, newest at
 * `head - 1` (mod m), and the inverse-Hessian product they define. Buffers are allocated once,
 * so an iteration allocates nothing.
 */
export class LbfgsMemory {
  private readonly s: Float64Array[];
  private readonly y: Float64Array[];
  /** The next pair is built here, so that a rejected pair never overwrites a stored one. */
  private sNext: Float64Array;
  private yNext: Float64Array;
  private readonly rho: Float64Array;
  private readonly alpha: Float64Array;
  private head = 0;
  private stored = 0;

  /** Keeps `m` pairs of vectors of length `d`. */
  constructor(
    private readonly m: number,
    d: number,
  ) {
    this.s = Array.from({ length: m }, () => new Float64Array(d));
    this.y = Array.from({ length: m }, () => new Float64Array(d));
    this.rho = new Float64Array(m);
    this.alpha = new Float64Array(m);
    this.sNext = new Float64Array(d);
    this.yNext = new Float64Array(d);
  }

  /** Forgets every pair (the next direction is steepest descent). */
  reset(): void {
    this.stored = 0;
  }

  /**
   * Two-loop recursion: writes -H g into `dir`, with H the L-BFGS inverse-Hessian estimate
   * scaled by s'y / y'y of the newest pair, or the shortened steepest descent when no pair is
   * stored.
   */
  direction(g: Float64Array, dir: Float64Array): void {
    const { m, s: S, y: Y, rho, alpha, head, stored } = this;
    for (let i = 0; i < g.length; i++) dir[i] = -g[i]!;
    for (let j = 0; j < stored; j++) {
      const k = (head - 1 - j + m) % m;
      const a = rho[k]! * dot(S[k]!, dir);
      alpha[k] = a;
      axpy(-a, Y[k]!, dir);
    }
    if (stored > 0) {
      const k = (head - 1 + m) % m;
      scale(dot(S[k]!, Y[k]!) / dot(Y[k]!, Y[k]!), dir);
    } else scale(1 / Math.max(1, Math.sqrt(dot(g, g))), dir);
    for (let j = stored - 1; j >= 0; j--) {
      const k = (head - 1 - j + m) % m;
      const b = rho[k]! * dot(Y[k]!, dir);
      axpy(alpha[k]! - b, S[k]!, dir);
    }
  }

  /**
   * Records the pair of the step x -> xNew (gradients g -> gNew). A pair whose curvature s'y is
   * not clearly positive relative to |s| |y| is dropped: it would make H indefinite.
   */
  update(x: Float64Array, xNew: Float64Array, g: Float64Array, gNew: Float64Array): void {
    const s = this.sNext;
    const y = this.yNext;
    for (let i = 0; i < x.length; i++) {
      s[i] = xNew[i]! - x[i]!;
      y[i] = gNew[i]! - g[i]!;
    }
    const sy = dot(s, y);
    if (sy > 1e-12 * Math.sqrt(dot(y, y) * dot(s, s))) {
      // The slot at head is free or holds the oldest pair, which the new one evicts.
      const h = this.head;
      this.sNext = this.s[h]!;
      this.yNext = this.y[h]!;
      this.s[h] = s;
      this.y[h] = y;
      this.rho[h] = 1 / sy;
      this.head = (h + 1) % this.m;
      this.stored = Math.min(this.stored + 1, this.m);
    }
  }
}
