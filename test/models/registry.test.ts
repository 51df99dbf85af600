import { describe, expect, it } from 'vitest';
import { getModel, hasModel, listModels, registerModel } from '../../src/models/registry.js';
import type { ModelSpec } from '../../src/models/estimator.js';
import { isAutomlError } from '../../src/util/errors.js';

describe('model registry', () => {
  it('knows every built-in adapter by name', () => {
    for (const name of ['ml_random_forest', 'ml_logistic_regression', 'decision_tree', 'knn', 'gaussian_nb', 'mlp']) {
      expect(getModel(name).name).toBe(name);
    }
  });

  it('filters by task', () => {
    const reg = listModels('regression').map((s) => s.name);
    expect(reg).toContain('knn');
    expect(reg).not.toContain('gaussian_nb');
    expect(reg).not.toContain('ml_logistic_regression');
    expect(listModels('classification').map((s) => s.name)).toContain('gaussian_nb');
    expect(listModels().length).toBeGreaterThanOrEqual(6);
  });

  it('rejects unknown names listing the known ones', () => {
    let err: unknown;
    try {
      getModel('xgboost');
    } catch (e) {
      err = e;
    }
    expect(isAutomlError(err, 'E_CONFIG')).toBe(true);
    expect((err as Error).message).toMatch(/"xgboost".*gaussian_nb.*knn/);
  });

  it('registers custom models and refuses duplicates and malformed specs', () => {
    const custom: ModelSpec = { ...getModel('knn'), name: 'my_knn', description: 'custom' };
    expect(hasModel('my_knn')).toBe(false);
    registerModel(custom);
    expect(hasModel('my_knn')).toBe(true);
    expect(getModel('my_knn')).toBe(custom);
    expect(() => registerModel(custom)).toThrow(/already registered/);
    expect(() => registerModel({ ...custom, name: 'decision_tree' })).toThrow(/already registered/);
    expect(() => registerModel({ ...custom, name: 'Bad-Name' })).toThrow(/snake_case/);
    expect(() => registerModel({ ...custom, name: 'no_tasks', tasks: [] })).toThrow(/tasks/);
  });
});
