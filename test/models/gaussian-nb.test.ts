import { describe, expect, it } from 'vitest';
import { gaussianNb } from '../../src/models/gaussian-nb.js';
import { matrix } from '../../src/models/estimator.js';
import { isAutomlError } from '../../src/util/errors.js';
import { describeEstimatorContract } from '../contracts/estimator-contract.js';

describeEstimatorContract(gaussianNb, [
  { params: {}, task: 'classification' },
  { params: { var_smoothing: 1e-3 }, task: 'classification' },
]);

describe('gaussian_nb', () => {
  it('matches the hand-computed posterior on a 1-D two-class problem', async () => {
    // class 0: x = 0, 2 (mean 1, var 1); class 1: x = 4, 6 (mean 5, var 1); equal priors.
    const est = gaussianNb.create({ var_smoothing: 0 }, { task: 'classification', nClasses: 2, seed: 1 });
    await est.fit(matrix(4, 1, Float64Array.from([0, 2, 4, 6])), Float64Array.from([0, 0, 1, 1]));
    const P = est.predictProba!(matrix(1, 1, Float64Array.from([3.5])));
    // log-odds(1 vs 0) = -0.5 (1.5^2 - 2.5^2) = 2
    expect(P.data[1]).toBeCloseTo(1 / (1 + Math.exp(-2)), 12);
  });

  it('gives zero probability to a class absent from training', async () => {
    const est = gaussianNb.create({}, { task: 'classification', nClasses: 3, seed: 1 });
    await est.fit(matrix(4, 1, Float64Array.from([0, 1, 5, 6])), Float64Array.from([0, 0, 2, 2]));
    const P = est.predictProba!(matrix(2, 1, Float64Array.from([0.5, 5.5])));
    expect(P.data[1]).toBe(0);
    expect(P.data[4]).toBe(0);
    expect(Array.from(est.predict(matrix(2, 1, Float64Array.from([0.5, 5.5]))))).toEqual([0, 2]);
  });

  it('rejects bad params and regression', () => {
    const ctx = { task: 'classification' as const, nClasses: 2, seed: 1 };
    for (const p of [{ var_smoothing: -1 }, { var_smoothing: 'x' }, { nope: 1 }]) {
      expect(() => gaussianNb.create(p, ctx)).toThrowError(/var_smoothing|nope/);
      try {
        gaussianNb.create(p, ctx);
      } catch (e) {
        expect(isAutomlError(e, 'E_PARAM')).toBe(true);
      }
    }
    expect(() => gaussianNb.create({}, { task: 'regression', nClasses: 0, seed: 1 })).toThrow(/classification/);
  });
});
