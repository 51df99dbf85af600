/**
 * Row rungs on large data, end to end through the CLI: a search on 13,000 rows validates on one
 * holdout split and trains each trial on 2,000 rows first, then on every training row only when
 * promoted. A run SIGKILLed mid-search and resumed keeps every trial's schedule: each
 * configuration's rung scores (so the rows each rung trained on) equal the uninterrupted run's.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { counted, readTrials } from '../fixtures/hostile/invariants.mjs';
import { BIN, requireBuild, scratch, startNode, waitFor } from '../reliability/helpers.js';

beforeAll(requireBuild);

interface Row {
  number: number;
  state: string;
  config: unknown;
  trainRows?: number;
  rungScores?: number[];
}

function writeData(file: string, n: number): void {
  let seed = 5;
  const rnd = (): number => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
  const lines = ['a,b,c,y'];
  for (let i = 0; i < n; i++) {
    const a = rnd();
    const b = rnd();
    const c = rnd();
    lines.push(`${a.toFixed(4)},${b.toFixed(4)},${c.toFixed(4)},${a + 0.5 * b + 0.3 * rnd() > 0.9 ? 'yes' : 'no'}`);
  }
  writeFileSync(file, lines.join('\n') + '\n');
}

function trials(db: string): Row[] {
  return JSON.parse(execFileSync(process.execPath, [BIN, 'trials', 's', '--storage', `sqlite:${db}`, '--json'], { encoding: 'utf8' })) as Row[];
}

const key = (t: Row): string => JSON.stringify(t.config);

describe('row rungs: deterministic for a seed, kept across a kill and resume', () => {
  it('each configuration trains on the same rows at each rung in the killed-and-resumed run as in an uninterrupted one', async () => {
    const dir = scratch('rungs');
    const data = join(dir, 'big.csv');
    writeData(data, 13_000);
    const args = (db: string): string[] => [BIN, 'search', data, '--target', 'y', '--trials', '16', '--workers', '1', '--seed', '4', '--strategy', 'random', '--models', 'gaussian_nb,logistic_regression', '--storage', `sqlite:${db}`, '--study', 's', '--no-recheck', '--out', join(dir, `${db.endsWith('ref.db') ? 'ref' : 'run'}.model.json`), '--quiet'];
    const ref = join(dir, 'ref.db');
    const reference = startNode(args(ref)[0]!, args(ref).slice(1));
    const refEnd = await reference.done;
    expect(refEnd.stderr).toBe('');
    const want = trials(ref);
    const scored = want.filter((t) => Array.isArray(t.rungScores));
    expect(scored.length).toBe(16);
    // 10,400 searched rows: one holdout split (8,320 training rows), rungs of 2,000 and 8,320 rows.
    expect(new Set(scored.map((t) => t.trainRows))).toEqual(new Set([2000, 8320]));
    expect(scored.some((t) => t.state === 'PRUNED' && t.trainRows === 2000)).toBe(true);
    for (const t of scored) expect(t.state === 'COMPLETE').toBe(t.trainRows === 8320);

    const db = join(dir, 'run.db');
    const run = startNode(args(db)[0]!, args(db).slice(1));
    await waitFor(() => counted(readTrials(db, 's')) >= 5 || run.child.exitCode !== null, 60_000);
    run.child.kill('SIGKILL');
    await run.done;
    expect(counted(readTrials(db, 's'))).toBeLessThan(16);
    const resumed = startNode(BIN, ['resume', 's', '--storage', `sqlite:${db}`, '--quiet', '--out', join(dir, 'resumed.model.json')]);
    const end = await resumed.done;
    expect(end.stderr).toBe('');
    expect(end.code).toBe(0);
    const got = trials(db).filter((t) => Array.isArray(t.rungScores));
    expect(got.length).toBeGreaterThanOrEqual(16);
    const byConfig = new Map(scored.map((t) => [key(t), t]));
    let compared = 0;
    for (const t of got) {
      const r = byConfig.get(key(t));
      expect(r, `trial ${t.number} has a configuration the uninterrupted run did not`).toBeDefined();
      const a = t.rungScores as number[];
      const b = r!.rungScores as number[];
      // The first rung always runs; promotion can differ only by what the other trials had reported.
      expect(a[0]).toBe(b[0]);
      if (a.length === b.length) expect(a).toEqual(b);
      compared++;
    }
    expect(compared).toBeGreaterThanOrEqual(16);
  }, 240_000);
});
