import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { categorical, choice, createStudy, float, int, loadStudy, space, TrialPruned, isAutomlError } from '../../src/index.js';
import { MedianPruner, type Pruner } from '../../src/pruners/index.js';
import { MemoryStorage } from '../../src/storage/memory.js';
import type { Storage } from '../../src/storage/storage.js';

const branin = (x: number, y: number): number => {
  const a = 1, b = 5.1 / (4 * Math.PI ** 2), c = 5 / Math.PI, r = 6, s = 10, t = 1 / (8 * Math.PI);
  return a * (y - b * x * x + c * x - r) ** 2 + s * (1 - t) * Math.cos(x) + s;
};
const s2 = space({ x: float(-5, 10), y: float(0, 15) });
const tmp = (): string => mkdtempSync(join(tmpdir(), 'automl-study-'));

describe('Study ask/tell', () => {
  it('runs ask/tell by hand and tracks the best trial', async () => {
    const study = await createStudy({ sampler: 'random', space: s2, direction: 'minimize', seed: 3 });
    for (let i = 0; i < 10; i++) {
      const t = (await study.ask())!;
      expect(t.number).toBe(i);
      expect(s2.params.every((p) => typeof t.params[p.name] === 'number')).toBe(true);
      await study.tell(t, branin(t.config.x, t.config.y));
    }
    const values = study.trials.map((t) => t.value!);
    expect(study.bestTrial!.value).toBe(Math.min(...values));
    expect(study.trials.every((t) => t.state === 'COMPLETE')).toBe(true);
  });

  it('maximize picks the largest value; non-finite values fail the trial', async () => {
    const study = await createStudy({ sampler: 'random', space: s2, direction: 'maximize', seed: 1 });
    const a = (await study.ask())!;
    await study.tell(a, 5);
    const b = (await study.ask())!;
    await study.tell(b, 7);
    const c = (await study.ask())!;
    await study.tell(c, Number.NaN);
    expect(study.bestTrial!.number).toBe(1);
    expect(study.trials[2]!.state).toBe('FAIL');
    expect(study.trials[2]!.failKind).toBe('invalid-value');
    expect(study.trials[2]!.failReason).toMatch(/NaN/);
    expect(await study.tell(a, 100)).toBe(false);
    expect(study.trials[0]!.value).toBe(5);
  });

  it('evaluates enqueued configurations first, validated against the space', async () => {
    const s = space({ m: choice({ a: { n: int(1, 5) }, b: {} }), k: categorical(['x', 'y']) });
    const study = await createStudy({ sampler: 'random', space: s, seed: 1 });
    await study.enqueue({ m: { type: 'b' }, k: 'y' });
    await expect(study.enqueue({ m: { type: 'a', n: 9 }, k: 'x' })).rejects.toThrow(/'m.a.n' = 9 is outside/);
    const t = (await study.ask())!;
    expect(t.config).toEqual({ m: { type: 'b' }, k: 'y' });
    expect(study.trials[0]!.origin).toBe('enqueued');
  });

  it('same seed gives the same configurations, different seeds differ', async () => {
    const run = async (seed: number): Promise<string[]> => {
      const study = await createStudy({ sampler: 'random', space: s2, seed });
      await study.optimize((c) => branin(c.x, c.y), { trials: 15 });
      return study.trials.map((t) => JSON.stringify(t.params));
    };
    expect(await run(42)).toEqual(await run(42));
    expect(await run(42)).not.toEqual(await run(43));
  });

  it('same seed gives identical configurations with 1 and 2 concurrent workers', async () => {
    const run = async (workers: number): Promise<string[]> => {
      const study = await createStudy({ sampler: 'random', space: s2, seed: 9 });
      await study.optimize(async (c, ctx) => {
        await new Promise((r) => setTimeout(r, (ctx.trialNumber * 7) % 5));
        return branin(c.x, c.y);
      }, { trials: 20, workers });
      return study.trials.map((t) => `${t.number}:${JSON.stringify(t.params)}:${t.value}`);
    };
    expect(await run(2)).toEqual(await run(1));
  });
});

