import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../src/data/index.js';
import { datasetFromRows, featureRowsFromObjects } from '../../src/data/index.js';
import type { ModelSpec } from '../../src/models/estimator.js';
import { logisticRegressionSpec } from '../../src/models/fast/logistic-regression.js';
import { ridgeSpec } from '../../src/models/fast/ridge.js';
import type { PipelineConfig, SelectConfig } from '../../src/pipeline/index.js';
import { Pipeline, loadPipeline } from '../../src/pipeline/index.js';
import type { AutomlError } from '../../src/util/errors.js';
import { createRng } from '../../src/util/rng.js';
import { range, synthClassification, synthRegression } from './selection-helpers.js';

const lookup = (name: string): ModelSpec => {
  if (name === 'logistic_regression') return logisticRegressionSpec;
  if (name === 'ridge') return ridgeSpec;
  throw new Error(`unknown model ${name}`);
};
const logistic = { type: 'logistic_regression' } as const;
const ridge = { type: 'ridge', alpha: 1 } as const;

const ALL_METHODS: SelectConfig[] = [
  { type: 'filter', score: 'f', k: 1 },
  { type: 'filter', score: 'mutual_info', k: 1 },
  { type: 'model_importance', estimator: 'trees', threshold: 2 },
  { type: 'model_importance', estimator: 'l1', threshold: 2 },
  { type: 'fdr', alpha: 0.05 },
  { type: 'l1_importance', threshold: 1, alpha_ratio: 0.3 },
];

/**
 * 240 rows: `signal` moderately predicts the target everywhere; `leak` IS the target in rows
 * 160..239 (the validation rows) and noise in the training rows 0..159.
 */
function leakyDataset(task: 'classification' | 'regression'): Dataset {
  const rng = createRng(11);
  const rows = Array.from({ length: 240 }, (_, i) => {
    const signal = rng.normal();
    const t = 0.45 * signal + rng.normal();
    const y = task === 'classification' ? (t > 0 ? 1 : 0) : t;
    const leak = i >= 160 ? y : task === 'classification' ? rng.int(0, 1) : rng.normal();
    return { signal, leak, other: rng.normal(), y };
  });
  return datasetFromRows(rows, { target: 'y', task, name: `leaky-${task}` });
}

