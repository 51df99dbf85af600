// Chaos part 2: Ctrl-C on `automl search`, once and twice, during the search and during the refit.
import { join } from 'node:path';
import { counted, integrity, numbering, readTrials } from '../../test/fixtures/hostile/invariants.mjs';
import { BIN, DATA, scratch, sleep, startNode, waitFor } from './common.mjs';

const search = (db, trials, data = 'breast-cancer.csv', target = 'diagnosis', models = 'random_forest') => [
  'search', DATA(data), '--target', target, '--models', models, '--trials', String(trials), '--cv', '2', '--workers', '2', '--storage', `sqlite:${db}`, '--study', 's',
];

/** One graceful stop and one double stop during the search, then resume; figures. */
export async function sigintChecks() {
  const out = {};
  {
    const dir = scratch('int1');
    const db = join(dir, 'a.db');
    const run = startNode(BIN, search(db, 8), dir);
    await waitFor(() => readTrials(db, 's').some((t) => t.state === 'COMPLETE'), 60_000);
    const t0 = Date.now();
    run.child.kill('SIGINT');
    const end = await run.done;
    const rows = readTrials(db, 's');
    const interrupted = rows.filter((t) => t.failKind === 'interrupted');
    const r = await startNode(BIN, ['resume', 's', '--storage', `sqlite:${db}`, '--workers', '2', '--quiet'], dir).done;
    const after = readTrials(db, 's');
    out.single = {
      exit: end.code, stopMs: Date.now() - t0, interrupted: interrupted.length,
      retriesQueued: rows.filter((t) => t.state === 'WAITING' && t.origin === 'retry').length,
      runningLeft: numbering(rows).running, resumeMessage: /automl resume s/.test(end.stdout), stackTrace: /\n\s+at /.test(end.stderr),
      resumeExit: r.code, countedAfterResume: counted(after), integrity: integrity(db),
    };
  }
  {
    const dir = scratch('int2');
    const db = join(dir, 'a.db');
    const run = startNode(BIN, search(db, 6), dir);
    await waitFor(() => readTrials(db, 's').some((t) => t.state === 'RUNNING'), 60_000);
    run.child.kill('SIGINT');
    await waitFor(() => run.output().includes('interrupted: stopping'), 5000, 2);
    const t0 = Date.now();
    run.child.kill('SIGINT');
    const end = await run.done;
    const exitMs = Date.now() - t0;
    const rows = readTrials(db, 's');
    const r = await startNode(BIN, ['resume', 's', '--storage', `sqlite:${db}`, '--workers', '2', '--quiet'], dir).done;
    const after = readTrials(db, 's');
    out.doubleDuringSearch = { exit: end.code, exitAfterSecondMs: exitMs, integrity: integrity(db), runningLeftAtExit: numbering(rows).running, resumeExit: r.code, runningAfterResume: numbering(after).running, countedAfterResume: counted(after) };
  }
  {
    // Ctrl-C while the best pipeline is refit on the main thread (digits, random forest).
    const dir = scratch('int3');
    const db = join(dir, 'a.db');
    const target = 'digit';
    const run = startNode(BIN, [...search(db, 2, 'digits.csv', target), '--no-prune'], dir);
    await waitFor(() => readTrials(db, 's').filter((t) => t.state === 'COMPLETE').length === 2 || run.child.exitCode !== null, 120_000);
    await sleep(150);
    const t0 = Date.now();
    run.child.kill('SIGINT');
    await sleep(100);
    run.child.kill('SIGINT');
    const end = await run.done;
    out.doubleDuringRefit = { exit: end.code, exitAfterFirstMs: Date.now() - t0, printedFullReport: /Test accuracy/.test(end.stdout), integrity: integrity(db) };
  }
  return out;
}
