/** The one hyperparameter validator, as every family (adapter or fast learner) sees it. */
import { describe, expect, it } from 'vitest';
import { AutomlError, isAutomlError } from '../../src/util/errors.js';
import { bool, categorical, checkRange, float, int, resolveParams } from '../../src/models/hyperparams.js';
import { getModel } from '../../src/models/registry.js';
import type { Task } from '../../src/models/estimator.js';

function caught(f: () => unknown): AutomlError {
  try {
    f();
  } catch (e) {
    if (e instanceof AutomlError) return e;
    throw e;
  }
  throw new Error('expected an AutomlError');
}

const create = (model: string, params: unknown) => {
  const spec = getModel(model);
  const task: Task = spec.tasks[0]!;
  return () => spec.create(params as Record<string, unknown>, { task, nClasses: task === 'classification' ? 2 : 0, seed: 0 });
};

const DECLS = {
  n: int({ min: 1, max: 10, default: 3 }),
  rate: float({ min: 0, exclusiveMin: true, max: 1, default: 0.5 }),
  mode: categorical({ choices: ['auto', 'on', 'off'], aliases: [[true, 'on'], [false, 'off']], default: 'auto' }),
  flag: bool({ default: true }),
};

describe('resolveParams', () => {
  it('refuses constructor, toString, __proto__ and hasOwnProperty as parameter names, for adapters and fast learners alike', () => {
    const hostile = [{ constructor: 1 }, { toString: 'x' }, JSON.parse('{"__proto__": {"n": 1}}') as object, { hasOwnProperty: true }];
    for (const params of hostile) {
      const name = Object.keys(params)[0]!;
      for (const model of ['knn', 'gaussian_nb', 'ridge', 'gradient_boosting', 'random_forest']) {
        const e = caught(create(model, params));
        expect(e.code, `${model} ${name}`).toBe('E_PARAM');
        expect(e.message).toContain(`model "${model}": unknown parameter "${name}"`);
        expect(e.details).toMatchObject({ model, param: name });
      }
      expect(() => resolveParams('m', DECLS, params)).toThrow(`unknown parameter "${name}"`);
    }
  });

  it('names the model, the parameter, the value and the rule, in one format for every family', () => {
    const knn = caught(create('knn', { n_neighbors: 0 }));
    expect(knn.message).toBe('model "knn": parameter "n_neighbors" = 0 is invalid; it must be an integer >= 1 and <= 10000');
    expect(knn.details).toEqual({ model: 'knn', param: 'n_neighbors', value: 0 });
    const gb = caught(create('gradient_boosting', { learning_rate: 0 }));
    expect(gb.message).toBe('model "gradient_boosting": parameter "learning_rate" = 0 is invalid; it must be a finite number > 0 and <= 1');
    expect(gb.details).toEqual({ model: 'gradient_boosting', param: 'learning_rate', value: 0 });
    expect(caught(create('extra_trees', { criterion: 'mse' })).message).toBe('model "extra_trees": parameter "criterion" = "mse" is invalid; it must be one of "gini", "entropy"');
    expect(caught(create('ridge', { beta: 2 })).message).toBe('model "ridge": unknown parameter "beta" = 2; known parameters: alpha, fit_intercept');
    expect(caught(create('ridge', [])).message).toMatch(/model "ridge": params must be an object/);
  });

  it('fills defaults in declaration order; undefined and null mean the default', () => {
    expect(JSON.stringify(resolveParams('m', DECLS, {}))).toBe('{"n":3,"rate":0.5,"mode":"auto","flag":true}');
    expect(resolveParams('m', DECLS, { n: null, rate: undefined })).toEqual({ n: 3, rate: 0.5, mode: 'auto', flag: true });
  });

  it('maps aliases onto their choice and accepts "true"/"false" for booleans', () => {
    expect(resolveParams('m', DECLS, { mode: true, flag: 'false' })).toMatchObject({ mode: 'on', flag: false });
    expect(resolveParams('m', DECLS, { mode: false })).toMatchObject({ mode: 'off' });
    expect(() => resolveParams('m', DECLS, { mode: 'true' })).toThrow(/"mode" = "true" is invalid; it must be one of "auto", "on", "off"/);
    expect(() => resolveParams('m', DECLS, { flag: 1 })).toThrow(/"flag" = 1 is invalid; it must be true or false/);
  });

  it('checks integers, ranges and finiteness', () => {
    expect(() => resolveParams('m', DECLS, { n: 2.5 })).toThrow(/an integer >= 1 and <= 10/);
    expect(() => resolveParams('m', DECLS, { n: 11 })).toThrow(/"n" = 11/);
    expect(() => resolveParams('m', DECLS, { rate: Number.NaN })).toThrow(/a finite number > 0 and <= 1/);
    expect(() => resolveParams('m', DECLS, { rate: '0.5' })).toThrow(/"rate" = "0.5"/);
    expect(resolveParams('m', DECLS, { n: 10, rate: 1 })).toMatchObject({ n: 10, rate: 1 });
  });
});

describe('checkRange', () => {
  const code = (f: () => void) => {
    try {
      f();
      return undefined;
    } catch (e) {
      return isAutomlError(e, 'E_PARAM') ? e.details.value : e;
    }
  };

  it('accepts ranges inside the declared ones and reports the first refused value', () => {
    expect(code(() => checkRange('m', DECLS, 'n', { kind: 'int', low: 1, high: 10 }))).toBeUndefined();
    expect(code(() => checkRange('m', DECLS, 'n', { kind: 'int', low: 0, high: 5 }))).toBe(0);
    expect(code(() => checkRange('m', DECLS, 'rate', { kind: 'float', low: 0.1, high: 2 }))).toBe(2);
    expect(code(() => checkRange('m', DECLS, 'mode', { kind: 'choices', values: ['on', 'sometimes'] }))).toBe('sometimes');
    expect(code(() => checkRange('m', DECLS, 'flag', { kind: 'choices', values: [true, false] }))).toBeUndefined();
  });

  it('refuses a float range for an integer parameter and names no inherited member as a parameter', () => {
    expect(() => checkRange('m', DECLS, 'n', { kind: 'float', low: 1, high: 5 })).toThrow(/"n" = 1 is invalid; it must be an integer: search it with "type": "int"/);
    expect(() => checkRange('m', DECLS, 'constructor', { kind: 'int', low: 1, high: 2 })).toThrow(/unknown parameter "constructor"/);
  });
});

describe('sane maxima of the fast families (issue 17)', () => {
  it('a space asking for 1e8 trees is refused before any trial, naming the family and the value', async () => {
    const { gradientBoostingDecls } = await import('../../src/models/fast/gradient-boosting.js');
    const { forestDecls } = await import('../../src/models/fast/forest.js');
    expect(() => checkRange('gradient_boosting', gradientBoostingDecls, 'n_estimators', { kind: 'int', low: 10, high: 1e8 })).toThrow(/gradient_boosting.*n_estimators.*100000000/);
    expect(() => checkRange('random_forest', forestDecls(true), 'n_estimators', { kind: 'int', low: 10, high: 1e8 })).toThrow(/random_forest.*n_estimators.*100000000/);
    expect(() => checkRange('random_forest', forestDecls(true), 'n_estimators', { kind: 'int', low: 10, high: 10_000 })).not.toThrow();
  });
});
