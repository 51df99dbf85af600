/**
 * Issue 7, part 3: several processes on one SQLite file, with a reader polling
 * `automl trials <study> --json` meanwhile. No busy error may reach a user, the total is exact and
 * the numbers unique and contiguous. The full matrix (2, 4, 8 processes x 0 ms, 100 ms) with
 * throughput and WAL size is in `bench/chaos/run.mjs`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { counted, integrity, numbering, readTrials } from '../fixtures/hostile/invariants.mjs';
import { BIN, requireBuild, scratch, startNode, STUDY_CHILD } from './helpers.js';

beforeAll(requireBuild);

const BUSY = /SQLITE_BUSY|database is locked|busy/i;

describe('many processes on one SQLite file', () => {
  it.each([
    [2, 0, 60],
    [4, 100, 32],
  ])('%i processes, %i ms objective, %i trials, with a reader', async (procs, ms, total) => {
    const dir = scratch('mp');
    const db = join(dir, 'study.db');
    const runs = Array.from({ length: procs }, () => startNode(STUDY_CHILD, [db, 's', total, ms, ms, 3]));
    let finished = false;
    const all = Promise.all(runs.map((r) => r.done)).finally(() => (finished = true));
    // The reader polls through the real CLI until every writer is done.
    const polls: { code: number | null; stderr: string; rows: number }[] = [];
    while (!finished) {
      if (!existsSync(db)) {
        await new Promise((r) => setTimeout(r, 20));
        continue;
      }
      const r = await startNode(BIN, ['trials', 's', '--storage', `sqlite:${db}`, '--json'], dir).done;
      const rows = r.code === 0 ? (JSON.parse(r.stdout) as unknown[]).length : -1;
      polls.push({ code: r.code, stderr: r.stderr, rows });
    }
    const results = await all;
    for (const r of results) {
      expect(r.stderr).not.toMatch(BUSY);
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
    // A poll may come before the study exists (E_STUDY_NOT_FOUND); any other failure is a defect.
    for (const p of polls) {
      expect(p.stderr).not.toMatch(BUSY);
      if (p.code !== 0) expect(p.stderr).toMatch(/E_STUDY_NOT_FOUND/);
    }
    expect(polls.filter((p) => p.code === 0).length).toBeGreaterThan(0);
    // What the reader saw only grows.
    const seen = polls.filter((p) => p.code === 0).map((p) => p.rows);
    expect(seen).toEqual([...seen].sort((a, b) => a - b));
    const trials = readTrials(db, 's');
    expect(trials).toHaveLength(total);
    expect(counted(trials)).toBe(total);
    expect(trials.every((t) => t.state === 'COMPLETE')).toBe(true);
    expect(numbering(trials)).toEqual({ duplicates: 0, gaps: 0, running: 0 });
    expect(integrity(db)).toBe('ok');
  });
});
