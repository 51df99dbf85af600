/**
 * Drift detection accuracy on seeded shifts (issue 18): a numeric column moved by 0.5 standard
 * deviations and a category whose share doubles are flagged, by the small-sample tests (KS,
 * chi-squared) and by the large-sample distances (Wasserstein, Jensen-Shannon); resamples of the
 * training data without a shift flag the dataset in at most 5% of 100 seeded resamples.
 * The rates are printed (DRIFT-RATES lines) for the record.
 */
import { describe, expect, it } from 'vitest';
import { datasetFromRows } from '../../src/data/index.js';
import { checkDrift, checkDriftRows, DRIFT_DEFAULTS, driftSettings, type DriftOptions, type DriftReport } from '../../src/serving/drift.js';
import { isAutomlError } from '../../src/util/errors.js';
import { createRng } from '../../src/util/rng.js';
import { bareProfile, fitModel, resample, synthRows } from './helpers.js';

const SEEDS = 100;

/**
 * Over SEEDS seeded samples of `fresh` rows against a profile of `train` rows: how often x1 moved
 * by 0.5 sd and a doubled "red" share (20% -> 40%) are flagged, and how often the dataset is
 * flagged on bootstrap resamples of the training rows and on fresh samples of the same distribution.
 */
function rates(train: number, fresh: number, options: DriftOptions = {}) {
  const trainRows = synthRows(`train-${train}`, train);
  const profile = bareProfile(datasetFromRows(trainRows, { target: 'y' }));
  const col = (r: DriftReport, name: string) => r.columns.find((c) => c.column === name)!;
  let shiftHits = 0;
  let shareHits = 0;
  let falseResample = 0;
  let falseFresh = 0;
  let falseColumns = 0;
  const methods = new Set<string>();
  for (let s = 0; s < SEEDS; s++) {
    const x1 = col(checkDriftRows(profile, synthRows(`shift-${train}-${s}`, fresh, { shift: 0.5 }), options), 'x1');
    methods.add(x1.method!);
    if (x1.drifted) shiftHits++;
    const color = col(checkDriftRows(profile, synthRows(`red-${train}-${s}`, fresh, { red: 0.4 }), options), 'color');
    methods.add(color.method!);
    if (color.drifted) shareHits++;
    if (checkDriftRows(profile, resample(trainRows, fresh, `${train}-${s}`), options).dataset.drifted) falseResample++;
    const same = checkDriftRows(profile, synthRows(`same-${train}-${s}`, fresh), options);
    if (same.dataset.drifted) falseFresh++;
    falseColumns += same.columns.filter((c) => c.drifted).length;
  }
  const r = { shift: shiftHits / SEEDS, share: shareHits / SEEDS, falseResample: falseResample / SEEDS, falseFresh: falseFresh / SEEDS, falseColumn: falseColumns / (SEEDS * 4), methods: [...methods].sort() };
  console.log(`DRIFT-RATES ${train} training rows, ${fresh} new${options.sizeRule ? ` (sizeRule ${options.sizeRule})` : ''}: ${JSON.stringify(r)}`);
  return r;
}

describe('drift detection accuracy (100 seeded samples per case)', () => {
  it('small samples (300 training rows, 100 new): KS and chi-squared', () => {
    const r = rates(300, 100);
    expect(r.methods).toEqual(['chi-squared', 'ks']);
    expect(r.shift).toBeGreaterThanOrEqual(0.85);
    expect(r.share).toBeGreaterThanOrEqual(0.8);
    expect(r.falseResample).toBeLessThanOrEqual(0.05);
    expect(r.falseFresh).toBeLessThanOrEqual(0.05);
  });

  it('a large training set and a small window (2000 training rows, 100 new): still the tests', () => {
    const r = rates(2000, 100);
    expect(r.methods).toEqual(['chi-squared', 'ks']);
    expect(r.shift).toBeGreaterThanOrEqual(0.8);
    expect(r.share).toBeGreaterThanOrEqual(0.8);
    expect(r.falseResample).toBeLessThanOrEqual(0.05);
    expect(r.falseFresh).toBeLessThanOrEqual(0.05);
  });

  it("Evidently's rule (distances as soon as the training set is large) false-alarms on that small window", () => {
    const r = rates(2000, 100, { sizeRule: 'reference' });
    expect(r.methods).toEqual(['jensen-shannon', 'wasserstein']);
    expect(r.falseFresh).toBeGreaterThan(0.15);
    expect(r.falseResample).toBeGreaterThan(0.15);
  });

  it('large samples (5000 training rows, 2000 new): normalised Wasserstein and Jensen-Shannon', () => {
    const r = rates(5000, 2000);
    expect(r.methods).toEqual(['jensen-shannon', 'wasserstein']);
    expect(r.shift).toBeGreaterThanOrEqual(0.95);
    expect(r.share).toBeGreaterThanOrEqual(0.95);
    expect(r.falseResample).toBeLessThanOrEqual(0.05);
    expect(r.falseFresh).toBeLessThanOrEqual(0.05);
  });
});

