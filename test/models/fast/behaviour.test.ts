/**
 * Behaviour of the fast learners beyond the shared contract: missing values, early stopping,
 * parameter validation, aborts, seeds and serialisation details.
 */
import { describe, expect, it } from 'vitest';
import { isAutomlError } from '../../../src/util/errors.js';
import { createRng } from '../../../src/util/rng.js';
import type { EstimatorJSON, Matrix, ModelSpec } from '../../../src/models/estimator.js';
import { GradientBoosting, extraTreesSpec, fastModels, gradientBoostingSpec, logisticRegressionSpec, randomForestSpec, ridgeSpec } from '../../../src/models/fast/index.js';
import { fitCuts, binMatrix, MISSING_BIN } from '../../../src/models/fast/binning.js';
import { accuracy } from './data.js';

/** x0 decides the class; in `missing` rows x0 is NaN and the class is always 1. */
function missingData(n: number, seed: number): { X: Matrix; y: Float64Array } {
  const rng = createRng(seed);
  const X = new Float64Array(n * 3);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const x0 = rng.normal();
    X[i * 3 + 1] = rng.normal();
    X[i * 3 + 2] = rng.normal();
    if (i % 4 === 0) {
      X[i * 3] = NaN;
      y[i] = 1;
    } else {
      X[i * 3] = x0;
      y[i] = x0 > 0.5 ? 1 : 0;
    }
  }
  return { X: { rows: n, cols: 3, data: X }, y };
}

describe('missing values', () => {
  for (const spec of [gradientBoostingSpec, randomForestSpec, extraTreesSpec]) {
    it(`${spec.name} learns where NaN rows belong and round-trips that through JSON`, () => {
      expect(spec.handlesMissing).toBe(true);
      const train = missingData(400, 1);
      const test = missingData(200, 2);
      const m = spec.create({ n_estimators: 30 }, { task: 'classification', nClasses: 2, seed: 3 });
      m.fit(train.X, train.y);
      const p = m.predict(test.X);
      expect(accuracy(p, test.y)).toBeGreaterThan(0.9);
      for (let i = 0; i < test.y.length; i += 4) expect(p[i]).toBe(1);
      const back = spec.load(JSON.parse(JSON.stringify(m.toJSON())) as EstimatorJSON);
      expect(Array.from(back.predict(test.X))).toEqual(Array.from(p));
    });
  }

  it('binning puts NaN in its own bin and keeps at most max_bins bins', () => {
    const n = 1000;
    const data = new Float64Array(n);
    for (let i = 0; i < n; i++) data[i] = i % 10 === 0 ? NaN : i * 1.5;
    const X = { rows: n, cols: 1, data };
    const cuts = fitCuts(X, null, 16, createRng(1));
    expect(cuts.nBins[0]).toBeLessThanOrEqual(16);
    const bins = binMatrix(X, null, cuts);
    const counts = new Map<number, number>();
    for (let i = 0; i < n; i++) {
      if (Number.isNaN(data[i]!)) expect(bins[i]).toBe(MISSING_BIN);
      else counts.set(bins[i]!, (counts.get(bins[i]!) ?? 0) + 1);
    }
    // Quantile bins hold about the same number of rows.
    for (const c of counts.values()) expect(c).toBeGreaterThan(40);
  });

  it('rejects infinities with E_DATA naming the row', () => {
    const X = { rows: 2, cols: 1, data: Float64Array.of(1, Infinity) };
    const m = gradientBoostingSpec.create({}, { task: 'regression', nClasses: 0, seed: 0 });
    expect(() => m.fit(X, Float64Array.of(1, 2))).toThrow(/row 1/);
  });
});

