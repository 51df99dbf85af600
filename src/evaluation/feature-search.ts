/**
 * Wrapper feature search: greedy forward or backward selection over *source* columns, each
 * candidate set scored by cross-validating the whole pipeline (preprocessing, its own `select`
 * step if any, model) on the given folds. Seeded (candidate order and model seeds) and bounded by
 * a deadline; it is meant to run on the winning pipeline with the budget a search has left, and
 * its result should be kept only when `improved` is true.
 *
 * It lives in evaluation/ (not beside the pipeline's own `select` step) because every candidate
 * set is scored by evaluation's {@link crossValidate}, and pipeline/ stays below evaluation.
 */
import type { Dataset } from '../data/types.js';
import type { ModelLookup, PipelineConfig } from '../pipeline/index.js';
import { AutomlError, show } from '../util/errors.js';
import { createRng, deriveSeed } from '../util/rng.js';
import { crossValidate, type Fold } from './cross-validate.js';
import type { Metric } from './metrics.js';

/** Inputs of {@link greedyFeatureSearch}. */
export interface GreedySearchOptions {
  readonly dataset: Dataset;
  /** The pipeline to tune (usually the search's best configuration). */
  readonly config: PipelineConfig;
  /** Cross-validation folds as dataset row indices (the rows searched are the folds' rows). */
  readonly folds: readonly Fold[];
  readonly metric: Metric;
  readonly lookupModel: ModelLookup;
  readonly seed: number;
  /** `forward` (default) grows from no column; `backward` shrinks from all of them. */
  readonly direction?: 'forward' | 'backward';
  /** Wall-clock time (ms since the epoch) after which no new fit starts. */
  readonly deadline?: number;
  /** Stop growing (forward) at this many columns. Default: all. */
  readonly maxColumns?: number;
  /**
   * A forward step is taken when its gain over the current score exceeds this (metric units); a
   * backward step when its gain is at least this, so with the default 0 a removal that ties is
   * taken (fewer columns for the same score).
   */
  readonly tolerance?: number;
  /**
   * A forward step must also beat the current score by this many standard errors of the per-fold
   * score differences (paired by fold). Default 1: without it, greedy search keeps adding noise
   * columns whose gains are fold-to-fold luck (measured on diabetes + 100 noise columns: 23 noise
   * columns chosen with 0, 6 with 1, and a better test score; bench/selection/RESULTS.md). 0 turns
   * the check off.
   */
  readonly seFactor?: number;
  /** Classification: every fit weights its training rows by class (`balanced`), as the search's did. */
  readonly classWeight?: 'balanced';
  readonly signal?: AbortSignal;
  /** Called after every accepted step. */
  readonly onStep?: (step: GreedyStep) => void;
}

/** One accepted step of the search. */
export interface GreedyStep {
  readonly action: 'add' | 'remove';
  readonly column: string;
  /** Mean CV score after the step. */
  readonly score: number;
  readonly columns: readonly string[];
}

/** Outcome of {@link greedyFeatureSearch}. */
export interface GreedySearchResult {
  /** The chosen source columns, in dataset order. */
  readonly columns: string[];
  /** Mean CV score with those columns. */
  readonly score: number;
  /** Mean CV score of the pipeline on every column (the baseline to beat). */
  readonly baselineScore: number;
  /** True when `score` beats `baselineScore` (in the metric's direction). */
  readonly improved: boolean;
  /** Pipeline fits performed, baseline included. */
  readonly fits: number;
  readonly steps: readonly GreedyStep[];
  readonly stoppedBy: 'converged' | 'deadline' | 'max_columns' | 'exhausted';
}

class OutOfTime extends Error {}

/**
 * Greedy wrapper selection of source columns with cross-validation.
 * @throws AutomlError E_CONFIG for no folds or an unknown direction; any pipeline error
 * (E_PARAM, E_MODEL, ...) of the configuration itself; E_ABORTED when `signal` aborts.
 */
