/**
 * Fast learners written directly over typed arrays (histogram gradient boosting, random forest,
 * extra trees, logistic regression, ridge). This module collects their specs for the registry.
 */
import type { ModelSpec } from '../estimator.js';
import { extraTreesSpec, randomForestSpec } from './forest.js';
import { gradientBoostingSpec } from './gradient-boosting.js';
import { logisticRegressionSpec } from './logistic-regression.js';
import { ridgeSpec } from './ridge.js';

export { extraTreesSpec, randomForestSpec, Forest, type ForestParams } from './forest.js';
export { gradientBoostingSpec, GradientBoosting, gradientBoostingParams, type GradientBoostingParams } from './gradient-boosting.js';
export { logisticRegressionSpec, LogisticRegression, logisticRegressionParams, type LogisticRegressionParams } from './logistic-regression.js';
export { ridgeSpec, Ridge, ridgeParams, type RidgeParams } from './ridge.js';

/** Every fast learner's spec, in registry order. */
export const fastModels: ModelSpec[] = [gradientBoostingSpec, randomForestSpec, extraTreesSpec, logisticRegressionSpec, ridgeSpec];
