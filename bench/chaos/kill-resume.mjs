// Chaos part 1: SIGKILL at seeded random moments, then resume; and the CLI variant.
import { join } from 'node:path';
import { compareAcrossResume, completeMultiset, counted, integrity, readTrials } from '../../test/fixtures/hostile/invariants.mjs';
import { mulberry32 } from '../../test/fixtures/hostile/corpus.mjs';
import { BIN, DATA, STUDY_CHILD, median, scratch, sleep, startNode, waitFor } from './common.mjs';

/**
 * `rounds` kills of a library-level study (`trials` trials of minMs-maxMs, 4 at once), then a
 * final resume. Returns the figures.
 */
export async function killRounds({ rounds = 30, trials = 200, minMs = 50, maxMs = 500, seed = 42 } = {}) {
  const dir = scratch('kill');
  const db = join(dir, 'study.db');
  const rnd = mulberry32(seed);
  let prev = [];
  const totals = { lost: 0, changed: 0, duplicates: 0, gaps: 0, runningAfterResume: 0, integrityFailures: 0, childErrors: 0 };
  const recoverMs = [];
  let killsWithRunning = 0, roundsDone = 0;
  for (let r = 0; r < rounds; r++) {
    const leftRunning = prev.filter((t) => t.state === 'RUNNING').map((t) => t.number);
    const started = Date.now();
    const run = startNode(STUDY_CHILD, [db, 's', trials, minMs, maxMs, seed]);
    // Time to resume: until the trials the previous kill left RUNNING are recovered.
    if (leftRunning.length > 0) {
      await waitFor(() => { const now = readTrials(db, 's'); return leftRunning.every((n) => now[n]?.state !== 'RUNNING'); }, 30_000, 5);
      recoverMs.push(Date.now() - started);
    }
    await waitFor(() => readTrials(db, 's').some((t) => t.state === 'RUNNING') || run.child.exitCode !== null, 30_000, 10);
    await sleep(Math.floor(rnd() * 900));
    const finished = run.child.exitCode !== null;
    run.child.kill('SIGKILL');
    const end = await run.done;
    if (end.stderr) totals.childErrors++;
    const now = readTrials(db, 's');
    const cmp = compareAcrossResume(prev, now);
    totals.lost += cmp.lost; totals.changed += cmp.changed; totals.duplicates += cmp.duplicates; totals.gaps += cmp.gaps;
    if (integrity(db) !== 'ok') totals.integrityFailures++;
    if (now.some((t) => t.state === 'RUNNING')) killsWithRunning++;
    prev = now;
    roundsDone++;
    if (finished || counted(now) >= trials) break;
  }
  const leftRunning = prev.filter((t) => t.state === 'RUNNING').map((t) => t.number);
  const t0 = Date.now();
  const last = startNode(STUDY_CHILD, [db, 's', trials, minMs, maxMs, seed]);
  if (leftRunning.length > 0) {
    await waitFor(() => { const now = readTrials(db, 's'); return leftRunning.every((n) => now[n]?.state !== 'RUNNING'); }, 30_000, 5);
    recoverMs.push(Date.now() - t0);
  }
  const end = await last.done;
  const finalMs = Date.now() - t0;
  const after = readTrials(db, 's');
  const cmp = compareAcrossResume(prev, after);
  totals.lost += cmp.lost; totals.changed += cmp.changed; totals.duplicates += cmp.duplicates; totals.gaps += cmp.gaps;
  totals.runningAfterResume = cmp.running;
  // The uninterrupted run with the same seed, for the COMPLETE multiset comparison.
  const ref = join(dir, 'ref.db');
  await startNode(STUDY_CHILD, [ref, 's', trials, 0, 0, seed]).done;
  const a = completeMultiset(after), b = completeMultiset(readTrials(ref, 's'));
  const inRef = new Set(b);
  const interrupted = after.filter((t) => t.state === 'FAIL' && t.failKind === 'interrupted');
  // Tries per configuration: the original trial plus its retries (which point at the original).
  const tries = new Map();
  for (const t of after) {
    const o = t.origin === 'retry' ? t.retryOf : t.number;
    tries.set(o, [...(tries.get(o) ?? []), t]);
  }
  const maxTriesPerConfiguration = Math.max(0, ...[...tries.values()].map((ts) => ts.length));
  // Configurations whose every try was interrupted: the study gives up after 3 tries (so one that
  // keeps killing its process cannot loop), and the sampler proposes a new one in its place.
  const gaveUpAfterMaxTries = [...tries.values()].filter((ts) => ts.every((t) => t.state === 'FAIL' && t.failKind === 'interrupted')).length;
  const interruptedRetries = interrupted.filter((t) => t.origin === 'retry').length;
  return {
    rounds: roundsDone, trials, durations: `${minMs}-${maxMs} ms`, ...totals,
    finalExit: end.code, killsLandingOnRunningTrials: killsWithRunning,
    counted: counted(after), rows: after.length, interrupted: interrupted.length, interruptedRetries, maxTriesPerConfiguration, gaveUpAfterMaxTries,
    waiting: after.filter((t) => t.state === 'WAITING').length,
    integrity: integrity(db),
    timeToRecoverMedianMs: Math.round(median(recoverMs)), timeToRecoverMaxMs: Math.max(0, ...recoverMs),
    finalResumeMs: finalMs,
    completeMultisetEqualsUninterrupted: JSON.stringify(a) === JSON.stringify(b),
    completeOnlyInKilledRun: a.filter((x) => !inRef.has(x)).length,
    // True when every difference from the uninterrupted run is a configuration replaced after 3 interrupted tries.
    differencesAreGaveUpConfigurations: a.filter((x) => !inRef.has(x)).length === gaveUpAfterMaxTries,
  };
}

