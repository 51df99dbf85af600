/** Predictions as CSV (what `automl predict` writes). */
import { toSafeCsv } from './csv-safe.js';

/** What a model predicted for a table of rows, in input order. */
export interface PredictionsInput {
  /** The target column's name: the header of the prediction column. */
  readonly target: string;
  readonly predictions: readonly unknown[];
  /** Class probabilities per row, with the class order of the columns; omitted for plain predictions. */
  readonly proba?: { readonly classes: readonly string[]; readonly rows: readonly Readonly<Record<string, number>>[] };
}

/**
 * A CSV document: one column named after the target, then `proba_<class>` columns when
 * probabilities are given. Labels and names come from the user's data, so text that a spreadsheet
 * would take for a formula is escaped (see csv-safe.ts).
 */
export function predictionsCsv(p: PredictionsInput): string {
  const header = [p.target];
  let rows: unknown[][] = p.predictions.map((v) => [v]);
  const proba = p.proba;
  if (proba) {
    header.push(...proba.classes.map((c) => `proba_${c}`));
    rows = rows.map((r, i) => [...r, ...proba.classes.map((c) => proba.rows[i]![c])]);
  }
  return toSafeCsv(header, rows);
}
