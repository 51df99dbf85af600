import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getMetric } from '../../src/evaluation/metrics.js';
import { OofPool, scoreAverage, selectEnsemble, type OofCandidate } from '../../src/automl/ensemble.js';
import { crossValidateTrial } from '../../src/automl/worker/objective.js';
import type { TabularWorkerData } from '../../src/automl/worker/data.js';
import { loadModel, modelFromJSON } from '../../src/serving/model-file.js';
import { resumeSearch, search } from '../../src/automl/search.js';
import { loadDataset } from '../../src/data/index.js';
import { stratifiedKFold } from '../../src/evaluation/splitters.js';
import type { ObjectiveContext } from '../../src/protocol/messages.js';
import type { PipelineConfig } from '../../src/pipeline/index.js';

const DATA = (f: string) => join(import.meta.dirname, '../../datasets', f);
const dir = mkdtempSync(join(tmpdir(), 'automl-ensemble-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Probabilities for 2 classes from a list of P(class 1). */
function probs(p1: number[]): Float64Array {
  return Float64Array.from(p1.flatMap((p) => [1 - p, p]));
}

describe('selectEnsemble (greedy selection with replacement on out-of-fold predictions)', () => {
  const accuracy = getMetric('accuracy');
  const y = Float64Array.from([1, 1, 1, 0, 0, 0]);

  it('averages complementary classifiers when the average beats each one', () => {
    // a errs confidently on row 0, b on row 3, c on row 5; any two of them outvote the third's mistake.
    const a: OofCandidate = { trial: 1, value: 0.83, data: probs([0.1, 0.9, 0.9, 0.1, 0.1, 0.2]) };
    const b: OofCandidate = { trial: 2, value: 0.83, data: probs([0.8, 0.9, 0.8, 0.9, 0.1, 0.1]) };
    const c: OofCandidate = { trial: 3, value: 0.83, data: probs([0.9, 0.8, 0.9, 0.2, 0.1, 0.6]) };
    const choice = selectEnsemble([a, b, c], y, 2, accuracy);
    expect(choice.singleScore).toBeCloseTo(5 / 6);
    expect(choice.score).toBe(1);
    expect(choice.members.length).toBeGreaterThanOrEqual(2);
    expect(choice.members.reduce((s, m) => s + m.weight, 0)).toBeCloseTo(1, 12);
    // Recomputing the score of the weighted average gives the reported score.
    const avg = new Float64Array(12);
    for (const m of choice.members) {
      const d = [a, b, c].find((x) => x.trial === m.trial)!.data;
      for (let i = 0; i < 12; i++) avg[i]! += m.weight * d[i]!;
    }
    expect(scoreAverage(avg, y, 2, accuracy)).toBe(choice.score);
  });

  it('keeps the single best pipeline when nothing improves on it', () => {
    const perfect: OofCandidate = { trial: 5, value: 1, data: probs([0.99, 0.99, 0.99, 0.01, 0.01, 0.01]) };
    const poor: OofCandidate = { trial: 6, value: 0.5, data: probs([0.2, 0.2, 0.9, 0.9, 0.1, 0.1]) };
    const choice = selectEnsemble([perfect, poor], y, 2, accuracy);
    expect(choice.members).toEqual([{ trial: 5, weight: 1 }]);
    expect(choice.singleTrial).toBe(5);
  });

  it('regression: averaging two errors of opposite sign lowers the RMSE; the result is deterministic', () => {
    const rmse = getMetric('rmse');
    const yr = Float64Array.from([1, 2, 3, 4]);
    const over: OofCandidate = { trial: 1, value: 0.5, data: Float64Array.from([1.5, 2.5, 3.5, 4.5]) };
    const under: OofCandidate = { trial: 2, value: 0.5, data: Float64Array.from([0.5, 1.5, 2.5, 3.5]) };
    const choice = selectEnsemble([over, under], yr, 0, rmse);
    expect(choice.singleScore).toBeCloseTo(0.5);
    expect(choice.score).toBeCloseTo(0);
    expect(choice.members.map((m) => m.weight)).toEqual([0.5, 0.5]);
    expect(selectEnsemble([over, under], yr, 0, rmse)).toEqual(choice);
  });
});

describe('OofPool', () => {
  it('keeps the best `capacity` trials for the direction, best first', () => {
    const pool = new OofPool(2, 'minimize');
    for (const [trial, value] of [[0, 3], [1, 1], [2, 2], [3, 0.5]] as const) pool.offer({ trial, value, data: new Float64Array(1) });
    expect(pool.sorted().map((c) => c.trial)).toEqual([3, 1]);
    expect(pool.has(2)).toBe(false);
    const max = new OofPool(2, 'maximize');
    for (const [trial, value] of [[0, 3], [1, 1], [2, 2]] as const) max.offer({ trial, value, data: new Float64Array(1) });
    expect(max.sorted().map((c) => c.trial)).toEqual([0, 2]);
  });
});

describe('out-of-fold predictions from cross-validation', () => {
  it('fills every searched row with the probabilities of the fold that held it out, and hands them back', async () => {
    const ds = loadDataset(DATA('iris.csv'), { target: 'species' });
    const folds = stratifiedKFold(ds.target.values, 3, 7);
    const data: TabularWorkerData = { kind: 'automl.tabular', dataset: ds, folds, metric: 'accuracy', plugins: [], oof: true };
    const artifacts: Record<string, unknown> = {};
    const ctx: ObjectiveContext = {
      trialNumber: 0,
      seed: 1,
      data: undefined,
      signal: new AbortController().signal,
      report: async () => false,
      setUserAttr: () => undefined,
      setArtifact: (k, v) => (artifacts[k] = v),
    };
    const config = { preprocess: { imputation: 'mean', scaler: 'standard' }, model: { type: 'gaussian_nb' } } as unknown as PipelineConfig;
    const value = await crossValidateTrial(config, ctx, data);
    const oof = artifacts.oof as Float64Array;
    expect(oof).toBeInstanceOf(Float64Array);
    expect(oof.length).toBe(ds.nRows * 3);
    for (let i = 0; i < ds.nRows; i++) expect(oof[i * 3]! + oof[i * 3 + 1]! + oof[i * 3 + 2]!).toBeCloseTo(1, 9);
    // The mean of per-fold accuracies computed from the out-of-fold array equals the CV value.
    const acc = getMetric('accuracy');
    const perFold = folds.map((f) => {
      const y = Float64Array.from(f.test, (r) => ds.target.values[r]!);
      const p = new Float64Array(f.test.length * 3);
      f.test.forEach((r, i) => p.set(oof.subarray(r * 3, r * 3 + 3), i * 3));
      return scoreAverage(p, y, 3, acc);
    });
    expect(value).toBeCloseTo(perFold.reduce((s, x) => s + x, 0) / perFold.length, 12);
  });
});

describe('search with an ensemble', () => {
  it('averages the chosen pipelines, saves a version 3 model file (ensemble and profile) that predicts the same after loading, and --no-ensemble gives one pipeline', async () => {
    const common = { data: DATA('credit-g.csv'), target: 'class', trials: 20, cv: 3, workers: 2, seed: 3, prune: false, strategy: 'random', storage: `sqlite:${join(dir, 's.db')}` } as const;
    const r = await search({ ...common, study: 'with', out: join(dir, 'with.json') });
    expect(r.ensemble).not.toBeNull();
    const e = r.ensemble!;
    expect(e.members.length).toBeGreaterThanOrEqual(2);
    expect(e.members.reduce((s, m) => s + m.weight, 0)).toBeCloseTo(1, 9);
    expect(e.cvScore).toBeGreaterThanOrEqual(e.bestSingleCvScore);
    expect(r.model!.isEnsemble).toBe(true);
    expect(r.model!.members.map((m) => m.trial)).toEqual(e.members.map((m) => m.trial));

    const json = JSON.parse(readFileSync(r.modelFile!, 'utf8'));
    expect(json.version).toBe(3);
    expect(json.pipeline).toBeUndefined();
    expect(json.profile.predictions.source).toBe('out-of-fold');
    expect(json.ensemble).toHaveLength(e.members.length);
    const loaded = loadModel(r.modelFile!);
    const rows = DATA('credit-g.csv');
    expect(loaded.predictProba(rows)).toEqual(r.model!.predictProba(rows));
    expect(loaded.predict(rows)).toEqual(r.model!.predict(rows));
    // The ensemble's probability for a row is the weighted mean of its members'.
    const p = r.model!.predictProba(rows).slice(0, 5);
    for (let i = 0; i < 5; i++) {
      let mean = 0;
      for (const m of r.model!.members) mean += m.weight * m.pipeline.predictProba(r.model!.table(rows)).data[i * 2]!;
      expect(p[i]!.bad).toBeCloseTo(mean, 12);
    }

    const single = await search({ ...common, study: 'without', ensemble: false, out: join(dir, 'without.json') });
    expect(single.ensemble).toBeNull();
    expect(single.model!.isEnsemble).toBe(false);
    expect(JSON.parse(readFileSync(single.modelFile!, 'utf8'))).toMatchObject({ version: 3, pipeline: expect.any(Object) });
    // Same seed and the random sampler: the same trials whatever the timing; only the final model differs.
    expect(single.best).toEqual(r.best);
  }, 120_000);

  it('a resumed study re-runs the CV of the earlier run\'s best trials to get their out-of-fold predictions', async () => {
    const storage = `sqlite:${join(dir, 'resume.db')}`;
    const first = await search({ data: DATA('vote.csv'), target: 'Class', trials: 8, cv: 3, workers: 1, seed: 5, prune: false, storage, study: 'v', ensemble: false });
    await first.study.close();
    const notes: string[] = [];
    const r = await resumeSearch('v', { storage, trials: 10, workers: 2, ensemble: true, recheck: false, onNote: (n) => notes.push(n) });
    await r.study.close();
    const earlier = notes.find((n) => n.startsWith('computing the out-of-fold predictions of'));
    expect(earlier).toMatch(/of [1-8] earlier trials? for the ensemble/);
    expect(r.counts.complete).toBe(10);
    if (r.ensemble) for (const m of r.ensemble.members) expect(r.study.trial(m.trial)?.state).toBe('COMPLETE');
  }, 60_000);

  it('refuses damaged ensemble files naming the JSON path', async () => {
    const file = join(dir, 'with.json');
    const good = JSON.parse(readFileSync(file, 'utf8'));
    const cases: [string, (j: Record<string, any>) => void, RegExp][] = [
      ['weights', (j) => (j.ensemble[0].weight = 0.01), /\$\.ensemble: expected weights that sum to 1/],
      ['weight range', (j) => (j.ensemble[1].weight = -1), /\$\.ensemble\[1\]\.weight: expected a weight in \(0, 1\]/],
      ['unknown key', (j) => (j.ensemble[0].extra = 1), /\$\.ensemble\[0\]\.extra: expected no such key/],
      ['pipeline beside ensemble', (j) => (j.pipeline = j.ensemble[0].pipeline), /\$: expected exactly one of \$\.pipeline/],
      ['one member', (j) => (j.ensemble = j.ensemble.slice(0, 1)), /\$\.ensemble: expected an array of at least 2 members/],
      ['ensemble in version 1', (j) => (j.version = 1), /\$\.ensemble: expected no ensemble in a version 1 file/],
      ['member pipeline', (j) => (j.ensemble[1].pipeline = { format: 'x' }), /\$\.ensemble\[1\]\.pipeline/],
    ];
    for (const [name, damage, message] of cases) {
      const j = structuredClone(good);
      damage(j);
      const f = join(dir, `bad-${name.replaceAll(' ', '-')}.json`);
      writeFileSync(f, JSON.stringify(j));
      expect(() => loadModel(f), name).toThrow(message);
    }
    expect(() => modelFromJSON(good, 'ok')).not.toThrow();
  });
});

describe('reshuffled folds (each trial its own split)', () => {
  it('a trial\'s split is a partition of the rows, stratified, fixed by its seed, and differs between seeds', async () => {
    const { trialFolds } = await import('../../src/automl/worker/objective.js');
    const ds = loadDataset(DATA('iris.csv'), { target: 'species' });
    const a = trialFolds(ds, 5, 11);
    expect(trialFolds(ds, 5, 11)).toEqual(a);
    const seen = new Int32Array(ds.nRows);
    for (const f of a) {
      expect(f.train.length + f.test.length).toBe(ds.nRows);
      for (const r of f.test) seen[r]!++;
      const perClass = [0, 0, 0];
      for (const r of f.test) perClass[ds.target.values[r]!]!++;
      expect(perClass).toEqual([10, 10, 10]);
    }
    expect([...seen].every((c) => c === 1)).toBe(true);
    expect(trialFolds(ds, 5, 12).map((f) => [...f.test])).not.toEqual(a.map((f) => [...f.test]));
  });

  it('search: reshuffled splits give other fold scores than the fixed split for the same configurations, and the same seed reproduces them', async () => {
    const opts = { data: DATA('wine.csv'), target: 'class', trials: 6, cv: 3, workers: 1, seed: 9, prune: false, strategy: 'random', ensemble: false, storage: `sqlite:${join(dir, 'reshuffle.db')}` } as const;
    const r1 = await search({ ...opts, study: 'r1' });
    const r2 = await search({ ...opts, study: 'r2' });
    const fixed = await search({ ...opts, study: 'f', reshuffleFolds: false });
    const vals = (r: Awaited<ReturnType<typeof search>>) => r.study.trials.map((t) => t.userAttrs.foldScores);
    expect(vals(r2)).toEqual(vals(r1));
    // Same configurations (random sampler, same seed), other splits: the fold scores differ somewhere.
    expect(fixed.study.trials.map((t) => t.params)).toEqual(r1.study.trials.map((t) => t.params));
    expect(vals(fixed)).not.toEqual(vals(r1));
    for (const r of [r1, r2, fixed]) await r.study.close();
  }, 60_000);
});
