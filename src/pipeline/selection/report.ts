/**
 * Summaries of what selection kept across cross-validation folds, for trial records and reports.
 */

/** How often a column was kept across folds. */
export interface KeptFrequency {
  readonly column: string;
  /** Folds that kept it. */
  readonly folds: number;
  /** folds / number of folds, in (0, 1]. */
  readonly frequency: number;
}

/**
 * Counts, for each column kept in at least one fold, the share of folds that kept it; most
 * frequent first, then by first appearance. Pass `pipeline.keptColumns` (source columns) or
 * `pipeline.keptFeatures` (preprocessed names) of each fold.
 */
export function keptFrequency(perFold: readonly (readonly string[])[]): KeptFrequency[] {
  const counts = new Map<string, number>();
  for (const fold of perFold) for (const c of new Set(fold)) counts.set(c, (counts.get(c) ?? 0) + 1);
  const n = Math.max(1, perFold.length);
  return [...counts.entries()]
    .map(([column, folds], i) => ({ column, folds, frequency: folds / n, i }))
    .sort((a, b) => b.folds - a.folds || a.i - b.i)
    .map(({ column, folds, frequency }) => ({ column, folds, frequency }));
}
