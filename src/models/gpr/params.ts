/**
 * Hyperparameters of `gaussian_process`. Names follow scikit-learn's GaussianProcessRegressor
 * where one exists (`alpha`, `normalize_y`, `n_restarts` for `n_restarts_optimizer`); the kernel
 * is chosen by name instead of passed as an object.
 */
import { boolParam, choiceParam, numParam, rejectUnknown } from '../fast/params.js';
import type { GpKernel } from './objective.js';

/** Largest `max_rows`: three n x n float64 buffers per fit stay under 600 MB. */
export const MAX_GP_ROWS = 5000;

/** Validated `gaussian_process` hyperparameters. */
export interface GpParams {
  /** 'rbf' (default) or 'matern52'. */
  readonly kernel: GpKernel;
  /** One length scale per feature (automatic relevance determination). Default false. */
  readonly ard: boolean;
  /** Random restarts of the likelihood optimisation besides the fixed start. Default 2. */
  readonly n_restarts: number;
  /** Fit on (y - mean) / sd. Default true. */
  readonly normalize_y: boolean;
  /** Jitter added to the kernel diagonal. Default 1e-10. */
  readonly alpha: number;
  /** Row cap: larger training sets are subsampled to this many rows. Default 3000. */
  readonly max_rows: number;
  /** L-BFGS iterations per start. Default 200. */
  readonly max_iter: number;
}

/** Validates `gaussian_process` parameters; throws E_PARAM naming the bad one. */
export function gpParams(params: Record<string, unknown>): GpParams {
  const M = 'gaussian_process';
  rejectUnknown(M, params, ['kernel', 'ard', 'n_restarts', 'normalize_y', 'alpha', 'max_rows', 'max_iter']);
  return {
    kernel: choiceParam<GpKernel>(M, params, 'kernel', 'rbf', ['rbf', 'matern52']),
    ard: boolParam(M, params, 'ard', false),
    n_restarts: numParam(M, params, 'n_restarts', 2, { min: 0, max: 20, int: true }),
    normalize_y: boolParam(M, params, 'normalize_y', true),
    alpha: numParam(M, params, 'alpha', 1e-10, { min: 0, max: 1 }),
    max_rows: numParam(M, params, 'max_rows', 3000, { min: 10, max: MAX_GP_ROWS, int: true }),
    max_iter: numParam(M, params, 'max_iter', 200, { min: 1, max: 10_000, int: true }),
  };
}
