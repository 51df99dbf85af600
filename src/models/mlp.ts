/**
 * `mlp`: a multilayer perceptron trained with TensorFlow.js (see ./tf-backend.ts for the backend
 * choice). Training uses mini-batches, Adam, L2 `alpha` as in scikit-learn's MLP, and early
 * stopping on a seeded validation split, keeping the best epoch's weights. Shuffling and weight
 * initialisation use the model's own seeded Rng (tfjs's shuffle uses Math.random). Prediction is
 * a plain float64 forward pass over the extracted weights, so it is synchronous, needs no tfjs, and
 * a loaded model predicts exactly like the fitted one.
 */
import type { Estimator, EstimatorJSON, Matrix, ModelContext, ModelSpec, Task } from './estimator.js';
import { asFloat64, matrix } from './estimator.js';
import { argmaxRows, checkFitInput, checkPredictInput, modelFileError, openEnvelope, readNumber, readNumbers, readParams, readTask } from './common.js';
import { throwIfAborted } from './decision-tree.js';
import { defineFamily, familySpec } from './descriptor.js';
import { bool, categorical, float, int } from './hyperparams.js';
import type { ParamsOf } from './hyperparams.js';
import { createRng, deriveSeed } from '../util/rng.js';
import type { Rng } from '../util/rng.js';
import type * as TF from '@tensorflow/tfjs';
import { loadTf } from './tf-backend.js';
import type { Tf } from './tf-backend.js';

const NAME = 'mlp';
const VERSION = 1;
const TASKS: readonly Task[] = ['classification', 'regression'];

/**
 * Hyperparameters of {@link mlp}. The hidden layers are `layers` layers of `units` units each
 * (scikit-learn's hidden_layer_sizes=(units,) * layers). `epochs` is the maximum; early stopping
 * on a `validation_fraction` split ends training after `n_iter_no_change` epochs without an
 * improvement larger than `tol`.
 */
export const mlpParams = {
  layers: int({ min: 1, max: 5, default: 1 }),
  units: int({ min: 1, max: 2048, log: true, default: 100 }),
  activation: categorical({ choices: ['relu', 'tanh', 'logistic'], default: 'relu' }),
  learning_rate: float({ min: 0, max: 1, exclusiveMin: true, log: true, default: 1e-3 }),
  alpha: float({ min: 0, max: 100, log: true, default: 1e-4 }),
  batch_size: int({ min: 1, max: 65_536, log: true, default: 200 }),
  epochs: int({ min: 1, max: 10_000, log: true, default: 200 }),
  early_stopping: bool({ default: true }),
  validation_fraction: float({ min: 0, max: 0.5, exclusiveMin: true, default: 0.1 }),
  n_iter_no_change: int({ min: 1, max: 1000, default: 10 }),
  tol: float({ min: 0, max: 1, log: true, default: 1e-4 }),
};

/** Validated hyperparameters of {@link mlp}. */
export type MlpParams = ParamsOf<typeof mlpParams>;

interface MlpState {
  task: Task;
  nClasses: number;
  nFeatures: number;
  /** Layer sizes from input to output. */
  sizes: number[];
  activation: string;
  /** Per layer: weights (in x out, row-major) then biases, concatenated. */
  weights: Float64Array[];
  /** Regression targets are standardised for training; predictions are mapped back. */
  yMean: number;
  yStd: number;
  /** Epochs actually trained (early stopping may end before the `epochs` budget); informational. */
  epochsRun: number;
}

function act(name: string, v: number): number {
  if (name === 'relu') return v > 0 ? v : 0;
  if (name === 'tanh') return Math.tanh(v);
  return 1 / (1 + Math.exp(-v));
}

/** Float64 forward pass; returns rows x outputs (logits for classification). */
function forward(s: MlpState, X: Matrix): Float64Array {
  let cur = asFloat64(X.data);
  let width = X.cols;
  for (let l = 0; l < s.sizes.length - 1; l++) {
    const inn = s.sizes[l]!;
    const out = s.sizes[l + 1]!;
    const w = s.weights[l]!;
    const next = new Float64Array(X.rows * out);
    const last = l === s.sizes.length - 2;
    for (let i = 0; i < X.rows; i++) {
      for (let o = 0; o < out; o++) {
        let z = w[inn * out + o]!;
        for (let j = 0; j < inn; j++) z += cur[i * width + j]! * w[j * out + o]!;
        next[i * out + o] = last ? z : act(s.activation, z);
      }
    }
    cur = next;
    width = out;
  }
  return cur;
}

