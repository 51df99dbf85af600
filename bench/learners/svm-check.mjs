// Accuracy of our SMO (src/models/svm) against LIBSVM, through scikit-learn's SVC and SVR: on
// standardised bundled datasets with fixed C / gamma, the support-vector count and the dual
// objective of every binary problem must agree within 1e-3 (relative). Not a test: it needs Python.
//
//   npx tsc -p tsconfig.build.json   (or set SVM_DIST to a compiled src/models/svm/index.js)
//   node bench/learners/svm-check.mjs [--json]
//
// The values checked here are pinned in test/models/svm-libsvm.test.ts, so tests need no Python.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const dist = process.env.SVM_DIST ?? join(root, 'dist/models/svm/index.js');
if (!existsSync(dist)) {
  console.error(`svm-check: ${dist} not found; build first (npx tsc -p tsconfig.build.json) or set SVM_DIST`);
  process.exit(2);
}
const svm = await import(pathToFileURL(dist).href);
const python = process.env.PYTHON ?? '/usr/bin/python3';
const TOL = 1e-3;

/** Reads a numeric CSV (last column the target) and standardises it as svm-check.py does. */
function load(file, cls) {
  const lines = readFileSync(join(root, 'datasets', file), 'utf8').trim().split(/\r?\n/).slice(1).map((l) => l.split(','));
  const p = lines[0].length - 1;
  const n = lines.length;
  const X = new Float64Array(n * p);
  lines.forEach((r, i) => r.slice(0, p).forEach((v, j) => (X[i * p + j] = Number(v))));
  for (let j = 0; j < p; j++) {
    let m = 0;
    for (let i = 0; i < n; i++) m += X[i * p + j];
    m /= n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (X[i * p + j] - m) ** 2;
    const sd = Math.sqrt(v / n) || 1;
    for (let i = 0; i < n; i++) X[i * p + j] = (X[i * p + j] - m) / sd;
  }
  const raw = lines.map((r) => r[p]);
  let y;
  let nClasses = 0;
  if (cls) {
    const labels = [...new Set(raw)].sort();
    nClasses = labels.length;
    y = Float64Array.from(raw, (v) => labels.indexOf(v));
  } else {
    y = Float64Array.from(raw, Number);
    let m = 0;
    for (const v of y) m += v / n;
    let s = 0;
    for (const v of y) s += (v - m) ** 2 / n;
    const sd = Math.sqrt(s) || 1;
    for (let i = 0; i < n; i++) y[i] = (y[i] - m) / sd;
  }
  return { X: { rows: n, cols: p, data: X }, y, nClasses };
}

// [dataset, task, our params, sklearn params, class weight]
const rbf = (C, gamma) => [{ C, gamma }, { C, gamma }];
const CASES = [
  ['iris.csv', 'classification', ...rbf(1, 'scale')],
  ['iris.csv', 'classification', { C: 10, gamma: 0.5, kernel: 'poly', degree: 3, coef0: 1 }, { C: 10, gamma: 0.5, kernel: 'poly', degree: 3, coef0: 1 }],
  ['breast-cancer.csv', 'classification', ...rbf(1, 'scale')],
  ['breast-cancer.csv', 'classification', ...rbf(10, 0.01)],
  ['breast-cancer.csv', 'classification', { C: 1, gamma: 'scale', class_weight: 'balanced' }, { C: 1, gamma: 'scale' }, 'balanced'],
  ['breast-cancer.csv', 'classification', { C: 0.1, kernel: 'linear' }, { C: 0.1, kernel: 'linear' }],
  ['wine.csv', 'classification', ...rbf(1, 'scale')],
  ['wine.csv', 'classification', ...rbf(100, 0.05)],
  ['ionosphere.csv', 'classification', ...rbf(1, 'scale')],
  ['ionosphere.csv', 'classification', ...rbf(10, 0.1)],
  ['ionosphere.csv', 'classification', { C: 1, gamma: 'scale', kernel: 'poly', degree: 2, coef0: 1 }, { C: 1, gamma: 'scale', kernel: 'poly', degree: 2, coef0: 1 }],
  ['diabetes-progression.csv', 'regression', { C: 1, gamma: 'scale', epsilon: 0.1, scale_target: false }, { C: 1, gamma: 'scale', epsilon: 0.1 }],
  ['cpu.csv', 'regression', { C: 10, gamma: 0.1, epsilon: 0.05, scale_target: false }, { C: 10, gamma: 0.1, epsilon: 0.05 }],
];

const ours = CASES.map(([file, task, params]) => {
  const cls = task === 'classification';
  const d = load(file, cls);
  const spec = cls ? svm.svmSpec : svm.svrSpec;
  const m = spec.create({ ...params, solver: 'exact' }, { task, nClasses: d.nClasses, seed: 0 });
  m.fit(d.X, d.y);
  const info = m.fitInfo;
  const pred = m.predict(d.X);
  let score;
  if (cls) score = pred.reduce((s, v, i) => s + (v === d.y[i] ? 1 : 0), 0) / d.y.length;
  else {
    const mean = d.y.reduce((a, b) => a + b, 0) / d.y.length;
    let ss = 0;
    let st = 0;
    d.y.forEach((v, i) => ((ss += (v - pred[i]) ** 2), (st += (v - mean) ** 2)));
    score = 1 - ss / st;
  }
  return { nSV: info.support.length, objective: cls ? info.dualObjective : [info.dualObjective], score };
});

const jobs = CASES.map(([file, task, , params, classWeight]) => ({ dataset: join(root, 'datasets', file), task, params, classWeight }));
const py = spawnSync(python, [join(here, 'svm-check.py')], { input: JSON.stringify(jobs), encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' }, maxBuffer: 1 << 26 });
if (py.status !== 0) {
  console.error(py.stderr);
  process.exit(1);
}
const theirs = JSON.parse(py.stdout.trim().split('\n').pop());
const rel = (a, b) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);
let failures = 0;
const rows = CASES.map(([file, task, params], k) => {
  const o = ours[k];
  const t = theirs[k];
  const objDiff = Math.max(...o.objective.map((v, i) => rel(v, t.objective[i])));
  const svDiff = rel(o.nSV, t.nSV);
  const ok = objDiff <= TOL && svDiff <= TOL && o.objective.length === t.objective.length;
  if (!ok) failures++;
  return { dataset: file, task, params, nSV: [o.nSV, t.nSV], svRel: svDiff, objective: [o.objective, t.objective], objRel: objDiff, score: [o.score, t.score], ok };
});
if (process.argv.includes('--json')) console.log(JSON.stringify(rows, null, 1));
console.log('| dataset | params | SVs ours / LIBSVM | max rel. diff of dual objective (pairs) | train score ours / LIBSVM | ok |');
console.log('|---|---|---:|---:|---:|---|');
for (const r of rows) {
  const ps = Object.entries(r.params).map(([k, v]) => `${k}=${v}`).join(', ');
  console.log(`| ${r.dataset} | ${ps} | ${r.nSV[0]} / ${r.nSV[1]} | ${r.objRel.toExponential(1)} (${r.objective[0].length}) | ${r.score[0].toFixed(4)} / ${r.score[1].toFixed(4)} | ${r.ok ? 'yes' : 'NO'} |`);
}
console.log(failures === 0 ? `all ${rows.length} cases within ${TOL}` : `${failures} case(s) outside ${TOL}`);
process.exit(failures === 0 ? 0 : 1);