describe('selection inside the pipeline', () => {
  it('never sees the validation rows (leakage test)', async () => {
    for (const task of ['classification', 'regression'] as const) {
      const data = leakyDataset(task);
      const model = task === 'classification' ? logistic : ridge;
      for (const select of ALL_METHODS) {
        const p = await new Pipeline(lookup).fit(data, range(0, 160), { select, model }, { seed: 1 });
        expect(p.keptColumns, `${task} ${JSON.stringify(select)}`).not.toContain('leak');
        expect(p.keptColumns).toContain('signal');
      }
      // The check has teeth: once validation rows are among the rows fitted on, the leak wins.
      for (const select of ALL_METHODS) {
        const seen = await new Pipeline(lookup).fit(data, range(80, 240), { select, model }, { seed: 1 });
        expect(seen.keptColumns, `${task} ${JSON.stringify(select)}`).toContain('leak');
      }
    }
  });

  it('reports kept features (output names) and kept source columns', async () => {
    const data = synthClassification(300, 10, 3);
    const p = await new Pipeline(lookup).fit(data, range(0, 300), { select: { type: 'anova_f', k: 3 }, model: logistic }, { seed: 1 });
    expect(p.keptFeatures).toEqual(['x0', 'x1', 'color=red']);
    expect(p.keptColumns).toEqual(['x0', 'x1', 'color']);
    expect(p.requiredColumns).toEqual(['x0', 'x1', 'color']);
    expect(p.requiredSchema.map((c) => c.name)).toEqual(['x0', 'x1', 'color']);
    expect(p.transform(data, range(0, 5)).cols).toBe(3);
    const none = await new Pipeline(lookup).fit(data, range(0, 300), { select: { type: 'none' }, model: logistic }, { seed: 1 });
    expect(none.keptColumns).toEqual(data.features.map((f) => f.name));
    expect(none.keptFeatures).toEqual(none.preprocessor.outputNames);
  });

  it('a missing-indicator output maps back to its source column', async () => {
    const rng = createRng(5);
    // Only the missingness of `m` carries the signal.
    const rows = Array.from({ length: 200 }, (_, i) => ({ m: i % 2 === 0 ? null : rng.normal(), a: rng.normal(), b: rng.normal(), y: i % 2 }));
    const data = datasetFromRows(rows, { target: 'y', task: 'classification' });
    const p = await new Pipeline(lookup).fit(data, range(0, 200), { preprocess: { missing_indicator: true }, select: { type: 'anova_f', k: 1 }, model: logistic }, { seed: 1 });
    expect(p.keptFeatures).toEqual(['m_missing']);
    expect(p.keptColumns).toEqual(['m']);
  });

  it('kept features are deterministic under a seed', async () => {
    const data = synthRegression(200, 30, 4);
    const config: PipelineConfig = { select: { type: 'filter', score: 'mutual_info', fraction: 0.1 }, model: ridge };
    const a = await new Pipeline(lookup).fit(data, range(0, 160), config, { seed: 42 });
    const b = await new Pipeline(lookup).fit(data, range(0, 160), config, { seed: 42 });
    expect(b.keptFeatures).toEqual(a.keptFeatures);
    expect(Array.from(b.predict(data, range(160, 200)))).toEqual(Array.from(a.predict(data, range(160, 200))));
  });

  it('predicts from a table without the unneeded columns, and fails clearly without a needed one', async () => {
    const data = synthClassification(300, 10, 3);
    const fitted = await new Pipeline(lookup).fit(data, range(0, 250), { select: { type: 'anova_f', k: 3 }, model: logistic }, { seed: 1 });
    const loaded = loadPipeline(JSON.parse(JSON.stringify(fitted.toJSON())), lookup, 'model.json');
    const objects = Array.from(range(250, 300), (i) =>
      Object.fromEntries(data.features.map((f, j) => [f.name, f.type === 'categorical' ? f.categories![data.columns[j]![i]!] : data.columns[j]![i]])),
    );
    const full = fitted.predictProba(data, range(250, 300));
    for (const p of [fitted, loaded]) {
      // What `automl predict` will do: read only the required columns.
      const reduced = featureRowsFromObjects(
        objects.map((o) => ({ x0: o.x0, x1: o.x1, color: o.color })),
        p.requiredSchema,
      );
      expect(Array.from(p.predictProba(reduced).data)).toEqual(Array.from(full.data));
      const withoutX1 = featureRowsFromObjects(
        objects.map((o) => ({ x0: o.x0, color: o.color })),
        p.requiredSchema.filter((c) => c.name !== 'x1'),
      );
      let err: AutomlError | undefined;
      try {
        p.predict(withoutX1);
      } catch (e) {
        err = e as AutomlError;
      }
      expect(err?.code).toBe('E_PREDICT_COLUMNS');
      expect(err?.message).toMatch(/lacks column the model needs: "x1" \(it needs 3 of the 13 training columns: "x0", "x1", "color"\)/);
      expect(err?.details.columns).toEqual(['x1']);
    }
  });

  it('round trip: a loaded pipeline keeps the step and predicts identically', async () => {
    const data = synthRegression(200, 15, 6);
    for (const select of [...ALL_METHODS.slice(0, 2), { type: 'model_importance', estimator: 'l1', threshold: 0.5, alpha_ratio: 0.1 }, { type: 'fdr', alpha: 0.01 }] as SelectConfig[]) {
      const p = await new Pipeline(lookup).fit(data, range(0, 150), { select, model: ridge }, { seed: 3 });
      const json = JSON.parse(JSON.stringify(p.toJSON()));
      expect(json.steps).toHaveLength(1);
      expect(json.steps[0].kind).toBe('select');
      const q = loadPipeline(json, lookup, 'm.json');
      expect(q.keptFeatures).toEqual(p.keptFeatures);
      expect(q.keptColumns).toEqual(p.keptColumns);
      expect(Array.from(q.predict(data, range(150, 200)))).toEqual(Array.from(p.predict(data, range(150, 200))));
      expect(q.toJSON()).toEqual(json);
    }
  });

  it('round trip of a perfect separator, whose F score is +Infinity (saved as null)', async () => {
    const rng = createRng(12);
    const rows = Array.from({ length: 60 }, (_, i) => ({ perfect: i % 2, other: rng.normal(), y: i % 2 === 0 ? 'a' : 'b' }));
    const data = datasetFromRows(rows, { target: 'y' });
    const p = await new Pipeline(lookup).fit(data, range(0, 60), { select: { type: 'anova_f', k: 1 }, model: logistic }, { seed: 1 });
    const json = JSON.parse(JSON.stringify(p.toJSON()));
    expect(json.steps[0].scores[0]).toBeNull();
    const q = loadPipeline(json, lookup);
    expect(q.keptColumns).toEqual(['perfect']);
    expect(q.toJSON()).toEqual(json);
  });

  it('a damaged step or select config fails with E_MODEL_FILE and its JSON path', async () => {
    const data = synthRegression(120, 5, 7);
    const p = await new Pipeline(lookup).fit(data, range(0, 120), { select: { type: 'filter', score: 'f', k: 2 }, model: ridge }, { seed: 1 });
    const path = (mutate: (j: any) => void): string | undefined => {
      const j = JSON.parse(JSON.stringify(p.toJSON()));
      mutate(j);
      try {
        loadPipeline(j, lookup, 'm.json');
      } catch (e) {
        expect((e as AutomlError).code).toBe('E_MODEL_FILE');
        expect((e as AutomlError).message).toContain('m.json: $.');
        return (e as AutomlError).details.path as string;
      }
      return undefined;
    };
    expect(path((j) => (j.steps[0].kind = 'pca'))).toBe('$.steps[0].kind');
    expect(path((j) => (j.steps[0].method = 'anova_f'))).toBe('$.steps[0].method');
    expect(path((j) => (j.steps[0].kept = [0, 99]))).toBe('$.steps[0].kept[1]');
    expect(path((j) => (j.steps[0].kept = [3, 1]))).toBe('$.steps[0].kept[1]');
    expect(path((j) => (j.steps[0].kept = []))).toBe('$.steps[0].kept');
    expect(path((j) => (j.steps[0].inputs = 4))).toBe('$.steps[0].inputs');
    expect(path((j) => (j.steps[0].names[2] = 'zz'))).toBe('$.steps[0].names[2]');
    expect(path((j) => (j.steps[0].scores = [1]))).toBe('$.steps[0].scores');
    expect(path((j) => (j.steps[0].scores[1] = -2))).toBe('$.steps[0].scores[1]');
    expect(path((j) => (j.config.select = { type: 'filter', score: 'f', k: 2, fraction: 0.5 }))).toBe('$.config.select.k');
    expect(path((j) => (j.config.select = { type: 'anova_f' }))).toBe('$.config.select.type');
    expect(path((j) => (j.steps = {}))).toBe('$.steps');
    expect(path(() => undefined)).toBeUndefined();
  });

  it('refuses a select config that does not fit the task before fitting anything', async () => {
    const data = synthRegression(50, 2, 8);
    await expect(new Pipeline(lookup).fit(data, range(0, 50), { select: { type: 'anova_f' }, model: ridge }, { seed: 1 })).rejects.toMatchObject({
      code: 'E_PARAM',
      details: { param: 'select.type' },
    });
  });
});