describe('gradient_boosting', () => {
  it('early stopping on the validation split stops before n_estimators on a noise-only target', () => {
    const rng = createRng(9);
    const n = 2000;
    const X = new Float64Array(n * 5).map(() => rng.normal());
    const y = new Float64Array(n).map(() => (rng.next() < 0.5 ? 1 : 0));
    const m = gradientBoostingSpec.create({ n_estimators: 300, early_stopping: 'on', n_iter_no_change: 5 }, { task: 'classification', nClasses: 2, seed: 1 }) as GradientBoosting;
    m.fit({ rows: n, cols: 5, data: X }, y);
    expect(m.nRounds).toBeLessThan(60);
  });

  it('squared error fits a step function almost exactly (distinct values <= 255 get exact cuts)', () => {
    const n = 250;
    const X = new Float64Array(n).map((_, i) => i / n);
    const y = X.map((v) => (v < 0.3 ? 1 : v < 0.7 ? 5 : -2));
    const m = gradientBoostingSpec.create({ n_estimators: 200, learning_rate: 0.3, min_samples_leaf: 5 }, { task: 'regression', nClasses: 0, seed: 0 });
    m.fit({ rows: n, cols: 1, data: X }, y);
    const p = m.predict({ rows: n, cols: 1, data: X });
    for (let i = 0; i < n; i++) expect(Math.abs(p[i]! - y[i]!)).toBeLessThan(0.05);
  });

  it('different seeds give different models when rows and columns are subsampled', () => {
    const { X, y } = missingData(300, 4);
    const fit = (seed: number) => {
      const m = gradientBoostingSpec.create({ n_estimators: 10, subsample: 0.5, colsample: 0.7 }, { task: 'classification', nClasses: 2, seed });
      m.fit(X, y);
      return Array.from(m.predictProba!(X).data);
    };
    expect(fit(1)).toEqual(fit(1));
    expect(fit(1)).not.toEqual(fit(2));
  });

  it('a fired AbortSignal stops the fit with E_ABORTED', () => {
    const ac = new AbortController();
    ac.abort();
    const m = gradientBoostingSpec.create({}, { task: 'regression', nClasses: 0, seed: 0, signal: ac.signal });
    let caught: unknown;
    try {
      m.fit({ rows: 3, cols: 1, data: Float64Array.of(1, 2, 3) }, Float64Array.of(1, 2, 3));
    } catch (e) {
      caught = e;
    }
    expect(isAutomlError(caught, 'E_ABORTED')).toBe(true);
  });
});

describe('parameters', () => {
  const bad: [ModelSpec, Record<string, unknown>, string][] = [
    [gradientBoostingSpec, { learning_rate: 0 }, 'learning_rate'],
    [gradientBoostingSpec, { max_leaves: 1.5 }, 'max_leaves'],
    [gradientBoostingSpec, { early_stopping: 'sometimes' }, 'early_stopping'],
    [gradientBoostingSpec, { num_leaves: 31 }, 'num_leaves'],
    [randomForestSpec, { max_features: 2 }, 'max_features'],
    [extraTreesSpec, { criterion: 'mse' }, 'criterion'],
    [logisticRegressionSpec, { C: -1 }, 'C'],
    [ridgeSpec, { alpha: 'big' }, 'alpha'],
  ];
  for (const [spec, params, name] of bad) {
    it(`${spec.name} rejects ${JSON.stringify(params)} with E_PARAM naming ${name}`, () => {
      const task = spec.tasks[0]!;
      let caught: unknown;
      try {
        spec.create(params, { task, nClasses: task === 'classification' ? 2 : 0, seed: 0 });
      } catch (e) {
        caught = e;
      }
      expect(isAutomlError(caught, 'E_PARAM')).toBe(true);
      expect((caught as Error).message).toContain(name);
    });
  }

  it('the registry lists the five fast models with unique names', () => {
    expect(fastModels.map((m) => m.name).sort()).toEqual(['extra_trees', 'gradient_boosting', 'logistic_regression', 'random_forest', 'ridge']);
  });

  it('predicting with the wrong number of columns fails with E_PREDICT_COLUMNS', () => {
    const m = ridgeSpec.create({}, { task: 'regression', nClasses: 0, seed: 0 });
    m.fit({ rows: 3, cols: 1, data: Float64Array.of(1, 2, 3) }, Float64Array.of(1, 2, 3));
    let caught: unknown;
    try {
      m.predict({ rows: 1, cols: 2, data: Float64Array.of(1, 2) });
    } catch (e) {
      caught = e;
    }
    expect(isAutomlError(caught, 'E_PREDICT_COLUMNS')).toBe(true);
  });
});
