/** The leaderboard of a search as a text table. The rows themselves come from automl/leaderboard.ts. */
import type { LeaderboardRow } from '../automl/leaderboard.js';
import type { SearchResult } from '../automl/types.js';
import type { KeptFrequency } from '../pipeline/index.js';
import { fitTable, fmtDuration, fmtParams, fmtScore } from './format.js';

/** Mean number of columns kept per fold, out of the total (`5.2/30`), or `all`. */
export function fmtKept(kept: readonly KeptFrequency[] | null, total: number | null): string {
  if (!kept) return 'all';
  const mean = kept.reduce((s, k) => s + k.frequency, 0);
  return `${Math.round(mean * 10) / 10}${total !== null ? `/${total}` : ''}`;
}

/**
 * The leaderboard of a search result: a title line (how many rows of how many complete trials,
 * the metric and which way is better) and one table row per leaderboard entry, with no trailing
 * newline. Empty string when no trial completed, so callers can skip it. With `width` (a
 * terminal's columns) the table fits it: on a narrow one without the features and time columns,
 * and the hyperparameters cut short.
 */
export function formatLeaderboard(result: Pick<SearchResult, 'leaderboard' | 'metric' | 'counts'>, width?: number): string {
  const rows: readonly LeaderboardRow[] = result.leaderboard;
  if (rows.length === 0) return '';
  const { name, direction } = result.metric;
  return (
    `Leaderboard (top ${rows.length} of ${result.counts.complete} complete trials, ${name}, ${direction === 'maximize' ? 'higher' : 'lower'} is better):\n` +
    fitTable(
      ['rank', 'trial', 'model', `cv ${name}`, 'time', 'features', 'hyperparameters'],
      rows.map((l) => [
        String(l.rank),
        String(l.number),
        l.targetTransform ? `${l.model} (${l.targetTransform} y)` : l.model,
        `${fmtScore(l.mean)}${l.std !== null ? ` ± ${fmtScore(l.std)}` : ''}`,
        fmtDuration(l.durationMs),
        fmtKept(l.kept, l.totalColumns),
        fmtParams(l.params),
      ]),
      width,
      ['features', 'time'],
    )
  );
}