describe('Study.optimize', () => {
  it('records failures, pruned trials and goes on', async () => {
    const study = await createStudy({ sampler: 'random', space: s2, seed: 5 });
    const result = await study.optimize(async (c, ctx) => {
      if (ctx.trialNumber % 4 === 1) throw new Error(`boom ${ctx.trialNumber}`);
      if (ctx.trialNumber % 4 === 2) {
        await ctx.report(0, 1);
        throw new TrialPruned();
      }
      return c.x;
    }, { trials: 12 });
    expect(result.stoppedBy).toBe('trials');
    expect(study.trials).toHaveLength(12);
    const byState = (s: string): number => study.trials.filter((t) => t.state === s).length;
    expect(byState('FAIL')).toBe(3);
    expect(byState('PRUNED')).toBe(3);
    expect(byState('COMPLETE')).toBe(6);
    expect(study.trials[1]!.failReason).toBe('boom 1');
    expect(study.trials[2]!.intermediate).toEqual([{ step: 0, value: 1 }]);
    expect(study.trials[2]!.value).toBe(1);
  });

  it('stops after too many failures in a row with a clear message', async () => {
    const study = await createStudy({ sampler: 'random', space: s2, seed: 5 });
    await expect(study.optimize(() => { throw new Error('no data'); }, { trials: 100, maxConsecutiveFailures: 5 }))
      .rejects.toThrow(/last 5 trials all failed.*no data/);
    expect(study.trials.length).toBeLessThan(10);
  });

  it('a time budget is hard: running trials are aborted at the deadline', async () => {
    const study = await createStudy({ sampler: 'random', space: s2, seed: 5 });
    const t0 = Date.now();
    const r = await study.optimize((_c, ctx) => new Promise<number>((resolve, reject) => {
      const timer = setTimeout(() => resolve(1), ctx.trialNumber === 2 ? 60_000 : 50);
      ctx.signal.addEventListener('abort', () => { clearTimeout(timer); reject(new Error('aborted')); });
    }), { time: 0.6 });
    expect(Date.now() - t0).toBeLessThan(3000);
    expect(r.stoppedBy).toBe('time');
    const cut = study.trials.filter((t) => t.state === 'FAIL');
    expect(cut.length).toBeGreaterThanOrEqual(1);
    for (const t of cut) {
      expect(t.failKind).toBe('interrupted');
      expect(t.failReason).toMatch(/time budget/);
    }
    expect(study.trials.filter((t) => t.state === 'RUNNING')).toHaveLength(0);
    // The configurations cut short are queued to run first next time, once.
    const waiting = study.trials.filter((t) => t.state === 'WAITING');
    expect(waiting.map((t) => t.retryOf)).toEqual(cut.map((t) => t.number));
    expect(waiting.map((t) => t.params)).toEqual(cut.map((t) => t.params));
    expect(study.countedTrials()).toBe(study.trials.filter((t) => t.state === 'COMPLETE').length);
  });

  it('grid search covers every point once and ends when exhausted', async () => {
    const s = space({ m: choice({ a: { n: int(1, 3) }, b: { c: categorical(['p', 'q']) } }), flag: categorical([true, false]) });
    const study = await createStudy({ space: s, sampler: 'grid', seed: 2 });
    const r = await study.optimize(() => 0, { workers: 2 });
    expect(r.stoppedBy).toBe('exhausted');
    expect(study.trials).toHaveLength(10);
    expect(new Set(study.trials.map((t) => JSON.stringify(t.params))).size).toBe(10);
    expect(await study.ask()).toBeNull();
  });

  it('rejects bad options with the parameter name', async () => {
    const study = await createStudy({ sampler: 'random', space: s2 });
    await expect(study.optimize(() => 1, { trials: -1 })).rejects.toThrow(/trials must be an integer >= 0, got -1/);
    await expect(study.optimize(() => 1, {})).rejects.toThrow(/give a budget/);
    await expect(study.optimize(() => 1, { time: 0 })).rejects.toThrow(/time must be a positive number/);
  });
});

