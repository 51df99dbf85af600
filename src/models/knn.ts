/**
 * k-nearest neighbours by brute force over the row-major training matrix. Measured faster than
 * ml-knn's kd-tree on the small-to-medium tabular data AutoML sees (kd-trees degrade beyond ~10
 * features and ml-knn builds JS arrays per point); see bench/learners/adapters.ts.
 * Ties in distance go to the earlier training row, so results are deterministic.
 */
import type { Estimator, EstimatorJSON, Matrix, ModelSpec, Task } from './estimator.js';
import { matrix } from './estimator.js';
import { argmaxRows, checkFitInput, checkPredictInput, modelFileError, openEnvelope, readNumber, readNumbers, readParams, readTask } from './common.js';
import { defineFamily, familySpec } from './descriptor.js';
import { categorical, int } from './hyperparams.js';
import type { ParamsOf } from './hyperparams.js';

const NAME = 'knn';
const VERSION = 1;
const TASKS: readonly Task[] = ['classification', 'regression'];
/** Most classes a model file may declare (a CSV target with more distinct labels is no classification task). */
const MAX_CLASSES = 65_536;

/** Hyperparameters of {@link knn}. */
export const knnParams = {
  n_neighbors: int({ min: 1, max: 10_000, log: true, default: 5 }),
  weights: categorical({ choices: ['uniform', 'distance'], default: 'uniform' }),
  metric: categorical({ choices: ['euclidean', 'manhattan'], default: 'euclidean' }),
};

/** Validated hyperparameters of {@link knn}. */
export type KnnParams = ParamsOf<typeof knnParams>;

interface KnnState {
  task: Task;
  nClasses: number;
  nFeatures: number;
  X: Float64Array;
  y: Float64Array;
}

class Knn implements Estimator {
  readonly name = NAME;
  private state?: KnnState;
  /** Present for classification models only, as the Estimator contract asks. */
  readonly predictProba?: (X: Matrix) => Matrix;

  constructor(
    private readonly params: KnnParams,
    private readonly task: Task,
    private readonly nClasses: number,
  ) {
    if (task === 'classification') this.predictProba = (X) => this.proba(X);
  }

  fit(X: Matrix, y: Float64Array): void {
    checkFitInput(NAME, X, y, { task: this.task, nClasses: this.nClasses });
    // Copies: the input may be a shared buffer the caller reuses after fit.
    this.state = { task: this.task, nClasses: this.nClasses, nFeatures: X.cols, X: Float64Array.from(X.data), y: Float64Array.from(y) };
  }

  /**
   * For each query row, the indices and distances of its k nearest training rows, nearest first.
   * Keeps a sorted buffer of size k per query (insertion), which beats a full sort for small k.
   */
  private neighbours(Q: Matrix): { idx: Int32Array; dist: Float64Array; k: number } {
    const s = this.state!;
    const n = s.y.length;
    const d = s.nFeatures;
    const k = Math.min(this.params.n_neighbors, n);
    const manhattan = this.params.metric === 'manhattan';
    const idx = new Int32Array(Q.rows * k);
    const dist = new Float64Array(Q.rows * k);
    const bi = new Int32Array(k);
    const bd = new Float64Array(k);
    const T = s.X;
    for (let q = 0; q < Q.rows; q++) {
      const qo = q * d;
      let filled = 0;
      for (let i = 0; i < n; i++) {
        const to = i * d;
        let acc = 0;
        if (manhattan) for (let j = 0; j < d; j++) acc += Math.abs(Q.data[qo + j]! - T[to + j]!);
        else
          for (let j = 0; j < d; j++) {
            const diff = Q.data[qo + j]! - T[to + j]!;
            acc += diff * diff;
          }
        if (filled === k && acc >= bd[k - 1]!) continue;
        let pos = filled < k ? filled++ : k - 1;
        while (pos > 0 && bd[pos - 1]! > acc) {
          bd[pos] = bd[pos - 1]!;
          bi[pos] = bi[pos - 1]!;
          pos--;
        }
        bd[pos] = acc;
        bi[pos] = i;
      }
      for (let m = 0; m < k; m++) {
        idx[q * k + m] = bi[m]!;
        dist[q * k + m] = manhattan ? bd[m]! : Math.sqrt(bd[m]!);
      }
    }
    return { idx, dist, k };
  }

