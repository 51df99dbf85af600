/**
 * The public option types name metrics, strategies and models as string-literal unions; these
 * tests keep each union equal to what the engine registers at run time, so a new built-in metric,
 * sampler or model family cannot be left out of (or linger in) the published types.
 */
import { describe, expect, it } from 'vitest';
import type { BuiltinStrategy, MetricName, ModelName } from '../../src/automl/types.js';
import { metricNames } from '../../src/evaluation/metrics.js';
import { listModels } from '../../src/models/registry.js';
import { samplerNames } from '../../src/samplers/index.js';

// Records keyed by the union: the compiler rejects a missing or an extra key.
const metrics: Record<MetricName, true> = { accuracy: true, balanced_accuracy: true, f1_macro: true, roc_auc: true, log_loss: true, r2: true, rmse: true, mae: true };
const strategies: Record<BuiltinStrategy, true> = { tpe: true, random: true, grid: true, gp: true };
const models: Record<ModelName, true> = {
  ml_random_forest: true,
  ml_logistic_regression: true,
  decision_tree: true,
  knn: true,
  gaussian_nb: true,
  mlp: true,
  gradient_boosting: true,
  random_forest: true,
  extra_trees: true,
  logistic_regression: true,
  ridge: true,
  svm: true,
  svr: true,
  gaussian_process: true,
  linear_regression: true,
  elastic_net: true,
};

describe('option name unions', () => {
  it('MetricName lists exactly the built-in metrics', () => {
    expect(Object.keys(metrics).sort()).toEqual(metricNames().sort());
  });

  it('BuiltinStrategy lists exactly the built-in samplers', () => {
    expect(Object.keys(strategies).sort()).toEqual(samplerNames().sort());
  });

  it('ModelName lists exactly the built-in model families', () => {
    expect(Object.keys(models).sort()).toEqual(listModels().map((m) => m.name).sort());
  });
});
