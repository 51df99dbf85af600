import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDataset } from '../../src/data/index.js';
import { crossValidate } from '../../src/evaluation/cross-validate.js';
import { getMetric } from '../../src/evaluation/metrics.js';
import { scoreRows } from '../../src/evaluation/score.js';
import { kFold, stratifiedKFold } from '../../src/evaluation/splitters.js';
import { getModel } from '../../src/models/registry.js';
import { Pipeline, type PipelineConfig } from '../../src/pipeline/index.js';
import { isAutomlError } from '../../src/util/errors.js';

const DATA = (f: string) => join(import.meta.dirname, '../../datasets', f);
const iris = loadDataset(DATA('iris.csv'), { target: 'species' });
const folds = stratifiedKFold(iris.target.values, 3, 7);
const accuracy = getMetric('accuracy');
const nb = { preprocess: { imputation: 'mean', scaler: 'standard' }, model: { type: 'gaussian_nb' } } as unknown as PipelineConfig;

describe('crossValidate', () => {
  it('scores a new pipeline per fold, seeded (seed + 7919 k), and returns the fold scores and their mean', async () => {
    const cv = await crossValidate(nb, iris, folds, accuracy, { seed: 4 });
    expect(cv.stopped).toBe(false);
    expect(cv.oof).toBeUndefined();
    const expected = [];
    for (let k = 0; k < folds.length; k++) {
      const p = await new Pipeline(getModel).fit(iris, folds[k]!.train, nb, { seed: (4 + k * 7919) >>> 0 });
      expected.push(scoreRows(p, iris, folds[k]!.test, accuracy));
    }
    expect(cv.scores).toEqual(expected);
    expect(cv.mean).toBe(expected.reduce((a, b) => a + b, 0) / expected.length);
  });

  it('onFold sees every fold with its fitted pipeline; returning true stops while folds remain', async () => {
    const seen: [number, number][] = [];
    const all = await crossValidate(nb, iris, folds, accuracy, {
      seed: 4,
      onFold: (k, score, pipeline) => {
        expect(pipeline).toBeInstanceOf(Pipeline);
        seen.push([k, score]);
      },
    });
    expect(seen).toEqual(all.scores.map((s, k) => [k, s]));
    const early = await crossValidate(nb, iris, folds, accuracy, { seed: 4, onFold: async (k) => k === 0 });
    expect(early).toMatchObject({ stopped: true, scores: [all.scores[0]], mean: all.scores[0] });
    // Asking to stop after the last fold changes nothing: there was nothing left to skip.
    const last = await crossValidate(nb, iris, folds, accuracy, { seed: 4, onFold: () => true });
    expect(last.stopped).toBe(true);
    expect(last.scores).toHaveLength(1);
    const atEnd = await crossValidate(nb, iris, folds, accuracy, { seed: 4, onFold: (k) => k === folds.length - 1 });
    expect(atEnd).toEqual(all);
  });

  it('keepOof: every row gets the class probabilities of the fold that held it out', async () => {
    const cv = await crossValidate(nb, iris, folds, accuracy, { seed: 4, keepOof: true });
    const oof = cv.oof!;
    expect(oof).toHaveLength(iris.nRows * 3);
    for (let i = 0; i < iris.nRows; i++) expect(oof[i * 3]! + oof[i * 3 + 1]! + oof[i * 3 + 2]!).toBeCloseTo(1, 9);
    const p = await new Pipeline(getModel).fit(iris, folds[1]!.train, nb, { seed: (4 + 7919) >>> 0 });
    const proba = p.predictProba(iris, folds[1]!.test);
    folds[1]!.test.forEach((r, i) => expect(Array.from(oof.subarray(r * 3, r * 3 + 3))).toEqual(Array.from(proba.data.subarray(i * 3, i * 3 + 3))));
  });

  it('keepOof for regression holds one prediction per row', async () => {
    const cpu = loadDataset(DATA('cpu.csv'), { target: 'class' });
    const f = kFold(cpu.nRows, 3, 1);
    const cv = await crossValidate({ model: { type: 'ridge', alpha: 1 } } as unknown as PipelineConfig, cpu, f, getMetric('rmse'), { seed: 1, keepOof: true });
    expect(cv.oof).toHaveLength(cpu.nRows);
    expect(cv.oof!.every((v) => Number.isFinite(v))).toBe(true);
  });

  it('refuses no folds (E_CONFIG) and stops with E_ABORTED when the signal aborted', async () => {
    const none = await crossValidate(nb, iris, [], accuracy, { seed: 1 }).catch((e: unknown) => e);
    expect(isAutomlError(none, 'E_CONFIG')).toBe(true);
    const ac = new AbortController();
    const aborted = await crossValidate(nb, iris, folds, accuracy, { seed: 1, signal: ac.signal, onFold: () => void ac.abort() }).catch((e: unknown) => e);
    expect(isAutomlError(aborted, 'E_ABORTED')).toBe(true);
    expect((aborted as Error).message).toContain('before fold 2 of 3');
  });
});
