// Seeded fuzzer over model files (issue 17): mutations of valid model files of every built-in
// family (delete key, add key, change type, huge number, Infinity, negative, deep nesting, huge
// arrays, swapped class lists, ...), each loaded from text and used to predict a few rows in this
// process (no child processes). Per case: wall time measured, heap checked between cases, and the
// cases that look expensive (big text, deep or wide payloads) run in a worker thread with
// resourceLimits. Outcomes: clear E_MODEL_FILE error / valid prediction / crash (anything but a
// coded model-file error) / hang / invalid prediction (NaN, blank, probabilities not summing to 1).
//
// usage: npm run build && node bench/chaos/model-fuzz.mjs [--cases=2000] [--seed=17]
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';
import { mulberry32 } from '../../test/fixtures/hostile/corpus.mjs';
import { runModelText, validModels } from '../../test/fixtures/hostile/model-corpus.mjs';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** A case slower than this counts as a hang. */
const HANG_MS = 10_000;
/** Heap growth across one in-process case beyond this counts as unbounded memory (a crash). */
const HEAP_BOUND = 512 * 2 ** 20;
/** Texts larger than this, or with expensive mutations, run in a worker with a heap limit. */
const WORKER_TEXT = 1_000_000;

async function library() {
  const index = await import(join(ROOT, 'dist/index.js'));
  const modelFile = await import(join(ROOT, 'dist/serving/model-file.js'));
  return { ...index, ...modelFile };
}

/** Every object/array node of a JSON value with its parent and key, for picking a mutation site. */
function nodes(root) {
  const out = [];
  const stack = [{ v: root, parent: null, key: null, depth: 0 }];
  while (stack.length) {
    const n = stack.pop();
    out.push(n);
    if (n.v === null || typeof n.v !== 'object' || n.depth > 12) continue;
    const entries = Array.isArray(n.v) ? n.v.slice(0, 6).map((x, i) => [i, x]) : Object.entries(n.v);
    for (const [k, x] of entries) stack.push({ v: x, parent: n.v, key: k, depth: n.depth + 1 });
  }
  return out;
}

const MUTATIONS = [
  ['delete-key', (s, r) => { if (s.parent && !Array.isArray(s.parent)) delete s.parent[s.key]; }],
  ['add-key', (s, r) => { if (s.v && typeof s.v === 'object' && !Array.isArray(s.v)) s.v[`k${Math.floor(r() * 100)}`] = r() < 0.5 ? 1 : {}; }],
  ['change-type', (s, r) => { if (s.parent) s.parent[s.key] = [null, 'x', true, {}, [], 0, '1'][Math.floor(r() * 7)]; }],
  ['huge-number', (s) => { if (s.parent) s.parent[s.key] = 1e308; }],
  ['huge-int', (s) => { if (s.parent) s.parent[s.key] = 2 ** 32 + 1; }],
  ['infinity-string', (s) => { if (s.parent) s.parent[s.key] = 'Infinity'; }],
  ['infinity-1e999', (s) => { if (s.parent) s.parent[s.key] = '@@INF@@'; }],
  ['negative', (s) => { if (s.parent && typeof s.v === 'number') s.parent[s.key] = -s.v - 1; }],
  ['fraction', (s) => { if (s.parent && typeof s.v === 'number') s.parent[s.key] = s.v + 0.5; }],
  ['nan-string', (s) => { if (s.parent) s.parent[s.key] = 'NaN'; }],
  ['deep-nesting', (s) => { if (s.parent) s.parent[s.key] = '@@DEEP@@'; }],
  ['huge-array', (s, r) => { if (Array.isArray(s.v) && s.parent) s.parent[s.key] = s.v.concat(new Array(100_000 + Math.floor(r() * 100_000)).fill(s.v[0] ?? 0)); }],
  ['object-flood', (s) => { if (s.parent) s.parent[s.key] = '@@FLOOD@@'; }],
  ['empty-array', (s) => { if (Array.isArray(s.v)) s.v.length = 0; }],
  ['truncate-array', (s) => { if (Array.isArray(s.v) && s.v.length > 1) s.v.length = s.v.length - 1; }],
  ['proto-key', (s) => { if (s.v && typeof s.v === 'object' && !Array.isArray(s.v)) s.v['@@PROTO@@'] = 1; }],
];

/** Swaps or shrinks the class lists, the cross-part mutation that per-field checks miss. */
function classMutation(j, r) {
  if (j.task !== 'classification') return 'none';
  const pick = Math.floor(r() * 3);
  const c = pick === 0 ? [...j.classes].reverse() : pick === 1 ? j.classes.slice(0, -1) : [...j.classes, 'extra'];
  j.classes = c;
  j.pipeline.classes = c;
  return ['swap-classes', 'drop-class', 'add-class'][pick];
}

function makeCase(valid, r) {
  const base = valid[Math.floor(r() * valid.length)];
  const j = JSON.parse(JSON.stringify(base.json));
  const ops = [];
  const count = 1 + Math.floor(r() * 2);
  for (let i = 0; i < count; i++) {
    if (r() < 0.08) {
      ops.push(classMutation(j, r));
      continue;
    }
    const all = nodes(j);
    const site = all[Math.floor(r() * all.length)];
    const [name, f] = MUTATIONS[Math.floor(r() * MUTATIONS.length)];
    f(site, r);
    ops.push(name);
  }
  let text = JSON.stringify(j);
  text = text.replaceAll('"@@INF@@"', '1e999').replaceAll('"@@DEEP@@"', '['.repeat(3000) + ']'.repeat(3000));
  text = text.replaceAll('"@@FLOOD@@"', `[${'{},'.repeat(300_000)}{}]`).replaceAll('"@@PROTO@@"', '"__proto__"');
  return { model: base.name, ops, text, base };
}

