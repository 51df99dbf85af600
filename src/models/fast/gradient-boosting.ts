/**
 * Histogram gradient boosting (`gradient_boosting`): leaf-wise trees on pre-binned features,
 * binary log-loss, multiclass softmax (one tree per class per round) or squared error, with row
 * and column subsampling and early stopping on an internal validation split.
 */
import type { Estimator, EstimatorJSON, Matrix, ModelContext, ModelSpec, Task } from '../estimator.js';
import { rowClassWeights } from '../common.js';
import { defineFamily, familySpec } from '../descriptor.js';
import { categorical, float, int, resolveParams } from '../hyperparams.js';
import type { ParamsOf } from '../hyperparams.js';
import { createRng, deriveSeed } from '../../util/rng.js';
import { MAX_BINS, binMatrix, fitCuts, identity } from './binning.js';
import {
  argmaxRows,
  checkAbort,
  decodeFloats,
  checkFit,
  checkPredict,
  modelFileError,
  notFitted,
  openJSON,
  softmaxRows,
  stateNum,
  loadParams,
} from './common.js';
import { HistGrower } from './hist-grower.js';
import { holdOut, sampleFeatures, sampleSorted, takeRows, takeValues } from './sampling.js';
import { addTreePredictions, leafOfBinnedRow, treeFromJSON, treeToJSON, type Tree } from './tree.js';

const NAME = 'gradient_boosting';
const VERSION = 1;

/** Hyperparameters of {@link GradientBoosting}. */
export const gradientBoostingDecls = {
  /** Shrinkage of each tree. */
  learning_rate: float({ min: 0, exclusiveMin: true, max: 1, log: true, default: 0.1 }),
  /** Maximum boosting rounds. */
  n_estimators: int({ min: 1, max: 10_000, log: true, default: 100 }),
  /** Leaves per tree, grown best-first. */
  max_leaves: int({ min: 2, max: 65536, log: true, default: 31 }),
  /** Maximum leaf depth; 0 means no limit. */
  max_depth: int({ min: 0, default: 0 }),
  /** Minimum training rows per leaf. */
  min_samples_leaf: int({ min: 1, log: true, default: 20 }),
  /** L2 penalty on leaf values (lambda). */
  l2: float({ min: 0, log: true, default: 0 }),
  /** Fraction of rows drawn (without replacement) per round. */
  subsample: float({ min: 0, exclusiveMin: true, max: 1, default: 1 }),
  /** Fraction of columns drawn per tree. */
  colsample: float({ min: 0, exclusiveMin: true, max: 1, default: 1 }),
  /** Non-missing bins per feature. */
  max_bins: int({ min: 2, max: MAX_BINS, default: MAX_BINS }),
  /** 'auto' stops early only from 10,000 rows, as scikit-learn does; true and false mean 'on' and 'off'. */
  early_stopping: categorical({
    choices: ['auto', 'on', 'off'],
    aliases: [
      [true, 'on'],
      [false, 'off'],
    ],
    default: 'auto',
  }),
  /** Share of training rows held out to decide early stopping. */
  validation_fraction: float({ min: 0, exclusiveMin: true, max: 0.5, default: 0.1 }),
  /** Rounds without validation improvement before stopping. */
  n_iter_no_change: int({ min: 1, default: 10 }),
  /** Smallest validation-loss decrease that counts as improvement. */
  tol: float({ min: 0, log: true, default: 1e-7 }),
};

/** Validated hyperparameters of {@link GradientBoosting}. */
export type GradientBoostingParams = ParamsOf<typeof gradientBoostingDecls>;

/** Validates and completes gradient-boosting hyperparameters; throws E_PARAM naming the bad one. */
export function gradientBoostingParams(params: Record<string, unknown>): GradientBoostingParams {
  return resolveParams(NAME, gradientBoostingDecls, params);
}

interface Fitted {
  readonly nFeatures: number;
  /** Raw scores per row: 1 for binary and regression, nClasses for multiclass. */
  readonly K: number;
  readonly baseline: Float64Array;
  /** Round-major: tree `r * K + k` adds to score column k. */
  readonly trees: Tree[];
}

/** Histogram gradient-boosted trees. */
export class GradientBoosting implements Estimator {
  readonly name = NAME;
  private fitted: Fitted | null = null;
  /** Boosting rounds kept after early stopping (equal to the trees per class). */
  get nRounds(): number {
    return this.fitted ? this.fitted.trees.length / this.fitted.K : 0;
  }

