/**
 * `ml_logistic_regression`: one-vs-rest logistic regression trained by ml-logistic-regression's
 * batch gradient ascent. The adapter fixes what the library leaves out: it adds an intercept
 * column, divides the step by the row count (the library sums the gradient over rows, so a fixed
 * rate would diverge on big data), trains only the classes present in the fold (the library
 * assumes labels 0..m-1 are all present), and normalises the per-class scores into probabilities
 * as scikit-learn's one-vs-rest does. Prediction uses the extracted weights, not the library.
 * The library has no regularisation, so there is no C / alpha parameter.
 */
import LogisticRegression from 'ml-logistic-regression';
import { Matrix as MlMatrix } from 'ml-matrix';
import type { Estimator, EstimatorJSON, Matrix, ModelContext, ModelSpec } from './estimator.js';
import { matrix } from './estimator.js';
import { argmaxRows, checkFitInput, checkPredictInput, modelFileError, openEnvelope, readNumber, readNumbers, readParams, toRows } from './common.js';
import { throwIfAborted } from './decision-tree.js';
import { defineFamily, familySpec } from './descriptor.js';
import { bool, float, int } from './hyperparams.js';
import type { ParamsOf } from './hyperparams.js';

const NAME = 'ml_logistic_regression';
const VERSION = 1;

/**
 * Hyperparameters of {@link mlLogisticRegression}. Every iteration is a full-batch step through
 * ml-matrix (transposes included), so the default is 500 iterations rather than more.
 */
export const logisticRegressionParams = {
  max_iter: int({ min: 1, max: 100_000, log: true, default: 500 }),
  learning_rate: float({ min: 0, max: 100, exclusiveMin: true, log: true, default: 0.1 }),
  fit_intercept: bool({ default: true }),
};

/** Validated hyperparameters of {@link mlLogisticRegression}. */
export type MlLogisticRegressionParams = ParamsOf<typeof logisticRegressionParams>;

interface LrState {
  nFeatures: number;
  nClasses: number;
  /** Class index of each trained row of `weights` (the classes present when fitting). */
  classes: Float64Array;
  /** classes.length x (nFeatures + 1) weights, the last column being the intercept (0 without one). */
  weights: Float64Array;
}

function sigmoid(z: number): number {
  return 1 / (1 + Math.exp(-z));
}

class LogReg implements Estimator {
  readonly name = NAME;
  private state?: LrState;

  constructor(
    private readonly params: MlLogisticRegressionParams,
    private readonly ctx: ModelContext,
  ) {}

  fit(X: Matrix, y: Float64Array): void {
    checkFitInput(NAME, X, y, this.ctx);
    throwIfAborted(NAME, this.ctx);
    this.state = undefined;
    const d = X.cols;
    const present = Array.from(new Set(y)).sort((a, b) => a - b);
    const w = d + 1;
    const weights = new Float64Array(present.length * w);
    if (present.length > 1) {
      const local = new Map(present.map((c, i) => [c, i]));
      const rows = toRows(X);
      if (this.params.fit_intercept) for (const r of rows) r.push(1);
      const lib = new LogisticRegression({
        numSteps: this.params.max_iter,
        learningRate: this.params.learning_rate / X.rows,
      });
      lib.train(new MlMatrix(rows), MlMatrix.columnVector(Array.from(y, (v) => local.get(v)!)));
      for (let c = 0; c < present.length; c++) {
        const wc = lib.classifiers[c]!.weights.to1DArray();
        // The library labels the class itself 0 and "rest" 1, so negate to score the class.
        for (let j = 0; j < wc.length; j++) weights[c * w + j] = -wc[j]!;
      }
    }
    // With a single class present there is nothing to learn: all-zero weights give it probability 1.
    this.state = { nFeatures: d, nClasses: this.ctx.nClasses, classes: Float64Array.from(present), weights };
  }

  predictProba(X: Matrix): Matrix {
    const s = this.state;
    checkPredictInput(NAME, X, s?.nFeatures);
    const { nFeatures: d, nClasses: k, classes, weights } = s!;
    const w = d + 1;
    const out = matrix(X.rows, k);
    for (let i = 0; i < X.rows; i++) {
      let total = 0;
      for (let c = 0; c < classes.length; c++) {
        let z = weights[c * w + d]!;
        for (let j = 0; j < d; j++) z += weights[c * w + j]! * X.data[i * d + j]!;
        const p = classes.length === 1 ? 1 : sigmoid(z);
        out.data[i * k + classes[c]!] = p;
        total += p;
      }
      for (let c = 0; c < classes.length; c++) {
        const o = i * k + classes[c]!;
        // Every score can underflow to 0 far from the data; split evenly then.
        out.data[o] = total > 0 ? out.data[o]! / total : 1 / classes.length;
      }
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
      state: { nFeatures: s.nFeatures, nClasses: s.nClasses, classes: Array.from(s.classes), weights: Array.from(s.weights) },
    };
  }

  /** Restores a fitted state (used by `load`). */
  setState(state: LrState): void {
    this.state = state;
  }
}

/** The `ml_logistic_regression` family: logistic regression from ml-logistic-regression. */
export const mlLogisticRegressionFamily = defineFamily({
  name: NAME,
  description: 'Logistic regression (ml-logistic-regression, one-vs-rest, gradient ascent, no regularisation); needs scaled features',
  tasks: ['classification'],
  params: logisticRegressionParams,
  // Gradient ascent with one step size for every weight needs features on one scale.
  preprocessing: { encoding: 'onehot', scaler: 'standard' },
  space: {
    comment: 'ml_logistic_regression (classification only). Batch gradient ascent without regularisation: the step size and the iteration count are the only knobs.',
    params: { max_iter: { low: 50, high: 1000 }, learning_rate: { low: 0.01, high: 2.0 } },
  },
  create(params, ctx): Estimator {
    return new LogReg(params, ctx);
  },
  load(json: EstimatorJSON): Estimator {
    const { params, state } = openEnvelope(json, NAME, VERSION);
    const resolved = readParams(NAME, logisticRegressionParams, params);
    const nFeatures = readNumber(NAME, state, 'nFeatures', { int: true, min: 1 });
    const nClasses = readNumber(NAME, state, 'nClasses', { int: true, min: 2 });
    const classes = readNumbers(NAME, state, 'classes');
    if (classes.length === 0 || classes.some((c) => !Number.isInteger(c) || c < 0 || c >= nClasses)) {
      throw modelFileError(NAME, `state.classes must be class indices in 0..${nClasses - 1}`);
    }
    const weights = readNumbers(NAME, state, 'weights', classes.length * (nFeatures + 1));
    const est = new LogReg(resolved, { task: 'classification', nClasses, seed: 0 });
    est.setState({ nFeatures, nClasses, classes, weights });
    return est;
  },
});

/** Registry entry of {@link mlLogisticRegressionFamily}. */
export const mlLogisticRegression: ModelSpec = familySpec(mlLogisticRegressionFamily);
