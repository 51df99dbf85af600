/**
 * Issue 7, part 1 (and the kill-and-resume half of part 6): a study on SQLite whose process is
 * SIGKILLed at seeded random moments, then resumed. No completed trial may be lost or changed,
 * numbers stay unique and gap-free, nothing is left RUNNING, and the file passes integrity_check.
 * The long version (30 rounds, 200 trials of 50-500 ms) is `bench/chaos/run.mjs`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { compareAcrossResume, counted, integrity, readTrials, type RawTrial } from '../fixtures/hostile/invariants.mjs';
import { mulberry32 } from '../fixtures/hostile/corpus.mjs';
import { requireBuild, scratch, startNode, STUDY_CHILD, waitFor } from './helpers.js';

beforeAll(requireBuild);

const TRIALS = 40;
const SEED = 11;
const MIN_MS = 20;
const MAX_MS = 120;

describe('SIGKILL at random moments, then resume', () => {
  it('3 kill rounds: no completed trial lost, unique gap-free numbers, nothing RUNNING, intact file', async () => {
    const dir = scratch('kill');
    const db = join(dir, 'study.db');
    const ref = join(dir, 'ref.db');
    // The uninterrupted run, with spare budget so every number the killed study uses has a reference.
    const reference = startNode(STUDY_CHILD, [ref, 's', TRIALS + 20, 0, 0, SEED]);
    const rnd = mulberry32(7);
    let previous: RawTrial[] = [];
    let interruptedSoFar = 0;
    for (let round = 0; round < 3; round++) {
      const run = startNode(STUDY_CHILD, [db, 's', TRIALS, MIN_MS, MAX_MS, SEED]);
      // Kill once this round has finished a seeded number of trials (and a little more time).
      const goal = counted(previous) + 2 + Math.floor(rnd() * 6);
      await waitFor(() => counted(readTrials(db, 's')) >= goal || run.child.exitCode !== null, 15_000);
      await new Promise((r) => setTimeout(r, Math.floor(rnd() * 60)));
      run.child.kill('SIGKILL');
      const end = await run.done;
      expect(end.stderr).toBe('');
      const now = readTrials(db, 's');
      const cmp = compareAcrossResume(previous, now);
      expect(cmp.lost).toBe(0);
      expect(cmp.changed).toBe(0);
      expect(cmp.duplicates).toBe(0);
      expect(cmp.gaps).toBe(0);
      interruptedSoFar = now.filter((t) => t.state === 'RUNNING').length + now.filter((t) => t.failKind === 'interrupted').length;
      previous = now;
    }
    expect(counted(previous)).toBeLessThan(TRIALS);
    expect(interruptedSoFar).toBeGreaterThan(0);

    const started = Date.now();
    const resume = startNode(STUDY_CHILD, [db, 's', TRIALS, MIN_MS, MAX_MS, SEED]);
    const end = await resume.done;
    expect(end.stderr).toBe('');
    expect(end.code).toBe(0);
    expect(Date.now() - started).toBeLessThan(30_000);
    const after = readTrials(db, 's');
    const cmp = compareAcrossResume(previous, after);
    expect(cmp).toEqual({ lost: 0, changed: 0, duplicates: 0, gaps: 0, running: 0 });
    expect(after.filter((t) => t.state === 'WAITING')).toHaveLength(0);
    expect(counted(after)).toBe(TRIALS);
    expect(after.filter((t) => t.state === 'COMPLETE')).toHaveLength(TRIALS);
    expect(integrity(db)).toBe('ok');

    // Each interrupted configuration is tried again (a retry points at the original trial) until
    // one try completes, with the same configuration. A trial killed between taking its number and
    // storing its configuration has none: its retries all get the one the sampler draws for its
    // place (Study.retryLater; the reproducibility check below shows it is the uninterrupted one).
    const interrupted = after.filter((t) => t.state === 'FAIL' && t.failKind === 'interrupted');
    expect(interrupted.length).toBeGreaterThan(0);
    for (const t of interrupted.filter((x) => x.origin !== 'retry')) {
      const retries = after.filter((r) => r.retryOf === t.number);
      expect(retries.length).toBeGreaterThanOrEqual(1);
      const configuration = Object.keys(t.params).length > 0 ? t.params : retries[0]!.params;
      expect(Object.keys(configuration).length).toBeGreaterThan(0);
      for (const r of retries) expect(r.params).toEqual(configuration);
      expect(retries.filter((r) => r.state === 'COMPLETE')).toHaveLength(1);
    }

    // Reproducibility: the completed (configuration, value) pairs are exactly those of the
    // uninterrupted run, kill or no kill: sampling is keyed on the sampler's own count of proposed
    // configurations, and a retry runs its original's configuration with its original's seed.
    expect((await reference.done).code).toBe(0);
    const key = (t: RawTrial): string => `${JSON.stringify(t.params)} ${t.value}`;
    const refTrials = readTrials(ref, 's').slice(0, TRIALS);
    expect(after.filter((t) => t.state === 'COMPLETE').map(key).sort()).toEqual(refTrials.map(key).sort());
  });
});
