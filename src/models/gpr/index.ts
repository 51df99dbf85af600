/** Gaussian-process regression (`gaussian_process`). */
export { GaussianProcessRegressor, gaussianProcessSpec, type GpPrediction } from './gpr.js';
export { gpParams, MAX_GP_ROWS, type GpParams } from './params.js';