function expensive(c) {
  return c.text.length > WORKER_TEXT || c.ops.some((o) => o === 'deep-nesting' || o === 'huge-array' || o === 'object-flood');
}

let worker = null;
let pending = null;

/** The long-lived worker (256 MB heap) that runs expensive cases; recreated after it dies or hangs. */
function getWorker() {
  if (worker) return worker;
  worker = new Worker(fileURLToPath(import.meta.url), { resourceLimits: { maxOldGenerationSizeMb: 256, maxYoungGenerationSizeMb: 32 } });
  worker.on('message', (m) => pending?.(m));
  worker.on('error', (e) => pending?.({ outcome: 'crash', detail: `worker died: ${String(e?.message ?? e).slice(0, 200)}` }));
  worker.on('exit', () => {
    worker = null;
  });
  return worker;
}

/** Runs one case in the worker: an out-of-memory ends the worker, not the run. */
function inWorker(c) {
  return new Promise((resolve) => {
    const t0 = performance.now();
    const w = getWorker();
    const timer = setTimeout(() => {
      worker = null;
      void w.terminate();
      done({ outcome: 'hang', detail: `over ${HANG_MS} ms` });
    }, HANG_MS);
    const done = (m) => {
      clearTimeout(timer);
      pending = null;
      resolve({ ...m, ms: performance.now() - t0 });
    };
    pending = done;
    w.postMessage({ text: c.text, name: c.base.name });
  });
}

if (!isMainThread) {
  // Worker side: tables of the base models are built once, then each message is one case.
  const lib = await library();
  const sets = { classification: ['iris.csv', 'species'], regression: ['cpu.csv', 'class'] };
  const tables = {};
  parentPort.on('message', ({ text, name }) => {
    const task = name.split('/')[1];
    const [file, target] = sets[task];
    tables[task] ??= lib.loadDataset(join(ROOT, 'datasets', file), { target });
    parentPort.postMessage(runModelText(lib, text, tables[task]));
  });
}

/**
 * Runs the fuzzer. @returns the figures for RESULTS.md: cases, outcome counts, examples of
 * anything that is not a clear error or a valid prediction, time and heap maxima.
 */
export async function modelFuzz({ cases = 2000, seed = 17 } = {}) {
  const lib = await library();
  const valid = await validModels(lib, ROOT);
  const r = mulberry32(seed);
  const counts = { error: 0, valid: 0, crash: 0, hang: 0, invalid: 0 };
  const bad = [];
  let inWorkers = 0;
  let maxMs = 0;
  let maxHeapGrowth = 0;
  const started = performance.now();
  try {
  for (let i = 0; i < cases; i++) {
    const c = makeCase(valid, r);
    let res;
    if (expensive(c)) {
      inWorkers++;
      res = await inWorker(c);
    } else {
      const heap0 = process.memoryUsage().heapUsed;
      const t0 = performance.now();
      res = runModelText(lib, c.text, c.base.table);
      res.ms = performance.now() - t0;
      const growth = process.memoryUsage().heapUsed - heap0;
      maxHeapGrowth = Math.max(maxHeapGrowth, growth);
      if (growth > HEAP_BOUND) res = { outcome: 'crash', detail: `heap grew ${Math.round(growth / 2 ** 20)} MB` };
      if (res.ms > HANG_MS) res = { outcome: 'hang', detail: `${Math.round(res.ms)} ms` };
    }
    maxMs = Math.max(maxMs, res.ms ?? 0);
    counts[res.outcome]++;
    if (res.outcome !== 'error' && res.outcome !== 'valid' && bad.length < 20) bad.push({ case: i, model: c.model, ops: c.ops, outcome: res.outcome, detail: res.detail });
  }
  } finally {
    await stopModelFuzzWorker();
  }
  return {
    seed,
    cases,
    families: [...new Set(valid.map((v) => v.family))].length,
    validFiles: valid.length,
    outcomes: counts,
    inWorkers,
    maxCaseMs: Math.round(maxMs),
    maxHeapGrowthMB: Math.round(maxHeapGrowth / 2 ** 20),
    wallSeconds: Math.round((performance.now() - started) / 1000),
    problems: bad,
  };
}

/** Ends the worker so that the process can exit. */
export async function stopModelFuzzWorker() {
  if (worker) await worker.terminate();
  worker = null;
}

if (isMainThread && process.argv[1] === fileURLToPath(import.meta.url)) {
  const arg = (k, d) => Number(process.argv.find((a) => a.startsWith(`--${k}=`))?.slice(k.length + 3) ?? d);
  const res = await modelFuzz({ cases: arg('cases', 2000), seed: arg('seed', 17) });
  await stopModelFuzzWorker();
  process.stdout.write(`${JSON.stringify(res, null, 2)}\n`);
  process.exitCode = res.outcomes.crash + res.outcomes.hang + res.outcomes.invalid > 0 ? 1 : 0;
}
