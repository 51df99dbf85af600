import { choleskySolve, choleskyWithJitter, inverseFromCholesky, solveLower } from '../../numeric/cholesky.js';

const SQRT5 = Math.sqrt(5);

/**
 * Hyperparameters of the Matérn 5/2 ARD kernel with Gaussian noise, in log space:
 * `theta = [log l_1 .. log l_D, log signal variance, log noise excess]`; the noise variance is
 * `NOISE_FLOOR + exp(last)` so it can never reach zero.
 */
export const NOISE_FLOOR = 1e-6;

/** Matérn 5/2 correlation at scaled distance r. */
export function matern52(r: number): number {
  const sr = SQRT5 * r;
  return (1 + sr + (5 / 3) * r * r) * Math.exp(-sr);
}

/** Training inputs: n rows of D features, row-major. */
export interface Inputs {
  readonly n: number;
  readonly d: number;
  readonly x: Float64Array;
}

/** Unpacked hyperparameters. */
export interface Hyper {
  readonly invLs: Float64Array;
  readonly signal: number;
  readonly noise: number;
}

/** Unpacks `theta` (see {@link NOISE_FLOOR}). */
export function unpack(theta: Float64Array, d: number): Hyper {
  const invLs = new Float64Array(d);
  for (let k = 0; k < d; k++) invLs[k] = Math.exp(-theta[k]!);
  return { invLs, signal: Math.exp(theta[d]!), noise: NOISE_FLOOR + Math.exp(theta[d + 1]!) };
}

/** Scaled distance between row i of `a` and the point `b` (offset bo). */
function dist(a: Float64Array, ao: number, b: Float64Array, bo: number, invLs: Float64Array, d: number): number {
  let s = 0;
  for (let k = 0; k < d; k++) {
    const z = (a[ao + k]! - b[bo + k]!) * invLs[k]!;
    s += z * z;
  }
  return Math.sqrt(s);
}

/** The covariance matrix K + noise I of the inputs. */
export function covariance(inp: Inputs, h: Hyper): Float64Array {
  const { n, d, x } = inp;
  const k = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    k[i * n + i] = h.signal + h.noise;
    for (let j = 0; j < i; j++) {
      const v = h.signal * matern52(dist(x, i * d, x, j * d, h.invLs, d));
      k[i * n + j] = v;
      k[j * n + i] = v;
    }
  }
  return k;
}

/** Weak priors on theta, as (mean, sd) of independent normals. */
export interface ThetaPrior {
  readonly mean: Float64Array;
  readonly sd: Float64Array;
}

/**
 * Negative log marginal likelihood of standardised targets `y`, minus the log prior, and its
 * gradient with respect to theta. Returns +Infinity when K cannot be factorised.
 */
export function negLogPosterior(inp: Inputs, y: Float64Array, prior: ThetaPrior, theta: Float64Array, grad: Float64Array): number {
  const { n, d, x } = inp;
  const h = unpack(theta, d);
  const l = choleskyWithJitter(covariance(inp, h), n);
  if (!l) return Infinity;
  const alpha = choleskySolve(l, n, y);
  let value = 0.5 * n * Math.log(2 * Math.PI);
  for (let i = 0; i < n; i++) value += 0.5 * y[i]! * alpha[i]! + Math.log(l[i * n + i]!);
  // d(nll)/d(theta) = -1/2 tr(W dK/dtheta), W = alpha alpha^T - K^{-1}.
  const inv = inverseFromCholesky(l, n);
  grad.fill(0);
  let gSignal = 0;
  let gNoise = 0;
  const lsGrad = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const wii = alpha[i]! * alpha[i]! - inv[i * n + i]!;
    gSignal += 0.5 * wii * h.signal;
    gNoise += 0.5 * wii * (h.noise - NOISE_FLOOR);
    for (let j = 0; j < i; j++) {
      const w = alpha[i]! * alpha[j]! - inv[i * n + j]!;
      const r = dist(x, i * d, x, j * d, h.invLs, d);
      const e = Math.exp(-SQRT5 * r);
      const kij = h.signal * (1 + SQRT5 * r + (5 / 3) * r * r) * e;
      // Off-diagonal pairs count twice (W and dK are symmetric), cancelling the 1/2.
      gSignal += w * kij;
      const c = w * h.signal * (5 / 3) * (1 + SQRT5 * r) * e;
      for (let k = 0; k < d; k++) {
        const z = (x[i * d + k]! - x[j * d + k]!) * h.invLs[k]!;
        lsGrad[k] += c * z * z;
      }
    }
  }
  for (let k = 0; k < d; k++) grad[k] = -lsGrad[k]!;
  grad[d] = -gSignal;
  grad[d + 1] = -gNoise;
  for (let t = 0; t < theta.length; t++) {
    const z = (theta[t]! - prior.mean[t]!) / prior.sd[t]!;
    value += 0.5 * z * z;
    grad[t] += z / prior.sd[t]!;
  }
  return value;
}

/** A fitted GP posterior over standardised targets. */
export class Posterior {
  private readonly l: Float64Array;
  private readonly alpha: Float64Array;
  private readonly kStar: Float64Array;
  private readonly v: Float64Array;

  private constructor(readonly inp: Inputs, readonly h: Hyper, l: Float64Array, alpha: Float64Array) {
    this.l = l;
    this.alpha = alpha;
    this.kStar = new Float64Array(inp.n);
    this.v = new Float64Array(inp.n);
  }

  /** Conditions the GP with hyperparameters `theta` on (inputs, y); null if K is not factorisable. */
  static fit(inp: Inputs, y: Float64Array, theta: Float64Array): Posterior | null {
    const h = unpack(theta, inp.d);
    const l = choleskyWithJitter(covariance(inp, h), inp.n);
    if (!l) return null;
    const alpha = choleskySolve(l, inp.n, y);
    return new Posterior(inp, h, l, alpha);
  }

  /** Latent mean and standard deviation at the point `p` (D features). */
  predict(p: Float64Array): { mean: number; sd: number } {
    const { n, d, x } = this.inp;
    let mean = 0;
    for (let i = 0; i < n; i++) {
      const k = this.h.signal * matern52(dist(x, i * d, p, 0, this.h.invLs, d));
      this.kStar[i] = k;
      mean += k * this.alpha[i]!;
    }
    solveLower(this.l, n, this.kStar, this.v);
    let q = 0;
    for (let i = 0; i < n; i++) q += this.v[i]! * this.v[i]!;
    return { mean, sd: Math.sqrt(Math.max(this.h.signal - q, 1e-12)) };
  }
}
