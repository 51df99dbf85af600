/**
 * Gaussian naive Bayes: per-class feature means and variances, class priors from frequencies, and
 * `var_smoothing` (a fraction of the largest feature variance added to every variance, as in
 * scikit-learn's GaussianNB) so constant features do not produce zero variances.
 */
import type { Estimator, EstimatorJSON, Matrix, ModelContext, ModelSpec, RowBlock } from './estimator.js';
import { AutomlError } from '../util/errors.js';
import { matrix } from './estimator.js';
import { argmaxRows, checkFitInput, checkPredictInput, modelFileError, openEnvelope, readNumber, readNumbers, readParams } from './common.js';
import { defineFamily, familySpec } from './descriptor.js';
import { float } from './hyperparams.js';
import type { ParamsOf } from './hyperparams.js';

const NAME = 'gaussian_nb';
const VERSION = 1;

/** Hyperparameters of {@link gaussianNb}. */
export const gaussianNbParams = {
  var_smoothing: float({ min: 0, max: 1, log: true, default: 1e-9 }),
};

/** Validated hyperparameters of {@link gaussianNb}. */
export type GaussianNbParams = ParamsOf<typeof gaussianNbParams>;

interface NbState {
  nFeatures: number;
  nClasses: number;
  counts: Float64Array;
  means: Float64Array;
  vars: Float64Array;
  /** Fit with balanced class weights: equal priors for the classes present. */
  balancedPriors?: boolean;
}

/** Row counts, means and sums of squared deviations: per class (k x d) and over all rows (d). */
interface NbSums {
  readonly d: number;
  readonly counts: Float64Array;
  readonly means: Float64Array;
  readonly m2: Float64Array;
  readonly all: { readonly n: number; readonly mean: Float64Array; readonly m2: Float64Array };
}

/** Two-pass sums of one block (numerically safer than E[x^2] - E[x]^2 on unscaled data). */
function blockSums(X: Matrix, y: Float64Array, k: number): NbSums {
  const d = X.cols;
  const n = X.rows;
  const data = X.data;
  const counts = new Float64Array(k);
  const means = new Float64Array(k * d);
  const m2 = new Float64Array(k * d);
  for (let i = 0; i < n; i++) {
    const c = y[i]!;
    counts[c]!++;
    for (let j = 0; j < d; j++) means[c * d + j]! += data[i * d + j]!;
  }
  for (let c = 0; c < k; c++) if (counts[c]! > 0) for (let j = 0; j < d; j++) means[c * d + j]! /= counts[c]!;
  for (let i = 0; i < n; i++) {
    const c = y[i]!;
    for (let j = 0; j < d; j++) m2[c * d + j]! += (data[i * d + j]! - means[c * d + j]!) ** 2;
  }
  const mean = new Float64Array(d);
  const allM2 = new Float64Array(d);
  for (let j = 0; j < d; j++) {
    let m = 0;
    for (let i = 0; i < n; i++) m += data[i * d + j]!;
    m /= n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (data[i * d + j]! - m) ** 2;
    mean[j] = m;
    allM2[j] = v;
  }
  return { d, counts, means, m2, all: { n, mean, m2: allM2 } };
}

/** `a` and `b` pooled: means weighted by counts, squared deviations plus the between-means term. */
function mergeSums(a: NbSums, b: NbSums): NbSums {
  const d = a.d;
  const pool = (na: number, nb: number, ma: Float64Array, mb: Float64Array, sa: Float64Array, sb: Float64Array, at: number): void => {
    if (nb === 0) return;
    if (na === 0) {
      ma.set(mb.subarray(at, at + d), at);
      sa.set(sb.subarray(at, at + d), at);
      return;
    }
    const n = na + nb;
    for (let j = 0; j < d; j++) {
      const delta = mb[at + j]! - ma[at + j]!;
      ma[at + j]! += (delta * nb) / n;
      sa[at + j]! += sb[at + j]! + (delta * delta * na * nb) / n;
    }
  };
  for (let c = 0; c < a.counts.length; c++) {
    pool(a.counts[c]!, b.counts[c]!, a.means, b.means, a.m2, b.m2, c * d);
    a.counts[c]! += b.counts[c]!;
  }
  pool(a.all.n, b.all.n, a.all.mean, b.all.mean, a.all.m2, b.all.m2, 0);
  return { ...a, all: { ...a.all, n: a.all.n + b.all.n } };
}

