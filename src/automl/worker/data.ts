/**
 * What crosses into a tabular worker thread: the data each thread receives once, the plugin
 * references it imports, and the names of the attributes and artifacts a trial hands back.
 * Worker code imports only this file from the orchestration side's vocabulary.
 */
import type { Dataset } from '../../data/types.js';
import type { ValidationSpec } from '../../evaluation/validation-plan.js';

/** A user's own model family: an ES module exporting a ModelSpec. */
export interface ModelPluginRef {
  readonly module: string;
  readonly exportName?: string;
}

/** What every worker thread receives once. */
export interface TabularWorkerData {
  readonly kind: 'automl.tabular';
  readonly dataset: Dataset;
  readonly folds: readonly { readonly train: Int32Array; readonly test: Int32Array }[];
  readonly metric: string;
  readonly plugins: readonly ModelPluginRef[];
  /**
   * Hand each completed trial's out-of-fold predictions back (artifact {@link OOF_ARTIFACT}) for the
   * final ensemble. Off when the study builds no ensemble or the predictions would be too large.
   */
  readonly oof?: boolean;
  /**
   * Each trial draws its own CV split, seeded by its objective seed, instead of using `folds` (which
   * then only gives the number of folds). Keeps a long search from tuning itself to one split.
   */
  readonly reshuffle?: boolean;
  /** Classification: every fit weights its training rows by class (`balanced`). */
  readonly classWeight?: 'balanced';
  /** How a trial's own split is drawn (reshuffle, re-check): the study's validation plan. Absent: stratified k-fold. */
  readonly validation?: ValidationSpec;
  /**
   * Training-row counts of the row rungs (ascending, the last is every training row of the one
   * holdout split); absent or one entry: every trial trains on all of them at once.
   */
  readonly rungs?: readonly number[];
  /**
   * The search's deadline as it is re-planned, shared with the study's thread: element 0 is the
   * deadline in ms after `deadlineBase` (epoch ms), kept current with `Atomics.store`. A trial on
   * row rungs does not start a rung whose predicted time runs past it (see `climbRungs`).
   */
  readonly deadline?: Int32Array;
  readonly deadlineBase?: number;
}

/** Trial attribute set when a trial stopped climbing the row rungs for lack of time (the rung it did not start, 1-based). */
export const STOPPED_FOR_TIME_ATTR = 'stoppedForTime';
/** Safety factor on a rung's predicted time (rows x the last rung's time per row; trees grow a little faster than linearly). */
export const RUNG_COST_SAFETY = 1.2;

/** The deadline (epoch ms) a worker reads from {@link TabularWorkerData.deadline}; null without one. */
export function sharedDeadline(data: Pick<TabularWorkerData, 'deadline' | 'deadlineBase'>): number | null {
  if (!data.deadline || data.deadlineBase === undefined) return null;
  return data.deadlineBase + Atomics.load(data.deadline, 0);
}

/** Fold scores of a trial, attached to its record as `userAttrs.foldScores`. */
export const FOLD_SCORES_ATTR = 'foldScores';
/** Row rungs of a trial: `userAttrs.rungScores` (one score per rung it ran), `userAttrs.trainRows` (rows of the last one). */
export const RUNG_SCORES_ATTR = 'rungScores';
export const TRAIN_ROWS_ATTR = 'trainRows';
/** Row rungs: milliseconds each rung's fit and scoring took (`userAttrs.rungMs`); the last one is a full-rows fit. */
export const RUNG_MS_ATTR = 'rungMs';
/** Source columns each fold's pipeline kept (when it selects features): `userAttrs.keptColumns`. */
export const KEPT_COLUMNS_ATTR = 'keptColumns';

/** Name of the trial artifact carrying out-of-fold predictions (see `ctx.setArtifact`). */
export const OOF_ARTIFACT = 'oof';
