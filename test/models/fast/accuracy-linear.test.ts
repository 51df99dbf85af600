/**
 * Linear learners match scikit-learn 1.2.1 (Debian python3-sklearn) on bundled datasets; figures
 * from `OMP_NUM_THREADS=1 /usr/bin/python3 bench/learners/sklearn-reference.py`. Split: rows with
 * i % 4 == 0 are the test set. Logistic regression: LogisticRegression(C=1, max_iter=100, lbfgs)
 * on features standardised with the training rows' mean and population sd; our L-BFGS uses the
 * same objective and stopping rules, so even the iteration counts agree. Ridge: Ridge(alpha).
 */
import { describe, expect, it } from 'vitest';
import { LogisticRegression, logisticRegressionSpec, ridgeSpec } from '../../../src/models/fast/index.js';
import { accuracy, loadCsv, r2, splitEvery, standardise } from './data.js';

describe('logistic_regression vs LogisticRegression(lbfgs)', () => {
  // [dataset, sklearn accuracy, sklearn n_iter]
  const cases: [string, number, number][] = [
    ['breast-cancer', 0.979, 32],
    ['wine', 0.9778, 23],
    ['iris', 0.9737, 23],
    ['digits', 0.9711, 97],
  ];
  for (const [ds, ref, iters] of cases) {
    it(`${ds}: accuracy within 0.005 of ${ref}, iterations within 25% of ${iters}`, () => {
      const { train, test } = splitEvery(loadCsv(ds, true));
      standardise(train, test);
      const m = logisticRegressionSpec.create({}, { task: 'classification', nClasses: train.nClasses, seed: 0 }) as LogisticRegression;
      m.fit(train.X, train.y);
      expect(Math.abs(accuracy(m.predict(test.X), test.y) - ref)).toBeLessThanOrEqual(0.005);
      expect(Math.abs(m.iterations - iters)).toBeLessThanOrEqual(Math.ceil(0.25 * iters));
    });
  }

  it('stronger regularisation shrinks the weights and flattens the probabilities', () => {
    const { train, test } = splitEvery(loadCsv('breast-cancer', true));
    standardise(train, test);
    const maxProb = (C: number): number => {
      const m = logisticRegressionSpec.create({ C }, { task: 'classification', nClasses: 2, seed: 0 });
      m.fit(train.X, train.y);
      const P = Array.from(m.predictProba!(test.X).data);
      return P.reduce((a, b) => Math.max(a, b), 0);
    };
    expect(maxProb(0.001)).toBeLessThan(maxProb(1));
  });
});

describe('ridge vs Ridge', () => {
  const refs: [number, number][] = [
    [0, 0.462891184677271],
    [1, 0.4637395856706624],
    [10, 0.4661531445845244],
  ];
  for (const [alpha, ref] of refs) {
    it(`diabetes-progression alpha=${alpha}: R^2 ${ref} to 1e-9`, () => {
      const { train, test } = splitEvery(loadCsv('diabetes-progression', false));
      const m = ridgeSpec.create({ alpha }, { task: 'regression', nClasses: 0, seed: 0 });
      m.fit(train.X, train.y);
      expect(r2(m.predict(test.X), test.y)).toBeCloseTo(ref, 9);
    });
  }

  it('alpha = 0 on a singular design (duplicated column) falls back to a tiny ridge', () => {
    const n = 50;
    const X = new Float64Array(n * 2);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      X[2 * i] = X[2 * i + 1] = i / 10;
      y[i] = 2 * (i / 10) + 1;
    }
    const m = ridgeSpec.create({ alpha: 0 }, { task: 'regression', nClasses: 0, seed: 0 });
    m.fit({ rows: n, cols: 2, data: X }, y);
    const p = m.predict({ rows: n, cols: 2, data: X });
    for (let i = 0; i < n; i++) expect(p[i]).toBeCloseTo(y[i]!, 6);
  });
});
