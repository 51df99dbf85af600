// Fit time and test score of the fast learners (src/models/fast) against their scikit-learn
// counterparts with equal settings, one thread each, side by side in one run.
//
//   npm run build   (or: npx tsc -p <a tsconfig emitting src/models/fast> and set FAST_DIST)
//   OMP_NUM_THREADS=1 node bench/learners/run.mjs [--quick] [--only name,name] [--repeats N] [--rounds R] [--write]
//
// --quick skips the 100,000 x 50 synthetic set; --write replaces bench/learners/RESULTS.md.
// Split everywhere: rows with i % 4 == 0 are the test set. Times are minima over repeats and
// rounds after a warm-up fit (none on the synthetic set), because other engineers share the CPU.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { makeSynthetic } from './synthetic.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const args = process.argv.slice(2);
const flag = (f) => args.includes(f);
const opt = (f, d) => (args.includes(f) ? args[args.indexOf(f) + 1] : d);
const quick = flag('--quick');
const only = opt('--only', '')?.split(',').filter(Boolean) ?? [];
const repeats = Number(opt('--repeats', '5'));
const dist = process.env.FAST_DIST ?? join(root, 'dist/models/fast/index.js');
if (!existsSync(dist)) {
  console.error(`bench: ${dist} not found; run "npm run build" first or set FAST_DIST to the compiled src/models/fast/index.js`);
  process.exit(2);
}
const fast = await import(pathToFileURL(dist).href);
const specs = Object.fromEntries(fast.fastModels.map((s) => [s.name, s]));
const python = process.env.PYTHON ?? '/usr/bin/python3';
const DATA = '/work/shared/datasets';
// Not under an automl-* name: other benchmarks clean those out of /tmp.
const SYNTH = '/tmp/fast-learners-synthetic-100000x50-seed42.csv';

function loadCsv(path, cls) {
  const lines = readFileSync(path, 'utf8').trim().split(/\r?\n/).slice(1).map((l) => l.split(','));
  const p = lines[0].length - 1;
  const data = new Float64Array(lines.length * p);
  lines.forEach((r, i) => {
    for (let j = 0; j < p; j++) data[i * p + j] = r[j] === '' ? NaN : Number(r[j]);
  });
  const labels = lines.map((r) => r[p]);
  const uniq = [...new Set(labels)].sort();
  const y = cls ? Float64Array.from(labels, (l) => uniq.indexOf(l)) : Float64Array.from(labels, Number);
  return { X: { rows: lines.length, cols: p, data }, y, nClasses: cls ? uniq.length : 0 };
}

function split(d) {
  const p = d.X.cols;
  const part = (test) => {
    const idx = [];
    for (let i = 0; i < d.X.rows; i++) if ((i % 4 === 0) === test) idx.push(i);
    const data = new Float64Array(idx.length * p);
    idx.forEach((r, i) => data.set(d.X.data.subarray(r * p, r * p + p), i * p));
    return { X: { rows: idx.length, cols: p, data }, y: Float64Array.from(idx, (r) => d.y[r]) };
  };
  return { train: part(false), test: part(true) };
}

function standardise(train, test) {
  const p = train.X.cols;
  const copy = (M) => ({ ...M, data: Float64Array.from(M.data) });
  const a = copy(train.X);
  const b = copy(test.X);
  for (let j = 0; j < p; j++) {
    let m = 0;
    for (let i = 0; i < a.rows; i++) m += a.data[i * p + j];
    m /= a.rows;
    let v = 0;
    for (let i = 0; i < a.rows; i++) v += (a.data[i * p + j] - m) ** 2;
    const sd = Math.sqrt(v / a.rows) || 1;
    for (const M of [a, b]) for (let i = 0; i < M.rows; i++) M.data[i * p + j] = (M.data[i * p + j] - m) / sd;
  }
  return [a, b];
}

function score(pred, y, cls) {
  if (cls) {
    let ok = 0;
    for (let i = 0; i < y.length; i++) if (pred[i] === y[i]) ok++;
    return ok / y.length;
  }
  let m = 0;
  for (const v of y) m += v / y.length;
  let ss = 0;
  let st = 0;
  for (let i = 0; i < y.length; i++) {
    ss += (y[i] - pred[i]) ** 2;
    st += (y[i] - m) ** 2;
  }
  return 1 - ss / st;
}

