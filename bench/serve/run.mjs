#!/usr/bin/env node
/**
 * bench/serve: `automl serve` under load (issue 18, "Must show: serve under load").
 *
 *   npm run build && node bench/serve/run.mjs [--model file.model.json] [--duration 10] [--out bench/serve/results.json]
 *
 * Without --model, a small search makes one: `automl search datasets/breast-cancer.csv --target
 * diagnosis --trials 10` (an ensemble of the best pipelines, 30 numeric inputs).
 *
 * Then, in one run:
 *  1. in-process cost of `model.predict(rows)` on the same 1 and 1,000 rows (min and median of many
 *     calls), of the server's whole handler path without HTTP (JSON.parse, request mapping,
 *     predict, JSON.stringify), and of a round trip to a predict thread (the inline threshold's basis);
 *  2. a real `automl serve` child process on loopback, loaded with autocannon: 1-row and 1,000-row
 *     `dataframe_split` requests at 1, 16 and 256 connections, `--duration` seconds each: throughput,
 *     exact p50/p99 latency (from every response time, not autocannon's 1 ms histogram), errors;
 *     during the 1,000-row run at 16 connections, one more connection pings `/ping`;
 *  3. the server's overhead per 1-row request: p50 latency - the in-process predict time.
 * The machine is shared: the load average is recorded with the results.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'dist/cli/main.js');
const DATA = join(ROOT, 'datasets/breast-cancer.csv');
const { loadModel } = await import(join(ROOT, 'dist/serving/model-file.js'));
const { loadDataset } = await import(join(ROOT, 'dist/data/index.js'));
const { parseJsonInput } = await import(join(ROOT, 'dist/serving/http-input.js'));
const { predictEncoded } = await import(join(ROOT, 'dist/serving/http-predict.js'));
const { Predictor } = await import(join(ROOT, 'dist/serving/http-predictor.js'));

function arg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : fallback;
}
const DURATION = Number(arg('--duration', '10'));
const OUT = arg('--out', join(ROOT, 'bench/serve/results.json'));
const CONNECTIONS = [1, 16, 256];
const SIZES = [1, 1000];

const log = (s) => process.stderr.write(`${s}\n`);
const round = (x, d = 3) => Math.round(x * 10 ** d) / 10 ** d;
function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];
}

// 1. The model.
let modelFile = arg('--model');
if (!modelFile) {
  const dir = mkdtempSync(join(tmpdir(), 'automl-bench-serve-'));
  modelFile = join(dir, 'bc.model.json');
  log('making the model: automl search breast-cancer --trials 10');
  const r = spawnSync(process.execPath, [BIN, 'search', DATA, '--target', 'diagnosis', '--trials', '10', '--storage', 'memory:', '--quiet', '--out', modelFile], { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`search failed: ${r.stderr}`);
}
const model = loadModel(modelFile);
const ds = loadDataset(DATA, { target: model.target });
const names = model.features;
const cols = names.map((n) => ds.columns[ds.features.findIndex((f) => f.name === n)]);
const rowsOf = (n) => Array.from({ length: n }, (_, i) => cols.map((c) => c[i % ds.nRows]));
const bodies = Object.fromEntries(SIZES.map((n) => [n, JSON.stringify({ dataframe_split: { columns: names, data: rowsOf(n) } })]));
const records = Object.fromEntries(SIZES.map((n) => [n, rowsOf(n).map((r) => Object.fromEntries(names.map((c, j) => [c, r[j]])))]));
const members = model.members.map((m) => m.pipeline.toJSON().config.model.type);
log(`model: ${model.task}, ${names.length} inputs, ${model.isEnsemble ? `ensemble of ${members.length}` : 'single pipeline'} (${members.join(', ')})`);

// 2. In-process costs.
function timeIt(f, calls) {
  for (let k = 0; k < Math.min(50, calls); k++) f();
  const t = new Float64Array(calls);
  for (let k = 0; k < calls; k++) {
    const t0 = performance.now();
    f();
    t[k] = performance.now() - t0;
  }
  t.sort();
  return { minMs: round(t[0], 4), medianMs: round(quantile(t, 0.5), 4) };
}
const limits = { maxRows: 100_000, maxColumns: 1000 };
const inProcess = {};
for (const n of SIZES) {
  const calls = n === 1 ? 2000 : 100;
  inProcess[n] = {
    predict: timeIt(() => model.predict(records[n]), calls),
    handler: timeIt(() => {
      const input = parseJsonInput(JSON.parse(bodies[n]), model.info.features, limits);
      const out = predictEncoded(model, input.table, false);
      JSON.stringify({ predictions: Array.from(out.encoded, (k) => model.classes[k]) });
    }, calls),
  };
  log(`in-process, ${n} row(s): predict median ${inProcess[n].predict.medianMs} ms, whole handler path median ${inProcess[n].handler.medianMs} ms`);
}
// A round trip to a predict thread, beyond the predict itself.
const pool = new Predictor(model, { workers: 1, inlineRows: 0, modelPath: modelFile });
const threadTrip = {};
for (const n of SIZES) {
  const table = parseJsonInput(JSON.parse(bodies[n]), model.info.features, limits).table;
  for (let k = 0; k < 20; k++) await pool.run(table, false);
  const t = [];
  for (let k = 0; k < (n === 1 ? 300 : 60); k++) {
    const t0 = performance.now();
    await pool.run(table, false);
    t.push(performance.now() - t0);
  }
  t.sort((a, b) => a - b);
  const inline = timeIt(() => predictEncoded(model, table, false), n === 1 ? 500 : 60).medianMs;
  threadTrip[n] = { medianMs: round(quantile(t, 0.5), 4), inlineMedianMs: inline, dispatchMs: round(quantile(t, 0.5) - inline, 4) };
  log(`predict thread, ${n} row(s): round trip median ${threadTrip[n].medianMs} ms vs ${inline} ms inline`);
}
await pool.close();

// 3. The server.
const server = spawn(process.execPath, [BIN, 'serve', modelFile, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
let serverOut = '';
server.stdout.on('data', (d) => (serverOut += d));
server.stderr.on('data', (d) => (serverOut += d));
const url = await new Promise((resolve, reject) => {
  const t = setInterval(() => {
    const m = /on (http:\/\/\S+) \(POST/.exec(serverOut);
    if (m) {
      clearInterval(t);
      resolve(m[1]);
    } else if (server.exitCode !== null) reject(new Error(serverOut));
  }, 20);
});
log(serverOut.trim());
const info = await (await fetch(`${url}/metadata`)).json();

function load(opts) {
  return new Promise((resolve, reject) => {
    const times = [];
    const inst = autocannon({ timeout: 30, ...opts }, (err, res) => (err ? reject(err) : resolve({ res, times })));
    inst.on('response', (_client, status, _bytes, ms) => {
      if (status >= 200 && status < 300) times.push(ms);
    });
  });
}

const runs = [];
for (const n of SIZES) {
  for (const connections of CONNECTIONS) {
    const withPing = n === 1000 && connections === 16;
    const main = load({ url: `${url}/invocations`, method: 'POST', headers: { 'content-type': 'application/json' }, body: bodies[n], connections, duration: DURATION });
    const ping = withPing ? load({ url: `${url}/ping`, connections: 1, duration: DURATION }) : null;
    const { res, times } = await main;
    const sorted = Float64Array.from(times).sort();
    const run = {
      rows: n,
      connections,
      seconds: res.duration,
      requests: res.requests.total,
      requestsPerSec: round(res.requests.total / res.duration, 1),
      rowsPerSec: round((res.requests.total * n) / res.duration, 0),
      p50Ms: round(quantile(sorted, 0.5), 3),
      p99Ms: round(quantile(sorted, 0.99), 3),
      errors: res.errors,
      timeouts: res.timeouts,
      non2xx: res.non2xx,
      loadavg1: round(loadavg()[0], 2),
    };
    if (ping) {
      const p = await ping;
      const ps = Float64Array.from(p.times).sort();
      run.pingDuringLoad = { requests: p.res.requests.total, p50Ms: round(quantile(ps, 0.5), 3), p99Ms: round(quantile(ps, 0.99), 3), errors: p.res.errors };
    }
    runs.push(run);
    log(`${n} row(s), ${connections} conn: ${run.requestsPerSec} req/s, p50 ${run.p50Ms} ms, p99 ${run.p99Ms} ms, errors ${run.errors}, timeouts ${run.timeouts}, non-2xx ${run.non2xx}${run.pingDuringLoad ? `; /ping meanwhile p50 ${run.pingDuringLoad.p50Ms} ms, p99 ${run.pingDuringLoad.p99Ms} ms` : ''} (load ${run.loadavg1})`);
  }
}
const metrics = await (await fetch(`${url}/metrics`)).text();
server.kill('SIGTERM');
const exit = await new Promise((r) => server.on('close', (code) => r(code)));

const one = runs.find((r) => r.rows === 1 && r.connections === 1);
const overheadMs = round(one.p50Ms - inProcess[1].predict.medianMs, 3);
const result = {
  date: new Date().toISOString(),
  machine: { cpus: cpus().length, model: cpus()[0]?.model, node: process.version, loadavgAtEnd: loadavg().map((x) => round(x, 2)) },
  command: `node bench/serve/run.mjs${process.argv.slice(2).length ? ` ${process.argv.slice(2).join(' ')}` : ''}`,
  model: { file: modelFile, task: model.task, inputs: names.length, members, inlineRows: info.server.inlineRows, workers: info.server.workers },
  inProcess,
  threadTrip,
  runs,
  overhead1RowP50Ms: overheadMs,
  targets: { overheadAtMost1Ms: overheadMs <= 1, noErrorsAt256: runs.filter((r) => r.connections === 256).every((r) => r.errors === 0 && r.timeouts === 0 && r.non2xx === 0) },
  serverExitCode: exit,
  rowsPredictedByServer: Number(/^automl_serve_rows_predicted_total (\d+)/m.exec(metrics)?.[1]),
};
writeFileSync(OUT, JSON.stringify(result, null, 2) + '\n');
log(`\noverhead per 1-row request at p50: ${overheadMs} ms (target <= 1 ms: ${result.targets.overheadAtMost1Ms ? 'met' : 'missed'}); errors at 256 connections: ${result.targets.noErrorsAt256 ? 'none' : 'some'}; server exit ${exit}`);
log(`wrote ${OUT}`);
const table = ['| rows | connections | req/s | rows/s | p50 ms | p99 ms | errors | timeouts | non-2xx | load avg |', '|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|'];
for (const r of runs) table.push(`| ${r.rows} | ${r.connections} | ${r.requestsPerSec} | ${r.rowsPerSec} | ${r.p50Ms} | ${r.p99Ms} | ${r.errors} | ${r.timeouts} | ${r.non2xx} | ${r.loadavg1} |`);
process.stdout.write(table.join('\n') + '\n');
