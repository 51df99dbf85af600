/** Predictions as CSV (what `automl predict` writes). */
import { toSafeCsv } from './csv-safe.js';

/** What a model predicted for a table of rows, in input order. */
export interface PredictionsInput {
  /** The target column's name: the header of the prediction column. */
  readonly target: string;
  readonly predictions: readonly unknown[];
  /** Class probabilities per row, with the class order of the columns; omitted for plain predictions. */
  readonly proba?: { readonly classes: readonly string[]; readonly rows: readonly Readonly<Record<string, number>>[] };
  /** Regression: each row's prediction interval, written as `<target>_lower` and `<target>_upper`. */
  readonly intervals?: readonly { readonly lower: number; readonly upper: number }[];
}

/**
 * A CSV document: one column named after the target, then `proba_<class>` columns when
 * probabilities are given, or `<target>_lower` and `<target>_upper` when intervals are. Labels
 * and names come from the user's data, so text that a spreadsheet would take for a formula is
 * escaped (see csv-safe.ts).
 */
export function predictionsCsv(p: PredictionsInput): string {
  const header = [p.target];
  let rows: unknown[][] = p.predictions.map((v) => [v]);
  const proba = p.proba;
  if (proba) {
    header.push(...proba.classes.map((c) => `proba_${c}`));
    rows = rows.map((r, i) => [...r, ...proba.classes.map((c) => proba.rows[i]![c])]);
  }
  const iv = p.intervals;
  if (iv) {
    header.push(`${p.target}_lower`, `${p.target}_upper`);
    rows = rows.map((r, i) => [...r, iv[i]!.lower, iv[i]!.upper]);
  }
  return toSafeCsv(header, rows);
}
