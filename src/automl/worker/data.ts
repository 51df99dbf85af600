/**
 * What crosses into a tabular worker thread: the data each thread receives once, the plugin
 * references it imports, and the names of the attributes and artifacts a trial hands back.
 * Worker code imports only this file from the orchestration side's vocabulary.
 */
import type { Dataset } from '../../data/types.js';

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
}

/** Fold scores of a trial, attached to its record as `userAttrs.foldScores`. */
export const FOLD_SCORES_ATTR = 'foldScores';
/** Source columns each fold's pipeline kept (when it selects features): `userAttrs.keptColumns`. */
export const KEPT_COLUMNS_ATTR = 'keptColumns';

/** Name of the trial artifact carrying out-of-fold predictions (see `ctx.setArtifact`). */
export const OOF_ARTIFACT = 'oof';
