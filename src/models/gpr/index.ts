/** Gaussian-process regression (`gaussian_process`). */
export { GaussianProcessRegressor, gaussianProcessFamily, gaussianProcessSpec, type GpPrediction } from './gpr.js';
export { gpDecls, gpParams, MAX_GP_ROWS, type GpParams } from './params.js';
