/**
 * Full rows of the training kernel matrix K(x_r, .) in training order, computed on demand and
 * kept in an LRU cache, shared by every binary problem of a fit: with one-vs-one over k classes a
 * row serves up to k - 1 problems, and is computed once instead of once per problem (LIBSVM
 * recomputes it per problem). A row is one matrix-vector product X x_r, done in WebAssembly SIMD
 * (the project's A B' kernel, ../fast/abt-wasm.ts) where available, then the kernel function.
 * When the whole matrix fits in the budget (and is not large), rows go into one float32 matrix
 * instead of the LRU cache: a computed row stays put, and a request is one array read (the LRU
 * bookkeeping was a visible share of small fits, which ask for two rows per solver iteration).
 */
import type { AbtWorkspace } from '../fast/abt-wasm.js';
import { RowCache } from './cache.js';
import { acquireWorkspace, releaseWorkspace } from './workspace.js';
import { dotRows, kernelFromDot, rowNorms, type KernelSpec } from './kernel.js';

/**
 * Largest whole matrix kept in one piece (bytes; also bounded by the caller's budget). Small on
 * purpose: a large fresh block is slow to touch (page faults; 36 MB for 3,000 rows added a
 * quarter to an SVR fit, 7 MB for digits' 1,347 rows a fifth to an SVC fit), while the LRU's
 * row-sized blocks reuse memory, and the bookkeeping saved matters only for small problems.
 */
const FULL_MAX_BYTES = 2 * 1024 * 1024;

/** Kernel rows of one training matrix. */
export class KernelMatrix {
  /** K(x_r, x_r) for every row. */
  readonly diag: Float64Array;
  /** Squared norm of every row. */
  readonly norms: Float64Array;
  private readonly cache: RowCache | null;
  // Whole-matrix mode: row r is full[r n .. r n + n), a view kept in rows[r] once computed
  // (done[r] = 1).
  private readonly full: Float32Array | null;
  private readonly rows: (Float32Array | undefined)[];
  private readonly done: Uint8Array;
  private readonly scratch: Float32Array[];
  private next = 0;
  private ws: AbtWorkspace | null;
  private readonly dots: Float64Array;

  /**
   * @param X n x p training rows (row-major; not modified)
   * @param cacheBytes memory budget of the cached rows (at least two rows are kept); 0 for no
   *   cache at all, when one problem uses the rows and caches them itself: each row is then
   *   computed into one of two scratch rows, valid until the next-but-one call (fresh memory is
   *   slow to touch, so a second copy of every row costs more than it saves)
   */
  constructor(
    readonly spec: KernelSpec,
    readonly X: Float64Array,
    readonly n: number,
    readonly p: number,
    private readonly cacheBytes: number,
  ) {
    this.norms = rowNorms(X, n, p);
    this.diag = Float64Array.from(this.norms, (v) => kernelFromDot(spec, v, v, v));
    const fullBytes = n * n * 4;
    this.full = cacheBytes > 0 && fullBytes <= cacheBytes && fullBytes <= FULL_MAX_BYTES ? new Float32Array(n * n) : null;
    this.rows = this.full ? new Array<Float32Array | undefined>(n).fill(undefined) : [];
    this.done = new Uint8Array(this.full ? n : 0);
    this.cache = cacheBytes > 0 && !this.full ? new RowCache(n, cacheBytes) : null;
    this.scratch = cacheBytes > 0 ? [] : [new Float32Array(n), new Float32Array(n)];
    // Layout: X, then the query row, then the n products. Tiny problems stay in JavaScript.
    this.ws = n * p >= 2000 ? acquireWorkspace(n * p + p + n) : null;
    if (this.ws) this.ws.f64.set(X.subarray(0, n * p), 0);
    this.dots = new Float64Array(n);
  }

  /** Hands the WebAssembly workspace back; later calls compute in JavaScript. */
  dispose(): void {
    releaseWorkspace(this.ws);
    this.ws = null;
  }

  /** Row r of K (length n, training order), valid until the cache drops it (see the constructor); do not modify. */
  get(r: number): Float32Array {
    const { n, p } = this;
    let row: Float32Array;
    if (this.full) {
      const have = this.rows[r];
      if (have) return have;
      row = this.fullRow(r);
      this.rows[r] = row;
      this.done[r] = 1;
      return row;
    }
    if (this.cache) {
      row = this.cache.get(r, n);
      if (this.cache.filled === n) return row;
    } else {
      row = this.scratch[this.next]!;
      this.next ^= 1;
    }
    const dots = this.dotsOf(r);
    const { spec, norms } = this;
    const nr = norms[r]!;
    if (spec.kind === 'rbf') {
      const g = spec.gamma;
      for (let k = 0; k < n; k++) row[k] = Math.exp(-g * (nr + norms[k]! - 2 * dots[k]!));
    } else for (let k = 0; k < n; k++) row[k] = kernelFromDot(spec, dots[k]!, nr, norms[k]!);
    return row;
  }

  /**
   * Row r in whole-matrix mode. K is symmetric entry for entry (the dot products and the kernel
   * function do not depend on the order of their arguments), so the entries of rows already
   * computed are copied from their column instead of paying for the kernel function again.
   */
  private fullRow(r: number): Float32Array {
    const { n, full, done } = this;
    const row = full!.subarray(r * n, r * n + n);
    const dots = this.dotsOf(r);
    const { spec, norms } = this;
    const nr = norms[r]!;
    if (spec.kind === 'rbf') {
      const g = spec.gamma;
      for (let k = 0; k < n; k++) row[k] = done[k] !== 0 ? full![k * n + r]! : Math.exp(-g * (nr + norms[k]! - 2 * dots[k]!));
    } else for (let k = 0; k < n; k++) row[k] = done[k] !== 0 ? full![k * n + r]! : kernelFromDot(spec, dots[k]!, nr, norms[k]!);
    return row;
  }

  /** True when rows are cached (else {@link KernelMatrix.get} computes every row afresh). */
  get cached(): boolean {
    return this.cacheBytes > 0;
  }

  /**
   * x_r . x_k for every k (length n), valid until the next call. With no cache, a caller that
   * needs a few entries of a row applies the kernel function to those only (LIBSVM computes
   * only the active part of a row), instead of to the whole row.
   */
  dotsOf(r: number): Float64Array {
    const { n, p } = this;
    if (this.ws) {
      const f = this.ws.f64;
      const q = n * p;
      f.set(this.X.subarray(r * p, r * p + p), q);
      this.ws.abt(q, 1, 0, n, p, q + p);
      return f.subarray(q + p, q + p + n);
    }
    const dots = this.dots;
    for (let k = 0; k < n; k++) dots[k] = dotRows(this.X, r * p, this.X, k * p, p);
    return dots;
  }
}
