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
import type { ModelFamily } from '../models/descriptor.js';
import type { Task } from '../models/estimator.js';
import { declOf } from '../models/hyperparams.js';
import { builtinFamilies } from '../models/registry.js';
import { bundledPortfolio, portfolioConfigs, type Portfolio } from './portfolio.js';
import type { Study } from '../study/index.js';

/** Searched rows above which the warm start runs cheapest-first by predicted cost (below, in the families' rank order). */
export const COST_ORDER_MIN_ROWS = 3000;

/**
 * Relative cost of one 5-fold CV run of a family's default on `n` rows, `p` columns and `k` score
 * columns (classes, 1 for binary and regression), in units of one pass over the data. Rough
 * orders of growth with constants from this project's own timings (gradient boosting's 100
 * histogram rounds of k trees; a forest's 100 trees sorting sqrt(p) columns, or all p for
 * regression, the random forest about twice the extremely randomised one; k-nearest neighbours
 * comparing every test row with every training row; on spam, 3,700 rows x 57 columns, the
 * boosting default took as long as the random forest's, k-NN half the extra trees'). Only the
 * order matters, and the constants are rough (timed on a busy machine). A family not
 * listed (a user's) keeps its rank after those listed.
 */
const FAMILY_COST: Readonly<Record<string, (n: number, p: number, k: number, task: Task) => number>> = {
  gaussian_nb: (n, p, k) => n * p * k,
  ridge: (n, p) => 2 * n * p,
  logistic_regression: (n, p, k) => 20 * n * p * k,
  gradient_boosting: (n, p, k) => 300 * n * p * k,
  extra_trees: (n, p, _k, task) => 100 * n * Math.log2(Math.max(2, n)) * (task === 'classification' ? Math.sqrt(p) : p),
  random_forest: (n, p, _k, task) => 200 * n * Math.log2(Math.max(2, n)) * (task === 'classification' ? Math.sqrt(p) : p),
  knn: (n, p) => 0.05 * n * n * p,
};

/**
 * The predicted relative cost of a warm-start configuration (see {@link FAMILY_COST}), or
 * Infinity for a family without a cost; a configuration with feature selection fits fewer
 * columns and counts three quarters.
 */
export function predictedCost(config: Record<string, unknown>, task: Task, nRows: number, nFeatures: number, nClasses: number): number {
  const type = (config['model'] as { type?: unknown } | undefined)?.type;
  const f = typeof type === 'string' && Object.hasOwn(FAMILY_COST, type) ? FAMILY_COST[type]! : undefined;
  if (!f) return Infinity;
  const k = nClasses > 2 ? nClasses : 1;
  const selects = (config['select'] as { type?: unknown } | undefined)?.type !== 'none';
  return f(nRows, Math.max(1, nFeatures), k, task) * (selects ? 0.75 : 1);
}

/** The `select` setting of the extra defaults with feature selection. */
export const WARM_SELECT = { type: 'fdr', alpha: 0.05 } as const;

/** The built-in families that take part in the warm start, in the order they are tried (their `warmStart.rank`). */
function warmFamilies(): ModelFamily[] {
  return builtinFamilies.filter((f) => f.warmStart !== undefined).sort((a, b) => a.warmStart!.rank - b.warmStart!.rank);
}

/** A family's preprocessing preference as the `preprocess` group of a configuration. */
function preprocessOf(family: ModelFamily): Record<string, unknown> {
  return { imputation: 'median', missing_indicator: false, encoding: family.preprocessing.encoding, scaler: family.preprocessing.scaler };
}

/** The declared default of every parameter the family's space searches, with its warm-start overrides. */
function modelOf(family: ModelFamily, task: Task, nFeatures: number): Record<string, unknown> {
  const overrides: Record<string, unknown> = family.warmStart?.params?.(task, nFeatures) ?? {};
  const out: Record<string, unknown> = { type: family.name };
  for (const name of Object.keys(family.space.params)) {
    out[name] = Object.prototype.hasOwnProperty.call(overrides, name) ? overrides[name] : declOf(family.params, name)!.default;
  }
  return out;
}