describe('Study on SQLite', () => {
  it('a trial budget is the study total: resuming a stopped study runs the rest', async () => {
    const storage = `sqlite:${join(tmp(), 'runs.db')}`;
    const first = await createStudy({ sampler: 'random', name: 'branin', space: s2, seed: 11, storage });
    await first.optimize((c) => branin(c.x, c.y), { trials: 37 });
    const firstParams = first.trials.map((t) => JSON.stringify(t.params));
    await first.close();

    const again = await createStudy({ sampler: 'random', name: 'branin', space: s2, storage });
    expect(again.seed).toBe(11);
    expect(again.trials).toHaveLength(37);
    await again.optimize((c) => branin(c.x, c.y), { trials: 100 });
    expect(again.trials).toHaveLength(100);
    expect(again.trials.slice(0, 37).map((t) => JSON.stringify(t.params))).toEqual(firstParams);
    await again.close();

    // Same seed, uninterrupted: identical configurations (resume does not change the stream).
    const straight = await createStudy({ sampler: 'random', name: 'straight', space: s2, seed: 11, storage });
    await straight.optimize((c) => branin(c.x, c.y), { trials: 100 });
    const reopened = await loadStudy({ name: 'branin', storage });
    expect(reopened.trials.map((t) => JSON.stringify(t.params))).toEqual(straight.trials.map((t) => JSON.stringify(t.params)));
    await reopened.close();
    await straight.close();
  });

  it('a trial whose process died before storing its configuration is retried with the configuration of its place in the sampling order', async () => {
    const storage = `sqlite:${join(tmp(), 'died.db')}`;
    const study = await createStudy({ sampler: 'random', name: 'd', space: s2, seed: 5, storage });
    await study.optimize((c) => branin(c.x, c.y), { trials: 5 });
    // Another process on this host took trial 5 and died before sampling it: no parameters stored.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    const orphan = await study.storage.startTrial(study.record.id, { worker: `${hostname()}:${dead}:gone` });
    expect(orphan!.number).toBe(5);
    expect(orphan!.params).toEqual({});
    await study.optimize((c) => branin(c.x, c.y), { trials: 20 });
    const byNumber = study.trials;
    expect(byNumber[5]).toMatchObject({ state: 'FAIL', failKind: 'interrupted' });
    const retry = byNumber.find((t) => t.retryOf === 5)!;
    expect(retry.state).toBe('COMPLETE');
    const straight = await createStudy({ sampler: 'random', name: 'straight', space: s2, seed: 5, storage });
    await straight.optimize((c) => branin(c.x, c.y), { trials: 20 });
    expect(retry.params).toEqual(straight.trials[5]!.params);
    expect(retry.value).toBe(straight.trials[5]!.value);
    const key = (t: { params: unknown }) => JSON.stringify(t.params);
    expect(byNumber.filter((t) => t.state === 'COMPLETE').map(key).sort()).toEqual(straight.trials.map(key).sort());
    await study.close();
    await straight.close();
  });

  it('a trial taken over by another process before its configuration was stored is given up, and ask takes the next one', async () => {
    // Another process marks the trial abandoned while this one samples it (as after a long pause).
    class TakenOver extends MemoryStorage {
      once = true;
      override async setTrialParams(studyId: number, number: number, params: Record<string, unknown>): Promise<void> {
        if (this.once) {
          this.once = false;
          await this.finishTrial(studyId, number, { state: 'FAIL', failKind: 'interrupted', failReason: 'abandoned: taken over' });
        }
        return super.setTrialParams(studyId, number, params as never);
      }
    }
    const study = await createStudy({ sampler: 'random', space: s2, seed: 8, storage: new TakenOver() });
    const t = (await study.ask())!;
    expect(t.number).toBe(1);
    expect(study.trial(0)).toMatchObject({ state: 'FAIL', failKind: 'interrupted' });
    await study.tell(t, { state: 'COMPLETE', value: 1 });
    expect(study.trial(1)!.state).toBe('COMPLETE');
    await study.close();
  });

  it('refuses to resume with a different space or direction, and names missing studies', async () => {
    const storage = `sqlite:${join(tmp(), 'runs.db')}`;
    const st = await createStudy({ sampler: 'random', name: 'a', space: s2, storage });
    await st.close();
    await expect(createStudy({ sampler: 'random', name: 'a', space: space({ x: float(0, 1) }), storage })).rejects.toThrow(/different search space/);
    await expect(createStudy({ sampler: 'random', name: 'a', space: s2, direction: 'maximize', storage })).rejects.toThrow(/created to minimize/);
    try {
      await loadStudy({ name: 'b', storage });
      expect.unreachable();
    } catch (e) {
      expect(isAutomlError(e, 'E_STUDY_NOT_FOUND')).toBe(true);
      expect((e as Error).message).toMatch(/studies there: a/);
    }
  });
});