  constructor(
    readonly params: GradientBoostingParams,
    readonly task: Task,
    readonly nClasses: number,
    private readonly seed: number,
    private readonly signal?: AbortSignal,
    private readonly classWeight?: ModelContext['classWeight'],
  ) {
    if (task === 'classification') this.predictProba = (X: Matrix): Matrix => this.proba(X);
  }

  /** Class probabilities (rows x nClasses); present only on classifiers, as the contract asks. */
  readonly predictProba?: (X: Matrix) => Matrix;

  fit(X: Matrix, y: Float64Array): void {
    checkFit(NAME, X, y, { task: this.task, nClasses: this.nClasses, seed: this.seed }, true);
    this.fitted = null;
    const P = this.params;
    const cls = this.task === 'classification';
    const K = cls && this.nClasses > 2 ? this.nClasses : 1;
    const rng = createRng(deriveSeed(this.seed, NAME));
    const useEs = P.early_stopping === 'on' || (P.early_stopping === 'auto' && X.rows >= 10_000);
    let trainRows: Uint32Array | null = null;
    let valX: Matrix | null = null;
    let valY: Float64Array | null = null;
    if (useEs) {
      const split = holdOut(y, cls ? this.nClasses : 0, P.validation_fraction, rng);
      if (split.val.length > 0) {
        trainRows = split.train;
        valX = takeRows(X, split.val);
        valY = takeValues(y, split.val);
      }
    }
    const yt = trainRows ? takeValues(y, trainRows) : y;
    const n = yt.length;
    const p = X.cols;
    const cuts = fitCuts(X, trainRows, P.max_bins, rng);
    const bins = binMatrix(X, trainRows, cuts);
    const baseline = initialScores(yt, this.task, K);
    const raw = new Float64Array(n * K);
    for (let i = 0; i < n; i++) for (let k = 0; k < K; k++) raw[i * K + k] = baseline[k]!;
    const valRaw = valX ? new Float64Array(valX.rows * K) : null;
    if (valRaw) for (let i = 0; i < valRaw.length; i++) valRaw[i] = baseline[i % K]!;

    const grower = new HistGrower(
      { bins, n, p, cuts },
      {
        maxLeaves: P.max_leaves,
        maxDepth: P.max_depth === 0 ? Infinity : P.max_depth,
        minSamplesLeaf: P.min_samples_leaf,
        l2: P.l2,
        minHessian: 1e-3,
        learningRate: P.learning_rate,
      },
    );
    const grad = Array.from({ length: K }, () => new Float64Array(n));
    const hess = Array.from({ length: K }, () => new Float64Array(n));
    const prob = new Float64Array(K);
    const order = identity(n);
    const idx = new Uint32Array(n);
    const featScratch = new Int32Array(p);
    const nSample = Math.max(1, Math.round(P.subsample * n));
    const nCols = Math.max(1, Math.round(P.colsample * p));
    const regression = this.task === 'regression';
    // Balanced class weights scale each training row's gradient and hessian.
    const cw = cls ? rowClassWeights(yt, this.nClasses, this.classWeight) : null;
    const trees: Tree[] = [];
    let best = Infinity;
    let bestRound = -1;
    for (let round = 0; round < P.n_estimators; round++) {
      checkAbort(NAME, this.signal);
      computeGradients(raw, yt, K, regression, grad, hess, prob);
      if (cw) for (let k = 0; k < K; k++) for (let i = 0; i < n; i++) (grad[k]![i]! *= cw[i]!, hess[k]![i]! *= cw[i]!);
      if (nSample < n) sampleSorted(order, n, nSample, rng);
      let anySplit = false;
      for (let k = 0; k < K; k++) {
        const features = sampleFeatures(p, nCols, rng, featScratch);
        idx.set(order);
        const { tree, leafRanges } = grower.grow(grad[k]!, hess[k]!, regression, idx, nSample, features);
        if (tree.feature.length > 0) anySplit = true;
        const vals = tree.values;
        for (let l = 0; l < vals.length; l++) {
          const v = vals[l]!;
          for (let i = leafRanges[2 * l]!; i < leafRanges[2 * l + 1]!; i++) raw[idx[i]! * K + k]! += v;
        }
        for (let i = nSample; i < n; i++) {
          const r = idx[i]!;
          raw[r * K + k]! += vals[leafOfBinnedRow(tree, bins, n, r)]!;
        }
        if (valX && valRaw) addTreePredictions(tree, valX, valRaw, K, k);
        trees.push(tree);
      }
      if (valRaw && valY) {
        const loss = meanLoss(valRaw, valY, K, regression);
        if (loss < best - P.tol) {
          best = loss;
          bestRound = round;
        } else if (round - bestRound >= P.n_iter_no_change) {
          trees.length = (bestRound + 1) * K;
          break;
        }
      }
      if (!anySplit) break;
    }
    this.fitted = { nFeatures: p, K, baseline, trees };
  }

