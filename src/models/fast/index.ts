/**
 * Fast learners written directly over typed arrays (histogram GBDT, random forest, extra trees,
 * logistic regression, ridge). This module only collects their specs for the model registry.
 */
import type { ModelSpec } from '../estimator.js';

/** Every fast learner's spec, in registry order. */
export const fastModels: ModelSpec[] = [];
