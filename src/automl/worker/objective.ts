/**
 * The tabular objective run in each worker thread: cross-validated training of one pipeline
 * configuration. The dataset and the folds arrive once per thread (SharedArrayBuffers in the
 * pool's workerData); a trial only carries its configuration. The CV loop itself is
 * evaluation's `crossValidate`; this file only adapts the trial's context to it.
 */
import { pluginSpecifier } from './plugin-refs.js';
import type { Dataset } from '../../data/types.js';
import type { ModelSpec } from '../../models/estimator.js';
import { getModel, registerModel, hasModel } from '../../models/registry.js';
import { crossValidate, type Fold } from '../../evaluation/cross-validate.js';
import { getMetric } from '../../evaluation/metrics.js';
import type { PipelineConfig } from '../../pipeline/index.js';
import { TrialPruned, type ObjectiveContext } from '../../protocol/messages.js';
import { getWorkerData } from '../../worker/shared.js';
import { AutomlError } from '../../util/errors.js';
import { FOLD_SCORES_ATTR, KEPT_COLUMNS_ATTR, OOF_ARTIFACT, type ModelPluginRef, type TabularWorkerData } from './data.js';
import { kFold, stratifiedKFold } from '../../evaluation/splitters.js';
import { deriveSeed } from '../../util/rng.js';

const loadedPlugins = new Set<string>();

/**
 * Imports users' model modules and registers their specs (once per thread). Only files are
 * imported: a `data:`, `http:`, `node:` or any other non-file specifier is refused (E_MODEL)
 * before `import()`, whoever handed it over.
 */
export async function loadModelPlugins(plugins: readonly ModelPluginRef[]): Promise<void> {
  for (const p of plugins) {
    const key = `${p.module}#${p.exportName ?? 'default'}`;
    if (loadedPlugins.has(key)) continue;
    const specifier = pluginSpecifier(p.module);
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

/**
 * The trial objective proper: cross-validates one configuration on the worker's dataset and folds
 * (or on a split of the trial's own, see {@link trialFolds}), records each fold's score (and the
 * columns each fold's pipeline kept) on the trial, reports it so a pruner can stop the trial, and
 * returns the mean. A non-finite fold score fails the trial.
 */
export async function crossValidateTrial(config: PipelineConfig, ctx: ObjectiveContext, data: TabularWorkerData): Promise<number> {
  await loadModelPlugins(data.plugins);
  const metric = getMetric(data.metric);
  const scores: number[] = [];
  const kept: string[][] = [];
  const selects = config.select !== undefined && (config.select as { type?: string }).type !== 'none';
  // The final re-check asks for a split of its own even when the study keeps one fixed split.
  const freshSplit = (ctx.data as { freshSplit?: unknown } | undefined)?.freshSplit === true;
  const folds = data.reshuffle || freshSplit ? trialFolds(data.dataset, data.folds.length, ctx.seed) : data.folds;
  const cv = await crossValidate(config, data.dataset, folds, metric, {
    seed: ctx.seed,
    lookupModel: getModel,
    signal: ctx.signal,
    ...(data.classWeight ? { classWeight: data.classWeight } : {}),
    // Out-of-fold predictions, row i = searched row i, when the study builds an ensemble.
    // (or when the task asks for them: the threshold of a pipeline the ensemble step never saw).
    keepOof: (data.oof === true || (ctx.data as { oof?: unknown } | undefined)?.oof === true) && ctx.setArtifact !== undefined,
    onFold: (k, score, pipeline) => {
      if (!Number.isFinite(score)) throw new AutomlError('E_MODEL', `fold ${k + 1}: the ${metric.name} score is ${score}`);
      scores.push(score);
      ctx.setUserAttr(FOLD_SCORES_ATTR, scores);
      if (selects) {
        kept.push(pipeline.keptColumns);
        ctx.setUserAttr(KEPT_COLUMNS_ATTR, kept);
      }
      return ctx.report(k, score);
    },
  });
  if (cv.stopped) throw new TrialPruned(`pruned after fold ${cv.scores.length}`);
  if (cv.oof) ctx.setArtifact!(OOF_ARTIFACT, cv.oof);
  return cv.mean;
}

/**
 * A trial's own CV split (stratified for classification), a pure function of its seed, so a
 * retry or a re-run of the trial sees the same split. Nagler et al., "Reshuffling resampling splits
 * can improve generalization of hyperparameter optimization" (NeurIPS 2024), show why: with one
 * fixed split, many trials end up selecting for that split's noise.
 */
export function trialFolds(dataset: Dataset, k: number, seed: number): Fold[] {
  const s = deriveSeed(seed, 'trial-folds');
  return dataset.target.task === 'classification' ? stratifiedKFold(dataset.target.values, k, s) : kFold(dataset.nRows, k, s);
}

/** The worker-thread objective (`dist/automl/worker/objective.js`, default export). */
export default async function tabularObjective(config: unknown, ctx: ObjectiveContext): Promise<number> {
  const data = getWorkerData<TabularWorkerData>() ?? (ctx.data as TabularWorkerData | undefined);
  if (!data || data.kind !== 'automl.tabular') throw new AutomlError('E_INTERNAL', 'tabular objective: no dataset was given to this worker');
  return crossValidateTrial(config as PipelineConfig, ctx, data);
}