// [model, dataset, task, our params, sklearn params, standardise, trees for throughput]
const gb = (n) => [{ n_estimators: n, max_leaves: 31, learning_rate: 0.1, min_samples_leaf: 20, l2: 0, early_stopping: 'off' }, { max_iter: n, max_leaf_nodes: 31, learning_rate: 0.1, min_samples_leaf: 20, l2_regularization: 0.0, early_stopping: false, max_bins: 255 }];
const forest = (n) => [{ n_estimators: n }, { n_estimators: n, n_jobs: 1, random_state: 0 }];
const jobs = [];
const add = (model, dataset, task, [ours, theirs], standardise = false, trees = 0, big = false) => jobs.push({ model, dataset, task, ours, theirs, standardise, trees, big });
for (const ds of ['breast-cancer', 'digits']) add('gradient_boosting', ds, 'classification', gb(100), false, 100);
add('gradient_boosting', 'diabetes-progression', 'regression', gb(100), false, 100);
add('gradient_boosting', 'synthetic', 'classification', gb(100), false, 100, true);
for (const m of ['random_forest', 'extra_trees']) {
  for (const ds of ['breast-cancer', 'digits']) add(m, ds, 'classification', forest(100));
  add(m, 'diabetes-progression', 'regression', forest(100));
  add(m, 'synthetic', 'classification', forest(10), false, 0, true);
}
for (const ds of ['breast-cancer', 'wine', 'digits']) add('logistic_regression', ds, 'classification', [{ C: 1 }, { C: 1.0, max_iter: 100 }], true);
add('logistic_regression', 'synthetic', 'classification', [{ C: 1 }, { C: 1.0, max_iter: 100 }], false, 0, true);
add('ridge', 'diabetes-progression', 'regression', [{ alpha: 1 }, { alpha: 1.0 }]);
add('ridge', 'synthetic', 'regression', [{ alpha: 1 }, { alpha: 1.0 }], false, 0, true);

const selected = jobs.filter((j) => (!quick || !j.big) && (only.length === 0 || only.includes(j.model)));
if (selected.some((j) => j.big) && !existsSync(SYNTH)) makeSynthetic(100_000, 50, 42, SYNTH);
const pathOf = (ds) => (ds === 'synthetic' ? SYNTH : `${DATA}/${ds}.csv`);

// Each job runs on both sides back to back (Python, then ours), and the whole list runs
// `--rounds` times, keeping each side's fastest fit: both sides then see similar load from
// the other engineers sharing the machine.
const rounds = Number(opt('--rounds', '2'));
const env = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
const skVersion = spawnSync(python, ['-c', 'import sklearn; print(sklearn.__version__)'], { encoding: 'utf8' }).stdout.trim();

