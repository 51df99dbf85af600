/**
 * Explicit feature maps that turn a kernel problem into a linear one for large data:
 * - Nyström (Williams and Seeger, 2001): m landmark rows drawn without replacement;
 *   phi(x) = L^-1 k_m(x) with L L' = K_mm + delta I, so phi(x).phi(z) = k_m(x)' (K_mm + delta I)^-1 k_m(z),
 *   the Nyström approximation of K(x, z) (a Cholesky factor instead of an eigendecomposition: the
 *   same inner products, at a third of the cost; delta keeps near-duplicate landmarks stable);
 * - random Fourier features for the RBF kernel (Rahimi and Recht, 2007):
 *   phi(x) = sqrt(2/m) cos(W x + b), W ~ N(0, 2 gamma I), b ~ U[0, 2 pi).
 * Every map appends a constant 1 column, the bias feature of the linear solver.
 */
import type { Rng } from '../../util/rng.js';
import { choleskyWithJitter } from '../../numeric/cholesky.js';
import { invertLower, productABt } from './dense.js';
import { kernelFromDot, rowNorms, type KernelSpec } from './kernel.js';

/** Which approximation a large-data fit used. */
export type ApproxKind = 'nystroem' | 'rff';

/** A fitted feature map ('identity' for the linear kernel, which needs no approximation). */
export interface FeatureMap {
  readonly kind: ApproxKind | 'identity';
  /** Output width, the bias column included. */
  readonly width: number;
  /** rows x width row-major features of rows x p inputs. */
  transform(X: Float64Array, rows: number): Float64Array;
}

/** The linear kernel's map: the inputs themselves plus the bias column. */
export class IdentityMap implements FeatureMap {
  readonly kind = 'identity';
  readonly width: number;

  constructor(readonly p: number) {
    this.width = p + 1;
  }

  transform(X: Float64Array, rows: number): Float64Array {
    const { p, width } = this;
    const out = new Float64Array(rows * width);
    for (let i = 0; i < rows; i++) {
      out.set(X.subarray(i * p, i * p + p), i * width);
      out[i * width + p] = 1;
    }
    return out;
  }
}

/** Nyström map; `M` = L^-1 (m x m, lower triangular). */
export class NystroemMap implements FeatureMap {
  readonly kind = 'nystroem';
  readonly width: number;
  private readonly norms: Float64Array;

  constructor(
    readonly kernel: KernelSpec,
    readonly landmarks: Float64Array,
    readonly m: number,
    readonly p: number,
    readonly M: Float64Array,
  ) {
    this.width = m + 1;
    this.norms = rowNorms(landmarks, m, p);
  }

  /** Draws min(m, n) landmarks from the rows of X and factors their kernel matrix. */
  static fit(kernel: KernelSpec, X: Float64Array, n: number, p: number, m: number, rng: Rng): NystroemMap {
    const k = Math.min(m, n);
    // Partial Fisher-Yates: the first k entries are a uniform sample without replacement.
    const order = Int32Array.from({ length: n }, (_, i) => i);
    for (let i = 0; i < k; i++) {
      const j = i + Math.floor(rng.next() * (n - i));
      const t = order[i]!;
      order[i] = order[j]!;
      order[j] = t;
    }
    const S = new Float64Array(k * p);
    for (let i = 0; i < k; i++) S.set(X.subarray(order[i]! * p, order[i]! * p + p), i * p);
    const norms = rowNorms(S, k, p);
    const K = new Float64Array(k * k);
    productABt(S, k, S, k, p, (r0, rows, C) => {
      for (let i = 0; i < rows; i++) for (let j = 0; j < k; j++) K[(r0 + i) * k + j] = kernelFromDot(kernel, C[i * k + j]!, norms[r0 + i]!, norms[j]!);
    });
    let mean = 0;
    for (let i = 0; i < k; i++) mean += K[i * k + i]! / k;
    const L = choleskyWithJitter(K, k, { shift: 1e-6 * Math.max(mean, 1e-12), first: 1e-5 * Math.max(mean, 1e-12), attempts: 10 });
    // A kernel matrix this far from positive definite means non-finite input, which fit checks earlier.
    if (!L) throw new RangeError('Nyström: the landmark kernel matrix is not positive definite');
    return new NystroemMap(kernel, S, k, p, invertLower(L, k));
  }

  transform(X: Float64Array, rows: number): Float64Array {
    const { m, p, width } = this;
    const out = new Float64Array(rows * width);
    productABt(X, rows, this.landmarks, m, p, (r0, count, C) => {
      for (let i = 0; i < count; i++) {
        const o = (r0 + i) * p;
        let nz = 0;
        for (let t = 0; t < p; t++) nz += X[o + t]! * X[o + t]!;
        for (let j = 0; j < m; j++) C[i * m + j] = kernelFromDot(this.kernel, C[i * m + j]!, nz, this.norms[j]!);
      }
      // phi = M k: a second product, over this block of kernel rows only.
      const Kb = Float64Array.from(C);
      productABt(Kb, count, this.M, m, m, (s0, c2, P) => {
        for (let i = 0; i < c2; i++) {
          const dst = (r0 + s0 + i) * width;
          out.set(P.subarray(i * m, i * m + m), dst);
          out[dst + m] = 1;
        }
      });
    });
    return out;
  }
}

/** Random Fourier features of the RBF kernel. */
export class FourierMap implements FeatureMap {
  readonly kind = 'rff';
  readonly width: number;

  constructor(
    readonly W: Float64Array,
    readonly b: Float64Array,
    readonly m: number,
    readonly p: number,
  ) {
    this.width = m + 1;
  }

  /** Draws m frequencies for an RBF kernel of the given gamma. */
  static fit(gamma: number, p: number, m: number, rng: Rng): FourierMap {
    const W = new Float64Array(m * p);
    const sd = Math.sqrt(2 * gamma);
    for (let i = 0; i < W.length; i++) W[i] = rng.normal() * sd;
    const b = new Float64Array(m);
    for (let i = 0; i < m; i++) b[i] = rng.next() * 2 * Math.PI;
    return new FourierMap(W, b, m, p);
  }

  transform(X: Float64Array, rows: number): Float64Array {
    const { m, p, width, b } = this;
    const out = new Float64Array(rows * width);
    const scale = Math.sqrt(2 / m);
    productABt(X, rows, this.W, m, p, (r0, count, C) => {
      for (let i = 0; i < count; i++) {
        const dst = (r0 + i) * width;
        for (let j = 0; j < m; j++) out[dst + j] = scale * Math.cos(C[i * m + j]! + b[j]!);
        out[dst + m] = 1;
      }
    });
    return out;
  }
}
