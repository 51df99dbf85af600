/**
 * The predictive distribution of a Gaussian-process pipeline from the API: `predictStd` and
 * `predictInterval` on a Pipeline and on a FittedModel (what `search` returns and `loadModel`
 * reads), with their errors for models that have no distribution.
 */
import { describe, expect, it } from 'vitest';
import { Pipeline } from '../../src/pipeline/index.js';
import { getModel } from '../../src/models/registry.js';
import { FittedModel, modelFromJSON } from '../../src/serving/model-file.js';
import type { GaussianProcessRegressor } from '../../src/models/gpr/index.js';
import { createRng } from '../../src/util/rng.js';
import { fitModel, synthRows } from './helpers.js';

/** y = 50 + 10 sin(x) + N(0, 1) for x in [0, 6]; `far` rows lie outside the training range. */
function waveRows(seed: string, n: number, lo = 0, hi = 6): Record<string, unknown>[] {
  const rng = createRng(`wave/${seed}`);
  return Array.from({ length: n }, () => {
    const x = lo + (hi - lo) * rng.next();
    return { x, y: 50 + 10 * Math.sin(x) + rng.normal() };
  });
}

const GP = { model: { type: 'gaussian_process', kernel: 'rbf' } };

describe('predictive standard deviation and intervals', () => {
  it('a GP pipeline gives its std per row, wider away from the training rows, and intervals that cover new rows', async () => {
    const { model, dataset } = await fitModel(waveRows('train', 120), 'y', GP as never);
    const test = waveRows('test', 400);
    const std = model.predictStd(test);
    expect(std).toHaveLength(400);
    // Noise sd is 1: inside the training range the predictive sd is about that.
    for (const s of std) (expect(s).toBeGreaterThan(0.7), expect(s).toBeLessThan(1.6));
    // The same numbers as the estimator's own, on the pipeline's matrix.
    const est = (model.pipeline as unknown as { fittedState(): { estimator: GaussianProcessRegressor } }).fittedState().estimator;
    const direct = est.predictStd(model.pipeline.transform(model.table(test)));
    for (let i = 0; i < 400; i++) expect(std[i]).toBeCloseTo(direct[i]!, 12);
    // Far outside the training x range the GP knows less.
    const far = model.predictStd([{ x: 12 }, { x: -6 }]);
    for (const s of far) expect(s).toBeGreaterThan(3 * Math.max(...std));

    const mean = model.predict(test) as number[];
    const iv = model.predictInterval(test, 0.9);
    let inside = 0;
    test.forEach((r, i) => {
      const { lower, upper } = iv[i]!;
      expect(lower).toBeCloseTo(mean[i]! - 1.6448536269514722 * std[i]!, 6);
      expect(upper).toBeCloseTo(mean[i]! + 1.6448536269514722 * std[i]!, 6);
      if ((r.y as number) >= lower && (r.y as number) <= upper) inside++;
    });
    // A calibrated 90% interval: 400 rows give 0.90 +- 0.03 (2 binomial sd).
    expect(inside / 400).toBeGreaterThan(0.85);
    expect(inside / 400).toBeLessThan(0.95);
    expect(dataset.nRows).toBe(120);

    // Saved and loaded: the same distribution.
    const loaded = modelFromJSON(JSON.parse(JSON.stringify(model.toJSON())));
    expect(loaded.predictStd(test.slice(0, 20))).toEqual(std.slice(0, 20));
  });

  it('with a log target transform: the interval is mapped back (asymmetric, around the prediction), the std refused', async () => {
    const rows = waveRows('log', 100).map((r) => ({ x: r.x, y: Math.exp((r.y as number) / 20) }));
    const { model } = await fitModel(rows, 'y', { ...GP, target_transform: 'log' } as never);
    const probe = [{ x: 1 }, { x: 4.5 }];
    const pred = model.predict(probe) as number[];
    const iv = model.predictInterval(probe, 0.95);
    iv.forEach(({ lower, upper }, i) => {
      expect(lower).toBeLessThan(pred[i]!);
      expect(upper).toBeGreaterThan(pred[i]!);
      // exp is convex: the upper half is the longer one.
      expect(upper - pred[i]!).toBeGreaterThan(pred[i]! - lower);
    });
    expect(() => model.predictStd(probe)).toThrowError(expect.objectContaining({ code: 'E_MODEL', message: expect.stringContaining('predictInterval') }));
  });

  it('refuses, saying what to do, for a model without a distribution, classification, an ensemble, and a bad coverage', async () => {
    const { model: ridge } = await fitModel(waveRows('r', 60), 'y', { model: { type: 'ridge' } } as never);
    expect(() => ridge.predictStd([{ x: 1 }])).toThrowError(expect.objectContaining({ code: 'E_MODEL', message: expect.stringMatching(/'ridge'.*gaussian_process/) }));
    const { model: clf } = await fitModel(synthRows(1, 80), 'y');
    expect(() => clf.predictInterval(synthRows(2, 3))).toThrowError(expect.objectContaining({ code: 'E_MODEL', message: expect.stringContaining('regression') }));
    const { model: gp } = await fitModel(waveRows('g', 60), 'y', GP as never);
    const two = new FittedModel(gp.pipeline, gp.info, [
      { trial: 1, weight: 0.5, pipeline: gp.pipeline },
      { trial: 2, weight: 0.5, pipeline: ridge.pipeline },
    ]);
    expect(() => two.predictStd([{ x: 1 }])).toThrowError(expect.objectContaining({ code: 'E_MODEL', message: expect.stringMatching(/averages 2 pipelines \(gaussian_process, ridge\).*--no-ensemble/) }));
    for (const bad of [0, 1, 1.5, -0.2, Number.NaN, '0.9']) {
      expect(() => gp.predictInterval([{ x: 1 }], bad as never)).toThrowError(expect.objectContaining({ code: 'E_PARAM', message: expect.stringContaining('coverage') }));
    }
  });

  it('a Pipeline gives the distribution of chosen rows, in their order', async () => {
    const { model, dataset } = await fitModel(waveRows('p', 80), 'y', GP as never);
    const p: Pipeline = model.pipeline;
    const rows = Int32Array.from([5, 0, 79]);
    const some = p.predictStd(dataset, rows);
    const all = p.predictStd(dataset);
    expect(Array.from(some)).toEqual([all[5], all[0], all[79]]);
    expect(p.modelName).toBe('gaussian_process');
    expect(new Pipeline(getModel).fitted).toBe(false);
  });
});