function runSklearn(j) {
  if (j.big && !existsSync(SYNTH)) makeSynthetic(100_000, 50, 42, SYNTH);
  const job = { model: j.model, dataset: pathOf(j.dataset), task: j.task, params: j.theirs, standardise: j.standardise, warmup: j.big ? 0 : 1, repeats: j.big ? 1 : repeats };
  const py = spawnSync(python, [join(here, 'sklearn-bench.py')], { input: JSON.stringify([job]), env, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (py.status !== 0) {
    console.error(py.stderr);
    process.exit(1);
  }
  return JSON.parse(py.stdout.trim().split('\n').pop())[0];
}

const cache = new Map();
function runOurs(j) {
  const cls = j.task === 'classification';
  const key = `${j.dataset}/${cls}`;
  if (!cache.has(key)) cache.set(key, split(loadCsv(pathOf(j.dataset), cls)));
  const { train, test } = cache.get(key);
  const [Xtr, Xte] = j.standardise ? standardise(train, test) : [train.X, test.X];
  const nClasses = cls ? new Set(train.y).size : 0;
  let best = Infinity;
  let bestCpu = 0;
  let model;
  const warm = j.big ? 0 : 1;
  const reps = j.big ? 1 : repeats;
  for (let r = 0; r < warm + reps; r++) {
    model = specs[j.model].create(j.ours, { task: j.task, nClasses, seed: 0 });
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    model.fit(Xtr, train.y);
    const t = (performance.now() - t0) / 1000;
    const c = process.cpuUsage(c0);
    if (r >= warm && t < best) {
      best = t;
      bestCpu = (c.user + c.system) / 1e6;
    }
  }
  return { fit_s: best, cpu_s: bestCpu, score: score(model.predict(Xte), test.y, cls), n: Xtr.rows, p: Xtr.cols };
}

const better = (a, b) => (!a || b.fit_s < a.fit_s ? b : a);
const results = selected.map(() => ({ ours: null, sk: null }));
for (let round = 0; round < rounds; round++) {
  for (let k = 0; k < selected.length; k++) {
    const j = selected[k];
    results[k].sk = better(results[k].sk, runSklearn(j));
    results[k].ours = better(results[k].ours, runOurs(j));
    const { ours, sk } = results[k];
    console.log(`[round ${round + 1}] ${j.model.padEnd(20)} ${j.dataset.padEnd(22)} ours ${(ours.fit_s * 1000).toFixed(1).padStart(9)} ms  sklearn ${(sk.fit_s * 1000).toFixed(1).padStart(9)} ms  ratio ${(ours.fit_s / sk.fit_s).toFixed(2).padStart(5)}  cpu ratio ${(ours.cpu_s / sk.cpu_s).toFixed(2).padStart(5)}  score ${ours.score.toFixed(4)} vs ${sk.score.toFixed(4)}`);
  }
}
const rows = selected.map((j, k) => ({ ...j, params: j.ours, n: results[k].ours.n, p: results[k].ours.p, ours: results[k].ours, sk: results[k].sk }));

const table = [
  '| learner | dataset (train rows x cols) | settings | ours fit | sklearn fit | wall ratio | CPU ratio | ours score | sklearn score | diff (points) |',
  '|---|---|---|---:|---:|---:|---:|---:|---:|---:|',
  ...rows.map((r) => {
    const settings = Object.entries(r.params).map(([k, v]) => `${k}=${v}`).join(', ');
    const secs = (v) => (v < 1 ? `${(v * 1000).toFixed(1)} ms` : `${v.toFixed(2)} s`);
    return `| ${r.model} | ${r.dataset} (${r.n} x ${r.p}) | ${settings} | ${secs(r.ours.fit_s)} | ${secs(r.sk.fit_s)} | ${(r.ours.fit_s / r.sk.fit_s).toFixed(2)} | ${(r.ours.cpu_s / r.sk.cpu_s).toFixed(2)} | ${r.ours.score.toFixed(4)} | ${r.sk.score.toFixed(4)} | ${((r.ours.score - r.sk.score) * 100).toFixed(2)} |`;
  }),
];
const thr = rows.filter((r) => r.trees > 0 && r.dataset === 'synthetic').map((r) => `- ${r.model} on ${r.n} x ${r.p}: ${(r.n * r.p * r.trees / r.ours.fit_s).toExponential(2)} row*feature*tree per second (wall), ${(r.n * r.p * r.trees / r.ours.cpu_s).toExponential(2)} per CPU second; scikit-learn ${(r.n * r.p * r.trees / r.sk.fit_s).toExponential(2)} (wall).`);
const report = [
  `Run: ${new Date().toISOString()}; node ${process.version}; scikit-learn ${skVersion}; ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}; ${(totalmem() / 2 ** 30).toFixed(1)} GiB; shared with other engineers (load average at start: ${(await import('node:os')).loadavg().map((v) => v.toFixed(1)).join(' ')}).`,
  `Command: \`OMP_NUM_THREADS=1 node bench/learners/run.mjs ${args.join(' ')}\` (FAST_DIST=${process.env.FAST_DIST ? process.env.FAST_DIST : 'dist'}).`,
  `Fit times: each side's minimum over ${rounds} rounds x ${repeats} repeats after one warm-up per round (synthetic: ${rounds} rounds x 1 fit, no warm-up); each job runs on both sides back to back; CPU = process CPU time of the fastest fit. Scores: accuracy or R^2 on rows i % 4 == 0.`,
  '',
  ...table,
  '',
  ...(thr.length ? ['Throughput (gradient boosting, one thread):', ...thr] : []),
].join('\n');
console.log('\n' + report);
if (flag('--write')) {
  const file = join(here, 'RESULTS.md');
  const headerEnd = '<!-- results -->';
  const prev = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const head = prev.includes(headerEnd) ? prev.slice(0, prev.indexOf(headerEnd) + headerEnd.length) : `# Fast learners vs scikit-learn\n\n${headerEnd}`;
  writeFileSync(file, `${head}\n\n${report}\n`);
  console.log(`wrote ${file}`);
}
