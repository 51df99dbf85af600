/**
 * Feature-selection configuration: plain data whose fields are search-space dimensions
 * (snake_case). The `type` names a branch of the `select` choice in `search-spaces/selection.json`.
 *
 * - `none`: keep every column (same as leaving `select` out).
 * - `filter`: rank columns by a univariate score and keep the top `k` (a count) or `fraction`
 *   (of the preprocessed columns). `score: 'f'` means the ANOVA F statistic for classification and
 *   the F statistic of a univariate linear regression for regression, so one branch serves both
 *   tasks; `score: 'mutual_info'` is a k-NN mutual-information estimate.
 * - `anova_f`, `f_regression`, `mutual_info`: the same filters named explicitly (`anova_f` is
 *   classification only, `f_regression` regression only).
 * - `model_importance`: keep columns whose importance is at least `threshold` times the mean
 *   importance (importance 0 never counts), from a small seeded extremely-randomised tree ensemble
 *   (`estimator: 'trees'`) or L1-penalised linear/logistic coefficients (`estimator: 'l1'`, with
 *   penalty `alpha_ratio` times the smallest penalty that zeroes every coefficient).
 * - `tree_importance`, `l1_importance`: `model_importance` with the estimator named by the type, so
 *   that a search space can give `l1_importance` its own `alpha_ratio` dimension (a nested choice
 *   inside the `model_importance` branch would change the config's shape).
 * - `fdr`: keep the columns whose univariate F-test p-value (ANOVA F with (k-1, n-k) degrees of
 *   freedom for classification, regression F with (1, n-2) for regression) passes the
 *   Benjamini-Hochberg procedure at false discovery rate `alpha` (default 0.05).
 * Every method keeps at least one column (the best scored one when nothing passes).
 */
import type { Task } from '../../models/estimator.js';
import { AutomlError, show } from '../../util/errors.js';

/** Univariate filter scores. */
export type FilterScore = 'f' | 'mutual_info';
/** Estimators behind model-based selection. */
export type ImportanceEstimator = 'trees' | 'l1';

/** How many columns a filter keeps: a count `k`, or a `fraction` of the columns (default 0.5). */
export interface KeepCount {
  /** Number of columns to keep (capped at the number of columns). */
  readonly k?: number;
  /** Fraction of the columns to keep, in (0, 1]; rounded up, at least one. */
  readonly fraction?: number;
}

/** The `select` part of a pipeline configuration. */
export type SelectConfig =
  | { readonly type: 'none' }
  | ({ readonly type: 'filter'; readonly score: FilterScore } & KeepCount)
  | ({ readonly type: 'anova_f' | 'f_regression' | 'mutual_info' } & KeepCount)
  | {
      readonly type: 'model_importance';
      /** Default `trees`. */
      readonly estimator?: ImportanceEstimator;
      /** Keep columns with importance >= threshold x mean importance. Default 1. */
      readonly threshold?: number;
      /** `l1` only: penalty relative to the smallest all-zero penalty, in (0, 1]. Default 0.05. */
      readonly alpha_ratio?: number;
    }
  | {
      readonly type: 'tree_importance';
      /** Default 1. */
      readonly threshold?: number;
    }
  | {
      readonly type: 'l1_importance';
      /** Default 1. */
      readonly threshold?: number;
      /** Default 0.05. */
      readonly alpha_ratio?: number;
    }
  | {
      readonly type: 'fdr';
      /** False discovery rate of the Benjamini-Hochberg procedure, in (0, 1). Default 0.05. */
      readonly alpha?: number;
    };

/** The concrete method a resolved config runs; also the `method` of a saved step. */
export type SelectMethod = 'anova_f' | 'f_regression' | 'mutual_info' | 'tree_importance' | 'l1_importance' | 'fdr';

/** A checked selection config with the task-dependent method decided and defaults filled in. */
export type ResolvedSelect =
  | { readonly method: 'anova_f' | 'f_regression' | 'mutual_info'; readonly k: number | null; readonly fraction: number | null }
  | { readonly method: 'tree_importance'; readonly threshold: number }
  | { readonly method: 'l1_importance'; readonly threshold: number; readonly alphaRatio: number }
  | { readonly method: 'fdr'; readonly alpha: number };

/** L1 penalty ratio when a config gives none (the value every study and model file before it used). */
export const DEFAULT_ALPHA_RATIO = 0.05;
/** False discovery rate of the `fdr` filter when a config gives none. */
export const DEFAULT_FDR_ALPHA = 0.05;

/** Fraction kept by a filter when neither `k` nor `fraction` is given. */
export const DEFAULT_FRACTION = 0.5;

const KEYS: Record<string, readonly string[]> = {
  none: ['type'],
  filter: ['type', 'score', 'k', 'fraction'],
  anova_f: ['type', 'k', 'fraction'],
  f_regression: ['type', 'k', 'fraction'],
  mutual_info: ['type', 'k', 'fraction'],
  model_importance: ['type', 'estimator', 'threshold', 'alpha_ratio'],
  tree_importance: ['type', 'threshold'],
  l1_importance: ['type', 'threshold', 'alpha_ratio'],
  fdr: ['type', 'alpha'],
};

