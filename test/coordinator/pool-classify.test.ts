import { afterAll, describe, expect, it } from 'vitest';
import { WorkerPool } from '../../src/coordinator/pool.js';
import { failOf, fixture, recordingHooks, task } from './helpers.js';

// One pool for the file; misbehaving trials must not stop later ones from running on it.
const pool = new WorkerPool({ workers: 2, memoryLimitMb: 32 });
afterAll(() => pool.close());
const noHooks = recordingHooks();

describe('WorkerPool: results', () => {
  it('completes with the value and attrs, passing seed, trial number and data', async () => {
    const o = await pool.run(task('square', { x: 5 }, 'basic.mjs', { data: { folds: 3 } }), noHooks);
    expect(o).toMatchObject({ status: 'complete', value: 9, userAttrs: { seen: { trial: 7, seed: 1234, data: { folds: 3 } } } });
    expect(o.durationMs).toBeGreaterThanOrEqual(0);
  });

  it('hands artifacts back with the outcome, typed arrays intact, apart from the stored attrs', async () => {
    const o = await pool.run(task('withArtifact', { x: 3 }), noHooks);
    expect(o).toMatchObject({ status: 'complete', value: 3, userAttrs: { stored: 1 } });
    const art = (o as { artifacts?: Record<string, unknown> }).artifacts;
    expect(art?.oof).toBeInstanceOf(Float64Array);
    expect(Array.from(art!.oof as Float64Array)).toEqual([3, 6]);
    expect((o as { userAttrs?: Record<string, unknown> }).userAttrs).not.toHaveProperty('oof');
  });

  it('uses the default export when no exportName is given', async () => {
    expect(await pool.run(task(undefined, { x: 4 }), noHooks)).toMatchObject({ status: 'complete', value: 4 });
  });
});

describe('WorkerPool: objective errors', () => {
  it.each([
    ['throwing', 'TypeError: bad config: x is missing'],
    ['rejecting', 'the model did not converge'],
    ['throwsString', 'plain string'],
    ['badReport', 'step must be an integer >= 0, got -1'],
    ['badAttr', 'ctx.setUserAttr("n", value): value must be JSON-serialisable'],
    ['badArtifact', 'ctx.setArtifact(key, value): key must be a non-empty string'],
  ])('%s -> fail/error with the message', async (name, message) => {
    const f = failOf(await pool.run(task(name), noHooks));
    expect(f.failKind).toBe('error');
    expect(f.message).toContain(message);
  });

  it.each([
    ['returnsNaN', 'returned NaN'],
    ['returnsString', 'returned a string ("abc")'],
    ['returnsInfinity', 'returned -Infinity'],
    ['returnsNothing', 'returned undefined'],
  ])('%s -> fail/invalid-value saying what came back', async (name, message) => {
    const f = failOf(await pool.run(task(name), noHooks));
    expect(f.failKind).toBe('invalid-value');
    expect(f.message).toContain(message);
    expect(f.message).toContain('finite number');
  });

  it('a crash from a timer inside the thread -> fail/error naming the error', async () => {
    const f = failOf(await pool.run(task('asyncCrash'), noHooks));
    expect(f.failKind).toBe('error');
    expect(f.message).toContain('RangeError: thrown from a timer');
  });
});

describe('WorkerPool: objectives that cannot be loaded', () => {
  it('missing export: names the module, the export and the exports it has', async () => {
    const f = failOf(await pool.run(task('objective', {}, 'no-export.mjs'), noHooks));
    expect(f.failKind).toBe('error');
    expect(f.message).toContain(fixture('no-export.mjs'));
    expect(f.message).toContain('"objective"');
    expect(f.message).toContain('helper, version');
  });

  it('an export that is not a function', async () => {
    expect(failOf(await pool.run(task('notAFunction'), noHooks)).message).toContain('number, not a function');
  });

  it('a missing file, a module that throws on import, a relative path', async () => {
    const missing = failOf(await pool.run(task('x', {}, 'does-not-exist.mjs'), noHooks));
    expect(missing.message).toContain(`cannot load the objective module ${fixture('does-not-exist.mjs')}`);
    const broken = failOf(await pool.run(task(undefined, {}, 'top-level-throw.mjs'), noHooks));
    expect(broken.message).toContain('missing API key');
    const rel = failOf(await pool.run({ ...task('square'), objective: { module: './basic.mjs' } }, noHooks));
    expect(rel.message).toContain('relative path');
  });
});

