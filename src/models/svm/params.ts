/**
 * Hyperparameters of `svm` and `svr`, with scikit-learn's names, meanings and defaults except
 * where noted (`solver`, `approx`, `n_components`, `scale_target`, which scikit-learn's SVC/SVR
 * do not have).
 */
import { AutomlError, show } from '../../util/errors.js';
import { boolParam, choiceParam, numParam, rejectUnknown } from '../fast/params.js';
import { KERNELS, type KernelKind } from './kernel.js';
import type { ApproxKind } from './features.js';

/**
 * Above this many training rows, `solver: 'auto'` fits a linear SVM over a kernel feature map
 * instead of the exact SMO solve, whose cost grows between n^2 and n^3. Measured in
 * bench/learners/RESULTS.md (2026-12-04): at 10,000 rows an RBF SMO fit already takes tens of
 * seconds, the approximation a few.
 */
export const EXACT_ROW_LIMIT = 10_000;

/** Which solver a fit uses. */
export type SolverChoice = 'auto' | 'exact' | 'approx';

/** Parameters shared by `svm` and `svr`. */
export interface KernelSvmParams {
  /** Penalty on margin violations (> 0). Default 1. */
  readonly C: number;
  readonly kernel: KernelKind;
  /** A positive number, 'scale' (1 / (n_features X.var()), the default) or 'auto' (1 / n_features). */
  readonly gamma: number | 'scale' | 'auto';
  /** Polynomial degree. Default 3. */
  readonly degree: number;
  /** Polynomial offset. Default 0. */
  readonly coef0: number;
  /** Stopping tolerance of the SMO solver on the maximal KKT violation. Default 1e-3. */
  readonly tol: number;
  readonly shrinking: boolean;
  /** Kernel cache in MB per binary problem. Default 200 (scikit-learn's). */
  readonly cache_size: number;
  /** SMO iteration cap, -1 for none (the default). */
  readonly max_iter: number;
  /** 'exact' (SMO), 'approx' (feature map + dual coordinate descent) or 'auto' (by row count). */
  readonly solver: SolverChoice;
  /** Feature map of the approximate solver: 'nystroem' (any kernel) or 'rff' (RBF only). */
  readonly approx: ApproxKind;
  /** Width of the approximate feature map. Default 300. */
  readonly n_components: number;
}

/** `svm` (classification) parameters. */
export interface SvcParams extends KernelSvmParams {
  /** 'balanced' weighs class c by n / (n_classes n_c) in C; 'none' (default) weighs all alike. */
  readonly class_weight: 'none' | 'balanced';
  /** Platt-scaled probabilities fitted out of fold (five internal folds, as LIBSVM). Default false. */
  readonly probability: boolean;
}

/** `svr` (regression) parameters. */
export interface SvrParams extends KernelSvmParams {
  /** Half-width of the insensitive tube. Default 0.1. */
  readonly epsilon: number;
  /**
   * True (default): fit on (y - mean) / sd and map predictions back, so C and epsilon mean the
   * same on any target scale (scikit-learn's SVR has no such option: set false to match it).
   */
  readonly scale_target: boolean;
}

const COMMON = ['C', 'kernel', 'gamma', 'degree', 'coef0', 'tol', 'shrinking', 'cache_size', 'max_iter', 'solver', 'approx', 'n_components'];

function gammaParam(model: string, params: Record<string, unknown>): number | 'scale' | 'auto' {
  const g = params.gamma;
  if (g === undefined || g === null) return 'scale';
  if (g === 'scale' || g === 'auto') return g;
  if (typeof g === 'number' && Number.isFinite(g) && g > 0) return g;
  throw new AutomlError('E_PARAM', `${model}: parameter "gamma" must be a positive number, "scale" or "auto", got ${show(g)}`, { param: 'gamma', value: g });
}

function common(model: string, params: Record<string, unknown>): KernelSvmParams {
  const kernel = choiceParam(model, params, 'kernel', 'rbf', KERNELS);
  const approx = choiceParam<ApproxKind>(model, params, 'approx', 'nystroem', ['nystroem', 'rff']);
  if (approx === 'rff' && kernel !== 'rbf') {
    throw new AutomlError('E_PARAM', `${model}: parameter "approx" = "rff" needs kernel "rbf" (random Fourier features approximate the RBF kernel only), got kernel ${show(kernel)}`, { param: 'approx', value: approx });
  }
  return {
    C: numParam(model, params, 'C', 1, { min: 0, minExclusive: true, max: 1e8 }),
    kernel,
    gamma: gammaParam(model, params),
    degree: numParam(model, params, 'degree', 3, { min: 1, max: 10, int: true }),
    coef0: numParam(model, params, 'coef0', 0, { min: -1e6, max: 1e6 }),
    tol: numParam(model, params, 'tol', 1e-3, { min: 0, minExclusive: true, max: 1 }),
    shrinking: boolParam(model, params, 'shrinking', true),
    cache_size: numParam(model, params, 'cache_size', 200, { min: 1, max: 1e5 }),
    max_iter: numParam(model, params, 'max_iter', -1, { min: -1, int: true }),
    solver: choiceParam<SolverChoice>(model, params, 'solver', 'auto', ['auto', 'exact', 'approx']),
    approx,
    n_components: numParam(model, params, 'n_components', 300, { min: 2, max: 5000, int: true }),
  };
}

/** Validates `svm` parameters; throws E_PARAM naming the bad one. */
export function svcParams(params: Record<string, unknown>): SvcParams {
  rejectUnknown('svm', params, [...COMMON, 'class_weight', 'probability']);
  return {
    ...common('svm', params),
    class_weight: choiceParam('svm', params, 'class_weight', 'none', ['none', 'balanced']),
    probability: boolParam('svm', params, 'probability', false),
  };
}

/** Validates `svr` parameters; throws E_PARAM naming the bad one. */
export function svrParams(params: Record<string, unknown>): SvrParams {
  rejectUnknown('svr', params, [...COMMON, 'epsilon', 'scale_target']);
  return {
    ...common('svr', params),
    epsilon: numParam('svr', params, 'epsilon', 0.1, { min: 0, max: 1e6 }),
    scale_target: boolParam('svr', params, 'scale_target', true),
  };
}

/** True when a fit on `rows` rows uses the approximate solver. */
export function useApprox(solver: SolverChoice, rows: number): boolean {
  return solver === 'approx' || (solver === 'auto' && rows > EXACT_ROW_LIMIT);
}
