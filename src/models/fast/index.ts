/**
 * Fast learners written directly over typed arrays (histogram gradient boosting, random forest,
 * extra trees, logistic regression, ridge). This module collects their families for the registry.
 */
import type { ModelFamily } from '../descriptor.js';
import { familySpec } from '../descriptor.js';
import type { ModelSpec } from '../estimator.js';
import { extraTreesFamily, randomForestFamily } from './forest.js';
import { gradientBoostingFamily } from './gradient-boosting.js';
import { logisticRegressionFamily } from './logistic-regression.js';
import { ridgeFamily } from './ridge.js';

export { extraTreesFamily, extraTreesSpec, randomForestFamily, randomForestSpec, Forest, forestDecls, type ForestParams } from './forest.js';
export { gradientBoostingFamily, gradientBoostingSpec, GradientBoosting, gradientBoostingDecls, gradientBoostingParams, type GradientBoostingParams } from './gradient-boosting.js';
export {
  logisticRegressionFamily,
  logisticRegressionSpec,
  LogisticRegression,
  logisticRegressionDecls,
  logisticRegressionParams,
  type LogisticRegressionParams,
} from './logistic-regression.js';
export { ridgeFamily, ridgeSpec, Ridge, ridgeDecls, ridgeParams, type RidgeParams } from './ridge.js';

/** Every fast learner's family, in registry order. */
export const fastFamilies: readonly ModelFamily[] = [gradientBoostingFamily, randomForestFamily, extraTreesFamily, logisticRegressionFamily, ridgeFamily];

/** Every fast learner's registry entry, in registry order. */
export const fastModels: ModelSpec[] = fastFamilies.map(familySpec);