  /** Raw additive scores, rows x K. */
  decisionFunction(X: Matrix): Float64Array {
    const f = this.fitted ?? notFitted(NAME);
    checkPredict(NAME, X, f.nFeatures);
    const out = new Float64Array(X.rows * f.K);
    for (let i = 0; i < out.length; i++) out[i] = f.baseline[i % f.K]!;
    for (let t = 0; t < f.trees.length; t++) addTreePredictions(f.trees[t]!, X, out, f.K, t % f.K);
    return out;
  }

  predict(X: Matrix): Float64Array {
    if (this.task === 'regression') return this.decisionFunction(X);
    return argmaxRows(this.proba(X).data, this.nClasses);
  }

  private proba(X: Matrix): Matrix {
    const raw = this.decisionFunction(X);
    if (this.nClasses > 2) {
      softmaxRows(raw, this.nClasses);
      return { rows: X.rows, cols: this.nClasses, data: raw };
    }
    const out = new Float64Array(X.rows * 2);
    for (let i = 0; i < X.rows; i++) {
      const p1 = 1 / (1 + Math.exp(-raw[i]!));
      out[2 * i] = 1 - p1;
      out[2 * i + 1] = p1;
    }
    return { rows: X.rows, cols: 2, data: out };
  }

  toJSON(): EstimatorJSON {
    const f = this.fitted ?? notFitted(NAME);
    return {
      model: NAME,
      version: VERSION,
      params: { ...this.params },
      state: {
        task: this.task,
        nClasses: this.nClasses,
        seed: this.seed,
        nFeatures: f.nFeatures,
        K: f.K,
        baseline: Array.from(f.baseline),
        trees: f.trees.map(treeToJSON),
      },
    };
  }

  /** Restores from {@link GradientBoosting.toJSON} output. */
  static load(json: EstimatorJSON): GradientBoosting {
    const s = openJSON(NAME, VERSION, json);
    const task = s.task;
    if (task !== 'classification' && task !== 'regression') modelFileError(NAME, 'state.task', task, '"classification" or "regression"');
    const m = new GradientBoosting(loadParams(NAME, gradientBoostingParams, json.params), task, stateNum(NAME, s, 'nClasses', true), stateNum(NAME, s, 'seed'));
    const nFeatures = stateNum(NAME, s, 'nFeatures', true);
    const K = stateNum(NAME, s, 'K', true);
    const expectK = task === 'classification' && m.nClasses > 2 ? m.nClasses : 1;
    if (K !== expectK) modelFileError(NAME, 'state.K', K, String(expectK));
    const baseline = decodeFloats(NAME, 'state.baseline', s.baseline);
    if (baseline.length !== K) modelFileError(NAME, 'state.baseline', s.baseline, `${K} finite numbers`);
    if (!Array.isArray(s.trees) || s.trees.length % K !== 0) modelFileError(NAME, 'state.trees', s.trees, `an array of a multiple of ${K} trees`);
    const trees = s.trees.map((t, i) => {
      const tree = treeFromJSON(NAME, `state.trees[${i}]`, t, nFeatures);
      // One score column per tree: a wider tree would shift every later class's scores.
      if (tree.width !== 1) modelFileError(NAME, `state.trees[${i}].width`, tree.width, '1');
      return tree;
    });
    m.fitted = { nFeatures, K, baseline, trees };
    return m;
  }
}

/** Starting scores: log-odds or log-priors of the classes, or the target mean. */
function initialScores(y: Float64Array, task: Task, K: number): Float64Array {
  const n = y.length;
  if (task === 'regression') {
    let s = 0;
    for (let i = 0; i < n; i++) s += y[i]!;
    return Float64Array.of(s / n);
  }
  const eps = 1e-12;
  if (K === 1) {
    let s = 0;
    for (let i = 0; i < n; i++) s += y[i]!;
    const p = Math.min(Math.max(s / n, eps), 1 - eps);
    return Float64Array.of(Math.log(p / (1 - p)));
  }
  const counts = new Float64Array(K);
  for (let i = 0; i < n; i++) counts[y[i]!]!++;
  return counts.map((c) => Math.log(Math.max(c / n, eps)));
}