/**
 * The default configuration of each built-in family for `task`, as full pipeline configurations
 * of the default space (preprocess, select, model), derived from the family descriptors: the
 * preprocessing each family prefers and the declared default of each searched parameter (the
 * forests' feature fraction follows the square-root rule for classification, where `nFeatures`
 * counts). Every warm-start family is listed whatever the task; the space drops the ones that
 * cannot do it. The plain defaults (`select: none`) come first, then the families marked
 * `withSelection` that can do the task (logistic regression or ridge, and gradient boosting) with
 * {@link WARM_SELECT}; on a wide table (more columns than half the rows, `nRows` given) the
 * selected ones come first: there the plain fits are the slow ones, and a short budget may end
 * before it reaches the selected ones (diabetes with 500 noise columns finished 2 trials in 10 s).
 * Above {@link COST_ORDER_MIN_ROWS} rows (`nClasses` given for classification), the list is
 * ordered by {@link predictedCost} instead: on 22,500 rows the k-nearest-neighbours and forest
 * defaults each took most of a 30 s budget, ahead of gradient boosting, which took seconds.
 */
export function defaultConfigs(task: Task, nFeatures: number, nRows?: number, nClasses = 0): Record<string, unknown>[] {
  const families = warmFamilies();
  const plain = families.map((f) => ({ preprocess: preprocessOf(f), select: { type: 'none' }, model: modelOf(f, task, nFeatures) }));
  const selected = families
    .filter((f) => f.warmStart!.withSelection && f.tasks.includes(task))
    .map((f) => ({ preprocess: preprocessOf(f), select: { ...WARM_SELECT }, model: modelOf(f, task, nFeatures) }));
  const ordered = nRows !== undefined && nFeatures * 2 > nRows ? [...selected, ...plain] : [...plain, ...selected];
  if (nRows === undefined || nRows <= COST_ORDER_MIN_ROWS) return ordered;
  // Large data: cheapest first (a stable sort keeps the order above among equals), so that a
  // short budget is not spent on one slow default before the fast ones have run.
  const cost = ordered.map((c) => predictedCost(c, task, nRows, nFeatures, nClasses));
  return ordered.map((c, i) => ({ c, i })).sort((a, b) => (cost[a.i]! < cost[b.i]! ? -1 : cost[a.i]! > cost[b.i]! ? 1 : a.i - b.i)).map((x) => x.c);
}

/**
 * The warm start's list (issue #20 portfolio hook): the bundled portfolio's configurations for the
 * task when one is shipped (see ./portfolio.ts; above {@link COST_ORDER_MIN_ROWS} rows cheapest
 * first by {@link predictedCost}), else {@link defaultConfigs}.
 */
export function warmStartConfigs(task: Task, nFeatures: number, nRows?: number, nClasses = 0, portfolio: Portfolio | null = bundledPortfolio()): Record<string, unknown>[] {
  const defaults = defaultConfigs(task, nFeatures, nRows, nClasses);
  const cost = nRows !== undefined && nRows > COST_ORDER_MIN_ROWS ? (c: Record<string, unknown>) => predictedCost(c, task, nRows, nFeatures, nClasses) : undefined;
  return portfolioConfigs(portfolio, task, defaults, cost) ?? defaults;
}

/**
 * Queues the default configuration of every family the study's space offers, before any sampled
 * trial. A configuration the space does not accept (a family it leaves out, a custom space with
 * other parameters or ranges) is skipped: the warm start never changes what the space allows. A
 * configuration that the space reduces to one already queued (a selected default in a space
 * without `select`) is skipped too.
 * At most `limit` are queued (a trial budget smaller than the list: its first configurations).
 * Returns the queued trial numbers.
 */
export async function enqueueDefaults(study: Study, task: Task, nFeatures: number, nRows?: number, nClasses = 0, limit = Infinity): Promise<number[]> {
  const queued: number[] = [];
  const seen = new Set<string>();
  // Defaults fit the target as it is; a space that searches the transform gets that said explicitly.
  const transform = study.space.param('target_transform') ? { target_transform: 'none' } : {};
  for (const base of warmStartConfigs(task, nFeatures, nRows, nClasses)) {
    if (queued.length >= limit) break;
    // A portfolio configuration may name its own target transform; the defaults name none.
    const config = { ...transform, ...base };
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
