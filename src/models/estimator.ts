/**
 * The estimator contract: the small verb set (fit / predict / predictProba / toJSON) that every
 * model implements, so that anything implementing it plugs into search and cross-validation.
 *
 * Models know nothing of search spaces: a model is created from a plain params object.
 * Data arrives already encoded as a dense numeric matrix (the pipeline does imputation, encoding
 * and scaling before the model sees it), so models never see NaN unless they declare
 * `handlesMissing` in their spec.
 */
import type { ParamDecls } from './hyperparams.js';

import type { Task } from '../data/types.js';

/** Supervised task kind (declared in data/types.ts; re-exported for the model side's importers). */
export type { Task };

/**
 * Values of a matrix: float64, or float32 for the large matrices a pipeline stores at single
 * precision (see `MatrixPrecision`). Estimators read either; one that needs float64 arrays copies
 * with {@link asFloat64}.
 */
export type MatrixData = Float64Array | Float32Array;

/** Storage precision of a pipeline's input matrices: float32 halves the memory of a large fit. */
export type MatrixPrecision = 'float64' | 'float32';

/**
 * A dense row-major matrix: element (i, j) is `data[i * cols + j]`. `data` may be backed by a
 * SharedArrayBuffer; estimators must never write into an input matrix. Matrices the estimators
 * return (probabilities, decision values) are float64.
 */
export interface Matrix {
  readonly rows: number;
  readonly cols: number;
  readonly data: MatrixData;
}

/** A float64 matrix (estimator outputs). */
export interface Matrix64 extends Matrix {
  readonly data: Float64Array;
}

/** `data` itself when it is float64, else a float64 copy (for solvers written for float64 arrays). */
export function asFloat64(data: MatrixData): Float64Array {
  return data instanceof Float64Array ? data : Float64Array.from(data);
}

/** A zero matrix of the given precision. */
export function zeroMatrix(rows: number, cols: number, precision: MatrixPrecision): Matrix {
  return { rows, cols, data: precision === 'float32' ? new Float32Array(rows * cols) : new Float64Array(rows * cols) };
}

/** Creates a float64 matrix, allocating zeros when `data` is not given. */
export function matrix(rows: number, cols: number, data?: Float64Array): Matrix64 {
  const d = data ?? new Float64Array(rows * cols);
  if (d.length !== rows * cols) throw new RangeError(`matrix: data has ${d.length} values, expected ${rows}x${cols}`);
  return { rows, cols, data: d };
}

/** Context given to a model factory besides its hyperparameters. */
export interface ModelContext {
  readonly task: Task;
  /** Number of classes for classification (labels are 0..nClasses-1); 0 for regression. */
  readonly nClasses: number;
  /** Seed for every random choice the model makes. */
  readonly seed: number;
  /** Aborts a long fit; estimators check it between iterations/trees/epochs where they can. */
  readonly signal?: AbortSignal;
  /**
   * Classification: `balanced` weights each training row by n / (k n_c) of its class (see
   * `rowClassWeights`), in the families that can weight rows ({@link ModelSpec.classWeights}).
   */
  readonly classWeight?: 'balanced';
}

/** Serialised fitted estimator: a name tag plus model-specific plain JSON. */
export interface EstimatorJSON {
  readonly model: string;
  readonly version: number;
  readonly params: Record<string, unknown>;
  readonly state: unknown;
}

/** Consecutive training rows given to {@link Estimator.fitBlocks}. */
export interface RowBlock {
  readonly X: Matrix;
  readonly y: Float64Array;
}

/**
 * A fitted-or-unfitted model. Contract:
 * - `fit` trains from scratch (calling it twice forgets the first fit); it never mutates X or y.
 * - For classification, `y` holds class indices 0..nClasses-1 (as float64); for regression, targets.
 * - `predict` returns one value per row: a class index (classification) or a value (regression).
 * - `predictProba` (classification only) returns a rows x nClasses matrix whose rows sum to 1.
 * - `toJSON` returns plain data; `ModelSpec.load(toJSON())` predicts identically.
 * - Everything random is derived from `ModelContext.seed`.
 */
export interface Estimator {
  readonly name: string;
  fit(X: Matrix, y: Float64Array): Promise<void> | void;
  /**
   * Optional: the same fit from consecutive row blocks of X and y (`next()` gives the next block,
   * null after the last), equal to `fit` on their concatenation up to rounding. A pipeline uses it
   * on large data so that the whole matrix is never held at once (see `PipelineFitContext.blockCells`).
   */
  fitBlocks?(next: () => RowBlock | null): Promise<void> | void;
  predict(X: Matrix): Float64Array;
  predictProba?(X: Matrix): Matrix;
  /**
   * Optional, regression: the standard deviation of the model's predictive distribution at each
   * row (a Gaussian around `predict`, noise included), e.g. a Gaussian process's. Pipelines turn
   * it into `predictStd` and `predictInterval`.
   */
  predictStd?(X: Matrix): Float64Array;
  toJSON(): EstimatorJSON;
}

/**
 * Registry entry for a model family. Built-in families are declared as descriptors
 * (`ModelFamily`, ./descriptor.ts) and registered through the spec derived from them; a user's
 * model may be a plain spec like this one.
 */
export interface ModelSpec {
  /** Stable name used in configs, `--models`, space files and model files (snake_case). */
  readonly name: string;
  /** One-line description for `--help` and the README. */
  readonly description: string;
  readonly tasks: readonly Task[];
  /** True when the model accepts NaN in X (then imputation is optional for it). */
  readonly handlesMissing?: boolean;
  /**
   * The hyperparameter declarations, when the model has them: search ranges are then checked
   * against them before any trial. Without them a range is checked by creating the model at its ends.
   */
  readonly params?: ParamDecls;
  /** True when `create` honours `ModelContext.classWeight` (rows weighted by class); absent: it cannot. */
  readonly classWeights?: boolean;
  /** Creates an unfitted estimator; throws AutomlError('E_PARAM') naming a bad hyperparameter. */
  create(params: Record<string, unknown>, ctx: ModelContext): Estimator;
  /** Restores a fitted estimator from `toJSON()` output; validates it and never evaluates code. */
  load(json: EstimatorJSON): Estimator;
}