export async function greedyFeatureSearch(opts: GreedySearchOptions): Promise<GreedySearchResult> {
  const { dataset, config, folds, metric, lookupModel, seed } = opts;
  const direction = opts.direction ?? 'forward';
  if (direction !== 'forward' && direction !== 'backward') {
    throw new AutomlError('E_CONFIG', `greedyFeatureSearch: direction is ${show(direction)}; expected "forward" or "backward"`, { param: 'direction', value: direction });
  }
  if (folds.length === 0) throw new AutomlError('E_CONFIG', 'greedyFeatureSearch: no folds given; pass at least one train/test split', { param: 'folds' });
  const sign = metric.direction === 'maximize' ? 1 : -1;
  const tolerance = opts.tolerance ?? 0;
  const seFactor = opts.seFactor ?? 1;
  const all = dataset.features.map((f) => f.name);
  const maxColumns = Math.min(all.length, opts.maxColumns ?? all.length);
  let fits = 0;

  const evaluate = async (columns: readonly string[], force = false): Promise<Float64Array> => {
    // No new fit starts past the deadline. An abort wins over it: crossValidate then throws
    // E_ABORTED before its next fold.
    const outOfTime = (): boolean => !force && !opts.signal?.aborted && opts.deadline !== undefined && Date.now() >= opts.deadline;
    if (outOfTime()) throw new OutOfTime();
    const cv = await crossValidate(config, datasetWithColumns(dataset, columns), folds, metric, {
      seed,
      lookupModel,
      ...(opts.signal ? { signal: opts.signal } : {}),
      ...(opts.classWeight ? { classWeight: opts.classWeight } : {}),
      onFold: () => {
        fits++;
        return outOfTime();
      },
    });
    if (cv.stopped) throw new OutOfTime();
    return Float64Array.from(cv.scores);
  };

  // The baseline always runs, even past the deadline: without it nothing can be compared.
  const baselineFolds = await evaluate(all, true);
  const baselineScore = meanOf(baselineFolds);
  const rng = createRng(deriveSeed(seed, 'greedy', direction));
  let current: string[] = direction === 'forward' ? [] : [...all];
  // With no column yet (forward) there is no score: the first step is always taken.
  let currentFolds = direction === 'forward' ? null : baselineFolds;
  let currentScore = direction === 'forward' ? NaN : baselineScore;
  const steps: GreedyStep[] = [];
  let stoppedBy: GreedySearchResult['stoppedBy'] = 'converged';
  try {
    for (;;) {
      if (direction === 'forward' && current.length >= maxColumns) {
        stoppedBy = current.length >= all.length ? 'exhausted' : 'max_columns';
        break;
      }
      if (direction === 'backward' && current.length <= 1) {
        stoppedBy = 'exhausted';
        break;
      }
      const candidates = rng.shuffle(direction === 'forward' ? all.filter((c) => !current.includes(c)) : [...current]);
      let best: { column: string; score: number; folds: Float64Array } | null = null;
      let outOfTime = false;
      for (const column of candidates) {
        const next = direction === 'forward' ? [...current, column] : current.filter((c) => c !== column);
        let folds: Float64Array;
        try {
          folds = await evaluate(next);
        } catch (e) {
          if (!(e instanceof OutOfTime)) throw e;
          outOfTime = true;
          break;
        }
        const score = meanOf(folds);
        if (best === null || sign * (score - best.score) > 0) best = { column, score, folds };
      }
      // A step found before time ran out is still a measured improvement, so it is taken.
      const gain = best === null ? -Infinity : sign * (best.score - currentScore);
      const accept =
        best !== null &&
        (current.length === 0 || (direction === 'forward' ? gain > tolerance + seFactor * pairedSe(best.folds, currentFolds!) : gain >= tolerance));
      if (accept && best) {
        current = direction === 'forward' ? [...current, best.column] : current.filter((c) => c !== best.column);
        currentScore = best.score;
        currentFolds = best.folds;
        const step: GreedyStep = { action: direction === 'forward' ? 'add' : 'remove', column: best.column, score: best.score, columns: inOrder(all, current) };
        steps.push(step);
        opts.onStep?.(step);
      }
      if (outOfTime) {
        stoppedBy = 'deadline';
        break;
      }
      if (!accept) break;
    }
  } catch (e) {
    if (!(e instanceof OutOfTime)) throw e;
    stoppedBy = 'deadline';
  }
  if (current.length === 0) {
    // Out of time before the first forward step: fall back to the baseline.
    return { columns: [...all], score: baselineScore, baselineScore, improved: false, fits, steps, stoppedBy };
  }
  return {
    columns: inOrder(all, current),
    score: currentScore,
    baselineScore,
    improved: sign * (currentScore - baselineScore) > 0,
    fits,
    steps,
    stoppedBy,
  };
}

function meanOf(v: Float64Array): number {
  let s = 0;
  for (const x of v) s += x;
  return s / v.length;
}

/** Standard error of the mean of a - b over folds (0 with one fold). */
function pairedSe(a: Float64Array, b: Float64Array): number {
  const k = a.length;
  if (k < 2) return 0;
  let m = 0;
  for (let i = 0; i < k; i++) m += a[i]! - b[i]!;
  m /= k;
  let ss = 0;
  for (let i = 0; i < k; i++) ss += (a[i]! - b[i]! - m) ** 2;
  return Math.sqrt(ss / (k - 1) / k);
}

function inOrder(all: readonly string[], chosen: readonly string[]): string[] {
  const set = new Set(chosen);
  return all.filter((c) => set.has(c));
}

/**
 * The dataset restricted to some feature columns, in dataset order (no copy of the column
 * arrays). Refit the final pipeline on this after a successful wrapper search, so the model file
 * needs only those columns.
 */
export function datasetWithColumns(dataset: Dataset, columns: readonly string[]): Dataset {
  const set = new Set(columns);
  const keep = dataset.features.map((f, j) => (set.has(f.name) ? j : -1)).filter((j) => j >= 0);
  return { ...dataset, features: keep.map((j) => dataset.features[j]!), columns: keep.map((j) => dataset.columns[j]!) };
}
