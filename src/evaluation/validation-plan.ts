/**
 * The validation plan: one place that decides how rows are split, for the search's folds, for a
 * trial's own reshuffled split, for the final re-check and for the held-out test rows. The plan is
 * plain data (it crosses into worker threads), and every split is a pure function of the plan,
 * the rows' labels and a seed.
 *
 * - k-fold CV (stratified for classification), the default on small data;
 * - one holdout split (stratified) of `holdout` of the rows when `folds` is 1: on large data one
 *   split measures a configuration about as precisely as k folds, for 1/k of the cost
 *   (see {@link HOLDOUT_MIN_ROWS});
 * - with `groups`, group k-fold or a group-wise holdout: a group is never on both sides;
 * - with `timeOrdered` (rows in time order), time-series folds, or the latest rows as the holdout;
 *   a time-ordered plan never reshuffles (a trial's split is the study's).
 */
import type { TargetInfo } from '../data/types.js';
import { AutomlError, show } from '../util/errors.js';
import { groupHoldout, groupKFold, kFold, splitOf, stratifiedKFold, timeSeriesSplit, trainTestSplit, type Split } from './splitters.js';

/**
 * Searched rows from which a search without an explicit `--cv` validates each configuration on one
 * stratified holdout split instead of k-fold CV. Measured with bench/holdout/variance.mjs (see
 * bench/holdout/RESULTS.md): from about 10,000 rows the holdout score of a fixed configuration
 * varies across seeds by less than the gap between the best two default configurations, and
 * 5-fold CV costs five fits per trial where the budget buys only a handful.
 */
export const HOLDOUT_MIN_ROWS = 10_000;
/** Share of the searched rows the one holdout split validates on (at most {@link HOLDOUT_MAX_ROWS} rows). */
export const HOLDOUT_SHARE = 0.2;
/**
 * Most validation rows of the one holdout split: 10,000 rows measure accuracy to about +-0.005
 * (one standard error), and every trial scores them at every rung (k-nearest neighbours compares
 * each with every training row), so more would cost more than they tell; the rest train.
 */
export const HOLDOUT_MAX_ROWS = 10_000;

/** The validation share of a holdout split of `searchRows` rows: 20%, at most 10,000 rows. */
export function holdoutShare(searchRows: number): number {
  return Math.min(HOLDOUT_SHARE, HOLDOUT_MAX_ROWS / Math.max(1, searchRows));
}

/** How the searched rows are split; see the file comment. */
export interface ValidationSpec {
  /** CV folds (>= 2), or 1 for one holdout split of {@link ValidationSpec.holdout}. */
  readonly folds: number;
  /** Validation share of the one holdout split (used when `folds` is 1). */
  readonly holdout: number;
  /** One group code per row: rows sharing a code are never split between train and validation. */
  readonly groups?: Int32Array;
  /** The rows are in time order: validation rows always come after the training rows. */
  readonly timeOrdered?: boolean;
}

/** The number of folds a search uses: the user's `cv` when given, else one holdout split from {@link HOLDOUT_MIN_ROWS} rows, else 5. */
export function chooseFolds(searchRows: number, cv: number | undefined): number {
  if (cv !== undefined) return cv;
  return searchRows >= HOLDOUT_MIN_ROWS ? 1 : 5;
}

/** Whether a trial may draw its own split (not for time order, whose folds are fixed by time). */
export function canReshuffle(spec: ValidationSpec): boolean {
  return spec.timeOrdered !== true;
}

/**
 * The validation splits of `nRows` rows with labels `target` under `spec`, for `seed`. The search
 * calls it with the study's fold seed, a trial with its own (reshuffled) seed: the same function,
 * so a configuration is always validated the same way.
 */
export function validationFolds(spec: ValidationSpec, target: TargetInfo, seed: number | string): Split[] {
  const n = target.values.length;
  if (spec.groups && spec.groups.length !== n) throw new AutomlError('E_INTERNAL', `validation plan: ${spec.groups.length} group codes for ${n} rows`);
  if (spec.folds === 1) return [holdoutSplit(n, spec.holdout, seed, { target, groups: spec.groups, timeOrdered: spec.timeOrdered })];
  if (spec.timeOrdered) return timeSeriesSplit(n, spec.folds);
  if (spec.groups) return groupKFold(spec.groups, spec.folds, seed);
  return target.task === 'classification' ? stratifiedKFold(target.values, spec.folds, seed) : kFold(n, spec.folds, seed);
}

/** What a holdout split respects. */
export interface HoldoutOptions {
  /** Labels to stratify by (classification only). */
  readonly target?: TargetInfo;
  readonly groups?: ArrayLike<number | string> | undefined;
  /** Rows are in time order: the holdout is the latest rows. */
  readonly timeOrdered?: boolean | undefined;
}

/**
 * One holdout split of `n` rows, `share` of them on the test side: the latest rows in time order,
 * whole groups with groups, else stratified (classification) or plain random rows. Used for the
 * validation holdout of large data and for the test rows a search holds out.
 */
export function holdoutSplit(n: number, share: number, seed: number | string, o: HoldoutOptions = {}): Split {
  if (!(share > 0 && share < 1)) throw new AutomlError('E_CONFIG', `holdout share = ${show(share)} must be between 0 and 1 (exclusive)`, { param: 'testSize', value: share });
  if (o.timeOrdered) {
    const nTest = Math.round(n * share);
    if (nTest < 1 || nTest > n - 1) throw new AutomlError('E_CONFIG', `a time-ordered holdout of ${show(share)} of ${n} rows leaves a side empty; use more rows or another share`, { param: 'testSize', value: share });
    const isTest = new Uint8Array(n);
    isTest.fill(1, n - nTest);
    return splitOf(isTest);
  }
  if (o.groups) return groupHoldout(o.groups, share, seed);
  const stratify = o.target?.task === 'classification' ? o.target.values : undefined;
  return trainTestSplit(n, share, seed, stratify);
}
