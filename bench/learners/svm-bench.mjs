// Fit time and test score of svm, svr, gaussian_process and elastic_net against scikit-learn's
// SVC, SVR, GaussianProcessRegressor and ElasticNet with equal settings, one thread each, side
// by side in one run (each job on both sides back to back, the job list `--rounds` times, each
// side's fastest fit kept), because the machine is shared.
//
//   npx tsc -p tsconfig.build.json     (or LEARNERS_DIST=<a compiled src/models>)
//   node bench/learners/svm-bench.mjs [--only svm,svr] [--repeats N] [--rounds R] [--quick]
//
// Data: bundled datasets and medium ones from /work/shared/datasets/medium, categorical columns
// one-hot encoded, subsampled where noted (seeded), split on i % 4 == 0 (test), features and
// regression targets standardised with the training rows' mean and population sd. The prepared
// train/test CSVs go to /tmp/learners-bench so that both sides read the same numbers.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const args = process.argv.slice(2);
const opt = (f, d) => (args.includes(f) ? args[args.indexOf(f) + 1] : d);
const only = (opt('--only', '') ?? '').split(',').filter(Boolean);
const repeats = Number(opt('--repeats', '3'));
const rounds = Number(opt('--rounds', '2'));
const quick = args.includes('--quick');
const dist = process.env.LEARNERS_DIST ?? join(root, 'dist/models');
for (const f of ['svm/index.js', 'gpr/index.js', 'linear-elastic-net.js']) {
  if (!existsSync(join(dist, f))) {
    console.error(`svm-bench: ${join(dist, f)} not found; build first (npx tsc -p tsconfig.build.json) or set LEARNERS_DIST`);
    process.exit(2);
  }
}
const imp = (f) => import(pathToFileURL(join(dist, f)).href);
const [svm, gpr, enet] = await Promise.all([imp('svm/index.js'), imp('gpr/index.js'), imp('linear-elastic-net.js')]);
const SPECS = { svm: svm.svmSpec, svr: svm.svrSpec, gaussian_process: gpr.gaussianProcessSpec, elastic_net: enet.elasticNetSpec };
const python = process.env.PYTHON ?? '/usr/bin/python3';
const TMP = '/tmp/learners-bench';
mkdirSync(TMP, { recursive: true });

