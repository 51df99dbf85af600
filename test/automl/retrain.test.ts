/**
 * retrain(): a new study linked to its parent, on new data, starting from the parent's best
 * configurations; the new model is written only when it is not worse on the new holdout.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { search } from '../../src/automl/search.js';
import { retrain } from '../../src/automl/retrain.js';
import { loadStudy } from '../../src/study/index.js';
import { openStorage } from '../../src/storage/open.js';
import { createRng } from '../../src/util/rng.js';

const dir = mkdtempSync(join(tmpdir(), 'automl-retrain-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** x1, x2 ~ N(0, 1); y = (x1 > 0) or (x2 > 0) by `on`. */
function relation(seed: string, n: number, on: 'x1' | 'x2'): Record<string, unknown>[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => {
    const x1 = rng.normal();
    const x2 = rng.normal();
    return { x1, x2, y: (on === 'x1' ? x1 : x2) > 0 ? 'yes' : 'no' };
  });
}

/** y = 3 x1 + noise: `noise` its standard deviation. */
function linear(seed: string, n: number, noise: number): Record<string, unknown>[] {
  const rng = createRng(seed);
  return Array.from({ length: n }, () => {
    const x1 = rng.normal();
    const x2 = rng.normal();
    return { x1, x2, y: 3 * x1 + noise * rng.normal() };
  });
}

async function listStudies(url: string): Promise<{ name: string }[]> {
  const storage = await openStorage(url);
  try {
    return [...(await storage.listStudies())];
  } finally {
    await storage.close();
  }
}

const FAST = { cv: 3, workers: 2, recheck: false, ensemble: false } as const;

describe('retrain', () => {
  it('the relation changed: the retrained model beats the old one on the new holdout and is written', async () => {
    const storage = `sqlite:${join(dir, 'a.db')}`;
    const oldModel = join(dir, 'old.model.json');
    await (await search({ data: relation('old', 300, 'x1'), target: 'y', study: 'shift', storage, trials: 10, out: oldModel, ...FAST })).study.close();
    const out = join(dir, '{study}.model.json');
    const r = await retrain('shift', { data: relation('new', 300, 'x2'), storage, model: oldModel, out, trials: 10, workers: 2, recheck: false });
    expect(r.parent).toBe('shift');
    expect(r.search.study.name).toBe('shift-retrain');
    expect(r.warmTrials.length).toBeGreaterThan(0);
    expect(r.warmTrials.length).toBeLessThanOrEqual(5);
    expect(r.old.value).not.toBeNull();
    expect(r.new.value!).toBeGreaterThan(r.old.value! + 0.2);
    expect(r.holdoutRows).toBe(60);
    expect(r.decision).toBe('written');
    expect(r.modelFile).toBe(join(dir, 'shift-retrain.model.json'));
    expect(existsSync(r.modelFile!)).toBe(true);
    // The new study names its parent and keeps the old settings, with the new data's fingerprint.
    const child = await loadStudy({ storage, name: 'shift-retrain' });
    const parent = await loadStudy({ storage, name: 'shift' });
    try {
      const s = child.record.settings as Record<string, unknown>;
      const p = parent.record.settings as Record<string, unknown>;
      expect(s['parent']).toEqual({ study: 'shift' });
      for (const k of ['target', 'task', 'metric', 'cv', 'testSize', 'prune', 'ensemble', 'reshuffleFolds']) expect(s[k]).toEqual(p[k]);
      expect(s['fingerprint']).not.toBe(p['fingerprint']);
      expect(child.trials.length).toBe(10);
      expect(JSON.stringify(child.record.space)).toBe(JSON.stringify(parent.record.space));
    } finally {
      await child.close();
      await parent.close();
    }
  }, 120_000);

  it('a worse new model is not written, unless forced', async () => {
    const storage = `sqlite:${join(dir, 'b.db')}`;
    const oldModel = join(dir, 'lin.model.json');
    // The old model learnt y = 3 x1 from 400 clean rows; the new data are 60 rows with heavy noise.
    await (await search({ data: linear('clean', 400, 0.05), target: 'y', study: 'lin', storage, trials: 4, out: oldModel, models: ['ridge'], ...FAST })).study.close();
    const noisy = linear('noisy', 60, 3);
    const kept = await retrain('lin', { data: noisy, storage, model: oldModel, out: join(dir, 'kept.model.json'), trials: 3, workers: 2, recheck: false });
    expect(kept.new.value!).toBeLessThan(kept.old.value!);
    expect(kept.decision).toBe('kept');
    expect(kept.modelFile).toBeNull();
    expect(existsSync(join(dir, 'kept.model.json'))).toBe(false);
    const forced = await retrain('lin', { data: noisy, storage, model: oldModel, out: join(dir, 'forced.model.json'), trials: 3, workers: 2, recheck: false, force: true });
    expect(forced.search.study.name).toBe('lin-retrain-2');
    expect(forced.decision).toBe('forced');
    expect(existsSync(join(dir, 'forced.model.json'))).toBe(true);
  }, 120_000);

  it('new data the old model cannot read: an error before any study is made', async () => {
    const storage = `sqlite:${join(dir, 'a.db')}`;
    // The old model's target depends on x1 alone, so whatever features its pipeline kept, x1 is one.
    const data = relation('cols', 100, 'x2').map(({ x2, y }) => ({ x2, y }));
    await expect(retrain('shift', { data, storage, model: join(dir, 'old.model.json'), out: join(dir, '{study}.model.json') })).rejects.toMatchObject({ code: 'E_PREDICT_COLUMNS', message: expect.stringContaining('x1') });
    const names = (await listStudies(storage)).map((x) => x.name);
    expect(names.filter((n) => n.startsWith('shift-retrain'))).toEqual(['shift-retrain']);
    expect(existsSync(join(dir, 'shift-retrain-2.model.json'))).toBe(false);
  });

  it('without the old model file: an error naming --model, before any study is made', async () => {
    const storage = `sqlite:${join(dir, 'a.db')}`;
    await expect(retrain('shift', { data: relation('x', 100, 'x2'), storage, model: join(dir, 'none.model.json'), out: join(dir, '{study}.model.json') })).rejects.toMatchObject({ code: 'E_FILE_NOT_FOUND', message: expect.stringContaining('--model') });
  });
});
