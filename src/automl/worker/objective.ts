/**
 * The tabular objective run in each worker thread: cross-validated training of one pipeline
 * configuration. The dataset and the folds arrive once per thread (SharedArrayBuffers in the
 * pool's workerData); a trial only carries its configuration.
 */
import { pathToFileURL } from 'node:url';
import { isAbsolute } from 'node:path';
import type { Dataset, FeatureTable } from '../../data/types.js';
import type { Matrix, ModelSpec } from '../../models/estimator.js';
import { argmaxRows } from '../../models/common.js';
import { getModel, registerModel, hasModel } from '../../models/registry.js';
import { getMetric, type Metric } from '../../evaluation/metrics.js';
import { Pipeline, type PipelineConfig } from '../../pipeline/index.js';
import { TrialPruned, type ObjectiveContext } from '../../protocol/messages.js';
import { getWorkerData } from '../../worker/shared.js';
import { AutomlError } from '../../util/errors.js';
import { FOLD_SCORES_ATTR, KEPT_COLUMNS_ATTR, OOF_ARTIFACT, type ModelPluginRef, type TabularWorkerData } from './data.js';
import { kFold, stratifiedKFold } from '../../evaluation/splitters.js';
import { deriveSeed } from '../../util/rng.js';

const loadedPlugins = new Set<string>();

/** Imports users' model modules and registers their specs (once per thread). */
export async function loadModelPlugins(plugins: readonly ModelPluginRef[]): Promise<void> {
  for (const p of plugins) {
    const key = `${p.module}#${p.exportName ?? 'default'}`;
    if (loadedPlugins.has(key)) continue;
    const specifier = isAbsolute(p.module) ? pathToFileURL(p.module).href : p.module;
    let ns: Record<string, unknown>;
    try {
      ns = (await import(specifier)) as Record<string, unknown>;
    } catch (e) {
      throw new AutomlError('E_MODEL', `cannot import model module ${p.module}: ${(e as Error).message}`, { file: p.module });
    }
    const spec = ns[p.exportName ?? 'default'] as ModelSpec | undefined;
    if (!spec || typeof spec.create !== 'function' || typeof spec.name !== 'string') {
      throw new AutomlError('E_MODEL', `${p.module}: export '${p.exportName ?? 'default'}' is not a ModelSpec (an object with name, tasks, create and load)`, { file: p.module });
    }
    if (!hasModel(spec.name)) registerModel(spec);
    loadedPlugins.add(key);
  }
}

/** Scores a fitted pipeline on some rows of the dataset with a metric. */
export function scoreRows(pipeline: Pipeline, dataset: Dataset, rows: Int32Array, metric: Metric): number {
  const yTrue = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) yTrue[i] = dataset.target.values[rows[i]!]!;
  return scoreTable(pipeline, dataset, rows, yTrue, dataset.target.classes?.length ?? 0, metric);
}

/** Scores a fitted pipeline on `rows` of any feature table (all rows when omitted) against `yTrue`. */
export function scoreTable(pipeline: Pipeline, table: FeatureTable, rows: Int32Array | undefined, yTrue: Float64Array, nClasses: number, metric: Metric): number {
  let proba: Matrix | undefined;
  let pred: Float64Array;
  if (metric.needsProba) {
    proba = pipeline.predictProba(table, rows);
    pred = argmaxRows(proba);
  } else {
    pred = pipeline.predict(table, rows);
  }
  return metric.score(yTrue, pred, proba, nClasses);
}


/**
 * Cross-validates one configuration: fits the pipeline on each fold's training rows, scores the
 * held-out rows, reports each fold's score (so a pruner can stop the trial), returns the mean.
 */
