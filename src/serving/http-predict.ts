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
}

/** Predictions, encoded. */
export interface PredictResult {
  /** Per row: the class index into the model's classes (classification) or the predicted value. */
  readonly encoded: Float64Array;
  /** Classification with `proba`: row-major nRows x classes probabilities; else null. */
  readonly proba: Float64Array | null;
}

/** Rebuilds the table a task carries (the schema is the model's, so it does not travel). */
export function taskTable(schema: readonly ColumnSchema[], task: PredictTask): FeatureTable {
  return { nRows: task.nRows, features: schema, columns: task.columns, notes: [] };
}

/** Predicts a table with `model` and encodes the result. */
export function predictEncoded(model: FittedModel, table: FeatureTable, proba: boolean): PredictResult {
  const labels = model.predict(table);
  const encoded = new Float64Array(labels.length);
  const classes = model.classes;
  if (classes === null) {
    for (let i = 0; i < labels.length; i++) encoded[i] = labels[i] as number;
    return { encoded, proba: null };
  }
  const index = new Map(classes.map((c, k) => [c, k]));
  for (let i = 0; i < labels.length; i++) encoded[i] = index.get(labels[i] as string)!;
  if (!proba) return { encoded, proba: null };
  const rows = model.predictProba(table);
  const p = new Float64Array(rows.length * classes.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i]!;
    for (let k = 0; k < classes.length; k++) p[i * classes.length + k] = r[classes[k]!]!;
  }
  return { encoded, proba: p };
}
