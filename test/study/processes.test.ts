import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { describe, expect, it, beforeAll } from 'vitest';
import { createStudy, float, space } from '../../src/index.js';
import { openStorage } from '../../src/storage/open.js';

const CHILD = fileURLToPath(new URL('../fixtures/study/child.mjs', import.meta.url));
const POOL_OBJECTIVE = fileURLToPath(new URL('../fixtures/study/pool-objective.mjs', import.meta.url));
const DIST = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

beforeAll(() => {
  if (!existsSync(DIST)) throw new Error('dist/ is missing: run `npm run build` (npm test does it first)');
});

function start(args: (string | number)[]): { child: ChildProcess; done: Promise<{ code: number | null; signal: string | null; stderr: string }> } {
  const child = spawn(process.execPath, [CHILD, ...args.map(String)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; signal: string | null; stderr: string }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stderr })));
  return { child, done };
}

async function snapshot(db: string, name: string) {
  const storage = await openStorage(`sqlite:${db}`);
  try {
    const st = await storage.getStudy(name);
    return st ? await storage.getTrials(st.id) : [];
  } finally {
    await storage.close();
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('studies across processes (SQLite)', () => {
  it('survives SIGKILL mid-study: resume keeps every completed trial and reaches the total', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'automl-kill-'));
    const db = join(dir, 'study.db');
    const target = 60;
    const first = start([db, 'k', target, 15, 7]);
    for (let i = 0; i < 400; i++) {
      await sleep(25);
      if (existsSync(db) && (await snapshot(db, 'k')).filter((t) => t.state === 'COMPLETE').length >= 15) break;
    }
    first.child.kill('SIGKILL');
    const killed = await first.done;
    expect(killed.signal).toBe('SIGKILL');
    const before = await snapshot(db, 'k');
    const completeBefore = before.filter((t) => t.state === 'COMPLETE');
    expect(completeBefore.length).toBeGreaterThanOrEqual(15);
    expect(completeBefore.length).toBeLessThan(target);

    const second = start([db, 'k', target, 1, 7]);
    const resumed = await second.done;
    expect(resumed.stderr).toBe('');
    expect(resumed.code).toBe(0);
    const after = await snapshot(db, 'k');
    // Every trial that was COMPLETE before the kill is still there with the same value.
    for (const t of completeBefore) {
      const now = after[t.number]!;
      expect(now.state).toBe('COMPLETE');
      expect(now.value).toBe(t.value);
      expect(now.params).toEqual(t.params);
    }
    // Numbers are unique and gap-free; nothing is left RUNNING; the budget total is reached.
    expect(after.map((t) => t.number)).toEqual(after.map((_, i) => i));
    expect(after.filter((t) => t.state === 'RUNNING' || t.state === 'WAITING')).toHaveLength(0);
    const interrupted = after.filter((t) => t.state === 'FAIL' && t.failKind === 'interrupted');
    expect(after.length - interrupted.length).toBe(target);
    expect(after.filter((t) => t.state === 'COMPLETE')).toHaveLength(target);
    // Each trial that was running at the kill is retried once with the same configuration.
    for (const t of interrupted) {
      if (Object.keys(t.params).length === 0) continue;
      const retries = after.filter((r) => r.retryOf === t.number);
      expect(retries).toHaveLength(1);
      expect(retries[0]!.params).toEqual(t.params);
    }
    // The completed configurations are exactly those of an uninterrupted run with the same seed.
    const solo = await createStudy({ sampler: 'random', space: space({ x: float(-5, 10), y: float(0, 15) }), seed: 7 });
    await solo.optimize(() => 0, { trials: target });
    const key = (p: unknown): string => JSON.stringify(p);
    expect(after.filter((t) => t.state === 'COMPLETE').map((t) => key(t.params)).sort()).toEqual(solo.trials.map((t) => key(t.params)).sort());
    const check = new Database(db, { readonly: true });
    expect(check.pragma('integrity_check', { simple: true })).toBe('ok');
    check.close();
  });

  it('three processes on one study: exact total, unique contiguous numbers, no errors', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'automl-3p-'));
    const db = join(dir, 'study.db');
    // 20 ms per trial: long enough that the three processes overlap however fast one of them starts
    // (with 2 ms, on an idle machine the first process could finish all 60 before the others had loaded).
    const runs = [0, 1, 2].map(() => start([db, 'shared', 60, 20, 3]));
    const results = await Promise.all(runs.map((r) => r.done));
    for (const r of results) {
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
    const trials = await snapshot(db, 'shared');
    expect(trials).toHaveLength(60);
    expect(trials.map((t) => t.number)).toEqual(Array.from({ length: 60 }, (_, i) => i));
    expect(trials.every((t) => t.state === 'COMPLETE')).toBe(true);
    expect(new Set(trials.map((t) => t.worker!.split(':')[1])).size).toBeGreaterThan(1);
    // Random sampling depends on (seed, number) only: same configurations as one process would draw.
    const solo = await createStudy({ sampler: 'random', space: space({ x: float(-5, 10), y: float(0, 15) }), seed: 3 });
    await solo.optimize(() => 0, { trials: 60 });
    expect(trials.map((t) => t.params)).toEqual(solo.trials.map((t) => t.params));
  });

  it('worker threads: the same seed gives identical trials with 1 and 2 workers', async () => {
    const run = async (workers: number): Promise<string[]> => {
      const study = await createStudy({ sampler: 'random', space: space({ x: float(-5, 10), y: float(0, 15) }), seed: 21 });
      await study.optimize({ module: POOL_OBJECTIVE }, { trials: 16, workers });
      return study.trials.map((t) => `${t.number} ${t.state} ${JSON.stringify(t.params)} ${t.value}`);
    };
    const one = await run(1);
    expect(one).toHaveLength(16);
    expect(await run(2)).toEqual(one);
  });
});
