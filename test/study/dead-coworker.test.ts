import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStudy, float, space } from '../../src/index.js';

/*
 * Issue 17: a co-worker SIGKILLed in the middle of a shared SQLite study left its trial RUNNING
 * until the 30-s sweep, so the surviving search ended with a RUNNING row, and reported trials that
 * had already run again as "interrupted (queued to run first on resume)".
 */
const CHILD = fileURLToPath(new URL('../fixtures/study/child.mjs', import.meta.url));
const DIST = fileURLToPath(new URL('../../dist/index.js', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'automl-dead-coworker-'));
beforeAll(() => {
  if (!existsSync(DIST)) throw new Error('dist/ is missing: run `npx tsc -p tsconfig.build.json`');
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const SPACE = () => space({ x: float(-5, 10), y: float(0, 15) });

function rows(db: string): { number: number; state: string; fail_kind: string | null; retry_of: number | null; worker: string | null }[] {
  if (!existsSync(db)) return [];
  const raw = new Database(db, { readonly: true });
  try {
    return raw.prepare('SELECT number, state, fail_kind, retry_of, worker FROM trials ORDER BY number').all() as never;
  } catch {
    return [];
  } finally {
    raw.close();
  }
}

describe('a dead co-worker (issue 17)', () => {
  it('the surviving search re-runs its trial at the end instead of ending with a RUNNING row', async () => {
    const db = join(dir, 'study.db');
    // The co-worker's trials take 20 s: it is killed in the middle of its first.
    const child = spawn(process.execPath, [CHILD, db, 'dead', '12', '20000', '7'], { stdio: 'ignore' });
    const exited = new Promise((r) => child.on('exit', r));
    for (let i = 0; i < 400 && !rows(db).some((t) => t.state === 'RUNNING'); i++) await sleep(25);
    expect(rows(db).some((t) => t.state === 'RUNNING')).toBe(true);
    const study = await createStudy({ name: 'dead', sampler: 'random', space: SPACE(), seed: 7, storage: `sqlite:${db}` });
    try {
      setTimeout(() => child.kill('SIGKILL'), 300);
      const result = await study.optimize(async () => {
        await sleep(60);
        return 1;
      }, { trials: 12 });
      await exited;
      const after = rows(db);
      expect(after.filter((t) => t.state === 'RUNNING')).toEqual([]);
      const killed = after.filter((t) => t.state === 'FAIL' && t.fail_kind === 'interrupted');
      expect(killed).toHaveLength(1);
      // Its configuration ran again, in this process, and the budget was reached without it.
      expect(after.find((t) => t.retry_of === killed[0]!.number)?.state).toBe('COMPLETE');
      expect(after.filter((t) => t.state === 'COMPLETE')).toHaveLength(12);
      expect(study.pendingRetries()).toBe(0);
      expect(result.stoppedBy).toBe('trials');
    } finally {
      await study.close();
    }
  }, 60_000);

  it('counts an interrupted configuration as pending only until it runs again', async () => {
    const study = await createStudy({ space: SPACE(), sampler: 'random', seed: 1 });
    try {
      const t = await study.ask();
      await study.tell(t!, { state: 'FAIL', failKind: 'interrupted', reason: 'stopped' });
      await study.retryLater(t!.number);
      expect(study.pendingRetries()).toBe(1);
      await study.optimize(() => 1, { trials: 3 });
      expect(study.pendingRetries()).toBe(0);
      expect(study.trials.filter((x) => x.state === 'FAIL' && x.failKind === 'interrupted')).toHaveLength(1);
    } finally {
      await study.close();
    }
  });
});
