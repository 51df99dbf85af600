import { describe, expect, it } from 'vitest';
import { knn } from '../../src/models/knn.js';
import { matrix } from '../../src/models/estimator.js';
import { isAutomlError } from '../../src/util/errors.js';
import { describeEstimatorContract } from '../contracts/estimator-contract.js';

describeEstimatorContract(knn, [
  { params: {}, task: 'classification' },
  { params: { n_neighbors: 7, weights: 'distance', metric: 'manhattan' }, task: 'classification' },
  { params: {}, task: 'regression' },
  { params: { n_neighbors: 3, weights: 'distance' }, task: 'regression' },
]);

describe('knn', () => {
  const X = matrix(5, 1, Float64Array.from([0, 1, 2, 10, 11]));
  it('averages the k nearest targets (uniform) and weights by 1/d (distance)', async () => {
    const y = Float64Array.from([0, 10, 20, 100, 110]);
    const uni = knn.create({ n_neighbors: 2 }, { task: 'regression', nClasses: 0, seed: 1 });
    await uni.fit(X, y);
    expect(uni.predict(matrix(1, 1, Float64Array.from([0.25])))[0]).toBeCloseTo(5, 12);
    const dis = knn.create({ n_neighbors: 2, weights: 'distance' }, { task: 'regression', nClasses: 0, seed: 1 });
    await dis.fit(X, y);
    // neighbours x=0 (d=.25, w=4) and x=1 (d=.75, w=4/3): (0*4 + 10*4/3) / (16/3) = 2.5
    expect(dis.predict(matrix(1, 1, Float64Array.from([0.25])))[0]).toBeCloseTo(2.5, 12);
    // An exact match takes all the weight.
    expect(dis.predict(matrix(1, 1, Float64Array.from([10])))[0]).toBe(100);
  });

  it('votes class probabilities and caps k at the training size', async () => {
    const est = knn.create({ n_neighbors: 50 }, { task: 'classification', nClasses: 3, seed: 1 });
    await est.fit(X, Float64Array.from([0, 0, 0, 1, 1]));
    const P = est.predictProba!(matrix(1, 1, Float64Array.from([5])));
    expect(Array.from(P.data)).toEqual([0.6, 0.4, 0]);
  });

  it('rejects bad params and wrong widths', async () => {
    for (const p of [{ n_neighbors: 0 }, { n_neighbors: 2.5 }, { weights: 'gaussian' }, { metric: 'cosine' }]) {
      let err: unknown;
      try {
        knn.create(p, { task: 'regression', nClasses: 0, seed: 1 });
      } catch (e) {
        err = e;
      }
      expect(isAutomlError(err, 'E_PARAM')).toBe(true);
      expect((err as Error).message).toContain(Object.keys(p)[0]);
    }
    const est = knn.create({}, { task: 'regression', nClasses: 0, seed: 1 });
    await est.fit(X, Float64Array.from([1, 2, 3, 4, 5]));
    expect(() => est.predict(matrix(1, 2))).toThrow(/2 columns/);
  });
});
