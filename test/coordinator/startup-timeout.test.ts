/**
 * A trial's time limit counts from the start of its objective, not from the dispatch: a thread's
 * start-up and a slow module import are not charged to the trial (they have a limit of their own).
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { WorkerPool } from '../../src/coordinator/pool.js';
import type { TrialTask } from '../../src/protocol/messages.js';
import { failOf, recordingHooks } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'automl-startup-'));
// Its import takes 1.2 s (a top-level await), then each call is instant.
const SLOW_IMPORT = join(dir, 'slow-import.mjs');
writeFileSync(
  SLOW_IMPORT,
  `await new Promise((r) => setTimeout(r, 1200));
export default function fast() { return 1; }
export function spin() { for (;;) {} }
`,
);
// Its import never finishes.
const HANGING_IMPORT = join(dir, 'hanging-import.mjs');
writeFileSync(HANGING_IMPORT, `await new Promise(() => {});\nexport default function never() { return 1; }\n`);

const task = (module: string, exportName?: string): TrialTask => ({ objective: exportName ? { module, exportName } : { module }, trialNumber: 3, seed: 1, config: {}, params: {} });
const noHooks = recordingHooks();
const pools: WorkerPool[] = [];
afterAll(async () => {
  await Promise.all(pools.map((p) => p.close()));
});

describe('WorkerPool: the time limit counts from the start of the objective', () => {
  it('a slow module import (1.2 s) does not time out a fast trial with a 0.5 s limit', async () => {
    const pool = new WorkerPool({ workers: 1 });
    pools.push(pool);
    const o = await pool.run(task(SLOW_IMPORT), noHooks, { timeoutMs: 500 });
    expect(o).toMatchObject({ status: 'complete', value: 1 });
  });

  it('after a timeout replaced the thread, the next cheap trial is not charged for the new thread', async () => {
    const pool = new WorkerPool({ workers: 1 });
    pools.push(pool);
    expect((await pool.run(task(SLOW_IMPORT), noHooks, { timeoutMs: 500 })).status).toBe('complete');
    const spun = failOf(await pool.run(task(SLOW_IMPORT, 'spin'), noHooks, { timeoutMs: 300 }));
    expect(spun.failKind).toBe('timeout');
    expect(spun.message).toContain('exceeded its time limit of 300 ms');
    // A new thread starts and imports the module again (1.2 s): still not this trial's time.
    expect(await pool.run(task(SLOW_IMPORT), noHooks, { timeoutMs: 500 })).toMatchObject({ status: 'complete', value: 1 });
  });

  it('a thread that never gets to the objective is stopped by the separate start-up limit', async () => {
    const pool = new WorkerPool({ workers: 1, startupTimeout: 400 });
    pools.push(pool);
    const f = failOf(await pool.run(task(HANGING_IMPORT), noHooks, { timeoutMs: 100 }));
    expect(f.failKind).toBe('timeout');
    expect(f.message).toMatch(/did not start within 400 ms: starting its worker thread and loading the objective module took too long/);
    expect(() => new WorkerPool({ startupTimeout: 0 })).toThrow(/startupTimeout must be a positive number/);
  });
});
