import type { Rng } from '../../util/rng.js';
import { LOG_SQRT_2PI, logUnitMass } from './normal.js';

const SPREAD_MIN = 0.1;
const SPREAD_MAX = 0.2;

/**
 * Observations of one group of parameters, in the unit-cube encoding: `num` holds `n * nNum`
 * encoded numeric values (row-major), `cat` holds `n * nCat` category indices.
 */
export interface GroupObservations {
  readonly n: number;
  readonly num: Float64Array;
  readonly cat: Int32Array;
  /** Relative weight of each observation in the mixture (default: all 1). */
  readonly weights?: Float64Array;
}

/** Settings of a {@link ParzenEstimator}. */
export interface ParzenSettings {
  /** Weight of the prior component (uniform over the group) relative to one observation. */
  readonly priorWeight: number;
  /** Lower bound of a numeric bandwidth, in unit-cube units. */
  readonly minBandwidth: number;
}

/**
 * A multivariate Parzen estimator over one group of parameters: a mixture with one product
 * kernel per observation plus one broad prior component. Numeric dimensions use Gaussian kernels
 * truncated to [0, 1]; categorical ones an Aitchison-Aitken-style kernel that keeps mass on every
 * category.
 *
 * Bandwidths follow Scott's rule per dimension, `clamp(std_d, 0.1, 0.2) * n^(-1/(D+4))` with D the
 * number of numeric dimensions (0.2 when fewer than two observations exist), floored at
 * `minBandwidth`. A kernel shared by all observations (rather than one per neighbour gap)
 * is what makes the density joint: the kernels are products over dimensions, so correlated good
 * regions are kept together instead of being factorised into independent marginals.
 */
export class ParzenEstimator {
  readonly k: number;
  private readonly nNum: number;
  private readonly nCat: number;
  private readonly catSizes: readonly number[];
  private readonly catOffsets: Int32Array;
  private readonly catWidth: number;
  /** Normalised mixture weights (linear), for sampling. */
  private readonly weights: Float64Array;
  private readonly mus: Float64Array;
  private readonly sigmas: Float64Array;
  private readonly invSigmas: Float64Array;
  /** Per component: log weight minus every numeric normaliser, so scoring adds only quadratics. */
  private readonly constant: Float64Array;
  /** Per component and categorical parameter: log probabilities of each category. */
  private readonly catLogP: Float64Array;

  constructor(obs: GroupObservations, nNum: number, catSizes: readonly number[], s: ParzenSettings) {
    const n = obs.n;
    const k = n + 1;
    this.k = k;
    this.nNum = nNum;
    this.nCat = catSizes.length;
    this.catSizes = catSizes;
    this.catOffsets = new Int32Array(this.nCat);
    let w = 0;
    for (let j = 0; j < this.nCat; j++) {
      this.catOffsets[j] = w;
      w += catSizes[j]!;
    }
    this.catWidth = w;
    this.weights = new Float64Array(k);
    this.mus = new Float64Array(k * nNum);
    this.sigmas = new Float64Array(k * nNum);
    this.invSigmas = new Float64Array(k * nNum);
    this.constant = new Float64Array(k);
    this.catLogP = new Float64Array(k * w);

    const w0 = obs.weights;
    let sumW = 0;
    for (let i = 0; i < n; i++) sumW += w0 ? w0[i]! : 1;
    const total = sumW + s.priorWeight;
    for (let i = 0; i < n; i++) this.weights[i] = (w0 ? w0[i]! : 1) / total;
    this.weights[n] = s.priorWeight / total;

    const scott = Math.pow(Math.max(n, 1), -1 / (nNum + 4));
    for (let d = 0; d < nNum; d++) {
      let mean = 0;
      for (let i = 0; i < n; i++) mean += obs.num[i * nNum + d]!;
      mean /= Math.max(n, 1);
      let v = 0;
      for (let i = 0; i < n; i++) {
        const e = obs.num[i * nNum + d]! - mean;
        v += e * e;
      }
      // Scott's rule on the observed spread, the spread clamped to [0.1, 0.2] of the range: the
      // ceiling is the fixed magnitude Optuna's multivariate TPE uses; the floor matters in
      // several dimensions, where a pure spread rule shrank l onto the first good points and
      // stalled (measured in bench/samplers: 5-d Rosenbrock got worse than random search).
      const sd = n >= 2 ? Math.sqrt(v / (n - 1)) : SPREAD_MAX;
      const h = scott * Math.min(SPREAD_MAX, Math.max(SPREAD_MIN, sd));
      const sigma = Math.min(1, Math.max(s.minBandwidth, h));
      for (let i = 0; i < n; i++) {
        this.mus[i * nNum + d] = obs.num[i * nNum + d]!;
        this.sigmas[i * nNum + d] = sigma;
      }
      this.mus[n * nNum + d] = 0.5;
      this.sigmas[n * nNum + d] = 1;
    }
    for (let i = 0; i < k * nNum; i++) this.invSigmas[i] = 1 / this.sigmas[i]!;
    for (let i = 0; i < k; i++) {
      let c = Math.log(this.weights[i]!);
      for (let d = 0; d < nNum; d++) {
        const sg = this.sigmas[i * nNum + d]!;
        c -= Math.log(sg) + LOG_SQRT_2PI + logUnitMass(this.mus[i * nNum + d]!, sg);
      }
      this.constant[i] = c;
    }
    // Categorical kernel: the observed category gets 1 + a, every category a, normalised; a
    // shrinks as observations accumulate so the kernel sharpens but never rules a category out.
    const a = s.priorWeight / Math.max(n, 1);
    for (let j = 0; j < this.nCat; j++) {
      const size = catSizes[j]!;
      const off = this.catOffsets[j]!;
      const denom = 1 + size * a;
      for (let i = 0; i < n; i++) {
        const c = obs.cat[i * this.nCat + j]!;
        for (let q = 0; q < size; q++) this.catLogP[i * w + off + q] = Math.log(((q === c ? 1 : 0) + a) / denom);
      }
      for (let q = 0; q < size; q++) this.catLogP[n * w + off + q] = -Math.log(size);
    }
  }

