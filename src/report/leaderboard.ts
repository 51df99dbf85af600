/** The leaderboard of a search as a text table. The rows themselves come from automl/leaderboard.ts. */
import type { LeaderboardRow, PruningSummary } from '../automl/leaderboard.js';
import type { SearchResult } from '../automl/types.js';
import type { KeptFrequency } from '../pipeline/index.js';
import { fitTable, fmtDuration, fmtParams, fmtScore, wrapToWidth } from './format.js';

/** Mean number of columns kept per fold, out of the total (`5.2/30`), or `all`. */
export function fmtKept(kept: readonly KeptFrequency[] | null, total: number | null): string {
  if (!kept) return 'all';
  const mean = kept.reduce((s, k) => s + k.frequency, 0);
  return `${Math.round(mean * 10) / 10}${total !== null ? `/${total}` : ''}`;
}

/** What the leaderboard can say besides its rows: pruning, and which trials the saved model is made of. */
export type LeaderboardInput = Pick<SearchResult, 'leaderboard' | 'metric' | 'counts'> & {
  /** What pruning did; without it the counts alone are used. */
  readonly pruning?: PruningSummary | null;
  /** Trials the saved model is made of, with their weights (a column marks them). */
  readonly modelTrials?: readonly { readonly trial: number; readonly weight: number }[];
};

/**
 * The pruning note under the leaderboard: how many trials were stopped after how many folds, why
 * they are not ranked, and how to turn pruning off. Empty when nothing was pruned.
 */
export function formatPruning(pruned: number, summary: PruningSummary | null | undefined): string {
  if (pruned === 0) return '';
  const of = summary?.folds ? ` of ${summary.folds}` : '';
  if (summary?.unit === 'rung') {
    const at = summary.afterFolds.length > 0 ? `: ${summary.afterFolds.map((a) => `${a.trials} at row rung ${a.folds}`).join(', ')}` : '';
    return (
      `Pruned: ${pruned} trial${pruned === 1 ? '' : 's'} stopped below every training row${at} (ranked out of the top third at their rung, or the next rung would not have ended in time). ` +
      'They are not ranked, since a subsample score is not comparable with a full one; search with --no-prune to train every trial on every row.'
    );
  }
  const after = summary && summary.afterFolds.length > 0
    ? `: ${summary.afterFolds.map((a) => `${a.trials} after ${a.folds} fold${a.folds === 1 ? '' : 's'}`).join(', ')}${of}`
    : '';
  return (
    `Pruned: ${pruned} trial${pruned === 1 ? '' : 's'} stopped early${after} (median rule: the mean score of their first folds was worse than the median of earlier trials at the same fold). ` +
    'They are not ranked, since a few folds are no full CV score; search with --no-prune to run every trial on all folds.'
  );
}

/**
 * The leaderboard of a search result: a title line (how many rows of how many complete trials,
 * the metric and which way is better), one table row per leaderboard entry (the trials of the saved
 * model marked with their weight), and what pruning did; no trailing newline. Empty string when no
 * trial completed, so callers can skip it. With `width` (a terminal's columns) the table fits it:
 * on a narrow one without the features and time columns, and the hyperparameters cut short.
 */
export function formatLeaderboard(result: LeaderboardInput, width?: number): string {
  const rows: readonly LeaderboardRow[] = result.leaderboard;
  if (rows.length === 0) return '';
  const { name, direction } = result.metric;
  const weights = new Map((result.modelTrials ?? []).map((m) => [m.trial, m.weight]));
  const marked = weights.size > 0;
  const pruned = result.counts.pruned;
  const title =
    `Leaderboard (top ${rows.length} of ${result.counts.complete} complete trials, ${name}, ${direction === 'maximize' ? 'higher' : 'lower'} is better` +
    `${pruned > 0 ? `; ${pruned} pruned trial${pruned === 1 ? ' is' : 's are'} not ranked, see below` : ''}${marked ? '; "in model": weight in the saved model' : ''}):`;
  const body = fitTable(
    ['rank', 'trial', 'model', `cv ${name}`, 'time', 'features', ...(marked ? ['in model'] : []), 'hyperparameters'],
    rows.map((l) => [
      String(l.rank),
      String(l.number),
      l.targetTransform ? `${l.model} (${l.targetTransform} y)` : l.model,
      `${fmtScore(l.mean)}${l.std !== null ? ` ± ${fmtScore(l.std)}` : ''}`,
      fmtDuration(l.durationMs),
      fmtKept(l.kept, l.totalColumns),
      ...(marked ? [weights.has(l.number) ? `x${weights.get(l.number)!.toFixed(2)}` : ''] : []),
      fmtParams(l.params),
    ]),
    width,
    ['features', 'time'],
  );
  const lines = [wrapToWidth(title, width), body];
  const shown = new Set(rows.map((l) => l.number));
  const outside = [...weights.entries()].filter(([t]) => !shown.has(t));
  if (outside.length > 0) lines.push(wrapToWidth(`Also in the saved model, below the rows shown: ${outside.map(([t, w]) => `trial ${t} x${w.toFixed(2)}`).join(', ')}`, width));
  const note = formatPruning(pruned, result.pruning);
  if (note) lines.push(wrapToWidth(note, width));
  return lines.join('\n');
}
