/**
 * Hyperparameters of `svm` and `svr`, declared once (see ../hyperparams.ts), with scikit-learn's
 * names, meanings and defaults except where noted: `solver`, `approx`, `n_components` and
 * `scale_target` are ours (scikit-learn's SVC/SVR have no large-data path and no target scaling).
 */
import { AutomlError, show } from '../../util/errors.js';
import { bool, categorical, float, int, namedFloat, resolveParams } from '../hyperparams.js';
import type { ParamsOf } from '../hyperparams.js';

/**
 * Above this many training rows, `solver: 'auto'` fits a linear SVM over a kernel feature map
 * instead of the exact SMO solve, whose cost grows between n^2 and n^3. Measured in
 * bench/learners/RESULTS.md (2026-12-04, "Where the exact solver stops").
 */
export const EXACT_ROW_LIMIT = 10_000;

/** Parameters shared by `svm` and `svr`. */
const kernelDecls = {
  /** Penalty on margin violations. */
  C: float({ min: 0, exclusiveMin: true, max: 1e8, log: true, default: 1 }),
  kernel: categorical({ choices: ['rbf', 'poly', 'linear'], default: 'rbf' }),
  /** A positive number, 'scale' (1 / (n_features X.var()), the default) or 'auto' (1 / n_features). */
  gamma: namedFloat({ min: 0, exclusiveMin: true, max: 1e6, log: true, named: ['scale', 'auto'], default: 'scale' }),
  /** Polynomial degree. */
  degree: int({ min: 1, max: 10, default: 3 }),
  /** Polynomial offset. */
  coef0: float({ min: -1e6, max: 1e6, default: 0 }),
  /** Stopping tolerance of the SMO solver on the maximal KKT violation. */
  tol: float({ min: 0, exclusiveMin: true, max: 1, log: true, default: 1e-3 }),
  shrinking: bool({ default: true }),
  /** Kernel cache in MB per binary problem (scikit-learn's default). */
  cache_size: float({ min: 1, max: 1e5, log: true, default: 200 }),
  /** SMO iteration cap, -1 for none. */
  max_iter: int({ min: -1, default: -1 }),
  /** 'exact' (SMO), 'approx' (feature map + dual coordinate descent) or 'auto' (by row count). */
  solver: categorical({ choices: ['auto', 'exact', 'approx'], default: 'auto' }),
  /** Feature map of the approximate solver: 'nystroem' (any kernel) or 'rff' (RBF only). */
  approx: categorical({ choices: ['nystroem', 'rff'], default: 'nystroem' }),
  /** Width of the approximate feature map. */
  n_components: int({ min: 2, max: 5000, log: true, default: 300 }),
};

/** Hyperparameters of `svm` (classification). */
export const svmDecls = {
  ...kernelDecls,
  /** 'balanced' weighs class c by n / (n_classes n_c) in C; 'none' weighs all alike. */
  class_weight: categorical({ choices: ['none', 'balanced'], default: 'none' }),
  /** Platt-scaled probabilities fitted out of fold (five internal folds, as LIBSVM). */
  probability: bool({ default: false }),
};

/** Hyperparameters of `svr` (regression). */
export const svrDecls = {
  ...kernelDecls,
  /** Half-width of the insensitive tube. */
  epsilon: float({ min: 0, max: 1e6, log: true, default: 0.1 }),
  /**
   * Fit on (y - mean) / sd and map predictions back, so C and epsilon mean the same on any target
   * scale (scikit-learn's SVR has no such option: set false to match it).
   */
  scale_target: bool({ default: true }),
};

/** Validated `svm` parameters. */
export type SvcParams = ParamsOf<typeof svmDecls>;
/** Validated `svr` parameters. */
export type SvrParams = ParamsOf<typeof svrDecls>;
/** What both share. */
export type KernelSvmParams = ParamsOf<typeof kernelDecls>;
/** Which solver a fit uses. */
export type SolverChoice = KernelSvmParams['solver'];

/** The one rule the declarations cannot say: random Fourier features approximate the RBF kernel only. */
export function checkCombination(model: string, p: KernelSvmParams): void {
  if (p.approx === 'rff' && p.kernel !== 'rbf') {
    throw new AutomlError('E_PARAM', `model "${model}": parameter "approx" = "rff" needs kernel "rbf" (random Fourier features approximate the RBF kernel only), got kernel ${show(p.kernel)}`, { param: 'approx', value: p.approx, model });
  }
}

/** Validates `svm` parameters; throws E_PARAM naming the bad one. */
export function svcParams(params: Record<string, unknown>): SvcParams {
  const p = resolveParams('svm', svmDecls, params);
  checkCombination('svm', p);
  return p;
}

/** Validates `svr` parameters; throws E_PARAM naming the bad one. */
export function svrParams(params: Record<string, unknown>): SvrParams {
  const p = resolveParams('svr', svrDecls, params);
  checkCombination('svr', p);
  return p;
}

/** True when a fit on `rows` rows uses the approximate solver. */
export function useApprox(solver: SolverChoice, rows: number): boolean {
  return solver === 'approx' || (solver === 'auto' && rows > EXACT_ROW_LIMIT);
}