  /** Neighbour weights for one query: uniform, or 1/distance where exact matches take all weight. */
  private weightsFor(dist: Float64Array, off: number, k: number, w: Float64Array): void {
    if (this.params.weights === 'uniform') {
      w.fill(1);
      return;
    }
    let exact = false;
    for (let m = 0; m < k; m++) if (dist[off + m] === 0) exact = true;
    for (let m = 0; m < k; m++) {
      const dd = dist[off + m]!;
      w[m] = exact ? (dd === 0 ? 1 : 0) : 1 / dd;
    }
  }

  private proba(X: Matrix): Matrix {
    const s = this.state;
    checkPredictInput(NAME, X, s?.nFeatures);
    const c = s!.nClasses;
    const { idx, dist, k } = this.neighbours(X);
    const out = matrix(X.rows, c);
    const w = new Float64Array(k);
    for (let q = 0; q < X.rows; q++) {
      this.weightsFor(dist, q * k, k, w);
      let total = 0;
      for (let m = 0; m < k; m++) {
        out.data[q * c + s!.y[idx[q * k + m]!]!]! += w[m]!;
        total += w[m]!;
      }
      for (let j = 0; j < c; j++) out.data[q * c + j]! /= total;
    }
    return out;
  }

  predict(X: Matrix): Float64Array {
    const s = this.state;
    checkPredictInput(NAME, X, s?.nFeatures);
    if (s!.task === 'classification') return argmaxRows(this.proba(X));
    const { idx, dist, k } = this.neighbours(X);
    const out = new Float64Array(X.rows);
    const w = new Float64Array(k);
    for (let q = 0; q < X.rows; q++) {
      this.weightsFor(dist, q * k, k, w);
      let num = 0;
      let den = 0;
      for (let m = 0; m < k; m++) {
        num += w[m]! * s!.y[idx[q * k + m]!]!;
        den += w[m]!;
      }
      out[q] = num / den;
    }
    return out;
  }

  toJSON(): EstimatorJSON {
    const s = this.state;
    if (!s) throw modelFileError(NAME, 'cannot serialise an unfitted model');
    return {
      model: NAME,
      version: VERSION,
      params: { ...this.params },
      state: { task: s.task, nClasses: s.nClasses, nFeatures: s.nFeatures, X: Array.from(s.X), y: Array.from(s.y) },
    };
  }

  /** Restores a fitted state (used by `load`). */
  setState(state: KnnState): void {
    this.state = state;
  }
}

/** The `knn` family: k-nearest neighbours for classification and regression. */
export const knnFamily = defineFamily({
  name: NAME,
  description: 'k-nearest neighbours (brute force, euclidean or manhattan, uniform or distance weights); needs scaled features',
  tasks: TASKS,
  params: knnParams,
  // Distances mean something only on comparable scales.
  preprocessing: { encoding: 'onehot', scaler: 'standard' },
  space: {
    comment: 'knn (classification and regression); assumes scaled features.',
    params: { n_neighbors: { low: 1, high: 50 }, weights: {}, metric: {} },
  },
  searchRank: 6,
  warmStart: { rank: 4 },
  create(params, ctx): Estimator {
    return new Knn(params, ctx.task, ctx.nClasses);
  },
  load(json: EstimatorJSON): Estimator {
    const { params, state } = openEnvelope(json, NAME, VERSION);
    const resolved = readParams(NAME, knnParams, params);
    const task = readTask(NAME, state, TASKS);
    // nClasses sizes a rows x nClasses matrix at predict time: at most one class per training row.
    const nClasses = readNumber(NAME, state, 'nClasses', { int: true, min: task === 'classification' ? 2 : 0, max: task === 'classification' ? MAX_CLASSES : 0 });
    const nFeatures = readNumber(NAME, state, 'nFeatures', { int: true, min: 1 });
    const y = readNumbers(NAME, state, 'y');
    if (task === 'classification' && nClasses > Math.max(2, y.length)) throw modelFileError(NAME, `state.nClasses = ${nClasses} exceeds the ${y.length} training rows`, nClasses, 'state.nClasses');
    const X = readNumbers(NAME, state, 'X', y.length * nFeatures);
    if (y.length === 0) throw modelFileError(NAME, 'state.y is empty');
    if (task === 'classification' && (nClasses < 2 || y.some((v) => !Number.isInteger(v) || v < 0 || v >= nClasses))) {
      throw modelFileError(NAME, `state.y must hold class indices in 0..${nClasses - 1}`);
    }
    const est = new Knn(resolved, task, nClasses);
    est.setState({ task, nClasses, nFeatures, X, y });
    return est;
  },
});

/** Registry entry of {@link knnFamily}. */
export const knn: ModelSpec = familySpec(knnFamily);