  /** Draws `m` points into `num` (m * nNum) and `cat` (m * nCat). */
  sample(rng: Rng, m: number, num: Float64Array, cat: Int32Array): void {
    const { nNum, nCat, k } = this;
    for (let r = 0; r < m; r++) {
      let u = rng.next();
      let i = 0;
      while (i < k - 1 && u >= this.weights[i]!) {
        u -= this.weights[i]!;
        i++;
      }
      for (let d = 0; d < nNum; d++) {
        num[r * nNum + d] = truncatedNormal(rng, this.mus[i * nNum + d]!, this.sigmas[i * nNum + d]!);
      }
      for (let j = 0; j < nCat; j++) {
        const size = this.catSizes[j]!;
        const base = i * this.catWidth + this.catOffsets[j]!;
        let v = rng.next();
        let q = 0;
        while (q < size - 1) {
          v -= Math.exp(this.catLogP[base + q]!);
          if (v < 0) break;
          q++;
        }
        cat[r * nCat + j] = q;
      }
    }
  }

  /** Log density at each of `m` points, written into `out`. */
  logPdf(m: number, num: Float64Array, cat: Int32Array, out: Float64Array): void {
    const { nNum, nCat, k } = this;
    const terms = new Float64Array(k);
    for (let r = 0; r < m; r++) {
      let best = -Infinity;
      for (let i = 0; i < k; i++) {
        let q = 0;
        const mo = i * nNum;
        const xo = r * nNum;
        for (let d = 0; d < nNum; d++) {
          const z = (num[xo + d]! - this.mus[mo + d]!) * this.invSigmas[mo + d]!;
          q += z * z;
        }
        let t = this.constant[i]! - 0.5 * q;
        const co = i * this.catWidth;
        for (let j = 0; j < nCat; j++) t += this.catLogP[co + this.catOffsets[j]! + cat[r * nCat + j]!]!;
        terms[i] = t;
        if (t > best) best = t;
      }
      let sum = 0;
      for (let i = 0; i < k; i++) sum += Math.exp(terms[i]! - best);
      out[r] = best + Math.log(sum);
    }
  }
}

/** A draw from N(mu, sigma^2) restricted to [0, 1], by rejection (acceptance >= 1/3 since sigma <= 1). */
function truncatedNormal(rng: Rng, mu: number, sigma: number): number {
  for (let t = 0; t < 64; t++) {
    const x = mu + sigma * rng.normal();
    if (x >= 0 && x <= 1) return x;
  }
  return Math.min(1, Math.max(0, mu));
}
