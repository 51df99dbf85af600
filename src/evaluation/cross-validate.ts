/**
 * The one cross-validation loop: a search trial, the final re-check (both through the worker
 * objective) and the greedy feature search all score pipelines with it, so a configuration gets
 * the same fold scores whichever of them asks.
 */
import type { Dataset } from '../data/types.js';
import { getModel } from '../models/registry.js';
import { Pipeline, type ModelLookup, type PipelineConfig } from '../pipeline/index.js';
import { AutomlError } from '../util/errors.js';
import type { Metric } from './metrics.js';
import { scoreRows, scoreRowsInto } from './score.js';

/** One train/test split, as row indices into the dataset. */
export interface Fold {
  readonly train: Int32Array;
  readonly test: Int32Array;
}

/** Options of {@link crossValidate}. */
export interface CrossValidateOptions {
  /**
   * Seed of fold k's pipeline: `(seed + 7919 k) mod 2^32`, so folds differ from each other and a
   * configuration's fold k is reproducible on its own.
   */
  readonly seed: number;
  /** Model families by name. Default: the registry (`getModel`). */
  readonly lookupModel?: ModelLookup;
  /**
   * Hand back out-of-fold predictions (see {@link CrossValidation.oof}). They cost one
   * probability pass per fold for classification, whose labels are then the probabilities' argmax.
   */
  readonly keepOof?: boolean;
  /** Classification: weight each fold's training rows by class (`balanced`), in the models that can. */
  readonly classWeight?: 'balanced';
  /** Checked before every fold and passed to every fit; an abort ends the loop with `E_ABORTED`. */
  readonly signal?: AbortSignal;
  /**
   * Called after each fold with its index, score and fitted pipeline, before the next fold starts
   * (awaited when it returns a promise). Returning true stops the loop when folds remain: for
   * pruning, deadlines or anything else that ends a run early. What it throws ends the loop too.
   */
  readonly onFold?: (k: number, score: number, pipeline: Pipeline) => boolean | void | Promise<boolean | void>;
}

/** What {@link crossValidate} measured. */
export interface CrossValidation {
  /** The score of each fold that ran, in fold order. */
  readonly scores: number[];
  /** Mean of `scores` (summed in fold order). */
  readonly mean: number;
  /** True when `onFold` stopped the loop before the last fold. */
  readonly stopped: boolean;
  /**
   * With `keepOof`: each dataset row's prediction by the fold that held it out, row r at
   * `r * width` (regression: width 1, the prediction; classification: width nClasses, the class
   * probabilities). Rows no fold held out (or whose fold did not run) stay 0.
   */
  readonly oof?: Float64Array;
}

/**
 * Cross-validates one pipeline configuration: fits a new pipeline on each fold's training rows and
 * scores it on the fold's test rows with `metric`.
 * @throws AutomlError `E_CONFIG` for no folds, `E_ABORTED` when `signal` aborts before a fold;
 *   whatever the pipeline throws for the configuration itself (E_PARAM, E_MODEL, ...).
 */
export async function crossValidate(
  config: PipelineConfig,
  dataset: Dataset,
  folds: readonly Fold[],
  metric: Metric,
  options: CrossValidateOptions,
): Promise<CrossValidation> {
  if (folds.length === 0) throw new AutomlError('E_CONFIG', 'crossValidate: no folds given; pass at least one train/test split', { param: 'folds' });
  const lookupModel = options.lookupModel ?? getModel;
  const { seed, signal, onFold } = options;
  const nClasses = dataset.target.classes?.length ?? 0;
  const width = nClasses > 0 ? nClasses : 1;
  const oof = options.keepOof ? new Float64Array(dataset.nRows * width) : undefined;
  const scores: number[] = [];
  let stopped = false;
  for (let k = 0; k < folds.length; k++) {
    if (signal?.aborted) throw new AutomlError('E_ABORTED', `cross-validation aborted before fold ${k + 1} of ${folds.length}`, {});
    const fold = folds[k]!;
    const pipeline = await new Pipeline(lookupModel).fit(dataset, fold.train, config, { seed: (seed + k * 7919) >>> 0, ...(signal ? { signal } : {}), ...(options.classWeight ? { classWeight: options.classWeight } : {}) });
    const score = oof ? scoreRowsInto(pipeline, dataset, fold.test, metric, oof, width) : scoreRows(pipeline, dataset, fold.test, metric);
    scores.push(score);
    const stop = onFold ? await onFold(k, score, pipeline) : false;
    if (stop && k < folds.length - 1) {
      stopped = true;
      break;
    }
  }
  let sum = 0;
  for (const s of scores) sum += s;
  return { scores, mean: sum / scores.length, stopped, ...(oof ? { oof } : {}) };
}
