import { describe, expect, it } from 'vitest';
import { mlLogisticRegression } from '../../src/models/logistic-regression.js';
import { matrix } from '../../src/models/estimator.js';
import { isAutomlError } from '../../src/util/errors.js';
import { describeEstimatorContract } from '../contracts/estimator-contract.js';

describeEstimatorContract(mlLogisticRegression, [
  { params: {}, task: 'classification' },
  { params: { max_iter: 300, learning_rate: 0.5, fit_intercept: false }, task: 'classification' },
]);

describe('ml_logistic_regression', () => {
  const ctx = { task: 'classification' as const, nClasses: 3, seed: 1 };
  it('needs the intercept to separate data lying on one side of the origin', async () => {
    // Classes split at x = 5; without an intercept the boundary must pass through 0.
    const X = matrix(8, 1, Float64Array.from([3, 3.5, 4, 4.5, 5.5, 6, 6.5, 7]));
    const y = Float64Array.from([0, 0, 0, 0, 1, 1, 1, 1]);
    const est = mlLogisticRegression.create({ max_iter: 3000, learning_rate: 1 }, { ...ctx, nClasses: 2 });
    await est.fit(X, y);
    expect(Array.from(est.predict(X))).toEqual(Array.from(y));
  });

  it('trains only the classes present and gives absent classes probability 0', async () => {
    const X = matrix(4, 1, Float64Array.from([-2, -1, 1, 2]));
    const est = mlLogisticRegression.create({}, ctx);
    await est.fit(X, Float64Array.from([0, 0, 2, 2]));
    const P = est.predictProba!(X);
    for (let i = 0; i < 4; i++) expect(P.data[i * 3 + 1]).toBe(0);
    expect(Array.from(est.predict(X))).toEqual([0, 0, 2, 2]);
    const one = mlLogisticRegression.create({}, ctx);
    await one.fit(X, Float64Array.from([1, 1, 1, 1]));
    expect(Array.from(one.predictProba!(X).data.subarray(0, 3))).toEqual([0, 1, 0]);
  });

  it('rejects bad params', () => {
    for (const p of [{ learning_rate: 0 }, { max_iter: -5 }, { C: 1 }]) {
      let err: unknown;
      try {
        mlLogisticRegression.create(p, ctx);
      } catch (e) {
        err = e;
      }
      expect(isAutomlError(err, 'E_PARAM')).toBe(true);
    }
  });
});
