/**
 * Warm start: before sampling, a new tabular study evaluates each model family once with the
 * defaults its field has settled on (the values scikit-learn and LightGBM ship), cheapest family
 * first. Mature tools do the same in their own way (FLAML starts each learner from a low-cost
 * point; auto-sklearn from a portfolio of configurations that did well elsewhere): where the
 * budget buys only a handful of trials (thousands of rows, many classes), a known good pipeline
 * per family is worth more than the random start-up trials it replaces, and on small data it is
 * one cheap trial per family among thousands.
 *
 * After the plain defaults come two with feature selection (the `fdr` filter at a false discovery
 * rate of 0.05): the task's linear family and gradient boosting. On a table with many useless
 * columns, the sampler's own selection trials are few and scattered when the budget is short;
 * these two put a selected pipeline among the first trials, and cost little (they fit few columns).
 */
import { AutomlError } from '../util/errors.js';
import type { Task } from '../models/estimator.js';
import type { Study } from '../study/index.js';

/** Families in the order they are tried: roughly cheapest fit first. */
const ORDER = ['gaussian_nb', 'logistic_regression', 'ridge', 'knn', 'extra_trees', 'random_forest', 'gradient_boosting'] as const;

/** Families that are tried again with the FDR filter, after every plain default. */
const SELECTED = ['linear', 'gradient_boosting'] as const;
/** The `select` setting of those extra defaults. */
export const WARM_SELECT = { type: 'fdr', alpha: 0.05 } as const;

/** Preprocessing suited to a family: scaled one-hot features for distance and linear models, raw ordinal codes for trees. */
const LINEAR_PREP = { imputation: 'median', missing_indicator: false, encoding: 'onehot', scaler: 'standard' } as const;
const TREE_PREP = { imputation: 'median', missing_indicator: false, encoding: 'ordinal', scaler: 'none' } as const;
const NB_PREP = { imputation: 'median', missing_indicator: false, encoding: 'onehot', scaler: 'none' } as const;

/**
 * The default configuration of each built-in family for `task`, as full pipeline configurations
 * of the default space (preprocess, select, model). `nFeatures` sets the forests' feature
 * fraction for classification (the square-root rule); regression forests try every feature.
 * The plain defaults (`select: none`) come first, then the linear family of the task (logistic
 * regression or ridge) and gradient boosting with {@link WARM_SELECT}; on a wide table (more
 * columns than half the rows, `nRows` given) the selected two come first: there the plain fits
 * are the slow ones, and a short budget may end before it reaches the selected ones (diabetes with
 * 500 noise columns finished 2 trials in 10 s).
 */
export function defaultConfigs(task: Task, nFeatures: number, nRows?: number): Record<string, unknown>[] {
  const sqrtFraction = Math.min(1, Math.max(0.1, Math.sqrt(Math.max(1, nFeatures)) / Math.max(1, nFeatures)));
  const forestFeatures = task === 'classification' ? round3(sqrtFraction) : 1;
  const models: Record<string, { prep: Record<string, unknown>; model: Record<string, unknown> }> = {
    gaussian_nb: { prep: NB_PREP, model: { var_smoothing: 1e-9 } },
    logistic_regression: { prep: LINEAR_PREP, model: { C: 1, penalty: 'l2' } },
    ridge: { prep: LINEAR_PREP, model: { alpha: 1 } },
    knn: { prep: LINEAR_PREP, model: { n_neighbors: 5, weights: 'uniform', metric: 'euclidean' } },
    extra_trees: { prep: TREE_PREP, model: { n_estimators: 100, max_features: forestFeatures, min_samples_leaf: 1, criterion: 'gini' } },
    random_forest: { prep: TREE_PREP, model: { n_estimators: 100, max_features: forestFeatures, min_samples_leaf: 1, criterion: 'gini' } },
    gradient_boosting: {
      prep: TREE_PREP,
      model: { learning_rate: 0.1, n_estimators: 100, max_leaves: 31, min_samples_leaf: 20, l2: 0.001, subsample: 1, colsample: 1 },
    },
  };
  const plain = ORDER.map((type) => ({ preprocess: { ...models[type]!.prep }, select: { type: 'none' }, model: { type, ...models[type]!.model } }));
  const selected = SELECTED.map((f) => {
    const type = f === 'linear' ? (task === 'classification' ? 'logistic_regression' : 'ridge') : f;
    return { preprocess: { ...models[type]!.prep }, select: { ...WARM_SELECT }, model: { type, ...models[type]!.model } };
  });
  return nRows !== undefined && nFeatures * 2 > nRows ? [...selected, ...plain] : [...plain, ...selected];
}

/**
 * Queues the default configuration of every family the study's space offers, before any sampled
 * trial. A configuration the space does not accept (a family it leaves out, a custom space with
 * other parameters or ranges) is skipped: the warm start never changes what the space allows. A
 * configuration that the space reduces to one already queued (a selected default in a space
 * without `select`) is skipped too.
 * Returns the queued trial numbers.
 */
export async function enqueueDefaults(study: Study, task: Task, nFeatures: number, nRows?: number): Promise<number[]> {
  const queued: number[] = [];
  const seen = new Set<string>();
  // Defaults fit the target as it is; a space that searches the transform gets that said explicitly.
  const transform = study.space.param('target_transform') ? { target_transform: 'none' } : {};
  for (const base of defaultConfigs(task, nFeatures, nRows)) {
    const config = { ...base, ...transform };
    try {
      // A space without `select` ignores the select setting, so a selected default would repeat
      // its plain twin: queue each distinct trial once.
      const flat = study.space.flatten(config as never);
      const key = JSON.stringify(Object.entries(flat).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
      if (seen.has(key)) continue;
      seen.add(key);
      queued.push(await study.enqueue(config as never));
    } catch (e) {
      if (e instanceof AutomlError && e.code === 'E_PARAM') continue;
      throw e;
    }
  }
  return queued;
}

function round3(x: number): number {
  return Math.round(x * 1000) / 1000;
}
