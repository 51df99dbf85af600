/**
 * The decision threshold of a binary classifier, chosen out of fold. A model that averages
 * probabilities predicts the more probable class, i.e. the positive class from 0.5 on; on
 * imbalanced data, metrics that weigh the rare class (f1, balanced accuracy) often do better with a
 * lower cut. The threshold is chosen on out-of-fold predictions of the final model's members (the
 * ensemble step's, when it has them; else one cross-validation of each member), never on rows the
 * predictions were fitted on, and kept only when it beats 0.5 there.
 */
import type { Dataset } from '../data/types.js';
import type { Metric } from '../evaluation/metrics.js';
import type { Executor } from '../coordinator/executor.js';
import type { Study } from '../study/index.js';
import { matrix } from '../models/estimator.js';
import { compiledModule } from '../util/package-paths.js';
import { trialRng } from '../util/rng.js';
import { mapLimit } from '../util/map-limit.js';
import { OOF_ARTIFACT, scoreAverage } from './ensemble.js';
import type { ThresholdSummary } from './types.js';

/** Metrics whose binary score depends on where the cut between the classes lies, and which weigh the rare class. */
export const THRESHOLD_METRICS: readonly string[] = ['f1_macro', 'balanced_accuracy'];

/** Out-of-fold class probabilities (rows x 2) of the final model, the labels they predict, and where they come from. */
export interface ThresholdOof {
  readonly proba: Float64Array;
  readonly y: Float64Array;
  readonly source: string;
}

/** True when a model for this metric and class count gets a tuned threshold. */
export function wantsThreshold(metric: Metric, nClasses: number): boolean {
  return nClasses === 2 && THRESHOLD_METRICS.includes(metric.name);
}

/** Candidate cuts: 0.02 to 0.98 in steps of 0.01 (0.5 among them). */
function candidates(): number[] {
  return Array.from({ length: 97 }, (_, i) => Math.round((0.02 + i * 0.01) * 100) / 100);
}

/**
 * The cut on the positive class's probability (class index 1) that scores best on `oof`, with the
 * score of the plain most-probable-class rule for comparison. Ties go to the cut nearest 0.5.
 * Returns null when no cut beats 0.5 (the model then predicts as usual).
 */
export function chooseThreshold(oof: ThresholdOof, metric: Metric, positiveClass: string): ThresholdSummary | null {
  const { proba, y } = oof;
  const n = y.length;
  const atHalf = scoreAverage(proba, y, 2, metric);
  const better = metric.direction === 'maximize' ? 1 : -1;
  const pm = matrix(n, 2, proba);
  const pred = new Float64Array(n);
  let best = { t: 0.5, score: atHalf };
  for (const t of candidates()) {
    for (let i = 0; i < n; i++) pred[i] = proba[2 * i + 1]! >= t ? 1 : 0;
    const score = metric.score(y, pred, pm, 2);
    const gain = better * (score - best.score);
    if (gain > 1e-12 || (Math.abs(gain) <= 1e-12 && Math.abs(t - 0.5) < Math.abs(best.t - 0.5))) best = { t, score };
  }
  if (!(better * (best.score - atHalf) > 1e-12)) return null;
  return { threshold: best.t, positiveClass, scoreAtHalf: atHalf, score: best.score, source: oof.source };
}

/** The weighted average of the members' out-of-fold probabilities, or null when one is missing. */
export function averageOof(members: readonly { readonly trial: number; readonly weight: number }[], oofOf: (trial: number) => Float64Array | undefined): Float64Array | null {
  let out: Float64Array | null = null;
  for (const m of members) {
    const d = oofOf(m.trial);
    if (!d || (out && d.length !== out.length)) return null;
    out ??= new Float64Array(d.length);
    for (let i = 0; i < d.length; i++) out[i]! += m.weight * d[i]!;
  }
  return out;
}

/**
 * Cross-validates each member once more, asking for its out-of-fold predictions (seeded from the
 * study seed and the trial), and averages them: the threshold's data when the ensemble step kept
 * none. Null when a member did not finish (aborted, failed).
 */
export async function membersOof(
  study: Study,
  searched: Dataset,
  members: readonly { readonly trial: number; readonly weight: number }[],
  executor: Executor,
  signal?: AbortSignal,
): Promise<ThresholdOof | null> {
  const got = new Map<number, Float64Array>();
  await mapLimit(members, executor.concurrency, async (m) => {
    const t = study.trial(m.trial);
    if (!t || signal?.aborted) return;
    const outcome = await executor.run(
      { objective: { module: compiledModule('automl/worker/objective.js') }, trialNumber: t.number, seed: trialRng(study.seed, t.number, 'threshold').uint32(), config: study.configOf(t), params: t.params, data: { oof: true } },
      { report: async () => false },
      signal ? { signal } : {},
    );
    const oof = outcome.status === 'complete' ? outcome.artifacts?.[OOF_ARTIFACT] : undefined;
    if (oof instanceof Float64Array && oof.length === searched.nRows * 2) got.set(m.trial, oof);
  });
  const proba = averageOof(members, (t) => got.get(t));
  return proba ? { proba, y: Float64Array.from(searched.target.values), source: 'a cross-validation of the final pipeline' + (members.length > 1 ? 's' : '') } : null;
}
