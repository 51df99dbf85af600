/**
 * Issue 7, part 4: trials that misbehave in worker threads. Each becomes FAIL with a reason, its
 * thread is replaced, later trials run, the coordinator never dies, and a study whose trials keep
 * failing stops with a clear message. Includes the ArrayBuffer guard (V8's heap limit does not
 * cover typed arrays; the worker watches them, see src/worker/entry.ts).
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { fileURLToPath } from 'node:url';
import { categorical, createStudy, space } from '../../src/index.js';
import { WorkerPool } from '../../src/coordinator/pool.js';
import { requireBuild } from './helpers.js';

beforeAll(requireBuild);

const FAULTY = fileURLToPath(new URL('../fixtures/hostile/faulty-objective.mjs', import.meta.url));
const MODES = ['ok', 'throw', 'reject', 'throw-null', 'nan', 'infinity', 'string', 'undefined', 'exit', 'loop', 'heap', 'arraybuffer', 'uncaught-later', 'unhandled-rejection'] as const;

/** What each mode must end as: state, failKind and a pattern the reason must match. */
const EXPECTED: Record<(typeof MODES)[number], [string, string | null, RegExp | null]> = {
  ok: ['COMPLETE', null, null],
  throw: ['FAIL', 'error', /boom in trial/],
  reject: ['FAIL', 'error', /TypeError: rejected on purpose/],
  'throw-null': ['FAIL', 'error', /non-Error value: null/],
  nan: ['FAIL', 'invalid-value', /NaN/],
  infinity: ['FAIL', 'invalid-value', /-Infinity/],
  string: ['FAIL', 'invalid-value', /string/],
  undefined: ['FAIL', 'invalid-value', /undefined/],
  exit: ['FAIL', 'error', /process\.exit\(3\)/],
  loop: ['FAIL', 'timeout', /time limit/],
  heap: ['FAIL', 'out-of-memory', /heap limit of 64 MB/],
  arraybuffer: ['FAIL', 'out-of-memory', /ArrayBuffers.*limit of 64 MB/],
  // A throw from a timer, or a rejection nobody awaits, kills the thread while the trial waits.
  'uncaught-later': ['FAIL', 'error', /worker thread crashed: thrown from a timer/],
  'unhandled-rejection': ['FAIL', 'error', /worker thread crashed: nobody awaits this/],
};

describe('faulty trials through the worker pool', () => {
  it('every kind of fault becomes a FAIL with a reason, and the ok trials after it still run', async () => {
    const study = await createStudy({ space: space({ mode: categorical([...MODES]) }), seed: 1 });
    for (const mode of MODES) {
      await study.enqueue({ mode });
      await study.enqueue({ mode: 'ok' });
    }
    const result = await study.optimize({ module: FAULTY }, { trials: MODES.length * 2, workers: 2, timeout: 3, memoryLimitMb: 64, maxConsecutiveFailures: 100 });
    expect(result.stoppedBy).toBe('trials');
    const trials = study.trials;
    expect(trials).toHaveLength(MODES.length * 2);
    for (const t of trials) {
      const mode = (study.configOf(t) as { mode: (typeof MODES)[number] }).mode;
      const [state, kind, reason] = EXPECTED[mode];
      expect({ mode, state: t.state, failKind: t.failKind }).toEqual({ mode, state, failKind: kind });
      if (reason) expect(t.failReason).toMatch(reason);
    }
    // The 'ok' trial queued after each fault completed: a broken thread never took the next trial with it.
    expect(trials.filter((t) => t.number % 2 === 1).every((t) => t.state === 'COMPLETE')).toBe(true);
    await study.close();
  });

  it('ArrayBuffer growth: without the guard nothing stops it; the guard fails the trial near the limit', async () => {
    const task = (n: number) => ({ objective: { module: FAULTY }, trialNumber: n, seed: 1, config: { mode: 'arraybuffer' }, params: {} });
    const hooks = { report: async () => false };
    const guarded = new WorkerPool({ workers: 1, memoryLimitMb: 64, arrayBufferLimitMb: 128 });
    try {
      const o = await guarded.run(task(0), hooks);
      expect(o.status).toBe('fail');
      expect(o.status === 'fail' && o.failKind).toBe('out-of-memory');
      const grown = Number(/allocated (\d+) MB/.exec(o.status === 'fail' ? o.message : '')?.[1]);
      expect(grown).toBeGreaterThan(128);
      expect(grown).toBeLessThan(128 + 256);
      // The thread was replaced: the next trial runs.
      expect((await guarded.run({ ...task(1), config: { mode: 'ok' } }, hooks)).status).toBe('complete');
    } finally {
      await guarded.close();
    }
    // With the guard off, the 64 MB heap limit does not apply to typed arrays: the objective
    // reaches its 512 MB safety cap and returns (the chaos run records the resident memory).
    const unguarded = new WorkerPool({ workers: 1, memoryLimitMb: 64, arrayBufferLimitMb: Infinity });
    try {
      const o = await unguarded.run({ ...task(2), config: { mode: 'arraybuffer', capMb: 512 } }, hooks);
      expect(o).toMatchObject({ status: 'complete', value: -1 });
    } finally {
      await unguarded.close();
    }
  });

  it('arrayBufferLimitMb is validated and defaults to memoryLimitMb', async () => {
    expect(() => new WorkerPool({ arrayBufferLimitMb: 0 })).toThrow(/arrayBufferLimitMb must be a positive number/);
    expect(() => new WorkerPool({ arrayBufferLimitMb: Number.NaN })).toThrow(/E_CONFIG|arrayBufferLimitMb/);
    const pool = new WorkerPool({ memoryLimitMb: 300 });
    expect(pool.arrayBufferLimitMb).toBe(300);
    await pool.close();
  });

  it('a study whose trials all fail stops after maxConsecutiveFailures with a message naming the last failure', async () => {
    const study = await createStudy({ space: space({ mode: categorical(['throw', 'nan']) }), seed: 2 });
    const error = await study.optimize({ module: FAULTY }, { trials: 50, workers: 2, maxConsecutiveFailures: 5 }).then(
      () => null,
      (e: unknown) => e as { code?: string; message: string },
    );
    expect(error?.code).toBe('E_OBJECTIVE');
    expect(error?.message).toMatch(/last 5 trials all failed \(last: trial \d+: (error|invalid-value): .+\)/);
    const trials = await study.getTrials();
    expect(trials.length).toBeGreaterThanOrEqual(5);
    // 5 failures, then the trial running on the other worker and the one asked ahead for the next
    // free worker: each recorded FAIL (interrupted) and queued once more (WAITING).
    expect(trials.length).toBeLessThanOrEqual(9);
    expect(trials.every((t) => t.state === 'FAIL' || t.state === 'WAITING')).toBe(true);
    expect(trials.filter((t) => t.state === 'FAIL' && t.failKind !== 'interrupted').length).toBeGreaterThanOrEqual(5);
    await study.close();
  });
});
