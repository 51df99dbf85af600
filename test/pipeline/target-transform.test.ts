import { describe, expect, it } from 'vitest';
import { datasetFromRows, loadDataset } from '../../src/data/index.js';
import { getModel } from '../../src/models/registry.js';
import { LOG_MARGIN, LogTargetTransform, Pipeline, loadPipeline, resolveTargetTransform, type PipelineConfig } from '../../src/pipeline/index.js';
import { getMetric } from '../../src/evaluation/metrics.js';

const r2 = (y: Float64Array, p: Float64Array) => getMetric('r2').score(y, p);
const range = (a: number, b: number) => Int32Array.from({ length: b - a }, (_, i) => a + i);
const at = { source: 'model.json', path: '$.targetTransform' };

/** y = exp(x1) with two noise columns: linear in log(y), badly curved in y. */
function skewed(n: number) {
  const rows = [];
  let s = 7;
  const rand = () => ((s = (s * 16807) % 2147483647) / 2147483647);
  for (let i = 0; i < n; i++) {
    const x1 = 6 * rand();
    rows.push({ x1, n1: rand(), n2: rand(), y: Math.exp(x1) });
  }
  return datasetFromRows(rows, { target: 'y', folds: 5 });
}

describe('LogTargetTransform', () => {
  it('fits the signed log, maps predictions back, and clips them to the widened training range', () => {
    const y = Float64Array.from([-3, 0, 1, 10, 1000]);
    const { transform, z } = LogTargetTransform.fit(y);
    expect([...z]).toEqual([...y].map((v) => Math.sign(v) * Math.log1p(Math.abs(v))));
    // Inside the range the inverse undoes the transform.
    const back = transform.inverse(z);
    for (let i = 0; i < y.length; i++) expect(back[i]).toBeCloseTo(y[i]!, 9);
    // Far outside it, predictions stop at the range widened by LOG_MARGIN of its width.
    const lo = -Math.log1p(3);
    const hi = Math.log1p(1000);
    const width = hi - lo;
    const [big, small, nan] = transform.inverse(Float64Array.from([50, -50, NaN]));
    expect(big).toBeCloseTo(Math.expm1(hi + LOG_MARGIN * width), 6);
    expect(small).toBeCloseTo(-Math.expm1(-(lo - LOG_MARGIN * width)), 6);
    expect(nan).toBeNaN();
    expect(transform.toJSON()).toEqual({ kind: 'log', low: lo - LOG_MARGIN * width, high: hi + LOG_MARGIN * width });
  });

  it('loads what it saved and refuses damaged fields with their JSON path', () => {
    const { transform } = LogTargetTransform.fit(Float64Array.from([1, 2, 3]));
    const json = transform.toJSON();
    expect(LogTargetTransform.load(json, at).toJSON()).toEqual(json);
    expect(() => LogTargetTransform.load({ ...json, kind: 'sqrt' }, at)).toThrow(/\$\.targetTransform\.kind must be one of "log", got "sqrt"/);
    expect(() => LogTargetTransform.load({ ...json, low: 'x' }, at)).toThrow(/\$\.targetTransform\.low must be a finite number/);
    expect(() => LogTargetTransform.load({ ...json, low: 5, high: 1 }, at)).toThrow(/\$\.targetTransform\.high must be a number >= low \(5\), got 1/);
    expect(() => LogTargetTransform.load({ ...json, code: 'x' }, at)).toThrow(/\$\.targetTransform\.code/);
  });

  it('a configuration names none or log, and log only for regression', () => {
    expect(resolveTargetTransform(undefined, 'regression')).toBe('none');
    expect(resolveTargetTransform('log', 'regression')).toBe('log');
    expect(resolveTargetTransform('none', 'classification')).toBe('none');
    expect(() => resolveTargetTransform('sqrt', 'regression')).toThrow(/target_transform is "sqrt"; expected one of none, log/);
    expect(() => resolveTargetTransform('log', 'classification')).toThrow(expect.objectContaining({ code: 'E_PARAM', message: expect.stringMatching(/regression only; this is classification/) }));
  });
});

describe('a pipeline with target_transform log', () => {
  const data = skewed(300);
  const train = range(0, 240);
  const test = range(240, 300);
  const yTest = Float64Array.from(test, (i) => data.target.values[i]!);
  const config = (t: 'none' | 'log'): PipelineConfig => ({ preprocess: { scaler: 'standard' }, target_transform: t, model: { type: 'ridge', alpha: 0.01 } });

  it('fits the model to log(1 + y) and predicts in target units', async () => {
    const plain = await new Pipeline(getModel).fit(data, train, config('none'), { seed: 1 });
    const logged = await new Pipeline(getModel).fit(data, train, config('log'), { seed: 1 });
    const rPlain = r2(yTest, plain.predict(data, test));
    const rLog = r2(yTest, logged.predict(data, test));
    // exp(x1) is a straight line in log space: the transformed fit is near exact, the plain one is not.
    expect(rLog).toBeGreaterThan(0.98);
    expect(rPlain).toBeLessThan(0.9);
    // Predictions are in the target's units, not in log units.
    const pred = logged.predict(data, test);
    expect(Math.max(...pred)).toBeGreaterThan(50);
  });

  it('saves as a version 2 pipeline that loads to identical predictions, and refuses damaged files', async () => {
    const p = await new Pipeline(getModel).fit(data, train, config('log'), { seed: 1 });
    const json = JSON.parse(JSON.stringify(p.toJSON()));
    expect(json.version).toBe(2);
    expect(json.targetTransform.kind).toBe('log');
    const back = loadPipeline(json, getModel, 'model.json');
    expect([...back.predict(data, test)]).toEqual([...p.predict(data, test)]);
    // Without the transform the pipeline is version 1, as before.
    const plain = (await new Pipeline(getModel).fit(data, train, config('none'), { seed: 1 })).toJSON();
    expect(plain.version).toBe(1);
    expect('targetTransform' in plain).toBe(false);
    // Damage: the fitted transform removed, a version 1 file carrying one, config and fit disagreeing.
    const { targetTransform, ...noTransform } = json;
    expect(() => loadPipeline(noTransform, getModel, 'model.json')).toThrow(/model\.json: \$\.targetTransform must be an object, got nothing/);
    expect(() => loadPipeline({ ...json, version: 1 }, getModel, 'model.json')).toThrow(/\$\.targetTransform must be absent in a version 1 pipeline/);
    expect(() => loadPipeline({ ...json, config: { ...json.config, target_transform: 'none' } }, getModel, 'model.json')).toThrow(/\$\.config\.target_transform must be "log"/);
    expect(() => loadPipeline({ ...plain, config: { ...plain.config, target_transform: 'log' } }, getModel, 'model.json')).toThrow(/\$\.config\.target_transform must be "none" or absent/);
    expect(() => loadPipeline({ ...json, targetTransform: { ...targetTransform, high: -1e9 } }, getModel, 'model.json')).toThrow(/\$\.targetTransform\.high/);
  });

  it('refuses log on a classification target before fitting anything', async () => {
    const iris = loadDataset('datasets/iris.csv', { target: 'species', folds: 5 });
    await expect(new Pipeline(getModel).fit(iris, range(0, 100), { target_transform: 'log', model: { type: 'logistic_regression' } }, { seed: 1 })).rejects.toMatchObject({
      code: 'E_PARAM',
      details: { param: 'target_transform', value: 'log' },
    });
  });
});
