import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../src/data/index.js';
import { featureRowsFromObjects, loadDataset, subsetRows } from '../../src/data/index.js';
import type { Estimator, EstimatorJSON, Matrix, ModelContext, ModelSpec } from '../../src/models/estimator.js';
import { matrix } from '../../src/models/estimator.js';
import type { PipelineConfig } from '../../src/pipeline/index.js';
import { Pipeline, loadPipeline } from '../../src/pipeline/index.js';
import { AutomlError } from '../../src/util/errors.js';

/**
 * A tiny model for tests: regression predicts mean(y) + slope * X[:,0] (slope is a hyperparameter),
 * classification predicts the training class frequencies. It records the width of X it was fit on.
 */
class MeanModel implements Estimator {
  readonly name = 'mean';
  state = { mean: 0, probs: [] as number[], cols: 0 };
  constructor(
    readonly params: { slope: number },
    readonly nClasses: number,
  ) {}
  fit(X: Matrix, y: Float64Array): void {
    this.state.cols = X.cols;
    if (this.nClasses > 0) {
      const counts = new Array<number>(this.nClasses).fill(0);
      for (const v of y) counts[v]!++;
      this.state.probs = counts.map((c) => c / y.length);
    } else {
      this.state.mean = y.reduce((a, b) => a + b, 0) / y.length;
    }
  }
  predict(X: Matrix): Float64Array {
    const out = new Float64Array(X.rows);
    for (let i = 0; i < X.rows; i++) {
      out[i] = this.nClasses > 0 ? this.state.probs.indexOf(Math.max(...this.state.probs)) : this.state.mean + this.params.slope * X.data[i * X.cols]!;
    }
    return out;
  }
  predictProba(X: Matrix): Matrix {
    const m = matrix(X.rows, this.nClasses);
    for (let i = 0; i < X.rows; i++) m.data.set(this.state.probs, i * this.nClasses);
    return m;
  }
  toJSON(): EstimatorJSON {
    return { model: 'mean', version: 1, params: { ...this.params }, state: { ...this.state, nClasses: this.nClasses } };
  }
}

const meanSpec: ModelSpec = {
  name: 'mean',
  description: 'test model',
  tasks: ['classification', 'regression'],
  create(params: Record<string, unknown>, ctx: ModelContext) {
    return new MeanModel({ slope: Number(params.slope ?? 0) }, ctx.nClasses);
  },
  load(json: EstimatorJSON) {
    const s = json.state as MeanModel['state'] & { nClasses: number };
    const m = new MeanModel(json.params as { slope: number }, s.nClasses);
    m.state = { mean: s.mean, probs: s.probs, cols: s.cols };
    return m;
  },
};
const regressionOnly: ModelSpec = { ...meanSpec, name: 'reg_only', tasks: ['regression'] };
const lookup = (name: string): ModelSpec => {
  if (name === 'mean') return meanSpec;
  if (name === 'reg_only') return regressionOnly;
  throw new AutomlError('E_MODEL', `unknown model "${name}"`, { value: name });
};
const range = (a: number, b: number): Int32Array => Int32Array.from({ length: b - a }, (_, i) => a + i);