function bad(param: string, value: unknown, expected: string): AutomlError {
  return new AutomlError('E_PARAM', `select.${param} is ${show(value)}; expected ${expected}`, { param: `select.${param}`, value });
}

/**
 * Checks a selection config against the task and resolves it; `null` means no selection.
 * @throws AutomlError E_PARAM naming `select.<param>` and its value (unknown type or key, a
 * method that does not fit the task, k and fraction both given, out-of-range numbers).
 */
export function resolveSelectConfig(config: unknown, task: Task): ResolvedSelect | null {
  if (config === undefined || config === null) return null;
  if (typeof config !== 'object' || Array.isArray(config)) throw bad('type', config, 'an object such as { "type": "filter", "score": "f", "fraction": 0.3 }');
  const c = config as Record<string, unknown>;
  const type = c.type;
  if (typeof type !== 'string' || !Object.hasOwn(KEYS, type)) throw bad('type', type, `one of ${Object.keys(KEYS).join(', ')}`);
  for (const key of Object.keys(c)) {
    if (c[key] !== undefined && !KEYS[type]!.includes(key)) {
      throw new AutomlError('E_PARAM', `select.${key}: unknown parameter for select type ${show(type)}; known: ${KEYS[type]!.join(', ')}`, { param: `select.${key}`, value: c[key] });
    }
  }
  switch (type) {
    case 'none':
      return null;
    case 'fdr': {
      const alpha = c.alpha ?? DEFAULT_FDR_ALPHA;
      if (typeof alpha !== 'number' || !(alpha > 0 && alpha < 1)) throw bad('alpha', alpha, 'a false discovery rate in (0, 1), such as 0.05');
      return { method: 'fdr', alpha };
    }
    case 'tree_importance':
    case 'l1_importance':
    case 'model_importance': {
      const estimator = type === 'tree_importance' ? 'trees' : type === 'l1_importance' ? 'l1' : (c.estimator ?? 'trees');
      if (estimator !== 'trees' && estimator !== 'l1') throw bad('estimator', estimator, '"trees" or "l1"');
      const threshold = c.threshold ?? 1;
      if (typeof threshold !== 'number' || !Number.isFinite(threshold) || threshold < 0) throw bad('threshold', threshold, 'a number >= 0 (a multiple of the mean importance)');
      if (estimator === 'trees') {
        if (c.alpha_ratio !== undefined) throw bad('alpha_ratio', c.alpha_ratio, 'nothing: alpha_ratio applies to estimator "l1" only');
        return { method: 'tree_importance', threshold };
      }
      const alphaRatio = c.alpha_ratio ?? DEFAULT_ALPHA_RATIO;
      if (typeof alphaRatio !== 'number' || !(alphaRatio > 0 && alphaRatio <= 1)) throw bad('alpha_ratio', alphaRatio, 'a number in (0, 1]');
      return { method: 'l1_importance', threshold, alphaRatio };
    }
    default: {
      let method: 'anova_f' | 'f_regression' | 'mutual_info';
      if (type === 'filter') {
        if (c.score !== 'f' && c.score !== 'mutual_info') throw bad('score', c.score, '"f" or "mutual_info"');
        method = c.score === 'mutual_info' ? 'mutual_info' : task === 'classification' ? 'anova_f' : 'f_regression';
      } else method = type as typeof method;
      if (method === 'anova_f' && task !== 'classification') throw bad('type', type, 'a method for regression: "f_regression", "mutual_info" or "filter" (anova_f needs class labels)');
      if (method === 'f_regression' && task !== 'regression') throw bad('type', type, 'a method for classification: "anova_f", "mutual_info" or "filter" (f_regression needs a numeric target)');
      const { k, fraction } = c;
      if (k !== undefined && fraction !== undefined) throw bad('k', k, 'either k or fraction, not both');
      if (k !== undefined && (typeof k !== 'number' || !Number.isInteger(k) || k < 1)) throw bad('k', k, 'a whole number of columns, 1 or more');
      if (fraction !== undefined && (typeof fraction !== 'number' || !(fraction > 0 && fraction <= 1))) throw bad('fraction', fraction, 'a number in (0, 1]');
      return { method, k: (k as number | undefined) ?? null, fraction: k === undefined ? ((fraction as number | undefined) ?? DEFAULT_FRACTION) : null };
    }
  }
}

/** Number of columns a filter keeps out of `p` (at least 1, at most p). */
export function keepCount(k: number | null, fraction: number | null, p: number): number {
  const want = k !== null ? k : Math.ceil((fraction ?? DEFAULT_FRACTION) * p - 1e-9);
  return Math.max(1, Math.min(p, want));
}