/** Glorot-uniform weights (scikit-learn uses the same scale) and zero biases, from our Rng. */
function initialWeights(sizes: number[], rng: Rng, activation: string): Float32Array[] {
  const out: Float32Array[] = [];
  for (let l = 0; l < sizes.length - 1; l++) {
    const inn = sizes[l]!;
    const o = sizes[l + 1]!;
    const factor = activation === 'logistic' ? 2 : 6;
    const limit = Math.sqrt(factor / (inn + o));
    const w = new Float32Array(inn * o + o);
    for (let i = 0; i < inn * o; i++) w[i] = (rng.next() * 2 - 1) * limit;
    out.push(w);
  }
  return out;
}

/** Splits row indices into train and validation parts with a seeded shuffle. */
function splitRows(n: number, fraction: number, use: boolean, rng: Rng): { train: number[]; val: number[] } {
  const idx = rng.shuffle(Array.from({ length: n }, (_, i) => i));
  const nVal = use ? Math.floor(n * fraction) : 0;
  // Too few rows to validate on: stop on the training loss instead.
  if (nVal < 2 || n - nVal < 2) return { train: idx, val: [] };
  return { train: idx.slice(nVal), val: idx.slice(0, nVal) };
}

async function train(X: Matrix, y: Float64Array, p: MlpParams, ctx: ModelContext): Promise<MlpState> {
  const tf: Tf = await loadTf();
  const rng = createRng(deriveSeed(ctx.seed, NAME));
  const cls = ctx.task === 'classification';
  const nOut = cls ? ctx.nClasses : 1;
  const activation = p.activation;
  const sizes = [X.cols, ...Array.from({ length: p.layers }, () => p.units), nOut];
  let yMean = 0;
  let yStd = 1;
  if (!cls) {
    for (const v of y) yMean += v / y.length;
    let v2 = 0;
    for (const v of y) v2 += (v - yMean) ** 2 / y.length;
    yStd = Math.sqrt(v2) || 1;
  }
  const { train: tr, val } = splitRows(X.rows, p.validation_fraction, p.early_stopping, rng);
  const rowsOf = (idx: number[]): [Float32Array, Float32Array] => {
    const xs = new Float32Array(idx.length * X.cols);
    const ys = new Float32Array(idx.length * nOut);
    idx.forEach((r, i) => {
      xs.set(X.data.subarray(r * X.cols, (r + 1) * X.cols), i * X.cols);
      if (cls) ys[i * nOut + y[r]!] = 1;
      else ys[i] = (y[r]! - yMean) / yStd;
    });
    return [xs, ys];
  };
  const [trX, trY] = rowsOf(tr);
  const xTrain = tf.tensor2d(trX, [tr.length, X.cols]);
  const yTrain = tf.tensor2d(trY, [tr.length, nOut]);
  const [vaX, vaY] = rowsOf(val);
  const xVal = val.length ? tf.tensor2d(vaX, [val.length, X.cols]) : xTrain;
  const yVal = val.length ? tf.tensor2d(vaY, [val.length, nOut]) : yTrain;
  const init = initialWeights(sizes, rng, activation);
  const vars = init.flatMap((w, l) => {
    const inn = sizes[l]!;
    const o = sizes[l + 1]!;
    // tidy frees the initial-value tensors; variables survive a tidy scope.
    return tf.tidy(() => [tf.variable(tf.tensor2d(w.subarray(0, inn * o), [inn, o])), tf.variable(tf.tensor1d(w.subarray(inn * o)))]);
  });
  const optimizer = tf.train.adam(p.learning_rate);
  const alpha = p.alpha;
  const applyAct = (t: TF.Tensor): TF.Tensor => (activation === 'relu' ? tf.relu(t) : activation === 'tanh' ? tf.tanh(t) : tf.sigmoid(t));
  const lossOf = (xb: TF.Tensor, yb: TF.Tensor, withPenalty: boolean): TF.Scalar => {
    let h: TF.Tensor = xb;
    for (let l = 0; l < vars.length; l += 2) {
      h = tf.add(tf.matMul(h as TF.Tensor2D, vars[l] as TF.Variable<TF.Rank.R2>), vars[l + 1]!);
      if (l < vars.length - 2) h = applyAct(h);
    }
    let loss: TF.Scalar = cls ? tf.losses.softmaxCrossEntropy(yb, h) : tf.losses.meanSquaredError(yb, h);
    if (withPenalty && alpha > 0) {
      let sq: TF.Scalar = tf.scalar(0);
      for (let l = 0; l < vars.length; l += 2) sq = tf.add(sq, tf.sum(tf.square(vars[l]!)));
      loss = tf.add(loss, tf.mul(sq, (0.5 * alpha) / xb.shape[0]!));
    }
    return loss;
  };
  const batch = Math.min(p.batch_size, tr.length);
  const order = Array.from({ length: tr.length }, (_, i) => i);
  let best = Infinity;
  let bestWeights: Float32Array[] = [];
  let stale = 0;
  let epochsRun = 0;
  try {
    for (let epoch = 0; epoch < p.epochs; epoch++) {
      throwIfAborted(NAME, ctx);
      epochsRun++;
      rng.shuffle(order);
      for (let s = 0; s < order.length; s += batch) {
        tf.tidy(() => {
          const ix = tf.tensor1d(order.slice(s, s + batch), 'int32');
          const xb = tf.gather(xTrain, ix);
          const yb = tf.gather(yTrain, ix);
          optimizer.minimize(() => lossOf(xb, yb, true), false, vars);
        });
      }
      const score = tf.tidy(() => lossOf(xVal, yVal, val.length === 0).dataSync()[0]!);
      if (!Number.isFinite(score)) break;
      if (score < best - p.tol) {
        best = score;
        stale = 0;
        bestWeights = vars.map((v) => v.dataSync() as Float32Array).map((a) => Float32Array.from(a));
      } else if (++stale >= p.n_iter_no_change) break;
    }
    if (bestWeights.length === 0) bestWeights = vars.map((v) => Float32Array.from(v.dataSync() as Float32Array));
  } finally {
    optimizer.dispose();
    for (const v of vars) v.dispose();
    for (const t of new Set([xTrain, yTrain, xVal, yVal])) t.dispose();
  }
  const weights: Float64Array[] = [];
  for (let l = 0; l < bestWeights.length; l += 2) {
    const w = new Float64Array(bestWeights[l]!.length + bestWeights[l + 1]!.length);
    w.set(bestWeights[l]!);
    w.set(bestWeights[l + 1]!, bestWeights[l]!.length);
    weights.push(w);
  }
  return { task: ctx.task, nClasses: ctx.nClasses, nFeatures: X.cols, sizes, activation, weights, yMean, yStd, epochsRun };
}

