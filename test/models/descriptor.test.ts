/** Model-family descriptors: the built-ins are consistent, and a user's descriptor plugs in. */
import { describe, expect, it } from 'vitest';
import { checkFamily, defineFamily, familySpec } from '../../src/models/descriptor.js';
import type { ModelFamily } from '../../src/models/descriptor.js';
import type { Estimator } from '../../src/models/estimator.js';
import { categorical, float, int } from '../../src/models/hyperparams.js';
import type { ParamsOf } from '../../src/models/hyperparams.js';
import { builtinFamilies, getFamily, getModel, registerModel } from '../../src/models/registry.js';
import { familySpaceJSON } from '../../src/models/space-file.js';

describe('built-in descriptors', () => {
  it('are registered as families, in the registration order of before', () => {
    expect(builtinFamilies.map((f) => f.name)).toEqual([
      'ml_random_forest',
      'ml_logistic_regression',
      'decision_tree',
      'knn',
      'gaussian_nb',
      'mlp',
      'gradient_boosting',
      'random_forest',
      'extra_trees',
      'logistic_regression',
      'ridge',
      'svm',
      'svr',
      'gaussian_process',
      'linear_regression',
      'elastic_net',
    ]);
    for (const f of builtinFamilies) {
      expect(() => checkFamily(f)).not.toThrow();
      expect(getFamily(f.name)).toBe(f);
      expect(getModel(f.name)).toBe(familySpec(f));
      expect(getModel(f.name).params).toBe(f.params);
    }
  });

  it('say which preprocessing each family wants and which families handle missing values', () => {
    const prep = Object.fromEntries(builtinFamilies.map((f) => [f.name, `${f.preprocessing.encoding}/${f.preprocessing.scaler}`]));
    expect(prep).toEqual({
      ml_random_forest: 'ordinal/none',
      ml_logistic_regression: 'onehot/standard',
      decision_tree: 'ordinal/none',
      knn: 'onehot/standard',
      gaussian_nb: 'onehot/none',
      mlp: 'onehot/standard',
      gradient_boosting: 'ordinal/none',
      random_forest: 'ordinal/none',
      extra_trees: 'ordinal/none',
      logistic_regression: 'onehot/standard',
      ridge: 'onehot/standard',
      svm: 'onehot/standard',
      svr: 'onehot/standard',
      gaussian_process: 'onehot/standard',
      linear_regression: 'onehot/standard',
      elastic_net: 'onehot/standard',
    });
    expect(builtinFamilies.filter((f) => f.handlesMissing).map((f) => f.name)).toEqual(['gradient_boosting', 'random_forest', 'extra_trees']);
  });

  it('mark the parameters that apply to one task only', () => {
    const byTask = builtinFamilies.flatMap((f) => Object.entries(f.params).filter(([, d]) => d.task).map(([p, d]) => `${f.name}.${p}:${d.task}`));
    expect(byTask).toEqual(['decision_tree.min_impurity_decrease:classification', 'random_forest.criterion:classification', 'extra_trees.criterion:classification']);
  });
});

const echoParams = { depth: int({ min: 1, max: 8, log: true, default: 2 }), shrink: float({ min: 0, max: 1, default: 0.5 }), kind: categorical({ choices: ['a', 'b'], default: 'a' }) };

function echoFamily(seen: ParamsOf<typeof echoParams>[], overrides: Partial<ModelFamily<typeof echoParams>> = {}): ModelFamily<typeof echoParams> {
  return defineFamily({
    name: 'echo_model',
    description: 'test family',
    tasks: ['regression'],
    params: echoParams,
    preprocessing: { encoding: 'onehot', scaler: 'standard' },
    space: { comment: 'echo', params: { depth: { low: 1, high: 4 }, kind: {} } },
    create(params): Estimator {
      seen.push(params);
      return { name: 'echo_model', fit() {}, predict: (X) => new Float64Array(X.rows), toJSON: () => ({ model: 'echo_model', version: 1, params: { ...params }, state: {} }) };
    },
    load: () => {
      throw new Error('not used');
    },
    ...overrides,
  });
}

describe('a user descriptor', () => {
  it('is checked against itself when registered', () => {
    const bad = (o: Partial<ModelFamily<typeof echoParams>>) => () => checkFamily(echoFamily([], o) as ModelFamily);
    expect(bad({ params: { ...echoParams, depth: int({ min: 1, max: 8, default: 9 }) } })).toThrow(/the default of "depth" is invalid/);
    expect(bad({ space: { comment: 'x', params: { depth: { low: 1, high: 20 } } } })).toThrow(/space\.params\.depth: .*"depth" = 20 is invalid/);
    expect(bad({ space: { comment: 'x', params: { shrink: { low: 0, high: 1, log: true } } } })).toThrow(/a log range needs low > 0/);
    expect(bad({ space: { comment: 'x', params: { nope: { low: 1, high: 2 } } as never } })).toThrow(/space\.params\.nope is not a declared parameter/);
    expect(bad({ preprocessing: { encoding: 'hash', scaler: 'none' } as never })).toThrow(/preprocessing/);
  });

  it('registers, and its create receives validated params with defaults filled in', () => {
    const seen: ParamsOf<typeof echoParams>[] = [];
    const family = echoFamily(seen);
    registerModel(family);
    expect(getFamily('echo_model')).toBe(family);
    const spec = getModel('echo_model');
    spec.create({ depth: 3 }, { task: 'regression', nClasses: 0, seed: 0 });
    expect(seen).toEqual([{ depth: 3, shrink: 0.5, kind: 'a' }]);
    expect(() => spec.create({ depth: 0 }, { task: 'regression', nClasses: 0, seed: 0 })).toThrow(/model "echo_model": parameter "depth" = 0/);
    expect(() => spec.create({}, { task: 'classification', nClasses: 2, seed: 0 })).toThrow(/supports regression only/);
    expect(seen).toHaveLength(1);
    expect(familySpaceJSON(family)).toEqual({ depth: { type: 'int', low: 1, high: 4, log: true }, kind: { type: 'categorical', choices: ['a', 'b'] } });
  });
});