/** Gradients and hessians of the loss at the current raw scores, one array per score column. */
function computeGradients(raw: Float64Array, y: Float64Array, K: number, regression: boolean, grad: Float64Array[], hess: Float64Array[], prob: Float64Array): void {
  const n = y.length;
  if (regression) {
    const g = grad[0]!;
    for (let i = 0; i < n; i++) g[i] = raw[i]! - y[i]!;
    return;
  }
  if (K === 1) {
    const g = grad[0]!;
    const h = hess[0]!;
    for (let i = 0; i < n; i++) {
      const p = 1 / (1 + Math.exp(-raw[i]!));
      g[i] = p - y[i]!;
      h[i] = Math.max(p * (1 - p), 1e-16);
    }
    return;
  }
  for (let i = 0; i < n; i++) {
    const o = i * K;
    let m = -Infinity;
    for (let k = 0; k < K; k++) if (raw[o + k]! > m) m = raw[o + k]!;
    let s = 0;
    for (let k = 0; k < K; k++) s += prob[k] = Math.exp(raw[o + k]! - m);
    const yi = y[i]!;
    for (let k = 0; k < K; k++) {
      const pk = prob[k]! / s;
      grad[k]![i] = pk - (k === yi ? 1 : 0);
      hess[k]![i] = Math.max(pk * (1 - pk), 1e-16);
    }
  }
}

/** Mean validation loss: log-loss for classification, squared error for regression. */
function meanLoss(raw: Float64Array, y: Float64Array, K: number, regression: boolean): number {
  const n = y.length;
  let s = 0;
  for (let i = 0; i < n; i++) {
    if (regression) {
      const d = raw[i]! - y[i]!;
      s += d * d;
    } else if (K === 1) {
      const z = raw[i]!;
      // log(1 + exp(-z)) for y=1 and log(1 + exp(z)) for y=0, computed without overflow.
      const t = y[i] === 1 ? -z : z;
      s += t > 0 ? t + Math.log1p(Math.exp(-t)) : Math.log1p(Math.exp(t));
    } else {
      const o = i * K;
      let m = -Infinity;
      for (let k = 0; k < K; k++) if (raw[o + k]! > m) m = raw[o + k]!;
      let z = 0;
      for (let k = 0; k < K; k++) z += Math.exp(raw[o + k]! - m);
      s += m + Math.log(z) - raw[o + y[i]!]!;
    }
  }
  return s / n;
}

/** The `gradient_boosting` family: histogram gradient-boosted trees. */
export const gradientBoostingFamily = defineFamily({
  name: NAME,
  description: 'Histogram gradient-boosted trees (leaf-wise, LightGBM-style) for classification and regression',
  tasks: ['classification', 'regression'],
  classWeights: true,
  handlesMissing: true,
  params: gradientBoostingDecls,
  preprocessing: { encoding: 'ordinal', scaler: 'none' },
  space: {
    comment:
      'gradient_boosting (classification and regression; native histogram GBDT). FLAML-like ranges, trimmed so one fit stays well under a second on datasets of a few thousand rows: at most 500 rounds (early stopping applies from 10,000 rows) and 128 leaves.',
    params: {
      learning_rate: { low: 0.01, high: 0.3 },
      n_estimators: { low: 20, high: 500 },
      max_leaves: { low: 4, high: 128 },
      min_samples_leaf: { low: 2, high: 100 },
      l2: { low: 0.001, high: 100 },
      subsample: { low: 0.5, high: 1.0 },
      colsample: { low: 0.3, high: 1.0 },
    },
  },
  searchRank: 1,
  // The default l2 of 0 lies below the log range: the warm start takes its lowest value.
  warmStart: { rank: 7, withSelection: true, params: () => ({ l2: 0.001 }) },
  create: (params, ctx) => new GradientBoosting(params, ctx.task, ctx.nClasses, ctx.seed, ctx.signal, ctx.classWeight),
  load: (json) => GradientBoosting.load(json),
});

/** Registry entry of {@link gradientBoostingFamily}. */
export const gradientBoostingSpec: ModelSpec = familySpec(gradientBoostingFamily);
