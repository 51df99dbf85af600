#!/usr/bin/env node
/**
 * Does an open dashboard slow a search? Runs `automl search --time 30` on a bundled dataset with
 * and without `automl dashboard` reading the same SQLite file while an HTTP client polls it
 * exactly as the pages do (the studies page every 3 s until the study appears, then the study
 * page: trials from the lowest unfinished number every 500 ms, the importance every 15 s, the
 * final model while nothing runs), alternating the order of the two conditions per repeat, and
 * compares the trials the search finished. As for a user who keeps the dashboard open, the
 * dashboard is started (on the storage file, created beforehand) before the search.
 *
 * Usage: npm run build && node bench/dashboard/run.mjs [--repeats 3] [--time 30] [--data iris:species] [--workers 2]
 */
import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { SqliteStorage } from '../../dist/storage/sqlite.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'dist/cli/main.js');
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const repeats = Number(opt('repeats', 3));
const time = Number(opt('time', 30));
const workers = Number(opt('workers', 2));
const [dataset, target] = opt('data', 'iris:species').split(':');
const POLL_MS = 500;
const IMPORTANCE_MS = 15_000;

if (!existsSync(BIN)) throw new Error('run `npm run build` first');

/** Resolves with the exit code and stdout of a child process. */
function run(child) {
  let out = '';
  child.stdout?.on('data', (d) => (out += d));
  return new Promise((resolve) => child.once('exit', (code) => resolve({ code, out })));
}

/** CPU seconds (user + system) a process has used so far, from /proc. */
function cpuSeconds(pid) {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(f[11]) + Number(f[12])) / 100;
  } catch {
    return null;
  }
}

/** The pages' requests, at their rates, until `stopped()`; returns request statistics. */
async function poller(base, study, stopped) {
  while (!stopped()) {
    const { studies } = await (await fetch(`${base}/api/studies`)).json();
    if (studies.some((x) => x.name === study)) break;
    await sleep(3000);
  }
  const api = `${base}/api/studies/${encodeURIComponent(study)}`;
  const trials = new Map();
  const times = [];
  let lastImportance = 0;
  let haveFinal = false;
  await fetch(api).then((r) => r.json());
  while (!stopped()) {
    const t0 = performance.now();
    let from = trials.size;
    for (const t of trials.values()) if ((t.s === 'R' || t.s === 'W') && t.n < from) from = t.n;
    const r = await (await fetch(`${api}/trials?from=${from}`)).json();
    for (const t of r.trials) trials.set(t.n, t);
    if (Date.now() - lastImportance > IMPORTANCE_MS) {
      lastImportance = Date.now();
      await (await fetch(`${api}/importance`)).json();
    }
    const running = [...trials.values()].some((t) => t.s === 'R');
    if (!running && !haveFinal) haveFinal = (await (await fetch(`${api}/final`)).json()).final !== null;
    times.push(performance.now() - t0);
    await sleep(POLL_MS);
  }
  times.sort((a, b) => a - b);
  return { polls: times.length, p50: times[Math.floor(times.length / 2)] ?? null, max: times[times.length - 1] ?? null, trialsSeen: trials.size };
}

async function once(withDashboard, seed) {
  const dir = mkdtempSync(join(tmpdir(), 'automl-bench-dash-'));
  copyFileSync(join(ROOT, 'datasets', `${dataset}.csv`), join(dir, `${dataset}.csv`));
  const db = join(dir, 's.db');
  // The storage file exists before either run, as a user's automl.db would.
  await (await SqliteStorage.open(db)).close();
  let dash = null;
  let base = null;
  if (withDashboard) {
    dash = spawn(process.execPath, [BIN, 'dashboard', '--storage', 'sqlite:s.db', '--port', '0'], { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
    base = await new Promise((resolve, reject) => {
      let err = '';
      dash.stderr.on('data', (d) => {
        err += d;
        const m = /automl dashboard on (http:\/\/\S+)/.exec(err);
        if (m) resolve(m[1]);
      });
      dash.once('exit', () => reject(new Error(`dashboard exited: ${err}`)));
    });
  }
  const cpu0 = dash ? cpuSeconds(dash.pid) : null;
  const load0 = loadavg()[0];
  const search = spawn(process.execPath, [BIN, 'search', `${dataset}.csv`, '--target', target, '--time', String(time), '--workers', String(workers), '--seed', String(seed), '--storage', 'sqlite:s.db', '--no-recheck', '--no-ensemble', '--quiet', '--json'], { cwd: dir, stdio: ['ignore', 'pipe', 'ignore'] });
  const result = run(search);
  let stats = withDashboard ? poller(base, dataset, () => search.exitCode !== null) : null;
  let dashCpu = null;
  const { code, out } = await result;
  if (stats) stats = await stats;
  if (dash) {
    // CPU the dashboard spent while the search ran (its own start-up is not counted).
    dashCpu = cpuSeconds(dash.pid) - cpu0;
    dash.kill('SIGINT');
    await run(dash);
  }
  if (code !== 0) throw new Error(`search exited with ${code}`);
  const r = JSON.parse(out);
  rmSync(dir, { recursive: true, force: true });
  return { dashboard: withDashboard, seed, trials: r.trials.complete + r.trials.pruned + r.trials.failed, complete: r.trials.complete, pruned: r.trials.pruned, load: [load0, loadavg()[0]], stats, dashCpu };
}

const rows = [];
console.log(`search --time ${time} --workers ${workers} on ${dataset}.csv, ${repeats} repeats, conditions alternating; load average at start ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
for (let r = 0; r < repeats; r++) {
  const order = r % 2 === 0 ? [false, true] : [true, false];
  for (const withDashboard of order) {
    const row = await once(withDashboard, r);
    rows.push(row);
    console.log(
      `repeat ${r + 1} ${withDashboard ? 'dashboard   ' : 'no dashboard'}: ${row.trials} trials finished (${row.complete} complete, ${row.pruned} pruned), load ${row.load.map((x) => x.toFixed(2)).join(' -> ')}` +
        (row.stats ? `; ${row.stats.polls} polls, p50 ${row.stats.p50.toFixed(1)} ms, max ${row.stats.max.toFixed(1)} ms, dashboard CPU ${row.dashCpu?.toFixed(2)} s` : ''),
    );
  }
}
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const off = rows.filter((x) => !x.dashboard).map((x) => x.trials);
const on = rows.filter((x) => x.dashboard).map((x) => x.trials);
const perRepeat = Array.from({ length: repeats }, (_, r) => {
  const a = rows.find((x) => x.seed === r && !x.dashboard).trials;
  const b = rows.find((x) => x.seed === r && x.dashboard).trials;
  return (b - a) / a;
});
console.log(`mean trials: ${mean(off).toFixed(1)} without, ${mean(on).toFixed(1)} with the dashboard: ${(((mean(on) - mean(off)) / mean(off)) * 100).toFixed(1)}% (per repeat: ${perRepeat.map((x) => `${(x * 100).toFixed(1)}%`).join(', ')}); load average at end ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
console.log(JSON.stringify({ dataset, time, workers, repeats, rows }));
