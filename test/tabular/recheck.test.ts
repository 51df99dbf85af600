import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { search } from '../../src/tabular/search.js';
import { crossValidate, type TabularWorkerData } from '../../src/tabular/objective.js';
import { loadDataset } from '../../src/data/index.js';
import { stratifiedKFold } from '../../src/evaluation/splitters.js';
import { createRng } from '../../src/util/rng.js';
import type { ObjectiveContext } from '../../src/protocol/messages.js';
import type { PipelineConfig } from '../../src/pipeline/index.js';

const DATA = (f: string) => join(import.meta.dirname, '../../datasets', f);
const dir = mkdtempSync(join(tmpdir(), 'automl-recheck-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** 160 rows whose label is a coin flip: no pipeline can beat 0.5 accuracy on new rows. */
function coinFlips(seed: number): Record<string, unknown>[] {
  const rng = createRng(seed);
  return Array.from({ length: 160 }, () => ({ a: rng.next(), b: rng.next(), c: rng.next(), d: rng.next(), y: rng.next() < 0.5 ? 'yes' : 'no' }));
}

describe('final re-check of the best trials on fresh splits', () => {
  const common = { target: 'y', trials: 40, cv: 4, workers: 2, seed: 4, prune: false, strategy: 'random', models: ['knn', 'logistic_regression', 'gaussian_nb'], warmStart: false } as const;

  it('on labels that are coin flips, the search best is optimistic and the fresh score exposes it; same seed, same choice', async () => {
    const data = coinFlips(1);
    const a = await search({ ...common, data, storage: `sqlite:${join(dir, 'coin.db')}`, study: 'a' });
    const b = await search({ ...common, data, storage: `sqlite:${join(dir, 'coin.db')}`, study: 'b' });
    expect(a.recheck).not.toBeNull();
    const rc = a.recheck!;
    // No deadline: one fresh split, for all of the 20 best complete trials.
    expect(rc.repeats).toBe(1);
    expect(rc.candidates).toBe(Math.min(20, a.counts.complete));
    expect(rc.searchBest).toMatchObject({ trial: a.best!.number, value: a.best!.value });
    // The maximum of 40 noisy CV means sits well above chance; the same pipeline on a new split does not.
    expect(a.best!.value).toBeGreaterThan(0.55);
    expect(rc.searchBest.fresh).not.toBeNull();
    expect(rc.searchBest.fresh!).toBeLessThan(a.best!.value - 0.03);
    // Every member of the model is one of the re-checked candidates (the best 20 complete trials).
    const top20 = a.study.trials
      .filter((t) => t.state === 'COMPLETE')
      .sort((x, y) => y.value! - x.value! || x.number - y.number)
      .slice(0, 20)
      .map((t) => t.number);
    for (const m of a.modelTrials) expect(top20).toContain(m.trial);
    expect(a.modelTrials.reduce((s, m) => s + m.weight, 0)).toBeCloseTo(1, 9);
    // Reproducible: the same seed gives the same trials, the same fresh scores and the same model.
    expect(b.recheck).toEqual(a.recheck);
    expect(b.modelTrials).toEqual(a.modelTrials);
    for (const r of [a, b]) await r.study.close();
  }, 120_000);

  it('recheck: false chooses on the search scores; ensemble: false still re-checks and keeps the fresh best single pipeline', async () => {
    const data = coinFlips(2);
    const storage = `sqlite:${join(dir, 'off.db')}`;
    const off = await search({ ...common, trials: 12, data, storage, study: 'off', recheck: false, ensemble: false });
    expect(off.recheck).toBeNull();
    expect(off.modelTrials).toEqual([{ trial: off.best!.number, weight: 1 }]);
    expect(off.model!.info.cvScore).toBe(off.best!.value);
    const single = await search({ ...common, trials: 12, data, storage, study: 'single', ensemble: false });
    expect(single.ensemble).toBeNull();
    expect(single.modelTrials).toEqual([{ trial: single.recheck!.freshBest.trial, weight: 1 }]);
    expect(single.model!.info.cvScore).toBe(single.recheck!.freshBest.fresh);
    // Without an ensemble the fresh score is the mean of the fresh folds, so the fresh best is the maximum.
    expect(single.recheck!.freshBest.fresh).toBeGreaterThanOrEqual(single.recheck!.searchBest.fresh!);
    for (const r of [off, single]) await r.study.close();
  }, 120_000);

  it('with a time budget it re-checks on one to three fresh splits inside the budget', async () => {
    const r = await search({ data: DATA('iris.csv'), target: 'species', time: 3, cv: 3, workers: 2, seed: 1, storage: `sqlite:${join(dir, 'time.db')}`, study: 't' });
    expect(r.recheck).not.toBeNull();
    expect(r.recheck!.repeats).toBeGreaterThanOrEqual(1);
    expect(r.recheck!.repeats).toBeLessThanOrEqual(3);
    expect(r.recheck!.candidates).toBeGreaterThanOrEqual(2);
    expect(r.model).not.toBeNull();
    await r.study.close();
  }, 60_000);
});

describe('the objective\'s fresh split', () => {
  it('a task asking for a fresh split gets one drawn from its seed even when the study keeps one fixed split', async () => {
    const ds = loadDataset(DATA('iris.csv'), { target: 'species' });
    const folds = stratifiedKFold(ds.target.values, 3, 7);
    const data: TabularWorkerData = { kind: 'automl.tabular', dataset: ds, folds, metric: 'accuracy', plugins: [] };
    const config = { model: { type: 'knn', n_neighbors: 1 } } as unknown as PipelineConfig;
    const run = async (seed: number, taskData: unknown) => {
      const scores: number[] = [];
      const ctx = { seed, data: taskData, signal: new AbortController().signal, report: async (_k: number, v: number) => (scores.push(v), false), setUserAttr: () => {} } as unknown as ObjectiveContext;
      await crossValidate(config, ctx, data);
      return scores;
    };
    const fixedA = await run(1, undefined);
    const fixedB = await run(2, undefined);
    // Fixed split: 1-NN is deterministic, so another seed changes nothing.
    expect(fixedB).toEqual(fixedA);
    const freshA = await run(1, { freshSplit: true });
    const freshB = await run(2, { freshSplit: true });
    expect(await run(1, { freshSplit: true })).toEqual(freshA);
    expect(freshA).not.toEqual(fixedA);
    expect(freshB).not.toEqual(freshA);
  });
});
