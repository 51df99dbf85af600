/**
 * Durations beyond what one setTimeout supports (2^31-1 ms, about 24.8 days): the timers chain, so
 * a 600-hour budget or time limit does not fire at once (Node clamps longer delays to 1 ms).
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createStudy, float, space } from '../../src/index.js';
import { RunGuard } from '../../src/coordinator/run-guard.js';
import { InProcessExecutor } from '../../src/coordinator/in-process.js';
import { MAX_TIMEOUT_MS, setLongTimeout } from '../../src/util/timers.js';

const DAY = 24 * 3600 * 1000;

afterEach(() => {
  vi.useRealTimers();
});

describe('setLongTimeout', () => {
  it('fires once after delays longer than one setTimeout allows, and not before', () => {
    vi.useFakeTimers();
    const fn = vi.fn();
    setLongTimeout(fn, 30 * DAY);
    vi.advanceTimersByTime(10);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(MAX_TIMEOUT_MS);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(30 * DAY - MAX_TIMEOUT_MS - 20);
    expect(fn).not.toHaveBeenCalled();
    vi.advanceTimersByTime(20);
    expect(fn).toHaveBeenCalledTimes(1);
    vi.advanceTimersByTime(60 * DAY);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('short delays behave as setTimeout; clear() cancels, also between links', () => {
    vi.useFakeTimers();
    const a = vi.fn();
    setLongTimeout(a, 50);
    vi.advanceTimersByTime(50);
    expect(a).toHaveBeenCalledTimes(1);
    const b = vi.fn();
    const t = setLongTimeout(b, 40 * DAY);
    vi.advanceTimersByTime(MAX_TIMEOUT_MS + 5);
    t.clear();
    vi.advanceTimersByTime(40 * DAY);
    expect(b).not.toHaveBeenCalled();
  });
});

describe('long budgets and limits do not fire at once', () => {
  it('a per-trial limit of 600 hours is a limit, not an instant timeout', async () => {
    vi.useFakeTimers();
    const guard = new RunGuard(1, { timeoutMs: 600 * 3600 * 1000 });
    vi.advanceTimersByTime(1000);
    expect(guard.outcome).toBeNull();
    vi.advanceTimersByTime(600 * 3600 * 1000);
    expect(guard.outcome).toMatchObject({ status: 'fail', failKind: 'timeout' });
  });

  it('study.optimize with time = 600 hours runs its trials (it stopped at once, by "time")', async () => {
    const study = await createStudy({ space: space({ x: float(0, 1) }), seed: 1, sampler: 'random' });
    try {
      const slow = new InProcessExecutor(async (c) => {
        await new Promise((r) => setTimeout(r, 5));
        return (c as { x: number }).x;
      });
      const r = await study.optimize(() => 0, { trials: 4, time: 600 * 3600, executor: slow });
      expect(r.stoppedBy).toBe('trials');
      expect(r.complete).toBe(4);
    } finally {
      await study.close();
    }
  });
});
