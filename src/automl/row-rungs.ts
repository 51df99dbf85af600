/**
 * Which pruner a tabular study runs with: on a one-split holdout plan, the rung pruner that
 * promotes trials from row subsample to row subsample (see evaluation/row-fidelity.ts); with
 * k-fold CV, the median pruner over folds; none when pruning is off.
 */
import { RungPruner } from '../pruners/rung.js';
import type { Pruner } from '../pruners/pruner.js';
import { RUNG_GROWTH } from '../evaluation/row-fidelity.js';
import type { ValidationSpec } from '../evaluation/validation-plan.js';
import type { Direction, TrialRecord } from '../trial/trial.js';

/** The pruner of a study with these settings (`holdout` non-null: one validation split, row rungs). */
export function prunerFor(s: { readonly prune: boolean; readonly holdout?: number | null | undefined }): string | Pruner {
  if (!s.prune) return 'none';
  return s.holdout !== null && s.holdout !== undefined ? new RungPruner(RUNG_GROWTH) : 'median';
}

/**
 * Says how trials are validated when it is not plain k-fold CV: groups, time order, one holdout
 * split and its row rungs. Silent for plain k-fold CV.
 */
export function describeValidation(spec: ValidationSpec, first: { train: Int32Array; test: Int32Array }, rungs: readonly number[], onNote: ((n: string) => void) | undefined): void {
  if (!onNote) return;
  const how = spec.timeOrdered ? ', in time order' : spec.groups ? ', whole groups on one side' : '';
  if (spec.folds === 1) {
    onNote(`validation: one holdout split, ${first.train.length} training and ${first.test.length} validation rows${how}`);
    if (rungs.length > 1) onNote(`row rungs: each trial trains on ${rungs.map((n) => n.toLocaleString('en-US')).join(' -> ')} rows, going on to the next only when in the top 1/${RUNG_GROWTH} of the trials at its rung`);
  } else if (how !== '') onNote(`validation: ${spec.folds}-fold ${spec.timeOrdered ? 'time-series ' : 'group '}CV${how}`);
}

/** The fewest rows a pipeline compared at a rung of `rungRows` rows is refit on when time is short: half of them. */
export function leastRefitRows(rungRows: number): number {
  return Math.ceil(rungRows / 2);
}

/** The trial the final model is built from on row rungs, and where it was compared. */
export interface RungChoice {
  readonly trial: TrialRecord;
  /** 0-based rung at which the trials were compared. */
  readonly rung: number;
  /** The trial's score at that rung. */
  readonly score: number;
  /** Trials compared there. */
  readonly among: number;
}

/**
 * The final choice on row rungs: the best score at the highest rung that at least two trials
 * reached (the top rung is every training row, where a complete trial's value was measured), or
 * at the highest rung any trial reached when none was reached by two. With two or more complete
 * trials this is the best complete trial, as without rungs; when the time budget let only one
 * trial, or none, train on every row (trials stop climbing when the next rung would not end in
 * time), the trials are compared where they all trained on the same rows instead of taking the
 * lone finisher, or nothing. Failed trials never count. `affordable(t, r)` leaves out trials whose
 * refit on rung r's rows would not fit the time left (all count again when that leaves none).
 * Null when no trial scored anywhere.
 */
export function rungWinner(trials: readonly TrialRecord[], nRungs: number, direction: Direction, affordable: (t: TrialRecord, rung: number) => boolean = () => true): RungChoice | null {
  const all = rungWinnerAmong(trials, nRungs, direction, affordable);
  return all ?? rungWinnerAmong(trials, nRungs, direction, () => true);
}

function rungWinnerAmong(trials: readonly TrialRecord[], nRungs: number, direction: Direction, affordable: (t: TrialRecord, rung: number) => boolean): RungChoice | null {
  const scoreAt = (t: TrialRecord, r: number): number | undefined => {
    if (t.state === 'COMPLETE') return r === nRungs - 1 ? (t.value ?? undefined) : t.intermediate.find((x) => x.step === r)?.value;
    if (t.state === 'PRUNED') return t.intermediate.find((x) => x.step === r)?.value;
    return undefined;
  };
  let fallback: RungChoice | null = null;
  for (let r = nRungs - 1; r >= 0; r--) {
    let best: TrialRecord | null = null;
    let bestScore = NaN;
    let among = 0;
    for (const t of trials) {
      const v = scoreAt(t, r);
      if (v === undefined || !Number.isFinite(v) || !affordable(t, r)) continue;
      among++;
      if (best === null || (direction === 'maximize' ? v > bestScore : v < bestScore)) {
        best = t;
        bestScore = v;
      }
    }
    if (best === null) continue;
    const choice = { trial: best, rung: r, score: bestScore, among };
    if (among >= 2) return choice;
    fallback ??= choice;
  }
  return fallback;
}
