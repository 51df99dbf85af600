import { describe, expect, it } from 'vitest';
import { decisionTree } from '../../src/models/decision-tree.js';
import { mlRandomForest } from '../../src/models/random-forest.js';
import { matrix } from '../../src/models/estimator.js';
import { isAutomlError } from '../../src/util/errors.js';
import { describeEstimatorContract } from '../contracts/estimator-contract.js';

describeEstimatorContract(decisionTree, [
  { params: {}, task: 'classification' },
  { params: { max_depth: 3, min_samples_split: 5 }, task: 'classification' },
  { params: { max_depth: 6 }, task: 'regression' },
]);

describeEstimatorContract(mlRandomForest, [
  { params: { n_estimators: 15 }, task: 'classification' },
  { params: { n_estimators: 10, max_features: 0.5, max_depth: 5, bootstrap: false }, task: 'classification' },
  { params: { n_estimators: 15 }, task: 'regression' },
]);

describe('tree adapters', () => {
  it('a depth-1 tree learns a single threshold', async () => {
    const X = matrix(6, 1, Float64Array.from([1, 2, 3, 10, 11, 12]));
    const est = decisionTree.create({ max_depth: 1 }, { task: 'regression', nClasses: 0, seed: 1 });
    await est.fit(X, Float64Array.from([1, 1, 1, 5, 5, 5]));
    expect(Array.from(est.predict(matrix(2, 1, Float64Array.from([0, 100]))))).toEqual([1, 5]);
  });

  it('pads leaf distributions for classes missing from a leaf or from training', async () => {
    const X = matrix(4, 1, Float64Array.from([0, 1, 5, 6]));
    const est = decisionTree.create({}, { task: 'classification', nClasses: 4, seed: 1 });
    await est.fit(X, Float64Array.from([0, 0, 1, 1]));
    const P = est.predictProba!(matrix(2, 1, Float64Array.from([0.5, 5.5])));
    expect(Array.from(P.data)).toEqual([1, 0, 0, 0, 0, 1, 0, 0]);
  });

  it('different seeds give different forests, the same seed the same one', async () => {
    const X = matrix(40, 2, Float64Array.from({ length: 80 }, (_, i) => Math.sin(i * 1.7) * 3));
    const y = Float64Array.from({ length: 40 }, (_, i) => X.data[2 * i]! + X.data[2 * i + 1]! ** 2);
    const run = async (seed: number) => {
      const est = mlRandomForest.create({ n_estimators: 5 }, { task: 'regression', nClasses: 0, seed });
      await est.fit(X, y);
      return Array.from(est.predict(X));
    };
    expect(await run(1)).toEqual(await run(1));
    expect(await run(1)).not.toEqual(await run(2));
  });

  it('validates params and load input', () => {
    for (const p of [{ n_estimators: 0 }, { max_features: 0 }, { max_features: 1.5 }, { bootstrap: 'yes' }]) {
      let err: unknown;
      try {
        mlRandomForest.create(p, { task: 'classification', nClasses: 2, seed: 1 });
      } catch (e) {
        err = e;
      }
      expect(isAutomlError(err, 'E_PARAM')).toBe(true);
    }
    // A child index pointing backwards would make prediction loop forever.
    const bad = {
      model: 'decision_tree', version: 1, params: {},
      state: { task: 'regression', nClasses: 0, nFeatures: 1, trees: [{ feature: [0], threshold: [1], left: [0], right: [0], value: [0] }] },
    };
    expect(() => decisionTree.load(bad)).toThrow(/children/);
  });
});
