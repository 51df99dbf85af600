import { loadPipeline } from '../pipeline/index.js';
import { getModel } from '../models/registry.js';
import type { Metric } from '../evaluation/metrics.js';
import type { Executor } from '../coordinator/executor.js';
import { AutomlError } from '../util/errors.js';
import { compiledModule } from '../util/package-paths.js';
import { PIPELINE_ATTR } from './worker/refit-objective.js';
import type { Study } from '../study/index.js';
import type { TrialRecord } from '../trial/trial.js';
import { trialRng } from '../util/rng.js';
import { mapLimit } from '../util/map-limit.js';
import { scoreRows, scoreTable } from '../evaluation/score.js';
import { FittedModel, type DecisionThreshold } from '../serving/model-file.js';
import { scoreAverage } from './ensemble.js';
import type { Pipeline } from '../pipeline/index.js';
import type { ColumnSchema, FeatureTable } from '../data/types.js';
import { subsetRows } from '../data/index.js';
import type { PreparedData } from './types.js';
import { asFloat64 } from '../models/estimator.js';

export { FittedModel };

/**
 * Refits each member's pipeline on every searched row (in parallel on `executor`'s threads),
 * builds the model (a single pipeline, or the weighted ensemble) and scores it on the held-out
 * rows or the test set. Members come heaviest first; the first one's trial names the model.
 * Returns null when `signal` stopped it.
 */
export async function refitMembers(args: {
  study: Study;
  members: readonly { readonly trial: TrialRecord; readonly weight: number }[];
  prep: PreparedData;
  metric: Metric;
  executor: Executor;
  signal?: AbortSignal;
  columns?: readonly string[];
  /** Refit on this many of the searched rows (a stratified sample) instead of all of them. */
  rows?: number;
  cvScore: number | null;
  /** Called before the refit model is scored on the test set or the held-out rows. */
  onScoring?: () => void;
  /** A binary classifier's decision threshold, chosen out of fold: the model predicts (and is scored) with it. */
  threshold?: DecisionThreshold | null;
}): Promise<{ model: FittedModel; testScore: number | null } | null> {
  const { study, prep, metric } = args;
  const fitted = await mapLimit(args.members, args.executor.concurrency, (m) => refitOne(study, m.trial, args.executor, args.signal, args.columns, args.rows));
  if (fitted.some((p) => p === null)) return null;
  const pipelines = fitted as NonNullable<(typeof fitted)[number]>[];
  const first = pipelines[0]!;
  const members = args.members.map((m, i) => ({ trial: m.trial.number, weight: m.weight, pipeline: pipelines[i]! }));
  // Only the columns the fitted pipelines need: predict asks for nothing more.
  const features: ColumnSchema[] = [];
  // The dataset's schema, not the pipeline's copy: a pipeline read back from a worker keeps only
  // name, type and categories, and predict needs how a date feature is derived or an "other" level.
  const datasetSchema = new Map(prep.dataset.features.map((f) => [f.name, f]));
  for (const p of pipelines) for (const c of p.requiredSchema) if (!features.some((f) => f.name === c.name)) features.push(datasetSchema.get(c.name) ?? c);
  const sourceOrder = prep.dataset.features.map((f) => f.name);
  features.sort((a, b) => sourceOrder.indexOf(a.name) - sourceOrder.indexOf(b.name));
  const info = {
    study: study.name,
    trial: args.members[0]!.trial.number,
    task: prep.dataset.target.task,
    target: prep.dataset.target.name,
    classes: prep.dataset.target.classes ? [...prep.dataset.target.classes] : null,
    metric: metric.name,
    cvScore: args.cvScore,
    testScore: null as number | null,
    features,
    ...(args.threshold ? { threshold: args.threshold } : {}),
  };
  let model = new FittedModel(first, info, members);
  // Scored through the model (ensemble average, threshold) unless it is one plain pipeline.
  const throughModel = model.isEnsemble || model.threshold !== null;
  const nClasses = prep.dataset.target.classes?.length ?? 0;
  let testScore: number | null = null;
  if (prep.testSet || (prep.holdoutRows && prep.holdoutRows.length > 0)) args.onScoring?.();
  if (prep.testSet) {
    const { table, y } = prep.testSet;
    testScore = throughModel ? scoreModel(model, table, y, nClasses, metric) : scoreTable(first, table, undefined, y, nClasses, metric);
  } else if (prep.holdoutRows && prep.holdoutRows.length > 0) {
    const rows = prep.holdoutRows;
    if (!throughModel) testScore = scoreRows(first, prep.dataset, rows, metric);
    else {
      const y = new Float64Array(rows.length);
      for (let i = 0; i < y.length; i++) y[i] = prep.dataset.target.values[rows[i]!]!;
      testScore = scoreModel(model, subsetRows(prep.dataset, rows), y, nClasses, metric);
    }
  }
  model = new FittedModel(first, { ...info, testScore }, members);
  return { model, testScore };
}

async function refitOne(study: Study, trial: TrialRecord, executor: Executor, signal: AbortSignal | undefined, columns: readonly string[] | undefined, rows?: number): Promise<Pipeline | null> {
  const outcome = await executor.run(
    {
      objective: { module: compiledModule('automl/worker/refit-objective.js') },
      trialNumber: trial.number,
      seed: trialRng(study.seed, trial.number, 'refit').uint32(),
      config: study.configOf(trial),
      params: trial.params,
      data: { ...(columns ? { columns: [...columns] } : {}), ...(rows !== undefined ? { rows } : {}) },
    },
    { report: async () => false },
    signal ? { signal } : {},
  );
  if (outcome.status === 'fail') {
    if (outcome.failKind === 'interrupted') return null;
    throw new AutomlError('E_MODEL', `refitting the pipeline of trial ${trial.number} failed: ${outcome.failKind}: ${outcome.message}`);
  }
  return loadPipeline(outcome.userAttrs?.[PIPELINE_ATTR], getModel, 'refit');
}

/** Scores a model (single or ensemble) on every row of a table. */
function scoreModel(model: FittedModel, table: FeatureTable, y: Float64Array, nClasses: number, metric: Metric): number {
  if (nClasses === 0) return metric.score(y, Float64Array.from(model.predict(table) as number[]));
  // A matrix, not label-keyed rows: labels such as `__proto__` are no safe object keys.
  const proba = model.probaMatrix(table);
  if (model.threshold) return metric.score(y, model.predictIndices(table), proba, nClasses);
  return scoreAverage(asFloat64(proba.data), y, nClasses, metric);
}
