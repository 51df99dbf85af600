import { loadPipeline } from '../pipeline/index.js';
import { getModel } from '../models/registry.js';
import type { Metric } from '../evaluation/metrics.js';
import type { Executor } from '../coordinator/executor.js';
import { AutomlError } from '../util/errors.js';
import { compiledModule } from '../util/package-paths.js';
import { PIPELINE_ATTR } from './refit-objective.js';
import type { Study } from '../study/index.js';
import type { TrialRecord } from '../trial/trial.js';
import { trialRng } from '../util/rng.js';
import { scoreRows, scoreTable } from './objective.js';
import { FittedModel } from './model-file.js';
import type { PreparedData } from './search.js';

export { FittedModel };

/**
 * Refits the best trial's pipeline on every searched row, in a worker thread of `executor` (whose
 * workers hold the searched rows), and scores it on the held-out rows (or the separate test set).
 * The refit is seeded from (study seed, trial number), so it is reproducible. Returns null when
 * `signal` stopped it.
 */
export async function refitBest(args: {
  study: Study;
  best: TrialRecord;
  prep: PreparedData;
  metric: Metric;
  executor: Executor;
  signal?: AbortSignal;
  columns?: readonly string[];
  cvScore?: number;
}): Promise<{ model: FittedModel; testScore: number | null } | null> {
  const { study, best, prep, metric } = args;
  const outcome = await args.executor.run(
    {
      objective: { module: compiledModule('tabular/refit-objective.js') },
      trialNumber: best.number,
      seed: trialRng(study.seed, best.number, 'refit').uint32(),
      config: study.configOf(best),
      params: best.params,
      data: args.columns ? { columns: [...args.columns] } : {},
    },
    { report: async () => false },
    args.signal ? { signal: args.signal } : {},
  );
  if (outcome.status === 'fail') {
    if (outcome.failKind === 'interrupted') return null;
    throw new AutomlError('E_MODEL', `refitting the best pipeline (trial ${best.number}) failed: ${outcome.failKind}: ${outcome.message}`);
  }
  const pipeline = loadPipeline(outcome.userAttrs?.[PIPELINE_ATTR], getModel, 'refit');
  const nClasses = prep.dataset.target.classes?.length ?? 0;
  let testScore: number | null = null;
  if (prep.testSet) testScore = scoreTable(pipeline, prep.testSet.table, undefined, prep.testSet.y, nClasses, metric);
  else if (prep.holdoutRows && prep.holdoutRows.length > 0) testScore = scoreRows(pipeline, prep.dataset, prep.holdoutRows, metric);
  const model = new FittedModel(pipeline, {
    study: study.name,
    trial: best.number,
    task: prep.dataset.target.task,
    target: prep.dataset.target.name,
    classes: prep.dataset.target.classes ? [...prep.dataset.target.classes] : null,
    metric: metric.name,
    cvScore: args.cvScore ?? best.value,
    testScore,
    // Only the columns the fitted pipeline needs: predict asks for nothing more.
    features: pipeline.requiredSchema,
  });
  return { model, testScore };
}
