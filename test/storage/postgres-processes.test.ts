import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { beforeAll, expect, it } from 'vitest';
import { createStudy, float, space } from '../../src/index.js';
import { PostgresStorage } from '../../src/storage/postgres.js';
import type { TrialRecord } from '../../src/trial/trial.js';
import { describePg, freshSchemas, withSchema } from '../fixtures/pg/env.js';

/*
 * Several processes on one PostgreSQL study, through the library's public entry (dist/, built by
 * `npm test`; AUTOML_DIST may point at another build) as a user would run them.
 */
const CHILD = fileURLToPath(new URL('../fixtures/pg/child.mjs', import.meta.url));
const DIST = process.env.AUTOML_DIST ? fileURLToPath(process.env.AUTOML_DIST) : fileURLToPath(new URL('../../dist/index.js', import.meta.url));
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface ChildSummary {
  worker: string;
  complete: number;
  failed: number;
  lateResults: number[];
  started: number[];
}
interface Run {
  child: ChildProcess;
  done: Promise<{ code: number | null; signal: string | null; stderr: string; summary: ChildSummary | null }>;
}

function start(opts: Record<string, unknown>): Run {
  const child = spawn(process.execPath, [CHILD, JSON.stringify(opts)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<Awaited<Run['done']>>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal, stderr, summary: stdout ? (JSON.parse(stdout) as ChildSummary) : null })),
  );
  return { child, done };
}

describePg('PostgreSQL study across processes', (url) => {
  const schema = freshSchemas(url, 'procs');
  beforeAll(() => {
    if (!existsSync(DIST)) throw new Error(`${DIST} is missing: run \`npm run build\` (npm test does it first)`);
  });

  async function trialsOf(schemaName: string, study: string): Promise<TrialRecord[]> {
    const s = await PostgresStorage.open(url, { schema: schemaName, poolSize: 1 });
    try {
      const st = await s.getStudy(study);
      return st ? await s.getTrials(st.id) : [];
    } finally {
      await s.close();
    }
  }

  it('three processes on one study: exact total, unique contiguous numbers, no errors', async () => {
    const name = schema();
    const opts = { url: withSchema(url, name), name: 'shared', trials: 60, sleepMs: 2, seed: 11 };
    const results = await Promise.all([0, 1, 2].map(() => start(opts).done));
    for (const r of results) {
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
    const trials = await trialsOf(name, 'shared');
    expect(trials.map((t) => t.number)).toEqual(Array.from({ length: 60 }, (_, i) => i));
    expect(trials.every((t) => t.state === 'COMPLETE')).toBe(true);
    expect(results.reduce((n, r) => n + r.summary!.complete, 0)).toBe(60);
    expect(new Set(trials.map((t) => t.worker)).size).toBeGreaterThan(1);
    // Random sampling depends on (seed, number) only: the same configurations one process draws.
    const solo = await createStudy({ space: space({ x: float(-5, 10), y: float(0, 15) }), seed: 11, sampler: 'random' });
    await solo.optimize(() => 0, { trials: 60 });
    expect(trials.map((t) => t.params)).toEqual(solo.trials.map((t) => t.params));
  });

  it('a trial whose worker stopped responding is failed and retried by another process after the grace period; its late result is not applied', async () => {
    const name = schema();
    const staleAfterMs = 1500;
    const opts = { url: withSchema(url, name), name: 'frozen', trials: 12, sleepMs: 250, seed: 5, staleAfterMs, heartbeatMs: 100 };
    const a = start(opts);
    // Freeze A (SIGSTOP: alive, so not seen as a dead local process, but silent) in mid-trial.
    let frozen: TrialRecord | undefined;
    for (let i = 0; i < 200 && !frozen; i++) {
      await sleep(40);
      const running = (await trialsOf(name, 'frozen')).filter((t) => t.state === 'RUNNING');
      if (running.length === 0 || (await trialsOf(name, 'frozen')).filter((t) => t.state === 'COMPLETE').length < 1) continue;
      a.child.kill('SIGSTOP');
      await sleep(20);
      // Mid-trial means its objective runs: a trial still without parameters was frozen while it
      // was being asked (that case is covered in test/study/study.test.ts).
      frozen = (await trialsOf(name, 'frozen')).find((t) => t.state === 'RUNNING' && Object.keys(t.params).length > 0);
      if (!frozen) a.child.kill('SIGCONT');
    }
    expect(frozen, 'worker A never had a running trial').toBeDefined();
    const b = start(opts);
    const rb = await b.done;
    a.child.kill('SIGCONT');
    const ra = await a.done;
    expect(rb.stderr).toBe('');
    expect(rb.code).toBe(0);
    expect(ra.stderr).toBe('');
    expect(ra.code).toBe(0);

    const trials = await trialsOf(name, 'frozen');
    const lost = trials[frozen!.number]!;
    expect(lost).toMatchObject({ state: 'FAIL', failKind: 'interrupted', value: null, worker: frozen!.worker });
    expect(lost.failReason).toMatch(/abandoned/);
    // Not before the grace period: the trial was failed at least staleAfterMs after A's last heartbeat.
    expect(lost.finishedAt! - lost.heartbeatAt!).toBeGreaterThanOrEqual(staleAfterMs);
    const retries = trials.filter((t) => t.retryOf === lost.number);
    expect(retries).toHaveLength(1);
    expect(retries[0]).toMatchObject({ state: 'COMPLETE', params: lost.params, origin: 'retry', worker: rb.summary!.worker });
    // A's late result came back false and was reported, not applied.
    expect(ra.summary!.lateResults).toEqual([lost.number]);
    expect(trials.map((t) => t.number)).toEqual(trials.map((_, i) => i));
    expect(trials.filter((t) => t.state === 'RUNNING' || t.state === 'WAITING')).toHaveLength(0);
    expect(trials.filter((t) => !(t.state === 'FAIL' && t.failKind === 'interrupted'))).toHaveLength(12);
    expect(trials.filter((t) => t.state === 'COMPLETE')).toHaveLength(12);
  });
});
