/**
 * Tree learners score within a stated margin of scikit-learn on bundled datasets.
 * References: scikit-learn 1.2.1 (Debian python3-sklearn), printed by
 * `OMP_NUM_THREADS=1 /usr/bin/python3 bench/learners/sklearn-reference.py`; split: rows with
 * i % 4 == 0 are the test set; HistGradientBoosting (classifier, regressor) with early_stopping=False and the given
 * max_iter (other settings default); RandomForest and ExtraTrees with n_estimators=50, the mean
 * over random_state 0..9. Scores: accuracy (classification), R^2 (regression).
 */
import { describe, expect, it } from 'vitest';
import { gradientBoostingSpec } from '../../../src/models/fast/index.js';
import type { ModelSpec } from '../../../src/models/estimator.js';
import { accuracy, loadCsv, r2, splitEvery } from './data.js';

function score(spec: ModelSpec, params: Record<string, unknown>, ds: string, cls: boolean, seed: number): number {
  const { train, test } = splitEvery(loadCsv(ds, cls));
  const m = spec.create(params, { task: cls ? 'classification' : 'regression', nClasses: train.nClasses, seed });
  m.fit(train.X, train.y);
  const p = m.predict(test.X);
  return cls ? accuracy(p, test.y) : r2(p, test.y);
}

describe('gradient_boosting vs HistGradientBoosting (same defaults: 31 leaves, lr 0.1, min leaf 20)', () => {
  // [dataset, classification, rounds, sklearn score, margin]. One test row is 0.7 points of
  // accuracy on breast-cancer, so margins allow one or two rows.
  const cases: [string, boolean, number, number, number][] = [
    ['breast-cancer', true, 100, 0.986, 0.015],
    ['wine', true, 100, 1.0, 0.023],
    ['iris', true, 100, 0.9737, 0.027],
    ['digits', true, 20, 0.9689, 0.01],
    ['diabetes-progression', false, 100, 0.3786, 0.03],
  ];
  for (const [ds, cls, rounds, ref, margin] of cases) {
    it(`${ds}: ${rounds} rounds within ${margin} of ${ref}`, () => {
      const s = score(gradientBoostingSpec, { n_estimators: rounds, early_stopping: 'off' }, ds, cls, 0);
      expect(s).toBeGreaterThanOrEqual(ref - margin);
    });
  }
});
