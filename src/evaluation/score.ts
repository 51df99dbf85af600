/**
 * Scoring a fitted pipeline with a metric: on rows of a dataset (a CV fold, the held-out rows) or
 * on a separate table. Classification metrics that need probabilities get the pipeline's
 * probabilities, and their labels are the probabilities' argmax, so one prediction pass suffices.
 */
import type { Dataset, FeatureTable } from '../data/types.js';
import { argmaxRows } from '../models/common.js';
import type { Matrix } from '../models/estimator.js';
import type { Pipeline } from '../pipeline/index.js';
import type { Metric } from './metrics.js';

/** The target values of some rows of a dataset, in the order of `rows`. */
export function targetOf(dataset: Dataset, rows: Int32Array): Float64Array {
  const yTrue = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) yTrue[i] = dataset.target.values[rows[i]!]!;
  return yTrue;
}

/** Scores a fitted pipeline on some rows of the dataset with a metric. */
export function scoreRows(pipeline: Pipeline, dataset: Dataset, rows: Int32Array, metric: Metric): number {
  return scoreTable(pipeline, dataset, rows, targetOf(dataset, rows), dataset.target.classes?.length ?? 0, metric);
}

/** Scores a fitted pipeline on `rows` of any feature table (all rows when omitted) against `yTrue`. */
export function scoreTable(pipeline: Pipeline, table: FeatureTable, rows: Int32Array | undefined, yTrue: Float64Array, nClasses: number, metric: Metric): number {
  let proba: Matrix | undefined;
  let pred: Float64Array;
  if (metric.needsProba) {
    proba = pipeline.predictProba(table, rows);
    pred = argmaxRows(proba);
  } else {
    pred = pipeline.predict(table, rows);
  }
  return metric.score(yTrue, pred, proba, nClasses);
}

/**
 * Scores a fitted pipeline on some rows and writes its predictions for them into `oof` (row r's
 * prediction at `r * width`: one value for regression, `width` class probabilities otherwise).
 * Classification always predicts probabilities here, whatever the metric, and scores their argmax
 * labels; the predictions are what an ensemble later averages.
 */
export function scoreRowsInto(pipeline: Pipeline, dataset: Dataset, rows: Int32Array, metric: Metric, oof: Float64Array, width: number): number {
  const yTrue = targetOf(dataset, rows);
  if (dataset.target.task === 'regression') {
    const pred = pipeline.predict(dataset, rows);
    for (let i = 0; i < rows.length; i++) oof[rows[i]!] = pred[i]!;
    return metric.score(yTrue, pred);
  }
  const proba = pipeline.predictProba(dataset, rows);
  for (let i = 0; i < rows.length; i++) oof.set(proba.data.subarray(i * width, (i + 1) * width), rows[i]! * width);
  return metric.score(yTrue, argmaxRows(proba), proba, width);
}
