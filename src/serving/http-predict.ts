/**
 * One prediction call as the server needs it, shared by the main thread (small batches) and the
 * predict worker threads (large ones): typed arrays in and out, so that a batch crosses the thread
 * boundary as a cheap structured clone of a few buffers instead of thousands of strings.
 */
import type { ColumnSchema, FeatureColumn, FeatureTable } from '../data/types.js';
import type { FittedModel } from './model-file.js';

/** A batch to predict: the columns of a table on the model's input schema. */
export interface PredictTask {
  readonly nRows: number;
  readonly columns: readonly FeatureColumn[];
  readonly proba: boolean;
  /** Regression with a Gaussian process: the coverage of the prediction interval asked for, or null. */
  readonly interval: number | null;
}

/** Predictions, encoded. */
export interface PredictResult {
  /** Per row: the class index into the model's classes (classification) or the predicted value. */
  readonly encoded: Float64Array;
  /** Classification with `proba`: row-major nRows x classes probabilities; else null. */
  readonly proba: Float64Array | null;
  /** With `interval`: each row's lower and upper bound; else null. */
  readonly lower: Float64Array | null;
  readonly upper: Float64Array | null;
}

/** Rebuilds the table a task carries (the schema is the model's, so it does not travel). */
export function taskTable(schema: readonly ColumnSchema[], task: PredictTask): FeatureTable {
  return { nRows: task.nRows, features: schema, columns: task.columns, notes: [] };
}

/** Predicts a table with `model` and encodes the result. */
export function predictEncoded(model: FittedModel, table: FeatureTable, proba: boolean, interval: number | null = null): PredictResult {
  const labels = model.predict(table);
  const encoded = new Float64Array(labels.length);
  const classes = model.classes;
  const none = { proba: null, lower: null, upper: null };
  if (classes === null) {
    for (let i = 0; i < labels.length; i++) encoded[i] = labels[i] as number;
    if (interval === null) return { encoded, ...none };
    const { lower, upper } = model.pipeline.predictInterval(table, interval);
    return { encoded, proba: null, lower, upper };
  }
  const index = new Map(classes.map((c, k) => [c, k]));
  for (let i = 0; i < labels.length; i++) encoded[i] = index.get(labels[i] as string)!;
  if (!proba) return { encoded, ...none };
  const rows = model.predictProba(table);
  const p = new Float64Array(rows.length * classes.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    for (let k = 0; k < classes.length; k++) p[i * classes.length + k] = r[classes[k]!]!;
  }
  return { encoded, proba: p, lower: null, upper: null };
}
