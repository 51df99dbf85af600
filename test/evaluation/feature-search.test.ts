import { describe, expect, it } from 'vitest';
import { greedyFeatureSearch } from '../../src/evaluation/feature-search.js';
import { accuracy, r2 } from '../../src/evaluation/metrics.js';
import { kFold, stratifiedKFold } from '../../src/evaluation/splitters.js';
import type { ModelSpec } from '../../src/models/estimator.js';
import { logisticRegressionSpec } from '../../src/models/fast/logistic-regression.js';
import { ridgeSpec } from '../../src/models/fast/ridge.js';
import { synthClassification, synthRegression } from '../pipeline/selection-helpers.js';

const lookup = (name: string): ModelSpec => {
  if (name === 'logistic_regression') return logisticRegressionSpec;
  if (name === 'ridge') return ridgeSpec;
  throw new Error(`unknown model ${name}`);
};
const logistic = { type: 'logistic_regression' } as const;

describe('greedyFeatureSearch', () => {
  it('forward search finds the informative columns and beats the all-column baseline', async () => {
    const data = synthRegression(160, 6, 9);
    const folds = kFold(data.nRows, 3, 1);
    const opts = { dataset: data, config: { model: { type: 'ridge', alpha: 1 } }, folds, metric: r2, lookupModel: lookup, seed: 5 };
    const res = await greedyFeatureSearch(opts);
    expect(res.columns).toContain('x0');
    expect(res.columns).toContain('x1');
    expect(res.columns.filter((c) => c.startsWith('n')).length).toBeLessThanOrEqual(1);
    expect(res.improved).toBe(true);
    expect(res.score).toBeGreaterThan(res.baselineScore);
    expect(res.steps[0]!.column).toBe('x0');
    expect(res.stoppedBy).toBe('converged');
    // Baseline (3 fits) + each step tries every remaining column on 3 folds.
    expect(res.fits).toBeGreaterThan(3 * 9);
    const again = await greedyFeatureSearch(opts);
    expect(again).toEqual(res);
    // Without the standard-error check, fold-to-fold luck adds noise columns.
    const loose = await greedyFeatureSearch({ ...opts, seFactor: 0 });
    expect(loose.columns.filter((c) => c.startsWith('n')).length).toBeGreaterThan(res.columns.filter((c) => c.startsWith('n')).length);
  });

  it('backward search drops noise; a past deadline stops after the baseline', async () => {
    const data = synthClassification(200, 3, 10);
    const folds = stratifiedKFold(data.target.values, 3, 1);
    const base = { dataset: data, config: { model: logistic }, folds, metric: accuracy, lookupModel: lookup, seed: 2 };
    const back = await greedyFeatureSearch({ ...base, direction: 'backward' });
    expect(back.columns).toEqual(expect.arrayContaining(['x0', 'x1']));
    expect(back.columns.length).toBeLessThan(data.features.length);
    expect(back.score).toBeGreaterThanOrEqual(back.baselineScore);
    const late = await greedyFeatureSearch({ ...base, deadline: Date.now() - 1 });
    expect(late).toMatchObject({ stoppedBy: 'deadline', fits: 3, improved: false, columns: data.features.map((f) => f.name) });
  });

  it('an aborted signal ends the search with E_ABORTED, even past the deadline', async () => {
    const data = synthRegression(60, 2, 9);
    const ac = new AbortController();
    ac.abort();
    const base = { dataset: data, config: { model: { type: 'ridge', alpha: 1 } }, folds: kFold(data.nRows, 3, 1), metric: r2, lookupModel: lookup, seed: 1, signal: ac.signal };
    await expect(greedyFeatureSearch(base)).rejects.toMatchObject({ code: 'E_ABORTED' });
    await expect(greedyFeatureSearch({ ...base, deadline: Date.now() - 1 })).rejects.toMatchObject({ code: 'E_ABORTED' });
  });
});
