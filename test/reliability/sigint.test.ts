/**
 * Issue 7, part 2: Ctrl-C. The first SIGINT stops `automl search` gracefully (running trials FAIL
 * interrupted and queued for retry, exit 130, resumable with `automl resume`); a second one exits
 * at once and leaves a file that `automl resume` recovers.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { integrity, numbering, readTrials, counted } from '../fixtures/hostile/invariants.mjs';
import { BIN, DATA, requireBuild, scratch, startNode, waitFor } from './helpers.js';

beforeAll(requireBuild);

// Random forests on breast-cancer take about a second per trial: long enough to be caught running.
const SEARCH = (db: string, trials: number) => ['search', DATA('breast-cancer.csv'), '--target', 'diagnosis', '--models', 'random_forest', '--trials', String(trials), '--cv', '2', '--workers', '2', '--storage', `sqlite:${db}`, '--study', 'bc'];

describe('Ctrl-C on automl search', () => {
  it('the first SIGINT records running trials as interrupted, exits 130, and the study resumes to its budget', async () => {
    const dir = scratch('sigint');
    const db = join(dir, 'study.db');
    const run = startNode(BIN, SEARCH(db, 4), dir);
    expect(await waitFor(() => readTrials(db, 'bc').some((t) => t.state === 'COMPLETE'), 40_000)).toBe(true);
    run.child.kill('SIGINT');
    const end = await run.done;
    expect(end.code).toBe(130);
    expect(end.signal).toBeNull();
    expect(end.stderr).toMatch(/interrupted: stopping the running trials/);
    expect(end.stderr).not.toMatch(/\n\s+at /);
    expect(end.stdout).toMatch(/automl resume bc --storage sqlite:/);
    const stopped = readTrials(db, 'bc');
    expect(numbering(stopped)).toEqual({ duplicates: 0, gaps: 0, running: 0 });
    const interrupted = stopped.filter((t) => t.state === 'FAIL' && t.failKind === 'interrupted');
    for (const t of interrupted) expect(stopped.filter((r) => r.retryOf === t.number && r.state === 'WAITING')).toHaveLength(1);
    expect(integrity(db)).toBe('ok');

    const resume = startNode(BIN, ['resume', 'bc', '--storage', `sqlite:${db}`, '--workers', '2', '--json'], dir);
    const r = await resume.done;
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.stoppedBy).toBe('trials');
    const after = readTrials(db, 'bc');
    expect(numbering(after)).toEqual({ duplicates: 0, gaps: 0, running: 0 });
    expect(counted(after)).toBe(4);
    expect(after.filter((t) => t.state === 'WAITING')).toHaveLength(0);
    for (const t of interrupted) expect(after.find((x) => x.retryOf === t.number)!.params).toEqual(t.params);
    expect(integrity(db)).toBe('ok');
  });

  it('a second SIGINT exits at once; the file is intact and resume recovers the abandoned trials', async () => {
    const dir = scratch('sigint2');
    const db = join(dir, 'study.db');
    const run = startNode(BIN, SEARCH(db, 3), dir);
    // Before any trial completes, so no refit is running on the main thread (see RESULTS.md).
    expect(await waitFor(() => readTrials(db, 'bc').some((t) => t.state === 'RUNNING'), 40_000)).toBe(true);
    run.child.kill('SIGINT');
    await waitFor(() => run.output().includes('interrupted: stopping'), 5_000, 2);
    run.child.kill('SIGINT');
    const sent = Date.now();
    const end = await run.done;
    expect(Date.now() - sent).toBeLessThan(3_000);
    expect(end.code).toBe(130);
    expect(end.stderr).not.toMatch(/\n\s+at /);
    expect(integrity(db)).toBe('ok');
    const stopped = readTrials(db, 'bc');
    expect(numbering(stopped).duplicates + numbering(stopped).gaps).toBe(0);

    const resume = startNode(BIN, ['resume', 'bc', '--storage', `sqlite:${db}`, '--workers', '2', '--json'], dir);
    const r = await resume.done;
    expect(r.code).toBe(0);
    const after = readTrials(db, 'bc');
    expect(numbering(after)).toEqual({ duplicates: 0, gaps: 0, running: 0 });
    expect(counted(after)).toBe(3);
    expect(after.filter((t) => t.state === 'WAITING')).toHaveLength(0);
    expect(integrity(db)).toBe('ok');
  });
});