class GaussianNb implements Estimator {
  readonly name = NAME;
  private state?: NbState;

  constructor(
    private readonly params: GaussianNbParams,
    private readonly nClasses: number,
    private readonly classWeight?: ModelContext['classWeight'],
  ) {}

  fit(X: Matrix, y: Float64Array): void {
    let given = false;
    this.fitBlocks(() => (given ? null : ((given = true), { X, y })));
  }

  /**
   * Per-class and overall means and sums of squared deviations, two-pass within each block and
   * merged across blocks (Chan, Golub and LeVeque's pairwise update), so one block gives exactly
   * the two-pass figures of a whole-matrix fit.
   */
  fitBlocks(next: () => RowBlock | null): void {
    const k = this.nClasses;
    let acc: NbSums | null = null;
    for (let b = next(); b !== null; b = next()) {
      checkFitInput(NAME, b.X, b.y, { task: 'classification', nClasses: k });
      if (acc && b.X.cols !== acc.d) throw new AutomlError('E_DATA', `${NAME}: a row block has ${b.X.cols} columns, the first had ${acc.d}`, { value: b.X.cols });
      const part = blockSums(b.X, b.y, k);
      acc = acc ? mergeSums(acc, part) : part;
    }
    if (!acc) throw new AutomlError('E_DATA', `${NAME}: no training rows`, {});
    const { d, counts, means, m2, all } = acc;
    const vars = new Float64Array(k * d);
    for (let c = 0; c < k; c++) if (counts[c]! > 0) for (let j = 0; j < d; j++) vars[c * d + j] = m2[c * d + j]! / counts[c]!;
    let maxVar = 0;
    for (let j = 0; j < d; j++) maxVar = Math.max(maxVar, all.m2[j]! / all.n);
    // Floor at a tiny absolute value so that all-constant data still gives finite likelihoods.
    const eps = Math.max(this.params.var_smoothing * maxVar, 1e-300);
    for (let i = 0; i < vars.length; i++) vars[i]! += eps;
    this.state = { nFeatures: d, nClasses: k, counts, means, vars, ...(this.classWeight === 'balanced' ? { balancedPriors: true } : {}) };
  }

  predictProba(X: Matrix): Matrix {
    const s = this.state;
    checkPredictInput(NAME, X, s?.nFeatures);
    const { nClasses: k, nFeatures: d, counts, means, vars } = s!;
    let total = 0;
    for (const c of counts) total += c;
    // Balanced class weights make every class present equally likely a priori.
    const present = counts.reduce((m, c) => m + (c > 0 ? 1 : 0), 0);
    const prior = (c: number): number => (c > 0 ? (s!.balancedPriors ? 1 / present : c / total) : 0);
    const logPrior = Array.from(counts, (c) => (c > 0 ? Math.log(prior(c)) : -Infinity));
    const logNorm = new Float64Array(k);
    for (let c = 0; c < k; c++) {
      let z = 0;
      for (let j = 0; j < d; j++) z += Math.log(2 * Math.PI * vars[c * d + j]!);
      logNorm[c] = -0.5 * z;
    }
    const out = matrix(X.rows, k);
    const jll = new Float64Array(k);
    for (let i = 0; i < X.rows; i++) {
      let max = -Infinity;
      for (let c = 0; c < k; c++) {
        if (counts[c] === 0) {
          jll[c] = -Infinity;
          continue;
        }
        let q = 0;
        for (let j = 0; j < d; j++) q += (X.data[i * d + j]! - means[c * d + j]!) ** 2 / vars[c * d + j]!;
        jll[c] = logPrior[c]! + logNorm[c]! - 0.5 * q;
        if (jll[c]! > max) max = jll[c]!;
      }
      if (max === -Infinity) {
        // Every likelihood underflowed (a row far beyond the training range): fall back to the priors
        // rather than a row of zeros.
        for (let c = 0; c < k; c++) out.data[i * k + c] = prior(counts[c]!);
        continue;
      }
      let sum = 0;
      for (let c = 0; c < k; c++) sum += jll[c] === -Infinity ? 0 : Math.exp(jll[c]! - max);
      for (let c = 0; c < k; c++) out.data[i * k + c] = jll[c] === -Infinity ? 0 : Math.exp(jll[c]! - max) / sum;
    }
    return out;
  }

