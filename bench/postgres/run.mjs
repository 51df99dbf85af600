// PostgreSQL storage benchmark: many worker processes on one study, killed and frozen workers,
// throughput scaling with processes, and per-trial storage overhead against SQLite.
//
// usage: node bench/postgres/run.mjs <postgresql-url> [exact|kill|freeze|scaling|overhead ...]
//   (all parts when none is named). Uses dist/ (npm run build), or the build AUTOML_DIST points at.
//   Each part works in its own fresh schema (?schema=bench_<part>_<time>), dropped afterwards.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';

const url = process.argv[2];
if (!url || !/^postgres(ql)?:\/\//.test(url)) {
  console.error('usage: node bench/postgres/run.mjs <postgresql-url> [exact|kill|freeze|scaling|overhead ...]');
  process.exit(2);
}
const parts = process.argv.slice(3).length ? process.argv.slice(3) : ['exact', 'kill', 'freeze', 'scaling', 'overhead'];
const CHILD = fileURLToPath(new URL('../../test/fixtures/pg/child.mjs', import.meta.url));
const dist = process.env.AUTOML_DIST ?? new URL('../../dist/index.js', import.meta.url).href;
const lib = await import(dist);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const withSchema = (u, s) => `${u}${u.includes('?') ? '&' : '?'}schema=${s}`;
const schemas = [];
const fresh = (part) => {
  const s = `bench_${part}_${Date.now().toString(36)}`;
  schemas.push(s);
  return s;
};

function start(opts) {
  const child = spawn(process.execPath, [CHILD, JSON.stringify(opts)], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const done = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal, stderr, summary: stdout ? JSON.parse(stdout) : null })));
  return { child, done };
}

async function trialsOf(u, name) {
  const s = await lib.openStorage(u);
  try {
    const st = await s.getStudy(name);
    return st ? await s.getTrials(st.id) : [];
  } finally {
    await s.close();
  }
}

/** The checks every multi-process run must pass. */
function verify(trials, budget) {
  const counted = trials.filter((t) => !(t.state === 'FAIL' && t.failKind === 'interrupted'));
  const contiguous = trials.every((t, i) => t.number === i);
  const left = trials.filter((t) => t.state === 'RUNNING' || t.state === 'WAITING').length;
  const interrupted = trials.filter((t) => t.state === 'FAIL' && t.failKind === 'interrupted');
  const retriedOnce = interrupted.every((t) => Object.keys(t.params).length === 0 || trials.filter((r) => r.retryOf === t.number).length === 1);
  return {
    trials: trials.length,
    counted: counted.length,
    complete: trials.filter((t) => t.state === 'COMPLETE').length,
    interrupted: interrupted.length,
    contiguous,
    left,
    retriedOnce,
    ok: counted.length === budget && contiguous && left === 0 && retriedOnce,
  };
}

const report = {};

async function exact() {
  const s = fresh('exact');
  const opts = { url: withSchema(url, s), name: 'exact', trials: 500, sleepMs: 20, seed: 1 };
  const t0 = Date.now();
  const runs = await Promise.all(Array.from({ length: 8 }, () => start(opts).done));
  const wall = Date.now() - t0;
  const trials = await trialsOf(opts.url, 'exact');
  report.exact = {
    processes: 8,
    budget: 500,
    objective: 'sleep 20 ms',
    wallMs: wall,
    errors: runs.filter((r) => r.code !== 0 || r.stderr !== '').length,
    perProcess: runs.map((r) => r.summary?.complete),
    ...verify(trials, 500),
  };
}

/** 8 workers; after `afterMs`, two of them that are mid-trial get `signal`. */
async function disrupt(part, signal) {
  const s = fresh(part);
  const staleAfterMs = 2000;
  const opts = { url: withSchema(url, s), name: part, trials: 500, sleepMs: 50, seed: 2, staleAfterMs, heartbeatMs: 200 };
  const runs = Array.from({ length: 8 }, () => start(opts));
  // Strike once the study is well under way, at two workers caught mid-trial: freeze candidates
  // (SIGSTOP), keep those that hold a RUNNING trial, let the others go on, then (for the kill
  // variant) kill the frozen ones.
  const pidOf = (t) => Number(t.worker.split(':')[1]);
  const victims = [];
  const victimWorkers = new Set();
  for (let i = 0; i < 600 && victims.length < 2; i++) {
    await sleep(100);
    const before = await trialsOf(opts.url, part);
    if (before.filter((t) => t.state === 'COMPLETE').length < 40) continue;
    const candidates = runs.filter((r) => !victims.includes(r) && before.some((t) => t.state === 'RUNNING' && pidOf(t) === r.child.pid));
    for (const r of candidates.slice(0, 2 - victims.length)) r.child.kill('SIGSTOP');
    await sleep(50);
    const after = await trialsOf(opts.url, part);
    for (const r of candidates.slice(0, 2 - victims.length)) {
      const held = after.filter((t) => t.state === 'RUNNING' && pidOf(t) === r.child.pid);
      if (held.length > 0) {
        victims.push(r);
        for (const t of held) victimWorkers.add(t.worker);
      } else r.child.kill('SIGCONT');
    }
  }
  if (signal === 'SIGKILL') for (const v of victims) v.child.kill('SIGKILL');
  const hitAt = Date.now();
  const others = runs.filter((r) => !victims.includes(r));
  const results = await Promise.all(others.map((r) => r.done));
  for (const v of victims) v.child.kill('SIGKILL');
  await Promise.all(victims.map((v) => v.done));
  const trials = await trialsOf(opts.url, part);
  // The victims' trials that never finished: they were mid-trial when hit.
  const lost = trials.filter((t) => victimWorkers.has(t.worker) && t.state !== 'COMPLETE');
  report[part] = {
    processes: 8,
    budget: 500,
    objective: 'sleep 50 ms',
    staleAfterMs,
    heartbeatMs: 200,
    signal,
    victims: victims.length,
    victimTrialsDone: trials.filter((t) => victimWorkers.has(t.worker) && t.state === 'COMPLETE').length,
    lostTrials: lost.map((t) => `${t.number}:${t.state}/${t.failKind}`),
    lostReason: [...new Set(lost.map((t) => t.failReason))],
    lostHadParams: lost.map((t) => Object.keys(t.params).length > 0),
    recoveredAfterHitMs: lost.map((t) => t.finishedAt - hitAt),
    heartbeatAgeAtRecoveryMs: lost.map((t) => t.finishedAt - t.heartbeatAt),
    retries: lost.map((t) => trials.filter((r) => r.retryOf === t.number).map((r) => `${r.number}:${r.state}`)),
    errors: results.filter((r) => r.code !== 0 || r.stderr !== '').length,
    ...verify(trials, 500),
  };
}

