/**
 * L1-penalised logistic regression (OWL-QN) against scikit-learn 1.2.1 (Debian python3-sklearn):
 * LogisticRegression(penalty='l1', solver='saga', C, tol=1e-10, max_iter=100000) on features
 * standardised with the training rows' mean and population sd; figures from
 * `OMP_NUM_THREADS=1 /usr/bin/python3 bench/learners/sklearn-reference.py l1`. saga run that far
 * reaches the optimum of the same objective as ours (sum of log-losses + ||W||_1 / C, intercept
 * unpenalised), so the objective values must agree, and with them the accuracy and the support.
 * Split: rows with i % 4 == 0 are the test set.
 */
import { describe, expect, it } from 'vitest';
import { LogisticRegression, logisticRegressionSpec } from '../../../src/models/fast/index.js';
import { AutomlError } from '../../../src/util/errors.js';
import { accuracy, loadCsv, splitEvery, standardise, type Loaded } from './data.js';

function fitL1(ds: string, params: Record<string, unknown>): { m: LogisticRegression; train: Loaded; test: Loaded; W: number[] } {
  const { train, test } = splitEvery(loadCsv(ds, true));
  standardise(train, test);
  const m = logisticRegressionSpec.create({ penalty: 'l1', ...params }, { task: 'classification', nClasses: train.nClasses, seed: 0 }) as LogisticRegression;
  m.fit(train.X, train.y);
  return { m, train, test, W: (m.toJSON().state as { W: number[] }).W };
}

/** Sum of training log-losses + ||W||_1 / C: the objective both solvers minimise (scaled by 1/C). */
function objective(m: LogisticRegression, train: Loaded, W: number[], C: number): number {
  const P = m.predictProba(train.X).data;
  const K = train.nClasses;
  let loss = 0;
  for (let i = 0; i < train.X.rows; i++) loss -= Math.log(P[i * K + train.y[i]!]!);
  return loss + W.reduce((s, v) => s + Math.abs(v), 0) / C;
}

describe('logistic_regression penalty=l1 vs LogisticRegression(penalty="l1", solver="saga")', () => {
  // [dataset, C, sklearn test accuracy, sklearn non-zero weights, weights, sklearn objective]
  const cases: [string, number, number, number, number, number][] = [
    ['breast-cancer', 1, 0.979, 14, 30, 38.88670680996297],
    ['breast-cancer', 0.1, 0.986, 8, 30, 100.83181901216423],
    ['wine', 1, 0.9778, 16, 39, 18.097050094864002],
    ['wine', 0.1, 0.9556, 8, 39, 77.00420743323933],
    ['iris', 1, 0.9737, 5, 12, 25.88271857198886],
    ['iris', 0.1, 0.9737, 4, 12, 81.4299393962171],
    ['digits', 0.1, 0.9467, 140, 640, 794.7562516549785],
  ];
  for (const [ds, C, acc, nz, size, obj] of cases) {
    it(`${ds} C=${C}: objective within 1e-4 (relative) of ${obj.toFixed(4)}, accuracy within 0.01 of ${acc}, ${nz} +- 1 non-zero weights`, () => {
      const { m, train, test, W } = fitL1(ds, { C });
      expect(W.length).toBe(size);
      const f = objective(m, train, W, C);
      // Never meaningfully worse than saga's optimum (and it cannot be meaningfully better).
      expect(Math.abs(f - obj) / obj).toBeLessThanOrEqual(1e-4);
      expect(Math.abs(accuracy(m.predict(test.X), test.y) - acc)).toBeLessThanOrEqual(0.01);
      expect(Math.abs(W.filter((v) => v !== 0).length - nz)).toBeLessThanOrEqual(1);
    });
  }

  it('with small C most weights are exactly zero, and fewer than with L2', () => {
    const { W } = fitL1('breast-cancer', { C: 0.01 });
    const zeros = W.filter((v) => v === 0).length;
    // scikit-learn keeps 3 of 30 at this C.
    expect(zeros).toBeGreaterThanOrEqual(26);
    const { train } = splitEvery(loadCsv('breast-cancer', true));
    const l2 = logisticRegressionSpec.create({ C: 0.01 }, { task: 'classification', nClasses: 2, seed: 0 });
    l2.fit(train.X, train.y);
    expect((l2.toJSON().state as { W: number[] }).W.filter((v) => v === 0).length).toBe(0);
  });

  it('with C small enough every weight is zero and the intercepts give the class frequencies', () => {
    const { m, train, test, W } = fitL1('wine', { C: 0.01 });
    expect(W.every((v) => v === 0)).toBe(true);
    const P = m.predictProba(test.X).data;
    const K = train.nClasses;
    for (let k = 0; k < K; k++) {
      const freq = train.y.filter((v) => v === k).length / train.X.rows;
      expect(P[k]).toBeCloseTo(freq, 3);
    }
  });

  it('toJSON/load keeps the penalty and gives identical predictions', () => {
    const { m, test } = fitL1('wine', { C: 0.5 });
    const json = JSON.parse(JSON.stringify(m.toJSON()));
    expect(json.params.penalty).toBe('l1');
    const back = logisticRegressionSpec.load(json);
    expect(Array.from(back.predictProba!(test.X).data)).toEqual(Array.from(m.predictProba(test.X).data));
  });

  it('an unknown penalty is refused with E_PARAM naming it', () => {
    const make = (): unknown => logisticRegressionSpec.create({ penalty: 'elasticnet' }, { task: 'classification', nClasses: 2, seed: 0 });
    expect(make).toThrow(AutomlError);
    expect(make).toThrow(/penalty/);
  });
});