/** Splits a CSV line, honouring double quotes. */
function cells(line) {
  const out = [];
  let cur = '';
  let q = false;
  for (const ch of line) {
    if (ch === '"') q = !q;
    else if (ch === ',' && !q) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/** A seeded uniform subsample of row indices (mulberry32), in their original order. */
function subsample(n, k, seed) {
  let s = seed >>> 0;
  const rnd = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const idx = Array.from({ length: n }, (_, i) => i);
  for (let i = 0; i < Math.min(k, n); i++) {
    const j = i + Math.floor(rnd() * (n - i));
    [idx[i], idx[j]] = [idx[j], idx[i]];
  }
  return idx.slice(0, Math.min(k, n)).sort((a, b) => a - b);
}

/**
 * Prepares a dataset: one-hot encodes non-numeric feature columns, subsamples to `rows`, splits,
 * standardises; writes train/test CSVs; returns their paths and shapes.
 */
function prepare(name, file, cls, rows) {
  const key = `${name}-${cls ? 'c' : 'r'}-${rows ?? 'all'}`;
  const trainPath = join(TMP, `${key}-train.csv`);
  const testPath = join(TMP, `${key}-test.csv`);
  const lines = readFileSync(file, 'utf8').trim().split(/\r?\n/);
  let body = lines.slice(1).map(cells);
  if (rows) body = subsample(body.length, rows, 42).map((i) => body[i]);
  const p0 = body[0].length - 1;
  const cols = [];
  for (let j = 0; j < p0; j++) {
    const vals = body.map((r) => r[j]);
    if (vals.every((v) => v !== '' && Number.isFinite(Number(v)))) cols.push((r) => [Number(r[j])]);
    else {
      const levels = [...new Set(vals)].sort();
      cols.push((r) => levels.map((l) => (r[j] === l ? 1 : 0)));
    }
  }
  const labels = [...new Set(body.map((r) => r[p0]))].sort();
  const X = body.map((r) => cols.flatMap((f) => f(r)));
  const y = body.map((r) => (cls ? labels.indexOf(r[p0]) : Number(r[p0])));
  const p = X[0].length;
  const trainIdx = [];
  const testIdx = [];
  X.forEach((_, i) => (i % 4 === 0 ? testIdx : trainIdx).push(i));
  const mean = new Float64Array(p);
  const sd = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    for (const i of trainIdx) mean[j] += X[i][j] / trainIdx.length;
    for (const i of trainIdx) sd[j] += (X[i][j] - mean[j]) ** 2 / trainIdx.length;
    sd[j] = Math.sqrt(sd[j]) || 1;
  }
  let ym = 0;
  let ys = 1;
  if (!cls) {
    ym = trainIdx.reduce((a, i) => a + y[i], 0) / trainIdx.length;
    ys = Math.sqrt(trainIdx.reduce((a, i) => a + (y[i] - ym) ** 2, 0) / trainIdx.length) || 1;
  }
  const part = (idx) => {
    const data = new Float64Array(idx.length * p);
    const t = new Float64Array(idx.length);
    idx.forEach((i, k) => {
      for (let j = 0; j < p; j++) data[k * p + j] = (X[i][j] - mean[j]) / sd[j];
      t[k] = cls ? y[i] : (y[i] - ym) / ys;
    });
    return { X: { rows: idx.length, cols: p, data }, y: t };
  };
  const train = part(trainIdx);
  const test = part(testIdx);
  const csv = (d) => Array.from({ length: d.X.rows }, (_, i) => [...d.X.data.subarray(i * p, (i + 1) * p), d.y[i]].join(',')).join('\n') + '\n';
  writeFileSync(trainPath, csv(train));
  writeFileSync(testPath, csv(test));
  return { trainPath, testPath, train, test, nClasses: cls ? labels.length : 0, n: train.X.rows, p };
}

const B = (f) => join(root, 'datasets', f);
const M = (f) => `/work/shared/datasets/medium/${f}`;
// [family, dataset label, file, rows (subsample) or null, our params, scikit-learn params]
const svc = { C: 1, gamma: 'scale' };
const svr = { C: 1, gamma: 'scale', epsilon: 0.1 };
const gp = [{ n_restarts: 0 }, { normalize_y: true, n_restarts_optimizer: 0 }];
const en = [{ alpha: 0.01, l1_ratio: 0.5 }, { alpha: 0.01, l1_ratio: 0.5 }];
const JOBS = [
  ['svm', 'breast-cancer', B('breast-cancer.csv'), null, svc, svc],
  ['svm', 'wine', B('wine.csv'), null, svc, svc],
  ['svm', 'ionosphere', B('ionosphere.csv'), null, svc, svc],
  ['svm', 'digits', B('digits.csv'), null, svc, svc],
  ['svm', 'spam', M('spam.csv'), null, svc, svc],
  ['svm', 'smoke-ban (5,000 of 10,000)', M('smoke-ban.csv'), 5000, svc, svc],
  ['svr', 'diabetes', B('diabetes-progression.csv'), null, { ...svr, scale_target: false }, svr],
  ['svr', 'cpu', B('cpu.csv'), null, { ...svr, scale_target: false }, svr],
  ['svr', 'cps1988 (4,000 of 28,155)', M('cps1988.csv'), 4000, { ...svr, scale_target: false }, svr],
  ['svr', 'diamonds (4,000 of 53,940)', M('diamonds.csv'), 4000, { ...svr, scale_target: false }, svr],
  ['gaussian_process', 'cpu', B('cpu.csv'), null, ...gp],
  ['gaussian_process', 'diabetes', B('diabetes-progression.csv'), null, ...gp],
  ['gaussian_process', 'cps1988 (800 of 28,155)', M('cps1988.csv'), 800, ...gp],
  ['gaussian_process', 'diamonds (800 of 53,940)', M('diamonds.csv'), 800, ...gp],
  ['elastic_net', 'diabetes', B('diabetes-progression.csv'), null, ...en],
  ['elastic_net', 'cpu', B('cpu.csv'), null, ...en],
  ['elastic_net', 'cps1988', M('cps1988.csv'), null, ...en],
  ['elastic_net', 'diamonds', M('diamonds.csv'), null, ...en],
].filter(([m]) => only.length === 0 || only.includes(m));

const env = { ...process.env, OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' };
const skVersion = spawnSync(python, ['-c', 'import sklearn; print(sklearn.__version__)'], { encoding: 'utf8' }).stdout.trim();
const loadStart = loadavg();
const started = Date.now();
const prepared = new Map();
const jobs = JOBS.map(([model, label, file, rows, ours, theirs]) => {
  const cls = model === 'svm';
  const key = `${file}/${cls}/${rows}`;
  if (!prepared.has(key)) prepared.set(key, prepare(label.split(' ')[0], file, cls, quick && rows ? Math.min(rows, 1000) : rows));
  const d = prepared.get(key);
  // Long fits (a second or more: 2,000+ rows, or a GP beyond a toy size) get no warm-up and one
  // repeat per round; short ones five warm-up fits, so that V8 has optimised the hot loops.
  const slow = (d.n >= 2000 && model !== 'elastic_net') || (model === 'gaussian_process' && d.n >= 300);
  return { model, label, ours, theirs, d, warmup: slow ? 0 : 5, repeats: slow ? 1 : repeats };
});

function runSklearn(j) {
  const job = { model: j.model, train: j.d.trainPath, test: j.d.testPath, classification: j.model === 'svm', params: j.theirs, warmup: j.warmup, repeats: j.repeats };
  const py = spawnSync(python, [join(here, 'svm-bench.py')], { input: JSON.stringify([job]), env, encoding: 'utf8', maxBuffer: 1 << 24 });
  if (py.status !== 0) {
    console.error(py.stderr);
    process.exit(1);
  }
  return JSON.parse(py.stdout.trim().split('\n').pop())[0];
}

function score(pred, y, cls) {
  if (cls) return pred.reduce((s, v, i) => s + (v === y[i] ? 1 : 0), 0) / y.length;
  const m = y.reduce((a, b) => a + b, 0) / y.length;
  let ss = 0;
  let st = 0;
  for (let i = 0; i < y.length; i++) {
    ss += (y[i] - pred[i]) ** 2;
    st += (y[i] - m) ** 2;
  }
  return 1 - ss / st;
}

function runOurs(j) {
  const cls = j.model === 'svm';
  let best = Infinity;
  let bestCpu = 0;
  let m;
  for (let r = 0; r < j.warmup + j.repeats; r++) {
    m = SPECS[j.model].create(j.ours, { task: cls ? 'classification' : 'regression', nClasses: j.d.nClasses, seed: 0 });
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    m.fit(j.d.train.X, j.d.train.y);
    const t = (performance.now() - t0) / 1000;
    const c = process.cpuUsage(c0);
    if (r >= j.warmup && t < best) {
      best = t;
      bestCpu = (c.user + c.system) / 1e6;
    }
  }
  const out = { fit_s: best, cpu_s: bestCpu, score: score(m.predict(j.d.test.X), j.d.test.y, cls) };
  if (j.model === 'svm' || j.model === 'svr') out.nSV = m.fitInfo.support?.length;
  if (j.model === 'gaussian_process') out.lml = m.kernel.logMarginalLikelihood;
  if (j.model === 'elastic_net') out.iterations = m.coefficients.iterations;
  return out;
}

const better = (a, b) => (!a || b.fit_s < a.fit_s ? b : a);
const results = jobs.map(() => ({ ours: null, sk: null }));
for (let round = 0; round < rounds; round++) {
  for (let k = 0; k < jobs.length; k++) {
    const j = jobs[k];
    results[k].sk = better(results[k].sk, runSklearn(j));
    results[k].ours = better(results[k].ours, runOurs(j));
    const { ours, sk } = results[k];
    console.log(`[round ${round + 1}] ${j.model.padEnd(17)} ${j.label.padEnd(28)} ours ${(ours.fit_s * 1000).toFixed(1).padStart(9)} ms  sklearn ${(sk.fit_s * 1000).toFixed(1).padStart(9)} ms  ratio ${(ours.fit_s / sk.fit_s).toFixed(2).padStart(5)}  score ${ours.score.toFixed(4)} vs ${sk.score.toFixed(4)}`);
  }
}

const secs = (v) => (v < 1 ? `${(v * 1000).toFixed(1)} ms` : `${v.toFixed(2)} s`);
const detail = (o) => (o.nSV !== undefined ? `${o.nSV} SV` : o.lml !== undefined ? `lml ${o.lml.toFixed(2)}` : o.iterations !== undefined ? `${o.iterations} passes` : '');
const lines = [
  `Run: ${new Date().toISOString()}; node ${process.version}; scikit-learn ${skVersion}; ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}; ${(totalmem() / 2 ** 30).toFixed(1)} GiB; shared with other engineers: load average ${loadStart.map((v) => v.toFixed(1)).join(' ')} at start, ${loadavg().map((v) => v.toFixed(1)).join(' ')} at the end; ${((Date.now() - started) / 60000).toFixed(1)} min.`,
  `Command: \`node bench/learners/svm-bench.mjs ${args.join(' ')}\`; each side's minimum over ${rounds} rounds x ${repeats} repeats after five warm-up fits (fits of 2,000+ training rows and GPs of 300+: ${rounds} rounds x 1, no warm-up). CPU = process CPU time of the fastest fit.`,
  '',
  '| learner | dataset (train rows x cols) | ours fit | sklearn fit | wall ratio | CPU ratio | ours score | sklearn score | diff | ours / sklearn detail |',
  '|---|---|---:|---:|---:|---:|---:|---:|---:|---|',
  ...jobs.map((j, k) => {
    const { ours, sk } = results[k];
    const diff = j.model === 'svm' ? `${((ours.score - sk.score) * 100).toFixed(2)} pt` : `${(ours.score - sk.score).toFixed(4)}`;
    return `| ${j.model} | ${j.label} (${j.d.n} x ${j.d.p}) | ${secs(ours.fit_s)} | ${secs(sk.fit_s)} | ${(ours.fit_s / sk.fit_s).toFixed(2)} | ${(ours.cpu_s / sk.cpu_s).toFixed(2)} | ${ours.score.toFixed(4)} | ${sk.score.toFixed(4)} | ${diff} | ${detail(ours)} / ${detail(sk)} |`;
  }),
];
console.log('\n' + lines.join('\n'));
