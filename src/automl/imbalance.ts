/**
 * The search's steps for imbalanced classes: saying which families honour balanced class weights,
 * and tuning a binary classifier's decision threshold on out-of-fold predictions at the end.
 */
import type { Dataset } from '../data/types.js';
import type { Metric } from '../evaluation/metrics.js';
import type { Executor } from '../coordinator/executor.js';
import type { Study } from '../study/index.js';
import { listModels } from '../models/registry.js';
import type { PhasePlanner } from './budget.js';
import { chooseThreshold, membersOof, wantsThreshold, type ThresholdOof } from './threshold.js';
import type { FeatureSearchSummary, ThresholdSummary } from './types.js';

/** Says which searched families weight rows by class and which cannot (their trials run unweighted). */
export function noteClassWeights(study: Study, onNote: ((n: string) => void) | undefined): void {
  const choice = study.space.param('model');
  const searched = choice && choice.dimension.kind === 'categorical' ? (choice.dimension.toJSON() as { choices: string[] }).choices : [];
  const specs = listModels('classification').filter((m) => searched.includes(m.name));
  const cannot = specs.filter((m) => !m.classWeights).map((m) => m.name);
  const can = specs.filter((m) => m.classWeights).map((m) => m.name);
  onNote?.(
    `class weights balanced (n / (k * n_c), on each fit's training rows) in ${can.length > 0 ? can.join(', ') : 'none of the searched models'}` +
      (cannot.length > 0 ? `; ${cannot.join(', ')} cannot weight rows and fit unweighted` : ''),
  );
}

/** Inputs of {@link tuneThreshold}. */
export interface TuneThresholdArgs {
  readonly study: Study;
  readonly searched: Dataset;
  readonly metric: Metric;
  readonly executor: Executor;
  /** The final model's trials and weights. */
  readonly members: readonly { readonly trial: number; readonly weight: number }[];
  /** Their averaged out-of-fold probabilities from the final choice, or null (then one more CV of them). */
  readonly oof: ThresholdOof | null;
  readonly featureSearch: FeatureSearchSummary | null;
  /** With a time budget: the extra CV runs only if it leaves the refit its time. */
  readonly planner: PhasePlanner | null;
  readonly signal?: AbortSignal;
  readonly onNote?: (n: string) => void;
}

/**
 * A binary classifier optimizing f1 or balanced accuracy: the decision threshold, chosen on the
 * final choice's out-of-fold predictions (or one more CV of its members), with a note saying what
 * it changed. Null for other tasks and metrics, or when no cut beats 0.5.
 */
export async function tuneThreshold(a: TuneThresholdArgs): Promise<ThresholdSummary | null> {
  const { study, metric, members, planner } = a;
  const classes = a.searched.target.classes;
  if (!classes || !wantsThreshold(metric, classes.length)) return null;
  if (a.featureSearch?.improved) {
    a.onNote?.("decision threshold not tuned: the model uses the feature search's columns, whose out-of-fold predictions were not kept; it predicts the more probable class");
    return null;
  }
  if (!a.oof && planner) {
    // One more CV of the members (in parallel) must leave the refit its time within the budget.
    const trials = members.map((m) => study.trial(m.trial)!);
    const cvMs = Math.max(...trials.map((t) => (typeof t.userAttrs.durationMs === 'number' ? t.userAttrs.durationMs : 0)));
    if (Date.now() + 1.5 * cvMs > planner.end - planner.marginMs - planner.membersRefitMs(trials)) {
      a.onNote?.('decision threshold not tuned: no time left in the budget for a cross-validation of the final pipelines; it predicts the more probable class');
      return null;
    }
  }
  const oof = a.oof ?? (await membersOof(study, a.searched, members, a.executor, a.signal));
  if (!oof) {
    if (!a.signal?.aborted) a.onNote?.('decision threshold not tuned: the out-of-fold predictions of the final pipelines did not finish; it predicts the more probable class');
    return null;
  }
  const t = chooseThreshold(oof, metric, classes[1]!);
  a.onNote?.(
    t
      ? `decision threshold: predict '${t.positiveClass}' from probability ${t.threshold} on (out-of-fold ${metric.name} ${t.score.toFixed(4)} vs ${t.scoreAtHalf.toFixed(4)} at 0.5, on ${t.source})`
      : `decision threshold: 0.5 kept (no cut scores better out of fold on ${oof.source})`,
  );
  return t;
}
