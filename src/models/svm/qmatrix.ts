/**
 * The Q matrices of the SMO solver (Q_ij = y_i y_j K(x_i, x_j)) for classification and for
 * epsilon-regression, built from the shared kernel rows of kernel-matrix.ts. The solver moves
 * variables around (active ones to the front), so each matrix answers in the solver's current
 * order and follows `swap`.
 */
import { RowCache } from './cache.js';
import type { KernelMatrix } from './kernel-matrix.js';
import { kernelFromDot } from './kernel.js';

/** What the SMO solver needs from its quadratic term. */
export interface QMatrix {
  /** Number of variables. */
  readonly size: number;
  /** Diagonal of Q in the solver's current order. */
  readonly QD: Float64Array;
  /**
   * Entries 0..len-1 of row i of Q. The array is valid until the next-but-one call (the solver
   * holds two rows at a time) or the next `swap`.
   */
  getQ(i: number, len: number): Float32Array;
  /** Exchanges variables i and j. */
  swap(i: number, j: number): void;
}

/**
 * A Q whose rows are signed kernel rows, Q_ik = sign_i sign_k K(x_r(i), x_r(k)), and which lets
 * the solver read the kernel rows themselves: the solver then folds the signs and the gather
 * into its own loops (one pass instead of gathering each row of Q into a buffer first).
 */
export interface KernelRowsQ extends QMatrix {
  /** Training row r(k) behind each variable, in the solver's current order (follows `swap`). */
  readonly sample: Int32Array;
  /** Sign of each variable (+1 or -1), in the solver's current order (follows `swap`). */
  readonly sign: Int8Array;
  /** K(x_r, .) in training-row order; valid until the next-but-one call. Do not modify. */
  kernelRow(r: number): Float32Array;
}

/** True when Q offers its kernel rows (see {@link KernelRowsQ}). */
export function hasKernelRows(Q: QMatrix): Q is KernelRowsQ {
  return typeof (Q as Partial<KernelRowsQ>).kernelRow === 'function';
}

/**
 * Q of C-support-vector classification: l variables, one per training row of the problem. Rows of
 * Q live in a per-problem LRU cache in the solver's order (LIBSVM's design: a cached row is
 * returned as is, no copy); a missing part is gathered from the shared kernel rows.
 */
export class SvcQ implements QMatrix {
  readonly size: number;
  readonly QD: Float64Array;
  private readonly idx: Int32Array;
  private readonly y: Int8Array;
  private readonly cache: RowCache;

  /**
   * @param rows training-row index (into the kernel's matrix) of each variable
   * @param y +1 or -1 per variable
   */
  constructor(
    private readonly kernel: KernelMatrix,
    rows: Int32Array,
    y: Int8Array,
    cacheBytes: number,
  ) {
    const l = rows.length;
    this.size = l;
    this.idx = Int32Array.from(rows);
    this.y = Int8Array.from(y);
    this.cache = new RowCache(l, cacheBytes);
    this.QD = Float64Array.from(this.idx, (r) => kernel.diag[r]!);
  }

  getQ(i: number, len: number): Float32Array {
    const row = this.cache.get(i, len);
    const start = this.cache.filled;
    if (start >= len) return row;
    const { y, idx, kernel } = this;
    const r = idx[i]!;
    const yi = y[i]!;
    if (kernel.cached) {
      const full = kernel.get(r);
      for (let k = start; k < len; k++) row[k] = y[k] === yi ? full[idx[k]!]! : -full[idx[k]!]!;
      return row;
    }
    // No shared rows: the kernel function on the entries asked for only.
    const dots = kernel.dotsOf(r);
    const { norms, spec } = kernel;
    const nr = norms[r]!;
    if (spec.kind === 'rbf') {
      const g = spec.gamma;
      for (let k = start; k < len; k++) {
        const c = idx[k]!;
        const v = Math.exp(-g * (nr + norms[c]! - 2 * dots[c]!));
        row[k] = y[k] === yi ? v : -v;
      }
    } else {
      for (let k = start; k < len; k++) {
        const c = idx[k]!;
        const v = kernelFromDot(spec, dots[c]!, nr, norms[c]!);
        row[k] = y[k] === yi ? v : -v;
      }
    }
    return row;
  }

  swap(i: number, j: number): void {
    this.cache.swap(i, j);
    swapI32(this.idx, i, j);
    const t = this.y[i]!;
    this.y[i] = this.y[j]!;
    this.y[j] = t;
    swapF64(this.QD, i, j);
  }
}

/**
 * Q of epsilon-support-vector regression: 2l variables (alpha_i then alpha*_i), whose rows are
 * signed copies of the l kernel rows. The solver reads the kernel rows themselves (see
 * {@link KernelRowsQ}); `getQ` (gradient reconstruction after shrinking) gathers a kernel row into
 * one of two buffers.
 */
export class SvrQ implements KernelRowsQ {
  readonly size: number;
  readonly QD: Float64Array;
  readonly sign: Int8Array;
  readonly sample: Int32Array;
  private readonly buffers: [Float32Array, Float32Array];
  // Which variable's row (and how long) each buffer holds: the solver asks for row i twice per
  // iteration (working-set selection, then the update), and the second ask is free.
  private readonly held = [-1, -1];
  private readonly heldLen = [0, 0];
  private last = 1;

  constructor(private readonly kernel: KernelMatrix) {
    const l = kernel.n;
    this.size = 2 * l;
    this.sign = new Int8Array(2 * l);
    this.sample = new Int32Array(2 * l);
    this.QD = new Float64Array(2 * l);
    for (let k = 0; k < l; k++) {
      this.sign[k] = 1;
      this.sign[k + l] = -1;
      this.sample[k] = k;
      this.sample[k + l] = k;
      this.QD[k] = kernel.diag[k]!;
      this.QD[k + l] = this.QD[k]!;
    }
    this.buffers = [new Float32Array(2 * l), new Float32Array(2 * l)];
  }

  kernelRow(r: number): Float32Array {
    return this.kernel.get(r);
  }

  getQ(i: number, len: number): Float32Array {
    for (let b = 0; b < 2; b++) {
      if (this.held[b] === i && this.heldLen[b]! >= len) {
        this.last = b;
        return this.buffers[b]!;
      }
    }
    const data = this.kernel.get(this.sample[i]!);
    // Overwrite the buffer not handed out last: the solver may still hold that one.
    const b = this.last ^ 1;
    this.last = b;
    this.held[b] = i;
    this.heldLen[b] = len;
    const buf = this.buffers[b]!;
    const { sign, sample } = this;
    if (sign[i] === 1) for (let k = 0; k < len; k++) buf[k] = sign[k] === 1 ? data[sample[k]!]! : -data[sample[k]!]!;
    else for (let k = 0; k < len; k++) buf[k] = sign[k] === 1 ? -data[sample[k]!]! : data[sample[k]!]!;
    return buf;
  }

  swap(i: number, j: number): void {
    this.held[0] = -1;
    this.held[1] = -1;
    const t = this.sign[i]!;
    this.sign[i] = this.sign[j]!;
    this.sign[j] = t;
    swapI32(this.sample, i, j);
    swapF64(this.QD, i, j);
  }
}

function swapI32(a: Int32Array, i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}

function swapF64(a: Float64Array, i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}
