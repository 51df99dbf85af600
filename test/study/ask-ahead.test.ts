import { describe, expect, it } from 'vitest';
import { createStudy, float, space } from '../../src/index.js';
import type { Executor, RunOptions } from '../../src/coordinator/executor.js';
import type { TrialOutcome, TrialTask } from '../../src/protocol/messages.js';
import type { Study } from '../../src/study/index.js';

/**
 * A one-slot executor whose trials take `ms` (or end when aborted), like the worker pool when
 * `offThread`. It records which other trials were RUNNING when each trial finished.
 */
class FakeExecutor implements Executor {
  readonly concurrency = 1;
  readonly runningAtEnd = new Map<number, number[]>();
  constructor(
    readonly offThread: boolean,
    private readonly study: () => Study,
    private readonly ms: number,
  ) {}
  async run(task: TrialTask, _hooks: unknown, opts: RunOptions = {}): Promise<TrialOutcome> {
    const aborted = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), this.ms);
      opts.signal?.addEventListener('abort', () => (clearTimeout(timer), resolve(true)), { once: true });
    });
    const others = this.study().trials.filter((t) => t.state === 'RUNNING' && t.number !== task.trialNumber);
    this.runningAtEnd.set(task.trialNumber, others.map((t) => t.number));
    if (aborted) return { status: 'fail', failKind: 'interrupted', message: 'aborted', durationMs: 0 };
    return { status: 'complete', value: task.trialNumber, durationMs: this.ms };
  }
  async close(): Promise<void> {}
}

const sp = space({ x: float(0, 1) });

describe('asking ahead while every worker is busy', () => {
  it('an off-thread executor finds the next trial already asked when one ends; the budget is exact', async () => {
    for (const offThread of [true, false]) {
      const study = await createStudy({ space: sp, seed: 1, sampler: 'random' });
      const ex = new FakeExecutor(offThread, () => study, 10);
      const r = await study.optimize(() => 0, { trials: 5, executor: ex });
      expect(r.complete).toBe(5);
      expect(study.trials.map((t) => t.state)).toEqual(Array(5).fill('COMPLETE'));
      for (let n = 0; n < 5; n++) {
        // Asked ahead: trial n+1 exists (RUNNING) while n runs; never beyond the budget.
        expect(ex.runningAtEnd.get(n)).toEqual(offThread && n < 4 ? [n + 1] : []);
      }
      await study.close();
    }
  });

  it('a trial asked ahead but never started when the time runs out is recorded as not run and queued again', async () => {
    const study = await createStudy({ space: sp, seed: 2, sampler: 'random' });
    const ex = new FakeExecutor(true, () => study, 60_000);
    const r = await study.optimize(() => 0, { time: 0.2, executor: ex });
    expect(r.stoppedBy).toBe('time');
    const byNumber = study.trials.slice().sort((a, b) => a.number - b.number);
    // Trial 0 ran and was cut by the deadline; trial 1 was asked ahead and never started.
    expect(byNumber[0]).toMatchObject({ state: 'FAIL', failKind: 'interrupted' });
    expect(byNumber[1]).toMatchObject({ state: 'FAIL', failKind: 'interrupted', failReason: 'not started: the study was stopping' });
    // Both are queued to run first next time, with the same parameters.
    const waiting = byNumber.filter((t) => t.state === 'WAITING');
    expect(waiting.map((t) => t.retryOf).sort()).toEqual([0, 1]);
    expect(waiting.find((t) => t.retryOf === 1)!.params).toEqual(byNumber[1]!.params);
    expect([...ex.runningAtEnd.keys()]).toEqual([0]);
    await study.close();
  });

  it('stopEarly winds the run down: running trials finish, nothing starts after it, an asked-ahead one is queued again', async () => {
    const study = await createStudy({ space: sp, seed: 3, sampler: 'random' });
    const ex = new FakeExecutor(true, () => study, 20);
    let polls = 0;
    const r = await study.optimize(() => 0, { trials: 50, executor: ex, stopEarly: () => ++polls >= 3 });
    expect(r.stoppedBy).toBe('time');
    expect(polls).toBe(3);
    const byNumber = study.trials.slice().sort((a, b) => a.number - b.number);
    // Trial 3 had already started in trial 2's freed slot when trial 2's record asked to stop: it
    // finishes. Trial 4, asked ahead meanwhile, never starts; nothing else is asked.
    expect(r.complete).toBe(4);
    expect(byNumber.slice(0, 4).map((t) => t.state)).toEqual(Array(4).fill('COMPLETE'));
    expect(byNumber[4]).toMatchObject({ state: 'FAIL', failKind: 'interrupted', failReason: 'not started: the study was stopping' });
    expect(byNumber.filter((t) => t.state !== 'WAITING')).toHaveLength(5);
    await study.close();
  });
});