describe('checkDrift', () => {
  const trainRows = synthRows('unit', 600);
  const profile = bareProfile(datasetFromRows(trainRows, { target: 'y' }));

  it('reports test, statistic, p-value, PSI and flags per column', () => {
    const fresh = synthRows('unit-new', 300, { shift: 1 }).map((r, i) => ({ ...r, x2: i % 4 === 0 ? null : r.x2, color: i % 10 === 0 ? 'purple' : r.color, x1: i === 0 ? 1e6 : r.x1 }));
    const r = checkDrift(profile, fresh);
    expect(r.rows).toBe(300);
    expect(r.referenceRows).toBe(600);
    const x1 = r.columns.find((c) => c.column === 'x1')!;
    expect(x1).toMatchObject({ type: 'numeric', method: 'ks', drifted: true, threshold: 0.05, referenceRows: 600, rows: 300 });
    expect(x1.pValue).toBeLessThan(1e-6);
    expect(x1.psi).toBeGreaterThan(0.25);
    expect(x1.outOfRange!.above).toBeGreaterThanOrEqual(1);
    const x2 = r.columns.find((c) => c.column === 'x2')!;
    expect(x2.missing).toMatchObject({ reference: 0, current: 0.25, flagged: true });
    const color = r.columns.find((c) => c.column === 'color')!;
    expect(color.method).toBe('chi-squared');
    // A bare profile knows every label when none fell into "other".
    expect(color.unseen).toMatchObject({ count: 30, examples: ['purple'], flagged: true });
    const flag = r.columns.find((c) => c.column === 'flag')!;
    expect(flag).toMatchObject({ type: 'boolean', drifted: false });
    expect(r.flags.join('\n')).toMatch(/x2: missing share 0\.0% -> 25\.0%[\s\S]*color: 30 values of categories not seen/);
    expect(r.predictions).toBeNull();
  });

  it('every setting can be changed, and bad ones are refused', () => {
    const fresh = synthRows('unit-settings', 300, { shift: 0.3 });
    const strict = checkDrift(profile, fresh, { pValue: 1e-12, driftShare: 1 });
    expect(strict.settings).toMatchObject({ pValue: 1e-12, driftShare: 1, distance: DRIFT_DEFAULTS.distance });
    expect(strict.dataset.drifted).toBe(false);
    const large = checkDrift(profile, fresh, { largeRows: 100 });
    expect(checkDrift(profile, fresh, { largeRows: 500, sizeRule: 'reference' }).columns[0]!.method).toBe('wasserstein');
    expect(large.columns.map((c) => c.method)).toEqual(['wasserstein', 'wasserstein', 'jensen-shannon', 'jensen-shannon']);
    const forced = checkDrift(profile, fresh, { numericMethod: 'psi', categoricalMethod: 'psi', psi: 0.2 });
    expect(forced.columns.every((c) => c.method === 'psi' && c.statistic === c.psi && c.threshold === 0.2)).toBe(true);
    for (const bad of [{ pValue: 0 }, { pValue: 2 }, { distance: -1 }, { driftShare: 0 }, { largeRows: 1.5 }, { sizeRule: 'both' as 'smaller' }, { numericMethod: 'magic' as 'ks' }]) {
      expect(() => driftSettings(bad), JSON.stringify(bad)).toThrow(/drift setting/);
    }
  });

  it('names missing columns, refuses empty data', () => {
    const fresh = synthRows('unit-missing', 20).map(({ color: _c, x2: _x, ...rest }) => rest);
    let err: unknown;
    try {
      checkDrift(profile, fresh);
    } catch (e) {
      err = e;
    }
    expect(isAutomlError(err, 'E_PREDICT_COLUMNS')).toBe(true);
    expect((err as Error).message).toMatch(/missing columns the model was trained on: "x2", "color"/);
    expect(() => checkDrift(profile, [])).toThrow(/no rows/);
  });

  it('numeric columns with at most 5 distinct values are compared as categories, unless a numeric method is asked for', () => {
    const rows = Array.from({ length: 400 }, (_, i) => ({ k: i % 4 === 0 ? 2 : i % 2, y: i % 3 }));
    const p = bareProfile(datasetFromRows(rows, { target: 'y' }));
    const fresh = Array.from({ length: 200 }, (_, i) => ({ k: i % 2 === 0 ? 2 : i % 3 === 0 ? 7 : 1 }));
    const r = checkDrift(p, fresh);
    expect(r.columns[0]).toMatchObject({ method: 'chi-squared', drifted: true, outOfRange: { above: 33 } });
    expect(checkDrift(p, fresh, { numericMethod: 'ks' }).columns[0]!.method).toBe('ks');
  });

  it('a column left entirely missing counts as drifted', () => {
    const r = checkDrift(profile, synthRows('unit-empty', 100).map((x) => ({ ...x, x2: '' })));
    expect(r.columns.find((c) => c.column === 'x2')).toMatchObject({ method: null, drifted: true, missing: { current: 1, flagged: true } });
  });

  it("with a model: the predictions' drift, and the same result from the server's entry point with its own predictions", async () => {
    const { model } = await fitModel(trainRows, 'y');
    const same = checkDrift(model, resample(trainRows, 300, 'model-same'));
    expect(same.predictions).not.toBeNull();
    expect(same.predictions!.source).toBe('in-sample');
    expect(same.predictions!.output.method).toBe('chi-squared');
    expect(same.predictions!.drifted).toBe(false);
    expect(same.predictions!.proba.map((p) => p.label)).toEqual(['pos']);
    const shiftedRows = synthRows('model-shift', 300, { shift: 1 });
    const shifted = checkDrift(model, shiftedRows);
    expect(shifted.predictions!.drifted).toBe(true);
    const window = checkDriftRows(model, shiftedRows, { predicted: { values: model.predict(shiftedRows), proba: model.predictProba(shiftedRows) } });
    expect(window.predictions).toEqual(shifted.predictions);
    expect(checkDrift(model, shiftedRows, { predictions: false }).predictions).toBeNull();
  });

  it('regression: the predicted values against the profiled ones', async () => {
    const rng = createRng('drift-reg');
    const make = (n: number, shift: number) => Array.from({ length: n }, () => {
      const a = rng.normal() + shift;
      return { a, b: rng.normal(), y: 2 * a + rng.normal() };
    });
    const { model } = await fitModel(make(500, 0), 'y', { model: { type: 'ridge' } });
    expect(model.profile!.predictions).toMatchObject({ task: 'regression', source: 'in-sample', values: { n: 500 } });
    const same = checkDrift(model, make(200, 0));
    expect(same.predictions).toMatchObject({ drifted: false, proba: [], output: { method: 'ks' } });
    expect(checkDrift(model, make(200, 0.5)).predictions).toMatchObject({ drifted: true, output: { method: 'ks' } });
  });

  it('is part of the public API', async () => {
    const api = await import('../../src/index.js');
    for (const name of ['checkDrift', 'checkDriftRows', 'evaluateModel', 'withTrainingProfile', 'requireProfile']) expect(typeof (api as Record<string, unknown>)[name], name).toBe('function');
    expect(api.DRIFT_DEFAULTS).toMatchObject({ pValue: 0.05, distance: 0.1, largeRows: 1000, driftShare: 0.5 });
  });
});
