/**
 * Float32 matrices for large fits: a pipeline whose training matrix is large stores it (and every
 * later transform) at float32, records that in its JSON, and predicts like its float64 twin.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/data/index.js';
import { getModel } from '../../src/models/registry.js';
import { FLOAT32_MIN_CELLS, Pipeline, loadPipeline, type PipelineConfig } from '../../src/pipeline/index.js';
import { logisticRegressionSpec } from '../../src/models/fast/index.js';
import { matrix } from '../../src/models/estimator.js';
import { AutomlError } from '../../src/util/errors.js';

const data = (name: string) => join(__dirname, '../../datasets', `${name}.csv`);
const allRows = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

async function fitBoth(file: string, target: string, config: PipelineConfig) {
  const d = loadDataset(data(file), { target });
  const rows = allRows(d.nRows);
  const p64 = await new Pipeline(getModel).fit(d, rows, config, { seed: 1, precision: 'float64' });
  const p32 = await new Pipeline(getModel).fit(d, rows, config, { seed: 1, precision: 'float32' });
  return { d, p64, p32 };
}

describe('matrix precision', () => {
  it('switches to float32 from FLOAT32_MIN_CELLS values (auto), and keeps small fits at float64', async () => {
    expect(FLOAT32_MIN_CELLS).toBe(2 ** 23);
    const d = loadDataset(data('iris'), { target: 'species' });
    const p = await new Pipeline(getModel).fit(d, allRows(d.nRows), { model: { type: 'gaussian_nb' } }, { seed: 1 });
    expect(p.transform(d).data).toBeInstanceOf(Float64Array);
    expect(p.toJSON().precision).toBeUndefined();
  });

  it('a float32 pipeline transforms to float32, says so in its JSON and round-trips it', async () => {
    const { d, p64, p32 } = await fitBoth('wine', 'class', { model: { type: 'gradient_boosting', n_estimators: 30 } });
    expect(p32.transform(d).data).toBeInstanceOf(Float32Array);
    const json = JSON.parse(JSON.stringify(p32.toJSON()));
    expect(json.precision).toBe('float32');
    const back = loadPipeline(json, getModel);
    expect(back.transform(d).data).toBeInstanceOf(Float32Array);
    expect(Array.from(back.predict(d))).toEqual(Array.from(p32.predict(d)));
    // Same predictions as the float64 twin on the training rows.
    const a = p64.predict(d);
    const b = p32.predict(d);
    let same = 0;
    for (let i = 0; i < a.length; i++) if (a[i] === b[i]) same++;
    expect(same / a.length).toBeGreaterThan(0.98);
  });

  it('every model family fits a float32 matrix and predicts close to float64', async () => {
    const cls: PipelineConfig[] = ['logistic_regression', 'random_forest', 'extra_trees', 'knn', 'gaussian_nb', 'decision_tree', 'svm'].map((type) => ({ model: { type } }));
    for (const config of cls) {
      const { d, p64, p32 } = await fitBoth('breast-cancer', 'diagnosis', config);
      const a = p64.predictProba(d).data;
      const b = p32.predictProba(d).data;
      let maxDiff = 0;
      for (let i = 0; i < a.length; i++) maxDiff = Math.max(maxDiff, Math.abs(a[i]! - b[i]!));
      expect(maxDiff, config.model.type).toBeLessThan(0.05);
    }
    for (const type of ['ridge', 'elastic_net', 'svr', 'gradient_boosting', 'random_forest']) {
      const { d, p64, p32 } = await fitBoth('cpu', 'class', { model: { type } });
      const a = p64.predict(d);
      const b = p32.predict(d);
      let scale = 0;
      let maxDiff = 0;
      for (let i = 0; i < a.length; i++) {
        scale = Math.max(scale, Math.abs(a[i]!));
        maxDiff = Math.max(maxDiff, Math.abs(a[i]! - b[i]!));
      }
      expect(maxDiff / scale, type).toBeLessThan(0.02);
    }
  });

  it('multinomial logistic regression reads a float32 matrix in place and reaches the float64 solution', () => {
    // 3 classes, 400 rows, 5 features from a seeded linear rule.
    const n = 400;
    const p = 5;
    const x = new Float64Array(n * p);
    const y = new Float64Array(n);
    let s = 7;
    const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < p; j++) x[i * p + j] = rnd();
      const z = x[i * p]! + 0.5 * x[i * p + 1]! + 0.3 * rnd();
      y[i] = z < -0.4 ? 0 : z < 0.4 ? 1 : 2;
    }
    const X64 = matrix(n, p, x);
    const X32 = { rows: n, cols: p, data: Float32Array.from(x) };
    const a = logisticRegressionSpec.create({}, { task: 'classification', nClasses: 3, seed: 0 });
    const b = logisticRegressionSpec.create({}, { task: 'classification', nClasses: 3, seed: 0 });
    a.fit(X64, y);
    b.fit(X32, y);
    const pa = a.predictProba!(X64).data;
    const pb = b.predictProba!(X32).data;
    for (let i = 0; i < pa.length; i++) expect(Math.abs(pa[i]! - pb[i]!)).toBeLessThan(1e-3);
  });

  it('a model file with a bad precision is refused with its JSON path', async () => {
    const { p32 } = await fitBoth('iris', 'species', { model: { type: 'gaussian_nb' } });
    const json = { ...JSON.parse(JSON.stringify(p32.toJSON())), precision: 'float16' };
    expect(() => loadPipeline(json, getModel)).toThrow(AutomlError);
    expect(() => loadPipeline(json, getModel)).toThrow(/\$\.precision/);
  });
});