describe('Study pruning bookkeeping', () => {
  // Five folds whose scores drift with x: low x is good (minimize), with per-fold noise.
  const folds = (x: number, n: number): number[] => Array.from({ length: 5 }, (_, k) => x + Math.sin(n * 7 + k * 3));
  const objective = async (c: { x: number; y: number }, ctx: { trialNumber: number; report(s: number, v: number): Promise<boolean> }): Promise<number> => {
    const scores = folds(c.x, ctx.trialNumber);
    for (let k = 0; k < scores.length; k++) {
      if ((await ctx.report(k, scores[k]!)) && k < scores.length - 1) throw new TrialPruned();
    }
    return scores.reduce((a, b) => a + b, 0) / scores.length;
  };

  it('keeps intermediate values in memory and stores them with the final state', async () => {
    const inner = new MemoryStorage();
    let reports = 0;
    const storage = new Proxy(inner, {
      get(target, key, receiver) {
        if (key === 'reportIntermediate') reports++;
        return Reflect.get(target, key, receiver) as unknown;
      },
    }) as Storage;
    const study = await createStudy({ sampler: 'random', space: s2, seed: 11, pruner: 'median', storage });
    let storedWhileRunning = -1;
    await study.optimize(async (c, ctx) => {
      const v = await objective(c, ctx);
      if (ctx.trialNumber === 3) storedWhileRunning = (await inner.getTrial(study.record.id, 3))!.intermediate.length;
      return v;
    }, { trials: 40 });
    expect(reports).toBe(0);
    expect(storedWhileRunning).toBe(0);
    const pruned = study.trials.filter((t) => t.state === 'PRUNED');
    const complete = study.trials.filter((t) => t.state === 'COMPLETE');
    expect(pruned.length).toBeGreaterThan(5);
    for (const t of complete) expect(t.intermediate.map((x) => x.step)).toEqual([0, 1, 2, 3, 4]);
    for (const t of pruned) {
      // Its partial scores, in step order, and its value is the last of them.
      const k = t.intermediate.length;
      expect(k).toBeGreaterThanOrEqual(1);
      expect(k).toBeLessThan(5);
      expect(t.intermediate).toEqual(folds(t.params.x as number, t.number).slice(0, k).map((value, step) => ({ step, value })));
      expect(t.value).toBe(t.intermediate[k - 1]!.value);
    }
    // What was stored is what a fresh reader sees.
    expect(await inner.getTrials(study.record.id)).toEqual(study.trials);
  });

  it('a resumed study indexes the stored trials: it prunes as a scan of them would', async () => {
    const storage = `sqlite:${join(tmp(), 'resume.db')}`;
    const first = await createStudy({ name: 'r', sampler: 'random', space: s2, seed: 8, pruner: 'median', storage });
    await first.optimize(objective, { trials: 30 });
    await first.close();
    const resumed = await loadStudy({ name: 'r', storage, pruner: 'median' });
    const history = await resumed.getTrials();
    expect(history.some((t) => t.state === 'PRUNED' && t.intermediate.length > 0)).toBe(true);
    const scan = new MedianPruner();
    const t = (await resumed.ask())!;
    let decisions = 0;
    for (const [step, value] of [[0, 0], [1, 3], [2, -3], [3, 9]] as const) {
      const own = [...t.intermediate.filter((x) => x.step !== step), { step, value }];
      const expected = scan.shouldPrune({ direction: 'minimize', step, intermediate: own, history });
      expect(await t.report(step, value)).toBe(expected);
      if (expected) decisions++;
    }
    expect(decisions).toBeGreaterThan(0);
    await resumed.tell(t, { state: 'PRUNED' });
    expect((await resumed.getTrials()).at(-1)!.intermediate).toEqual([{ step: 0, value: 0 }, { step: 1, value: 3 }, { step: 2, value: -3 }, { step: 3, value: 9 }]);
    await resumed.close();
  });

  it('a scanning pruner sees the values reported by other trials of this process in flight', async () => {
    const study = await createStudy({ sampler: 'random', space: s2, seed: 2, direction: 'maximize', pruner: 'successive_halving' });
    const a = (await study.ask())!;
    const b = (await study.ask())!;
    expect(await a.report(0, 0.9)).toBe(false);
    // At the first rung b meets a (0.9, still running): 1 of 2 is better, b stops.
    expect(await b.report(0, 0.1)).toBe(true);
    await study.tell(b, { state: 'PRUNED' });
    await study.tell(a, 0.9);
    expect(study.trial(b.number)!.intermediate).toEqual([{ step: 0, value: 0.1 }]);
  });

  it('prunes through the incremental index exactly as by scanning the history', async () => {
    const run = async (pruner: Pruner): Promise<string[]> => {
      const study = await createStudy({ sampler: 'tpe', space: s2, seed: 4, pruner });
      await study.optimize(objective, { trials: 60 });
      return study.trials.map((t) => `${t.number}:${t.state}:${t.intermediate.length}`);
    };
    const scanning = new MedianPruner();
    const plain: Pruner = { name: 'median-scan', shouldPrune: (ctx) => scanning.shouldPrune(ctx) };
    const a = await run(new MedianPruner());
    expect(a).toEqual(await run(plain));
    expect(a.filter((x) => x.includes('PRUNED')).length).toBeGreaterThan(5);
  });
});
