import { describe, expect, it } from 'vitest';
import { InProcessExecutor } from '../../src/coordinator/in-process.js';
import type { ObjectiveFn } from '../../src/protocol/messages.js';
import { TrialPruned } from '../../src/protocol/messages.js';
import { isAutomlError } from '../../src/util/errors.js';
import { failOf, fixture, recordingHooks, task } from './helpers.js';

// The same fixture functions the pool runs, called in this thread.
const basic = (await import(fixture('basic.mjs'))) as Record<string, ObjectiveFn>;
const noHooks = recordingHooks();
const run = (fn: ObjectiveFn, config: unknown = {}, hooks = noHooks, opts = {}) =>
  new InProcessExecutor(fn).run(task('(in-process)', config, 'basic.mjs', { data: { folds: 3 } }), hooks, opts);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('InProcessExecutor: classification', () => {
  it('completes with value, attrs, seed, trial number and data', async () => {
    const o = await run(basic.square, { x: 5 });
    expect(o).toMatchObject({ status: 'complete', value: 9, userAttrs: { seen: { trial: 7, seed: 1234, data: { folds: 3 } } } });
  });

  it.each([
    ['throwing', 'error', 'TypeError: bad config: x is missing'],
    ['rejecting', 'error', 'the model did not converge'],
    ['throwsString', 'error', 'plain string'],
    ['badReport', 'error', 'step must be an integer >= 0'],
    ['badAttr', 'error', 'must be JSON-serialisable'],
    ['returnsNaN', 'invalid-value', 'returned NaN'],
    ['returnsString', 'invalid-value', 'returned a string ("abc")'],
    ['returnsInfinity', 'invalid-value', 'returned -Infinity'],
    ['returnsNothing', 'invalid-value', 'returned undefined'],
  ])('%s -> fail/%s', async (name, kind, message) => {
    const f = failOf(await run(basic[name]));
    expect(f.failKind).toBe(kind);
    expect(f.message).toContain(message);
  });

  it('TrialPruned -> pruned with the last reported value, or null before any report', async () => {
    const hooks = recordingHooks(1);
    expect(await run(basic.reporting, { steps: 5 }, hooks)).toMatchObject({ status: 'pruned', value: 9 });
    expect(hooks.reports).toEqual([
      [0, 10],
      [1, 9],
    ]);
    const early: ObjectiveFn = () => {
      throw new TrialPruned();
    };
    expect(await run(early)).toMatchObject({ status: 'pruned', value: null });
  });

  it('unawaited reports reach the hooks before the outcome', async () => {
    const hooks = { reports: 0, report: async () => (await sleep(5), hooks.reports++, false) };
    expect((await run(basic.reportingUnawaited, { steps: 4 }, hooks as never)).status).toBe('complete');
    expect(hooks.reports).toBe(4);
  });

  it('a failure to record a report fails the trial', async () => {
    const hooks = { report: () => Promise.reject(new Error('database is locked')) };
    const f = failOf(await run(basic.reporting, { steps: 3 }, hooks as never));
    expect(f.failKind).toBe('error');
    expect(f.message).toContain('recording report (step 0, value 10) failed: database is locked');
  });
});

describe('InProcessExecutor: time limits and signals', () => {
  it('resolves at the deadline even when the function ignores its signal', async () => {
    const t0 = performance.now();
    const f = failOf(await run(() => new Promise<number>(() => {}), {}, noHooks, { timeoutMs: 100 }));
    expect(f.failKind).toBe('timeout');
    expect(f.message).toContain('time limit of 100 ms');
    expect(f.message).toContain('cannot be killed');
    expect(performance.now() - t0).toBeLessThan(1000);
  });

  it('drops reports from a function still running after its deadline, and answers "prune"', async () => {
    const hooks = recordingHooks();
    let lateAnswer: boolean | undefined;
    const fn: ObjectiveFn = async (c, ctx) => {
      await sleep(80);
      lateAnswer = await ctx.report(0, 1);
      return 0;
    };
    expect(failOf(await run(fn, {}, hooks, { timeoutMs: 20 })).failKind).toBe('timeout');
    await sleep(120);
    expect(lateAnswer).toBe(true);
    expect(hooks.reports).toEqual([]);
  });

  it('aborts ctx.signal on timeout, with a reason the objective can rethrow', async () => {
    let seen: unknown;
    const fn: ObjectiveFn = (c, ctx) =>
      new Promise((_, reject) =>
        ctx.signal.addEventListener('abort', () => {
          seen = ctx.signal.reason;
          reject(ctx.signal.reason);
        }),
      );
    expect(failOf(await run(fn, {}, noHooks, { timeoutMs: 50 })).failKind).toBe('timeout');
    expect(isAutomlError(seen, 'E_ABORTED')).toBe(true);
  });

  it('a function that blocks the thread past its deadline is still a timeout', async () => {
    const blocking: ObjectiveFn = () => {
      const end = Date.now() + 80;
      while (Date.now() < end);
      return 1;
    };
    expect(failOf(await run(blocking, {}, noHooks, { timeoutMs: 30 })).failKind).toBe('timeout');
    expect(await run(blocking, {}, noHooks, { timeoutMs: 5_000 })).toMatchObject({ status: 'complete', value: 1 });
  });

  it('signal abort -> interrupted (reason "timeout" -> timeout); an aborted signal never starts the trial', async () => {
    const ac = new AbortController();
    const p = run(basic.waitsForAbort, {}, noHooks, { signal: ac.signal });
    setTimeout(() => ac.abort('signal'), 20);
    expect(failOf(await p)).toMatchObject({ failKind: 'interrupted' });
    const ac2 = new AbortController();
    const p2 = run(basic.waitsForAbort, {}, noHooks, { signal: ac2.signal });
    setTimeout(() => ac2.abort('timeout'), 20);
    expect(failOf(await p2).failKind).toBe('timeout');
    let called = false;
    const spy: ObjectiveFn = () => ((called = true), 1);
    expect(failOf(await run(spy, {}, noHooks, { signal: AbortSignal.abort() })).failKind).toBe('interrupted');
    expect(called).toBe(false);
  });
});

describe('InProcessExecutor: concurrency and close', () => {
  it('runs at most `concurrency` at once', async () => {
    let inFlight = 0;
    let peak = 0;
    const fn: ObjectiveFn = async () => {
      peak = Math.max(peak, ++inFlight);
      await sleep(30);
      inFlight--;
      return 0;
    };
    const ex = new InProcessExecutor(fn, { concurrency: 2 });
    const outs = await Promise.all([0, 1, 2, 3, 4].map(() => ex.run(task('x'), noHooks)));
    expect(outs.every((o) => o.status === 'complete')).toBe(true);
    expect(peak).toBe(2);
  });

  it('close interrupts running and waiting trials, and later ones', async () => {
    const ex = new InProcessExecutor(basic.waitsForAbort, { concurrency: 1 });
    const a = ex.run(task('x'), noHooks);
    const b = ex.run(task('x'), noHooks);
    await sleep(10);
    await ex.close();
    expect(failOf(await a)).toMatchObject({ failKind: 'interrupted' });
    expect(failOf(await b)).toMatchObject({ failKind: 'interrupted' });
    expect(failOf(await ex.run(task('x'), noHooks)).message).toContain('closed');
  });

  it('rejects a bad concurrency or a non-function', () => {
    expect(() => new InProcessExecutor(basic.square, { concurrency: 0 })).toThrow(/concurrency must be an integer >= 1, got 0/);
    expect(() => new InProcessExecutor('nope' as never)).toThrow(/must be a function/);
  });
});
