/**
 * The interface of a pipeline's feature steps, apart from pipeline.ts so that a step
 * (selection/step.ts) implements it without importing the pipeline that creates it.
 */
import type { Matrix } from '../models/estimator.js';

/**
 * A step between preprocessing and the model that maps the encoded matrix to another matrix.
 * Steps run in order on the preprocessor's output; each is fitted on the training rows only.
 * The one kind today is feature selection (`select`, built from `PipelineConfig.select`).
 */
export interface FeatureStep {
  readonly kind: string;
  fit(X: Matrix, y: Float64Array, names: readonly string[]): void;
  transform(X: Matrix): Matrix;
  /** Names of the output columns given the input names. */
  outputNames(input: readonly string[]): string[];
  /**
   * For a step whose output column t is input column `inputsUsed()[t]` (a selection): those input
   * indices. Lets the pipeline tell which source columns prediction needs. Omitted by steps whose
   * outputs mix inputs; then every input counts as needed.
   */
  inputsUsed?(): number[];
  toJSON(): { readonly kind: string; readonly [key: string]: unknown };
}