/**
 * Trials per second with 1, 2 and 4 processes. `cpu`: each trial burns 200 ms of CPU time, so the
 * ideal is linear up to the free cores. `sleep`: each trial waits 200 ms (an objective waiting on
 * I/O), so the ideal is linear in processes and any shortfall is coordination through storage.
 */
async function scaling() {
  const out = {};
  for (const kind of ['cpu', 'sleep']) {
    const rows = [];
    for (const n of [1, 2, 4]) {
      const s = fresh(`scale${n}`);
      const budget = 24;
      const opts = { url: withSchema(url, s), name: 'scale', trials: budget, seed: 3, ...(kind === 'cpu' ? { cpuMs: 200 } : { sleepMs: 200 }) };
      const runs = await Promise.all(Array.from({ length: n }, () => start(opts).done));
      const trials = await trialsOf(opts.url, 'scale');
      // From the first start to the last finish, on the server's clock: process start-up excluded.
      const span = Math.max(...trials.map((t) => t.finishedAt)) - Math.min(...trials.map((t) => t.startedAt));
      rows.push({ processes: n, trials: trials.length, spanMs: span, trialsPerSec: (budget / span) * 1000, errors: runs.filter((r) => r.code !== 0 || r.stderr !== '').length });
    }
    for (const r of rows) r.speedup = r.trialsPerSec / rows[0].trialsPerSec;
    out[kind] = rows;
  }
  report.scaling = out;
}

async function overheadOf(storage, n) {
  const st = await lib.createStudy({ name: `o${Date.now()}`, space: lib.space({ x: lib.float(-5, 10), y: lib.float(0, 15) }), seed: 4, sampler: 'random', storage });
  await st.optimize(() => 0, { trials: 50 }); // warm-up: connections, prepared plans, JIT
  const t0 = performance.now();
  await st.optimize(() => 0, { trials: 50 + n });
  const ms = (performance.now() - t0) / n;
  await st.close();
  return ms;
}

async function overhead() {
  const n = 1000;
  const dir = mkdtempSync(join(tmpdir(), 'automl-bench-'));
  const s = fresh('overhead');
  const rows = {};
  rows['memory'] = await overheadOf('memory:', n);
  rows['sqlite (WAL, synchronous=NORMAL)'] = await overheadOf(`sqlite:${join(dir, 'o.db')}`, n);
  rows['postgresql (synchronous_commit=on)'] = await overheadOf(withSchema(url, s), n);
  rows['postgresql (synchronous_commit=off)'] = await overheadOf(`${withSchema(url, s)}&options=-c%20synchronous_commit%3Doff`, n);
  rmSync(dir, { recursive: true, force: true });
  // The floor under every PostgreSQL figure: one round trip to the server on this machine now.
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  for (let i = 0; i < 50; i++) await c.query('SELECT 1');
  const t0 = performance.now();
  for (let i = 0; i < 500; i++) await c.query('SELECT 1');
  const roundTripMs = (performance.now() - t0) / 500;
  await c.end();
  report.overhead = { trials: n, objective: 'returns 0 (no work)', sampler: 'random', msPerTrial: rows, roundTripMs };
}

const env = { date: new Date().toISOString(), node: process.version, cpus: `${cpus().length} x ${cpus()[0]?.model}`, loadavgBefore: loadavg().map((x) => x.toFixed(2)).join(' ') };
try {
  for (const p of parts) {
    if (p === 'exact') await exact();
    else if (p === 'kill') await disrupt('kill', 'SIGKILL');
    else if (p === 'freeze') await disrupt('freeze', 'SIGSTOP');
    else if (p === 'scaling') await scaling();
    else if (p === 'overhead') await overhead();
    else throw new Error(`unknown part ${p}`);
    process.stderr.write(`${p}: ${JSON.stringify(report[p])}\n`);
  }
} finally {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  for (const s of schemas) await c.query(`DROP SCHEMA IF EXISTS "${s}" CASCADE`);
  await c.end();
}
env.loadavgAfter = loadavg().map((x) => x.toFixed(2)).join(' ');
console.log(JSON.stringify({ env, ...report }, null, 2));
