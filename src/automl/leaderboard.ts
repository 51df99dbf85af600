import type { Study } from '../study/index.js';
import type { TrialRecord } from '../trial/trial.js';
import { isBetter } from '../trial/trial.js';
import { keptFrequency, type KeptFrequency } from '../pipeline/index.js';

/** One row of the leaderboard. */
export interface LeaderboardRow {
  readonly rank: number;
  readonly number: number;
  readonly model: string;
  /** The model's hyperparameters, plus the preprocessing choices. */
  readonly params: Readonly<Record<string, unknown>>;
  readonly preprocess: Readonly<Record<string, unknown>>;
  /** The regression target's transform (`log`), or null when the model fits the target as it is. */
  readonly targetTransform: string | null;
  readonly mean: number;
  readonly std: number | null;
  readonly foldScores: readonly number[];
  readonly durationMs: number | null;
  /** Source columns kept by feature selection with the share of folds that kept each; null without selection. */
  readonly kept: readonly KeptFrequency[] | null;
  /** Number of source columns the trial's pipeline could use. */
  readonly totalColumns: number | null;
}

/** Fold scores stored on a trial, or []. */
export function foldScoresOf(t: TrialRecord): number[] {
  const v = t.userAttrs.foldScores;
  return Array.isArray(v) ? v.filter((x): x is number => typeof x === 'number') : [];
}

/** The columns each fold kept, or null when the trial did not select features. */
export function keptColumnsOf(t: TrialRecord): string[][] | null {
  const v = t.userAttrs.keptColumns;
  return Array.isArray(v) && v.every((f) => Array.isArray(f)) ? (v as string[][]) : null;
}

/** The top `n` COMPLETE trials, best first (ties: lower number first). */
export function leaderboard(study: Study, n = 10, totalColumns: number | null = null): LeaderboardRow[] {
  const done = study.trials.filter((t): t is TrialRecord => t !== undefined && t.state === 'COMPLETE' && t.value !== null);
  done.sort((a, b) => (a.value === b.value ? a.number - b.number : isBetter(a.value!, b.value!, study.direction) ? -1 : 1));
  return done.slice(0, n).map((t, i) => {
    const config = study.configOf(t) as { model?: { type?: string }; preprocess?: Record<string, unknown>; target_transform?: unknown };
    const { type, ...params } = (config.model ?? {}) as Record<string, unknown>;
    const folds = foldScoresOf(t);
    const mean = t.value!;
    const std = folds.length > 1 ? Math.sqrt(folds.reduce((s, x) => s + (x - mean) ** 2, 0) / (folds.length - 1)) : null;
    const d = t.userAttrs.durationMs;
    return {
      rank: i + 1,
      number: t.number,
      model: typeof type === 'string' ? type : '?',
      params,
      preprocess: config.preprocess ?? {},
      targetTransform: typeof config.target_transform === 'string' && config.target_transform !== 'none' ? config.target_transform : null,
      mean,
      std,
      foldScores: folds,
      durationMs: typeof d === 'number' ? d : t.finishedAt !== null && t.startedAt !== null ? t.finishedAt - t.startedAt : null,
      kept: keptColumnsOf(t) ? keptFrequency(keptColumnsOf(t)!) : null,
      totalColumns,
    };
  });
}

/** What pruning did in a study: how many trials were stopped, and after how many folds. */
export interface PruningSummary {
  /** Trials the pruner stopped. */
  readonly pruned: number;
  /** The pruned trials by folds finished before they were stopped, fewest folds first. */
  readonly afterFolds: readonly { readonly folds: number; readonly trials: number }[];
  /** Folds of a full cross-validation, when the study records it (null on row rungs). */
  readonly folds: number | null;
  /** What a trial's steps are: CV folds, or row rungs (a one-holdout study; `folds` then counts rungs). */
  readonly unit?: 'fold' | 'rung';
}

/** How many trials pruning stopped and after how many folds (from each pruned trial's reported folds). */
export function pruningSummary(study: Study): PruningSummary {
  const byFolds = new Map<number, number>();
  let pruned = 0;
  for (const t of study.trials) {
    if (t?.state !== 'PRUNED') continue;
    pruned++;
    const k = t.intermediate.length > 0 ? t.intermediate.length : foldScoresOf(t).length;
    byFolds.set(k, (byFolds.get(k) ?? 0) + 1);
  }
  const cv = study.record.settings['cv'];
  const holdout = study.record.settings['holdout'];
  const rungs = typeof holdout === 'number';
  return {
    pruned,
    afterFolds: [...byFolds.entries()].sort((a, b) => a[0] - b[0]).map(([folds, trials]) => ({ folds, trials })),
    folds: !rungs && typeof cv === 'number' && Number.isInteger(cv) ? cv : null,
    ...(rungs ? { unit: 'rung' as const } : {}),
  };
}
