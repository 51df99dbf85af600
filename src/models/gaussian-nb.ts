/**
 * Gaussian naive Bayes: per-class feature means and variances, class priors from frequencies, and
 * `var_smoothing` (a fraction of the largest feature variance added to every variance, as in
 * scikit-learn's GaussianNB) so constant features do not produce zero variances.
 */
import type { Estimator, EstimatorJSON, Matrix, ModelContext, ModelSpec } from './estimator.js';
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

class GaussianNb implements Estimator {
  readonly name = NAME;
  private state?: NbState;

  constructor(
    private readonly params: GaussianNbParams,
    private readonly nClasses: number,
    private readonly classWeight?: ModelContext['classWeight'],
  ) {}

  fit(X: Matrix, y: Float64Array): void {
    checkFitInput(NAME, X, y, { task: 'classification', nClasses: this.nClasses });
    const k = this.nClasses;
    const d = X.cols;
    const counts = new Float64Array(k);
    const means = new Float64Array(k * d);
    const vars = new Float64Array(k * d);
    for (let i = 0; i < X.rows; i++) {
      const c = y[i]!;
      counts[c]!++;
      for (let j = 0; j < d; j++) means[c * d + j]! += X.data[i * d + j]!;
    }
    for (let c = 0; c < k; c++) if (counts[c]! > 0) for (let j = 0; j < d; j++) means[c * d + j]! /= counts[c]!;
    // Two-pass variances: numerically safer than E[x^2] - E[x]^2 on unscaled data.
    for (let i = 0; i < X.rows; i++) {
      const c = y[i]!;
      for (let j = 0; j < d; j++) vars[c * d + j]! += (X.data[i * d + j]! - means[c * d + j]!) ** 2;
    }
    for (let c = 0; c < k; c++) if (counts[c]! > 0) for (let j = 0; j < d; j++) vars[c * d + j]! /= counts[c]!;
    let maxVar = 0;
    for (let j = 0; j < d; j++) {
      let m = 0;
      for (let i = 0; i < X.rows; i++) m += X.data[i * d + j]!;
      m /= X.rows;
      let v = 0;
      for (let i = 0; i < X.rows; i++) v += (X.data[i * d + j]! - m) ** 2;
      maxVar = Math.max(maxVar, v / X.rows);
    }
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
