/**
 * Which pruner a tabular study runs with: on a one-split holdout plan, the rung pruner that
 * promotes trials from row subsample to row subsample (see evaluation/row-fidelity.ts); with
 * k-fold CV, the median pruner over folds; none when pruning is off.
 */
import { RungPruner } from '../pruners/rung.js';
import type { Pruner } from '../pruners/pruner.js';
import { RUNG_GROWTH } from '../evaluation/row-fidelity.js';
import type { ValidationSpec } from '../evaluation/validation-plan.js';

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