describe('Pipeline', () => {
  const credit = loadDataset('datasets/credit-g.csv', { target: 'class' });
  const config: PipelineConfig = { preprocess: { scaler: 'robust', missing_indicator: true }, model: { type: 'mean' } };

  it('fits on training rows, predicts classes and probabilities', async () => {
    const p = await new Pipeline(lookup).fit(credit, range(0, 800), config, { seed: 1 });
    expect(p.task).toBe('classification');
    expect(p.classes).toEqual(['bad', 'good']);
    const pred = p.predict(credit, range(800, 1000));
    expect(pred).toHaveLength(200);
    expect(new Set(pred)).toEqual(new Set([1]));
    const proba = p.predictProba(credit, range(800, 810));
    expect(proba.rows).toBe(10);
    expect(proba.cols).toBe(2);
    expect(proba.data[0]! + proba.data[1]!).toBeCloseTo(1, 12);
    // The class frequencies come from the training rows only.
    const good = Array.from(range(0, 800)).filter((i) => credit.target.values[i] === 1).length;
    expect(proba.data[1]).toBeCloseTo(good / 800, 12);
    expect(p.featureNames).toEqual(p.preprocessor.outputNames);
    expect(p.transform(credit, range(0, 3)).cols).toBe(p.featureNames.length);
  });

  it('passes hyperparameters and sees the preprocessed matrix (regression)', async () => {
    const diabetes = loadDataset('datasets/diabetes-progression.csv', { target: 'progression' });
    const p = await new Pipeline(lookup).fit(diabetes, range(0, 300), { preprocess: { scaler: 'standard' }, model: { type: 'mean', slope: 2 } }, { seed: 3 });
    const X = p.transform(diabetes, range(300, 302));
    const pred = p.predict(diabetes, range(300, 302));
    const mean = Array.from(range(0, 300)).reduce((s, i) => s + diabetes.target.values[i]!, 0) / 300;
    expect(pred[0]).toBeCloseTo(mean + 2 * X.data[0]!, 10);
    expect(() => p.predictProba(diabetes)).toThrow(/classification pipeline/);
  });

  it('round trip toJSON / loadPipeline predicts identically, also on predict-time rows', async () => {
    const p = await new Pipeline(lookup).fit(credit, range(0, 700), { ...config, preprocess: { encoding: 'ordinal', min_frequency: 10 } }, { seed: 1 });
    const q = loadPipeline(JSON.parse(JSON.stringify(p.toJSON())), lookup, 'model.json');
    expect(q.classes).toEqual(p.classes);
    expect(q.featureNames).toEqual(p.featureNames);
    expect(Array.from(q.transform(credit, range(700, 1000)).data)).toEqual(Array.from(p.transform(credit, range(700, 1000)).data));
    expect(Array.from(q.predictProba(credit, range(700, 1000)).data)).toEqual(Array.from(p.predictProba(credit, range(700, 1000)).data));
    const newRows = featureRowsFromObjects([{ ...Object.fromEntries(credit.features.map((f) => [f.name, null])), purpose: 'spaceship' }], q.preprocessor.inputSchema);
    expect(q.predict(newRows)).toHaveLength(1);
  });

  it('works on a shared subset as a worker would see it', async () => {
    const part: Dataset = subsetRows(credit, range(0, 100));
    const p = await new Pipeline(lookup).fit(part, range(0, 80), config, { seed: 1 });
    expect(p.predict(part, range(80, 100))).toHaveLength(20);
  });

  it('refuses a model that does not support the task, unknown models and an unfitted use', async () => {
    await expect(new Pipeline(lookup).fit(credit, range(0, 10), { model: { type: 'reg_only' } }, { seed: 1 })).rejects.toThrow(
      /model "reg_only" does not support classification/,
    );
    await expect(new Pipeline(lookup).fit(credit, range(0, 10), { model: { type: 'nope' } }, { seed: 1 })).rejects.toMatchObject({ code: 'E_MODEL' });
    expect(() => new Pipeline(lookup).predict(credit)).toThrow(/not fitted yet/);
    const ac = new AbortController();
    ac.abort();
    await expect(new Pipeline(lookup).fit(credit, range(0, 10), config, { seed: 1, signal: ac.signal })).rejects.toThrow();
  });

  it('a damaged pipeline file fails with E_MODEL_FILE and the JSON path', async () => {
    const p = await new Pipeline(lookup).fit(credit, range(0, 100), config, { seed: 1 });
    const load = (mutate: (j: any) => void): AutomlError => {
      const j = JSON.parse(JSON.stringify(p.toJSON()));
      mutate(j);
      try {
        loadPipeline(j, lookup, 'm.json');
      } catch (e) {
        return e as AutomlError;
      }
      throw new Error('expected a failure');
    };
    expect(load((j) => (j.format = 'other')).details.path).toBe('$.format');
    expect(load((j) => (j.task = 'ranking')).details.path).toBe('$.task');
    expect(load((j) => (j.preprocessor.plans[1].fill = null)).details.path).toBe('$.preprocessor.plans[1].fill');
    expect(load((j) => (j.steps = [{ kind: 'eval' }])).details.path).toBe('$.steps[0].kind');
    expect(load((j) => delete j.estimator.params).message).toContain('m.json: $.estimator.params must be an object');
    expect(load((j) => (j.estimator.model = 'nope')).code).toBe('E_MODEL');
    expect(loadPipeline(JSON.parse(JSON.stringify(p.toJSON())), lookup).fitted).toBe(true);
  });
});