class Mlp implements Estimator {
  readonly name = NAME;
  private state?: MlpState;
  /** Present for classification models only, as the Estimator contract asks. */
  readonly predictProba?: (X: Matrix) => Matrix;

  constructor(
    private readonly params: MlpParams,
    private readonly ctx: ModelContext,
  ) {
    if (ctx.task === 'classification') this.predictProba = (X) => this.proba(X);
  }

  async fit(X: Matrix, y: Float64Array): Promise<void> {
    checkFitInput(NAME, X, y, this.ctx);
    this.state = undefined;
    this.state = await train(X, y, this.params, this.ctx);
  }

  private proba(X: Matrix): Matrix {
    const s = this.state;
    checkPredictInput(NAME, X, s?.nFeatures);
    const k = s!.nClasses;
    const z = forward(s!, X);
    for (let i = 0; i < X.rows; i++) {
      let max = -Infinity;
      for (let c = 0; c < k; c++) max = Math.max(max, z[i * k + c]!);
      let sum = 0;
      for (let c = 0; c < k; c++) sum += z[i * k + c] = Math.exp(z[i * k + c]! - max);
      for (let c = 0; c < k; c++) z[i * k + c]! /= sum;
    }
    return matrix(X.rows, k, z);
  }

  predict(X: Matrix): Float64Array {
    const s = this.state;
    checkPredictInput(NAME, X, s?.nFeatures);
    if (s!.task === 'classification') return argmaxRows(this.proba(X));
    const z = forward(s!, X);
    for (let i = 0; i < z.length; i++) z[i] = z[i]! * s!.yStd + s!.yMean;
    return z;
  }

