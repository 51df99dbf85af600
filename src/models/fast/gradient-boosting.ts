/**
 * Histogram gradient boosting (`gradient_boosting`): leaf-wise trees on pre-binned features,
 * binary log-loss, multiclass softmax (one tree per class per round) or squared error, with row
 * and column subsampling and early stopping on an internal validation split.
 */
import type { Estimator, EstimatorJSON, Matrix, ModelContext, ModelSpec, Task } from '../estimator.js';
import { createRng, deriveSeed } from '../../util/rng.js';
import { MAX_BINS, binMatrix, fitCuts, identity } from './binning.js';
import {
  argmaxRows,
  checkAbort,
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
import { boolParam, choiceParam, numParam, rejectUnknown } from './params.js';
import { holdOut, sampleFeatures, sampleSorted, takeRows, takeValues } from './sampling.js';
import { addTreePredictions, leafOfBinnedRow, treeFromJSON, treeToJSON, type Tree } from './tree.js';

const NAME = 'gradient_boosting';
const VERSION = 1;
const KNOWN = [
  'learning_rate',
  'n_estimators',
  'max_leaves',
  'max_depth',
  'min_samples_leaf',
  'l2',
  'subsample',
  'colsample',
  'max_bins',
  'early_stopping',
  'validation_fraction',
  'n_iter_no_change',
  'tol',
] as const;

/** Validated hyperparameters of {@link GradientBoosting}. */
export interface GradientBoostingParams {
  /** Shrinkage of each tree (0, 1]. Default 0.1. */
  readonly learning_rate: number;
  /** Maximum boosting rounds. Default 100. */
  readonly n_estimators: number;
  /** Leaves per tree, grown best-first. Default 31. */
  readonly max_leaves: number;
  /** Maximum leaf depth; 0 means no limit. Default 0. */
  readonly max_depth: number;
  /** Minimum training rows per leaf. Default 20. */
  readonly min_samples_leaf: number;
  /** L2 penalty on leaf values (lambda). Default 0. */
  readonly l2: number;
  /** Fraction of rows drawn (without replacement) per round. Default 1. */
  readonly subsample: number;
  /** Fraction of columns drawn per tree. Default 1. */
  readonly colsample: number;
  /** Non-missing bins per feature, 2..255. Default 255. */
  readonly max_bins: number;
  /** 'auto' stops early only from 10,000 rows, as scikit-learn does. Default 'auto'. */
  readonly early_stopping: 'auto' | 'on' | 'off';
  /** Share of training rows held out to decide early stopping. Default 0.1. */
  readonly validation_fraction: number;
  /** Rounds without validation improvement before stopping. Default 10. */
  readonly n_iter_no_change: number;
  /** Smallest validation-loss decrease that counts as improvement. Default 1e-7. */
  readonly tol: number;
}

/** Validates and completes gradient-boosting hyperparameters; throws E_PARAM naming the bad one. */
export function gradientBoostingParams(params: Record<string, unknown>): GradientBoostingParams {
  rejectUnknown(NAME, params, KNOWN);
  const n = (k: string, d: number, r: Parameters<typeof numParam>[4]) => numParam(NAME, params, k, d, r);
  const es = params.early_stopping;
  return {
    learning_rate: n('learning_rate', 0.1, { min: 0, minExclusive: true, max: 1 }),
    n_estimators: n('n_estimators', 100, { min: 1, int: true }),
    max_leaves: n('max_leaves', 31, { min: 2, max: 65536, int: true }),
    max_depth: n('max_depth', 0, { min: 0, int: true }),
    min_samples_leaf: n('min_samples_leaf', 20, { min: 1, int: true }),
    l2: n('l2', 0, { min: 0 }),
    subsample: n('subsample', 1, { min: 0, minExclusive: true, max: 1 }),
    colsample: n('colsample', 1, { min: 0, minExclusive: true, max: 1 }),
    max_bins: n('max_bins', MAX_BINS, { min: 2, max: MAX_BINS, int: true }),
    early_stopping:
      typeof es === 'boolean' ? (boolParam(NAME, params, 'early_stopping', true) ? 'on' : 'off') : choiceParam(NAME, params, 'early_stopping', 'auto', ['auto', 'on', 'off']),
    validation_fraction: n('validation_fraction', 0.1, { min: 0, minExclusive: true, max: 0.5 }),
    n_iter_no_change: n('n_iter_no_change', 10, { min: 1, int: true }),
    tol: n('tol', 1e-7, { min: 0 }),
  };
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
    const trees: Tree[] = [];
    let best = Infinity;
    let bestRound = -1;
    for (let round = 0; round < P.n_estimators; round++) {
      checkAbort(NAME, this.signal);
      computeGradients(raw, yt, K, regression, grad, hess, prob);
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
    if (!Array.isArray(s.baseline) || s.baseline.length !== K || !s.baseline.every((v) => typeof v === 'number')) {
      modelFileError(NAME, 'state.baseline', s.baseline, `${K} numbers`);
    }
    if (!Array.isArray(s.trees) || s.trees.length % K !== 0) modelFileError(NAME, 'state.trees', s.trees, `an array of a multiple of ${K} trees`);
    const trees = s.trees.map((t, i) => treeFromJSON(NAME, `state.trees[${i}]`, t, nFeatures));
    m.fitted = { nFeatures, K, baseline: Float64Array.from(s.baseline as number[]), trees };
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

/** Registry entry for {@link GradientBoosting}. */
export const gradientBoostingSpec: ModelSpec = {
  name: NAME,
  description: 'Histogram gradient-boosted trees (leaf-wise, LightGBM-style) for classification and regression',
  tasks: ['classification', 'regression'],
  handlesMissing: true,
  create(params: Record<string, unknown>, ctx: ModelContext): Estimator {
    return new GradientBoosting(gradientBoostingParams(params), ctx.task, ctx.nClasses, ctx.seed, ctx.signal);
  },
  load: (json) => GradientBoosting.load(json),
};