  predict(X: Matrix): Float64Array {
    return argmaxRows(this.predictProba(X));
  }

  toJSON(): EstimatorJSON {
    const s = this.state;
    if (!s) throw modelFileError(NAME, 'cannot serialise an unfitted model');
    return {
      model: NAME,
      version: VERSION,
      params: { ...this.params },
      state: {
        nFeatures: s.nFeatures,
        nClasses: s.nClasses,
        counts: Array.from(s.counts),
        means: Array.from(s.means),
        vars: Array.from(s.vars),
        ...(s.balancedPriors ? { balancedPriors: true } : {}),
      },
    };
  }

  /** Restores a fitted state (used by `load`). */
  setState(state: NbState): void {
    this.state = state;
  }
}

/** The `gaussian_nb` family: Gaussian naive Bayes classifier. */
export const gaussianNbFamily = defineFamily({
  name: NAME,
  description: 'Gaussian naive Bayes: per-class normal likelihoods with variance smoothing; very fast baseline',
  tasks: ['classification'],
  // Balanced class weights give it equal class priors.
  classWeights: true,
  params: gaussianNbParams,
  // One-hot columns give categories their own likelihoods; scaling changes nothing for it.
  preprocessing: { encoding: 'onehot', scaler: 'none' },
  space: {
    comment: 'gaussian_nb (classification only).',
    params: { var_smoothing: { low: 1e-12, high: 1e-2 } },
    notation: 'exponent',
  },
  searchRank: 7,
  warmStart: { rank: 1 },
  create(params, ctx): Estimator {
    return new GaussianNb(params, ctx.nClasses, ctx.classWeight);
  },
  load(json: EstimatorJSON): Estimator {
    const { params, state } = openEnvelope(json, NAME, VERSION);
    const resolved = readParams(NAME, gaussianNbParams, params);
    const nFeatures = readNumber(NAME, state, 'nFeatures', { int: true, min: 1 });
    const nClasses = readNumber(NAME, state, 'nClasses', { int: true, min: 2 });
    const counts = readNumbers(NAME, state, 'counts', nClasses);
    const means = readNumbers(NAME, state, 'means', nClasses * nFeatures);
    const vars = readNumbers(NAME, state, 'vars', nClasses * nFeatures);
    // Bounded so that squared distances and log-likelihoods stay finite for finite inputs.
    const vi = vars.findIndex((v) => !(v > 0 && v <= 1e300));
    if (vi >= 0) throw modelFileError(NAME, `state.vars[${vi}] = ${vars[vi]} must be in (0, 1e300]`, vars[vi], `state.vars[${vi}]`);
    const mi = means.findIndex((v) => Math.abs(v) > 1e150);
    if (mi >= 0) throw modelFileError(NAME, `state.means[${mi}] = ${means[mi]} is beyond 1e150 in magnitude`, means[mi], `state.means[${mi}]`);
    // Counts are training rows per class: whole, non-negative, and summing to a safe integer.
    let total = 0;
    counts.forEach((c, i) => {
      if (!Number.isSafeInteger(c) || c < 0) throw modelFileError(NAME, `state.counts[${i}] = ${c} is not a row count`, c, `state.counts[${i}]`);
      total += c;
    });
    if (!Number.isSafeInteger(total)) throw modelFileError(NAME, `state.counts sum to ${total}, more rows than any dataset`, total, 'state.counts');
    if (total === 0) throw modelFileError(NAME, 'state.counts has no positive class count', undefined, 'state.counts');
    const balanced = state['balancedPriors'];
    if (balanced !== undefined && typeof balanced !== 'boolean') throw modelFileError(NAME, `state.balancedPriors = ${String(balanced)} must be true or false`, balanced, 'state.balancedPriors');
    const est = new GaussianNb(resolved, nClasses);
    est.setState({ nFeatures, nClasses, counts, means, vars, ...(balanced ? { balancedPriors: true } : {}) });
    return est;
  },
});

/** Registry entry of {@link gaussianNbFamily}. */
export const gaussianNb: ModelSpec = familySpec(gaussianNbFamily);