  toJSON(): EstimatorJSON {
    const s = this.state;
    if (!s) throw modelFileError(NAME, 'cannot serialise an unfitted model');
    return {
      model: NAME,
      version: VERSION,
      params: { ...this.params },
      state: { ...s, weights: s.weights.map((w) => Array.from(w)) },
    };
  }

  /** Restores a fitted state (used by `load`). */
  setState(state: MlpState): void {
    this.state = state;
  }
}

/** The `mlp` family: multilayer perceptron on TensorFlow.js. */
export const mlpFamily = defineFamily({
  name: NAME,
  description: 'Multilayer perceptron (TensorFlow.js: native, WebAssembly or CPU backend); Adam, L2, early stopping; needs scaled features',
  tasks: TASKS,
  params: mlpParams,
  // Gradient steps and weight initialisation assume inputs of unit scale.
  preprocessing: { encoding: 'onehot', scaler: 'standard' },
  space: {
    comment: 'mlp (classification and regression); epochs is a maximum, early stopping usually ends sooner. Widths stop at 256 to keep TensorFlow.js fits fast on 2 cores.',
    params: {
      layers: { low: 1, high: 3 },
      units: { low: 16, high: 256 },
      activation: { choices: ['relu', 'tanh'] },
      learning_rate: { low: 1e-4, high: 3e-2 },
      alpha: { low: 1e-6, high: 1e-1 },
      batch_size: { low: 16, high: 256 },
      epochs: { low: 20, high: 200 },
    },
    notation: 'exponent',
  },
  create(params, ctx): Estimator {
    return new Mlp(params, ctx);
  },
  load(json: EstimatorJSON): Estimator {
    const { params, state } = openEnvelope(json, NAME, VERSION);
    const resolved = readParams(NAME, mlpParams, params);
    const task = readTask(NAME, state, TASKS);
    const nClasses = readNumber(NAME, state, 'nClasses', { int: true, min: task === 'classification' ? 2 : 0 });
    const nFeatures = readNumber(NAME, state, 'nFeatures', { int: true, min: 1 });
    const sizes = Array.from(readNumbers(NAME, state, 'sizes'));
    const outputs = task === 'classification' ? nClasses : 1;
    if (sizes.length < 2 || sizes[0] !== nFeatures || sizes[sizes.length - 1] !== outputs || sizes.some((v) => !Number.isInteger(v) || v < 1)) {
      throw modelFileError(NAME, `state.sizes ${JSON.stringify(sizes)} does not match ${nFeatures} inputs and ${outputs} outputs`);
    }
    const activation = state['activation'];
    if (activation !== 'relu' && activation !== 'tanh' && activation !== 'logistic') throw modelFileError(NAME, 'state.activation is unknown', activation);
    const rawWeights = state['weights'];
    if (!Array.isArray(rawWeights) || rawWeights.length !== sizes.length - 1) throw modelFileError(NAME, `state.weights must hold ${sizes.length - 1} layers`);
    const weights = rawWeights.map((_, l) => readNumbers(NAME, rawWeights as unknown as Record<string, unknown>, String(l), (sizes[l]! + 1) * sizes[l + 1]!));
    const yMean = readNumber(NAME, state, 'yMean');
    const yStd = readNumber(NAME, state, 'yStd');
    if (yStd <= 0) throw modelFileError(NAME, 'state.yStd must be positive', yStd);
    const epochsRun = readNumber(NAME, state, 'epochsRun', { int: true, min: 0 });
    const est = new Mlp(resolved, { task, nClasses, seed: 0 });
    est.setState({ task, nClasses, nFeatures, sizes, activation, weights, yMean, yStd, epochsRun });
    return est;
  },
});

/** Registry entry of {@link mlpFamily}. */
export const mlp: ModelSpec = familySpec(mlpFamily);