/** Kill-and-resume through the real CLI: `automl search --trials N`, SIGKILL, `automl resume`. */
export async function cliKillRounds({ rounds = 5, trials = 60, seed = 7 } = {}) {
  const dir = scratch('cli-kill');
  const db = join(dir, 'a.db');
  const rnd = mulberry32(seed);
  let prev = [];
  const totals = { lost: 0, changed: 0, duplicates: 0, gaps: 0, nonZeroExits: 0 };
  for (let r = 0; r < rounds; r++) {
    const args = r === 0
      ? ['search', DATA('breast-cancer.csv'), '--target', 'diagnosis', '--trials', String(trials), '--cv', '3', '--workers', '2', '--seed', '3', '--study', 'bc', '--storage', `sqlite:${db}`, '--quiet']
      : ['resume', 'bc', '--storage', `sqlite:${db}`, '--workers', '2', '--quiet'];
    const run = startNode(BIN, args, dir);
    await waitFor(() => readTrials(db, 'bc').some((t) => t.state === 'RUNNING') || run.child.exitCode !== null, 30_000, 10);
    await sleep(300 + Math.floor(rnd() * 2000));
    run.child.kill('SIGKILL');
    const end = await run.done;
    if (end.code !== null && end.code !== 0) totals.nonZeroExits++;
    const now = readTrials(db, 'bc');
    const cmp = compareAcrossResume(prev, now);
    for (const k of ['lost', 'changed', 'duplicates', 'gaps']) totals[k] += cmp[k];
    prev = now;
  }
  const t0 = Date.now();
  const end = await startNode(BIN, ['resume', 'bc', '--storage', `sqlite:${db}`, '--workers', '2', '--quiet', '--json'], dir).done;
  const after = readTrials(db, 'bc');
  const cmp = compareAcrossResume(prev, after);
  for (const k of ['lost', 'changed', 'duplicates', 'gaps']) totals[k] += cmp[k];
  return { rounds, trials, ...totals, runningAfterResume: cmp.running, finalExit: end.code, finalStderr: end.stderr.slice(0, 300), counted: counted(after), integrity: integrity(db), finalResumeMs: Date.now() - t0 };
}
