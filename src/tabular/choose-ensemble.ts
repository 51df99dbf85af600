/**
 * The end-of-search step that turns the best trials into an ensemble: gathers their out-of-fold
 * predictions (re-running the CV of trials this process did not see) and runs ensemble selection.
 */
import type { Dataset } from '../data/types.js';
import type { Metric } from '../evaluation/metrics.js';
import type { Study } from '../study/index.js';
import type { Executor } from '../coordinator/executor.js';
import { compiledModule } from '../util/package-paths.js';
import { trialRng } from '../util/rng.js';
import { mapLimit } from '../util/map-limit.js';
import { OOF_ARTIFACT, selectEnsemble, type OofPool } from './ensemble.js';
import type { EnsembleSummary } from './search.js';

/**
 * Picks the ensemble from the best complete trials' out-of-fold predictions. Trials whose
 * predictions this process did not see (an earlier run of a resumed study, another machine's
 * worker) are cross-validated again on the pool, seeded from (study seed, trial). Returns null
 * when the best single pipeline is as good out of fold, or when fewer than two candidates exist.
 */
export async function chooseEnsemble(
  study: Study,
  searched: Dataset,
  metric: Metric,
  oofPool: OofPool,
  executor: Executor,
  signal: AbortSignal | undefined,
  onNote: ((n: string) => void) | undefined,
): Promise<EnsembleSummary | null> {
  const sign = metric.direction === 'maximize' ? -1 : 1;
  const top = study.trials
    .filter((t) => t.state === 'COMPLETE' && t.value !== null && Number.isFinite(t.value))
    .sort((a, b) => sign * (a.value! - b.value!) || a.number - b.number)
    .slice(0, oofPool.capacity);
  if (top.length < 2) return null;
  const missing = top.filter((t) => !oofPool.has(t.number));
  if (missing.length > 0) {
    onNote?.(`computing the out-of-fold predictions of ${missing.length} earlier trial${missing.length === 1 ? '' : 's'} for the ensemble`);
    const width = Math.max(searched.target.classes?.length ?? 0, 1);
    await mapLimit(
      missing,
      executor.concurrency,
      async (t) => {
        const outcome = await executor.run(
          { objective: { module: compiledModule('tabular/objective.js') }, trialNumber: t.number, seed: trialRng(study.seed, t.number, 'oof').uint32(), config: study.configOf(t), params: t.params },
          { report: async () => false },
          signal ? { signal } : {},
        );
        const oof = outcome.status === 'complete' ? outcome.artifacts?.[OOF_ARTIFACT] : undefined;
        if (oof instanceof Float64Array && oof.length === searched.nRows * width) oofPool.offer({ trial: t.number, value: t.value!, data: oof });
      },
    );
    if (signal?.aborted) return null;
  }
  const byTrial = new Map(oofPool.sorted().map((c) => [c.trial, c]));
  const candidates = top.flatMap((t) => byTrial.get(t.number) ?? []);
  if (candidates.length < 2) return null;
  const y = Float64Array.from(searched.target.values);
  const choice = selectEnsemble(candidates, y, searched.target.classes?.length ?? 0, metric);
  if (choice.members.length < 2) return null;
  return { members: choice.members, cvScore: choice.score, bestSingleCvScore: choice.singleScore, candidates: candidates.length };
}
