// Chaos part 3: N processes on one SQLite file with a CLI reader polling meanwhile.
import { join } from 'node:path';
import { counted, integrity, numbering, readTrials } from '../../test/fixtures/hostile/invariants.mjs';
import { BIN, STUDY_CHILD, fileSize, scratch, sleep, startNode } from './common.mjs';

const BUSY = /SQLITE_BUSY|database is locked|busy/i;

export async function multiProcess({ procs, objectiveMs, trials }) {
  const dir = scratch('mp');
  const db = join(dir, 'study.db');
  const t0 = Date.now();
  const runs = Array.from({ length: procs }, () => startNode(STUDY_CHILD, [db, 's', trials, objectiveMs, objectiveMs, 3, 'random', 2]));
  let finished = false;
  const all = Promise.all(runs.map((r) => r.done)).finally(() => (finished = true));
  let polls = 0, pollFailures = 0, busyToUser = 0, maxWal = 0;
  const walWatch = setInterval(() => (maxWal = Math.max(maxWal, fileSize(`${db}-wal`))), 20);
  while (!finished) {
    const r = await startNode(BIN, ['trials', 's', '--storage', `sqlite:${db}`, '--json'], dir).done;
    polls++;
    if (BUSY.test(r.stderr)) busyToUser++;
    if (r.code !== 0 && !/E_STUDY_NOT_FOUND/.test(r.stderr)) pollFailures++;
    await sleep(10);
  }
  const results = await all;
  const wallMs = Date.now() - t0;
  clearInterval(walWatch);
  for (const r of results) if (BUSY.test(r.stderr)) busyToUser++;
  const rows = readTrials(db, 's');
  const firstStart = 0;
  return {
    procs, objectiveMs, trials,
    busyErrorsToUser: busyToUser,
    childFailures: results.filter((r) => r.code !== 0 || r.stderr !== '').length,
    readerPolls: polls, readerFailures: pollFailures,
    total: rows.length, exact: rows.length === trials && counted(rows) === trials,
    ...numbering(rows),
    trialsPerSecond: +(trials / ((wallMs - firstStart) / 1000)).toFixed(1),
    walMaxKb: Math.round(maxWal / 1024), walEndKb: Math.round(fileSize(`${db}-wal`) / 1024), dbKb: Math.round(fileSize(db) / 1024),
    integrity: integrity(db),
  };
}
