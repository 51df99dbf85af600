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
import { FOLD_SCORES_ATTR, KEPT_COLUMNS_ATTR, OOF_ARTIFACT, RUNG_COST_SAFETY, RUNG_MS_ATTR, RUNG_SCORES_ATTR, STOPPED_FOR_TIME_ATTR, TRAIN_ROWS_ATTR, sharedDeadline, type ModelPluginRef, type TabularWorkerData } from './data.js';
import { validationFolds, type ValidationSpec } from '../../evaluation/validation-plan.js';
import { rungOrder, rungRows } from '../../evaluation/row-fidelity.js';
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
  const spec = data.validation ?? { folds: data.folds.length, holdout: 0.2 };
  const folds = data.reshuffle || freshSplit ? trialFolds(data.dataset, spec, ctx.seed) : data.folds;
  // Row rungs: the search's trials on a one-split plan; a re-check always trains on every row.
  if (!freshSplit && data.rungs && data.rungs.length > 1 && folds.length === 1) return climbRungs(config, ctx, data, folds[0]!, data.rungs, spec);
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
 * One trial on the row rungs (see evaluation/row-fidelity.ts): fits on the rung's subsample of the
 * split's training rows, scores on all its validation rows, reports the score as step r so the
 * study's rung pruner can stop it; the last rung trains on every training row and its score is
 * the trial's value. The attributes say how many rows each rung used, so a resumed study shows
 * the same schedule. With a search deadline, a rung is not started when its predicted time (the
 * last rung's time per row x its rows x {@link RUNG_COST_SAFETY}), plus half that again for a
 * refit on half its rows, would run past it: the trial ends as pruned at the rung it reached
 * (attribute {@link STOPPED_FOR_TIME_ATTR}), its scores kept for the final choice, instead of being
 * cut mid-fit with nothing to show (on 1M rows one full-rows logistic fit took 40 s of a 60 s
 * search). That choice depends on the machine's speed.
 */
async function climbRungs(config: PipelineConfig, ctx: ObjectiveContext, data: TabularWorkerData, fold: Fold, rungs: readonly number[], spec: ValidationSpec): Promise<number> {
  const metric = getMetric(data.metric);
  const order = rungOrder(fold.train, data.dataset.target, ctx.seed, spec.timeOrdered === true);
  const scores: number[] = [];
  const ms: number[] = [];
  for (let r = 0; r < rungs.length; r++) {
    const last = r === rungs.length - 1;
    const deadline = sharedDeadline(data);
    if (r > 0 && deadline !== null) {
      const predicted = ms[r - 1]! * (rungs[r]! / rungs[r - 1]!) * RUNG_COST_SAFETY;
      // The rung must also leave room for the final refit on half its rows should this trial win
      // there (see leastRefitRows): a rung that only just ends in time could not be refit.
      if (Date.now() + 1.5 * predicted > deadline) {
        ctx.setUserAttr(STOPPED_FOR_TIME_ATTR, r + 1);
        throw new TrialPruned(`stopped before rung ${r + 1} of ${rungs.length}: training on ${rungs[r]} rows would take ~${(predicted / 1000).toFixed(1)} s, past the search's deadline`);
      }
    }
    const began = performance.now();
    const train = last ? fold.train : rungRows(order, rungs[r]!);
    ctx.setUserAttr(TRAIN_ROWS_ATTR, train.length);
    const cv = await crossValidate(config, data.dataset, [{ train, test: fold.test }], metric, {
      seed: ctx.seed,
      lookupModel: getModel,
      signal: ctx.signal,
      keepOof: last && data.oof === true && ctx.setArtifact !== undefined,
    });
    const score = cv.scores[0]!;
    if (!Number.isFinite(score)) throw new AutomlError('E_MODEL', `rung ${r + 1} (${train.length} training rows): the ${metric.name} score is ${score}`);
    scores.push(score);
    ms.push(performance.now() - began);
    ctx.setUserAttr(RUNG_SCORES_ATTR, scores);
    ctx.setUserAttr(RUNG_MS_ATTR, ms);
    if (last) {
      ctx.setUserAttr(FOLD_SCORES_ATTR, [score]);
      if (cv.oof) ctx.setArtifact!(OOF_ARTIFACT, cv.oof);
      return score;
    }
    if (await ctx.report(r, score)) throw new TrialPruned(`pruned at rung ${r + 1} of ${rungs.length} (${train.length} of ${fold.train.length} training rows)`);
  }
  throw new AutomlError('E_INTERNAL', 'row rungs: no rung ran');
}

/**
 * A trial's own validation split under the study's plan (stratified k-fold by default), a pure
 * function of its seed, so a retry or a re-run of the trial sees the same split. Nagler et al.,
 * "Reshuffling resampling splits can improve generalization of hyperparameter optimization"
 * (NeurIPS 2024), show why: with one fixed split, many trials end up selecting for that split's noise.
 */
export function trialFolds(dataset: Dataset, spec: ValidationSpec | number, seed: number): Fold[] {
  const plan = typeof spec === 'number' ? { folds: spec, holdout: 0.2 } : spec;
  return validationFolds(plan, dataset.target, deriveSeed(seed, 'trial-folds'));
}

/** The worker-thread objective (`dist/automl/worker/objective.js`, default export). */
export default async function tabularObjective(config: unknown, ctx: ObjectiveContext): Promise<number> {
  const data = getWorkerData<TabularWorkerData>() ?? (ctx.data as TabularWorkerData | undefined);
  if (!data || data.kind !== 'automl.tabular') throw new AutomlError('E_INTERNAL', 'tabular objective: no dataset was given to this worker');
  return crossValidateTrial(config as PipelineConfig, ctx, data);
}
