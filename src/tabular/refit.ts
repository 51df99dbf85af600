import { Pipeline, datasetWithColumns, type PipelineConfig } from '../pipeline/index.js';
import { getModel } from '../models/registry.js';
import type { Metric } from '../evaluation/metrics.js';
import { subsetRows } from '../data/index.js';
import type { Study } from '../study/index.js';
import type { TrialRecord } from '../trial/trial.js';
import { trialRng } from '../util/rng.js';
import { scoreRows, scoreTable } from './objective.js';
import { FittedModel } from './model-file.js';
import type { PreparedData } from './search.js';

export { FittedModel };

/**
 * Refits the best trial's pipeline on every searched row and scores it on the held-out rows (or
 * the separate test set). The refit is seeded from (study seed, trial number), so it is
 * reproducible.
 */
export async function refitBest(args: { study: Study; best: TrialRecord; prep: PreparedData; metric: Metric; columns?: readonly string[]; cvScore?: number }): Promise<{ model: FittedModel; testScore: number | null }> {
  const { study, best, prep, metric } = args;
  const config = study.configOf(best) as unknown as PipelineConfig;
  const pipeline = new Pipeline(getModel);
  // With a wrapper feature search's result, the pipeline only ever sees the chosen columns.
  const all = subsetRows(prep.dataset, prep.searchRows);
  const searched = args.columns ? datasetWithColumns(all, args.columns) : all;
  await pipeline.fit(searched, Int32Array.from({ length: searched.nRows }, (_, i) => i), config, { seed: trialRng(study.seed, best.number, 'refit').uint32() });
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
