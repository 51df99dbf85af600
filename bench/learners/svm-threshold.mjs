// Where the exact SMO solver of `svm` stops paying: fit time and test accuracy of the exact
// solver and of the approximate one (Nyström, 300 components + dual coordinate descent) on
// growing seeded subsamples of a medium dataset, default C = 1 and gamma = 'scale'. Ours only:
// scikit-learn's SVC costs about the same as our exact solver here (see svm-bench.mjs).
//
//   node bench/learners/svm-threshold.mjs [--sizes 2500,5000,10000,20000] [--data file.csv]
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const args = process.argv.slice(2);
const opt = (f, d) => (args.includes(f) ? args[args.indexOf(f) + 1] : d);
const sizes = opt('--sizes', '2500,5000,10000,20000').split(',').map(Number);
const file = opt('--data', '/work/shared/datasets/medium/fertility.csv');
const dist = process.env.LEARNERS_DIST ?? join(root, 'dist/models');
const { svmSpec } = await import(pathToFileURL(join(dist, 'svm/index.js')).href);

const lines = readFileSync(file, 'utf8').trim().split(/\r?\n/).slice(1).map((l) => l.split(',').map((v) => v.replace(/"/g, '')));
const p0 = lines[0].length - 1;
const encoders = [];
for (let j = 0; j < p0; j++) {
  const vals = lines.map((r) => r[j]);
  if (vals.every((v) => Number.isFinite(Number(v)))) encoders.push((r) => [Number(r[j])]);
  else {
    const levels = [...new Set(vals)].sort();
    encoders.push((r) => levels.map((l) => (r[j] === l ? 1 : 0)));
  }
}
const labels = [...new Set(lines.map((r) => r[p0]))].sort();
// A fixed seeded order, so that every size is a prefix of the next (mulberry32).
let s = 7;
const rnd = () => {
  s = (s + 0x6d2b79f5) >>> 0;
  let t = Math.imul(s ^ (s >>> 15), s | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const order = lines.map((_, i) => i);
for (let i = order.length - 1; i > 0; i--) {
  const j = Math.floor(rnd() * (i + 1));
  [order[i], order[j]] = [order[j], order[i]];
}
const test = order.slice(0, 5000);
const encode = (idx) => {
  const rows = idx.map((i) => encoders.flatMap((f) => f(lines[i])));
  const p = rows[0].length;
  const data = new Float64Array(idx.length * p);
  rows.forEach((r, i) => data.set(r, i * p));
  return { X: { rows: idx.length, cols: p, data }, y: Float64Array.from(idx, (i) => labels.indexOf(lines[i][p0])) };
};
const te = encode(test);
// Standardise with the largest training set's statistics (the same for every size).
const trAll = encode(order.slice(5000, 5000 + Math.max(...sizes)));
const p = trAll.X.cols;
const mean = new Float64Array(p);
const sd = new Float64Array(p);
for (let j = 0; j < p; j++) {
  for (let i = 0; i < trAll.X.rows; i++) mean[j] += trAll.X.data[i * p + j] / trAll.X.rows;
  for (let i = 0; i < trAll.X.rows; i++) sd[j] += (trAll.X.data[i * p + j] - mean[j]) ** 2 / trAll.X.rows;
  sd[j] = Math.sqrt(sd[j]) || 1;
}
for (const M of [te.X, trAll.X]) for (let i = 0; i < M.rows; i++) for (let j = 0; j < p; j++) M.data[i * p + j] = (M.data[i * p + j] - mean[j]) / sd[j];

console.log(`data ${file} (${lines.length} rows, ${p} encoded columns), test rows ${te.X.rows}; load average ${loadavg().map((v) => v.toFixed(1)).join(' ')}`);
console.log('| training rows | solver | fit wall | fit CPU | test accuracy |');
console.log('|---:|---|---:|---:|---:|');
for (const n of sizes) {
  const X = { rows: n, cols: p, data: trAll.X.data.subarray(0, n * p) };
  const y = trAll.y.subarray(0, n);
  for (const solver of ['exact', 'approx']) {
    const m = svmSpec.create({ solver }, { task: 'classification', nClasses: labels.length, seed: 0 });
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    m.fit(X, y);
    const wall = (performance.now() - t0) / 1000;
    const c = process.cpuUsage(c0);
    const pred = m.predict(te.X);
    const acc = pred.reduce((a, v, i) => a + (v === te.y[i] ? 1 : 0), 0) / te.y.length;
    console.log(`| ${n} | ${solver} | ${wall.toFixed(2)} s | ${((c.user + c.system) / 1e6).toFixed(2)} s | ${acc.toFixed(4)} |`);
  }
}
console.log(`load average at the end ${loadavg().map((v) => v.toFixed(1)).join(' ')}`);
