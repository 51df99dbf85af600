/**
 * Tree learners score within a stated margin of scikit-learn on bundled datasets.
 * References: scikit-learn 1.2.1 (Debian python3-sklearn), printed by
 * `OMP_NUM_THREADS=1 /usr/bin/python3 bench/learners/sklearn-reference.py`; split: rows with
 * i % 4 == 0 are the test set; HistGradientBoosting (classifier, regressor) with early_stopping=False and the given
 * max_iter (other settings default); RandomForest and ExtraTrees with n_estimators=50, the mean
 * over random_state 0..9. Scores: accuracy (classification), R^2 (regression).
 */
import { describe, expect, it } from 'vitest';
import { extraTreesSpec, randomForestSpec } from '../../../src/models/fast/index.js';
import type { ModelSpec } from '../../../src/models/estimator.js';
import { accuracy, loadCsv, r2, splitEvery } from './data.js';

function score(spec: ModelSpec, params: Record<string, unknown>, ds: string, cls: boolean, seed: number): number {
  const { train, test } = splitEvery(loadCsv(ds, cls));
  const m = spec.create(params, { task: cls ? 'classification' : 'regression', nClasses: train.nClasses, seed });
  m.fit(train.X, train.y);
  const p = m.predict(test.X);
  return cls ? accuracy(p, test.y) : r2(p, test.y);
}

describe('forests vs scikit-learn (n_estimators=50, mean of 3 seeds vs mean of 10)', () => {
  // [spec, dataset, classification, sklearn mean, margin (about 2 sklearn seed-to-seed sd, at least 1.5 points)]
  const cases: [ModelSpec, string, boolean, number, number][] = [
    [randomForestSpec, 'breast-cancer', true, 0.9671, 0.02],
    [randomForestSpec, 'iris', true, 0.9553, 0.025],
    [randomForestSpec, 'digits', true, 0.9778, 0.015],
    [randomForestSpec, 'diabetes-progression', false, 0.4127, 0.04],
    [extraTreesSpec, 'breast-cancer', true, 0.9727, 0.02],
    [extraTreesSpec, 'iris', true, 0.9737, 0.015],
    [extraTreesSpec, 'digits', true, 0.9869, 0.015],
    [extraTreesSpec, 'diabetes-progression', false, 0.4386, 0.04],
  ];
  for (const [spec, ds, cls, ref, margin] of cases) {
    it(`${spec.name} ${ds}: within ${margin} of ${ref}`, () => {
      let sum = 0;
      for (let seed = 0; seed < 3; seed++) sum += score(spec, { n_estimators: 50 }, ds, cls, seed);
      expect(sum / 3).toBeGreaterThanOrEqual(ref - margin);
    });
  }
});
