/**
 * Hyperparameters of `gaussian_process`. Names follow scikit-learn's GaussianProcessRegressor
 * where one exists (`alpha`, `normalize_y`, `n_restarts` for `n_restarts_optimizer`); the kernel
 * is chosen by name instead of passed as an object.
 */
import { bool, categorical, float, int, resolveParams } from '../hyperparams.js';
import type { ParamsOf } from '../hyperparams.js';

/** Largest `max_rows`: three n x n float64 buffers per fit stay under 600 MB. */
export const MAX_GP_ROWS = 5000;

/** Hyperparameters of `gaussian_process`. */
export const gpDecls = {
  /** Covariance shape. */
  kernel: categorical({ choices: ['rbf', 'matern52'], default: 'rbf' }),
  /** One length scale per feature (automatic relevance determination). */
  ard: bool({ default: false }),
  /** Random restarts of the likelihood optimisation besides the fixed start (each costs a full fit). */
  n_restarts: int({ min: 0, max: 20, default: 1 }),
  /** Fit on (y - mean) / sd. */
  normalize_y: bool({ default: true }),
  /** Jitter added to the kernel diagonal. */
  alpha: float({ min: 0, max: 1, log: true, default: 1e-10 }),
  /**
   * Row cap: larger training sets are subsampled to this many rows. At 1,000 rows one likelihood
   * evaluation costs about 0.8 s (n^3 dense algebra) and a fit some 50 of them; 3,000 rows would
   * cost 27 times as much, too slow for a trial.
   */
  max_rows: int({ min: 10, max: MAX_GP_ROWS, log: true, default: 1000 }),
  /** L-BFGS iterations per start. */
  max_iter: int({ min: 1, max: 10_000, log: true, default: 200 }),
};

/** Validated `gaussian_process` hyperparameters. */
export type GpParams = ParamsOf<typeof gpDecls>;

/** Validates `gaussian_process` parameters; throws E_PARAM naming the bad one. */
export function gpParams(params: Record<string, unknown>): GpParams {
  return resolveParams('gaussian_process', gpDecls, params);
}