describe('WorkerPool: reports', () => {
  it('round-trip in order, and the prune answer ends the trial as pruned with the last value', async () => {
    const hooks = recordingHooks(2);
    const o = await pool.run(task('reporting', { steps: 5 }), hooks);
    expect(hooks.reports).toEqual([
      [0, 10],
      [1, 9],
      [2, 8],
    ]);
    expect(o).toMatchObject({ status: 'pruned', value: 8 });
  });

  it('without pruning the trial completes after all steps', async () => {
    const hooks = recordingHooks();
    expect(await pool.run(task('reporting', { steps: 4 }), hooks)).toMatchObject({ status: 'complete', value: 0 });
    expect(hooks.reports.map(([s]) => s)).toEqual([0, 1, 2, 3]);
  });

  it('reports that were not awaited all reach the study before the outcome', async () => {
    const hooks = recordingHooks();
    const o = await pool.run(task('reportingUnawaited', { steps: 20 }), hooks);
    expect(o.status).toBe('complete');
    expect(hooks.reports).toHaveLength(20);
  });

  it('a failure to record a report fails the trial, naming the step', async () => {
    const hooks = { report: async () => Promise.reject(new Error('database is locked')) };
    const f = failOf(await pool.run(task('reporting', { steps: 3 }), hooks));
    expect(f.failKind).toBe('error');
    expect(f.message).toContain('recording report (step 0, value 10) failed: database is locked');
  });
});

describe('WorkerPool: threads that must be killed or die', () => {
  it('a time limit kills an infinite loop (fail/timeout) and the next trial runs', async () => {
    const t0 = performance.now();
    const f = failOf(await pool.run(task('infiniteLoop'), noHooks, { timeoutMs: 200 }));
    expect(f.failKind).toBe('timeout');
    expect(f.message).toContain('time limit of 200 ms');
    expect(performance.now() - t0).toBeLessThan(2000);
    expect(await pool.run(task('square', { x: 2 }), noHooks)).toMatchObject({ status: 'complete', value: 0 });
  });

  it('aborting the signal interrupts a running trial; a "timeout" reason makes it a timeout', async () => {
    const ac = new AbortController();
    const p = pool.run(task('infiniteLoop'), noHooks, { signal: ac.signal });
    setTimeout(() => ac.abort('signal'), 100);
    const f = failOf(await p);
    expect(f.failKind).toBe('interrupted');
    expect(f.message).toContain('signal');
    const ac2 = new AbortController();
    const p2 = pool.run(task('infiniteLoop'), noHooks, { signal: ac2.signal });
    setTimeout(() => ac2.abort('timeout'), 100);
    expect(failOf(await p2).failKind).toBe('timeout');
    expect(failOf(await pool.run(task('square'), noHooks, { signal: AbortSignal.abort() })).failKind).toBe('interrupted');
  });

  it('heap exhaustion -> fail/out-of-memory naming the limit, and the next trial runs', async () => {
    const f = failOf(await pool.run(task(undefined, {}, 'oom.mjs'), noHooks));
    expect(f.failKind).toBe('out-of-memory');
    expect(f.message).toContain('32 MB');
    expect(f.message).toContain('memoryLimitMb');
    expect(await pool.run(task('square', { x: 3 }), noHooks)).toMatchObject({ status: 'complete', value: 1 });
  });

  it('process.exit in the objective -> fail/error naming it, and the next trial runs', async () => {
    const f = failOf(await pool.run(task(undefined, { code: 5 }, 'exit.mjs'), noHooks));
    expect(f.failKind).toBe('error');
    expect(f.message).toContain('objective called process.exit(5)');
    expect(await pool.run(task('square', { x: 1 }), noHooks)).toMatchObject({ status: 'complete', value: 1 });
  });
});