export async function crossValidate(config: PipelineConfig, ctx: ObjectiveContext, data: TabularWorkerData): Promise<number> {
  await loadModelPlugins(data.plugins);
  const metric = getMetric(data.metric);
  const scores: number[] = [];
  const kept: string[][] = [];
  const selects = config.select !== undefined && (config.select as { type?: string }).type !== 'none';
  const nClasses = data.dataset.target.classes?.length ?? 0;
  const width = nClasses > 0 ? nClasses : 1;
  // Out-of-fold predictions, row i = searched row i, when the study builds an ensemble.
  const oof = data.oof && ctx.setArtifact ? new Float64Array(data.dataset.nRows * width) : null;
  // The final re-check asks for a split of its own even when the study keeps one fixed split.
  const freshSplit = (ctx.data as { freshSplit?: unknown } | undefined)?.freshSplit === true;
  const folds = data.reshuffle || freshSplit ? trialFolds(data.dataset, data.folds.length, ctx.seed) : data.folds;
  for (let k = 0; k < folds.length; k++) {
    const fold = folds[k]!;
    const pipeline = new Pipeline(getModel);
    await pipeline.fit(data.dataset, fold.train, config, { seed: (ctx.seed + k * 7919) >>> 0, signal: ctx.signal });
    const score = oof ? scoreFoldKeepingPredictions(pipeline, data.dataset, fold.test, metric, oof, width) : scoreRows(pipeline, data.dataset, fold.test, metric);
    if (!Number.isFinite(score)) throw new AutomlError('E_MODEL', `fold ${k + 1}: the ${metric.name} score is ${score}`);
    scores.push(score);
    ctx.setUserAttr(FOLD_SCORES_ATTR, scores);
    if (selects) {
      kept.push(pipeline.keptColumns);
      ctx.setUserAttr(KEPT_COLUMNS_ATTR, kept);
    }
    const prune = await ctx.report(k, score);
    if (prune && k < folds.length - 1) throw new TrialPruned(`pruned after fold ${k + 1}`);
  }
  if (oof) ctx.setArtifact!(OOF_ARTIFACT, oof);
  return scores.reduce((a, b) => a + b, 0) / scores.length;
}

/**
 * A trial's own CV split (stratified for classification), a pure function of its seed, so a
 * retry or a re-run of the trial sees the same split. Nagler et al., "Reshuffling resampling splits
 * can improve generalization of hyperparameter optimization" (NeurIPS 2024), show why: with one
 * fixed split, many trials end up selecting for that split's noise.
 */
export function trialFolds(dataset: Dataset, k: number, seed: number): { train: Int32Array; test: Int32Array }[] {
  const s = deriveSeed(seed, 'trial-folds');
  return dataset.target.task === 'classification' ? stratifiedKFold(dataset.target.values, k, s) : kFold(dataset.nRows, k, s);
}

/**
 * Scores one fold and writes its predictions into the out-of-fold array. Classification predicts
 * probabilities once and takes the label as their argmax, so a fold costs one prediction pass.
 */
function scoreFoldKeepingPredictions(pipeline: Pipeline, dataset: Dataset, rows: Int32Array, metric: Metric, oof: Float64Array, width: number): number {
  const yTrue = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) yTrue[i] = dataset.target.values[rows[i]!]!;
  if (dataset.target.task === 'regression') {
    const pred = pipeline.predict(dataset, rows);
    for (let i = 0; i < rows.length; i++) oof[rows[i]!] = pred[i]!;
    return metric.score(yTrue, pred);
  }
  const proba = pipeline.predictProba(dataset, rows);
  for (let i = 0; i < rows.length; i++) oof.set(proba.data.subarray(i * width, (i + 1) * width), rows[i]! * width);
  return metric.score(yTrue, argmaxRows(proba), proba, width);
}

/** The worker-thread objective (`dist/automl/worker/objective.js`, default export). */
export default async function tabularObjective(config: unknown, ctx: ObjectiveContext): Promise<number> {
  const data = getWorkerData<TabularWorkerData>() ?? (ctx.data as TabularWorkerData | undefined);
  if (!data || data.kind !== 'automl.tabular') throw new AutomlError('E_INTERNAL', 'tabular objective: no dataset was given to this worker');
  return crossValidate(config as PipelineConfig, ctx, data);
}
