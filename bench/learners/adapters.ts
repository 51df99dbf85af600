/**
 * Fit and predict time of each adapter (default params) on breast-cancer (569 x 30,
 * classification) and diabetes-progression (442 x 10, regression), 5-fold CV, features
 * standardised on each training fold. Also times ml-knn's kd-tree against our brute-force knn.
 *
 * Build and run (Node 20 has no TypeScript loader):
 *   npx tsc bench/learners/adapters.ts src/models/vendor.d.ts --outDir bench/out/build-models --rootDir . \
 *     --module nodenext --moduleResolution nodenext --target es2022 --skipLibCheck --types node --esModuleInterop
 *   node bench/out/build-models/bench/learners/adapters.js
 * Run from the repository root. Optional argument: a comma-separated list of model names.
 */
import { readFileSync } from 'node:fs';
import { Worker } from 'node:worker_threads';
import KNN from 'ml-knn';
import { adapterModels } from '../../src/models/registry.js';
import { matrix } from '../../src/models/estimator.js';
import type { Matrix, ModelSpec, Task } from '../../src/models/estimator.js';
import { kFold, stratifiedKFold } from '../../src/evaluation/splitters.js';
import { defaultMetric } from '../../src/evaluation/metrics.js';
import { tfBackendName } from '../../src/models/tf-backend.js';

interface Data {
  X: Matrix;
  y: Float64Array;
  nClasses: number;
  task: Task;
}

function readCsv(file: string, task: Task): Data {
  const lines = readFileSync(`datasets/${file}`, 'utf8').trim().split('\n').slice(1);
  const rows = lines.map((l) => l.split(','));
  const d = rows[0]!.length - 1;
  const X = matrix(rows.length, d, Float64Array.from(rows.flatMap((r) => r.slice(0, d).map(Number))));
  const labels = rows.map((r) => r[d]!);
  if (task === 'regression') return { X, y: Float64Array.from(labels.map(Number)), nClasses: 0, task };
  const names = [...new Set(labels)].sort();
  return { X, y: Float64Array.from(labels, (l) => names.indexOf(l)), nClasses: names.length, task };
}

function take(X: Matrix, rows: Int32Array): Matrix {
  const out = matrix(rows.length, X.cols);
  rows.forEach((r, i) => out.data.set(X.data.subarray(r * X.cols, (r + 1) * X.cols), i * X.cols));
  return out;
}

/** Standardises both parts with the training part's mean and deviation. */
function scale(train: Matrix, test: Matrix): void {
  for (let j = 0; j < train.cols; j++) {
    let m = 0;
    for (let i = 0; i < train.rows; i++) m += train.data[i * train.cols + j]! / train.rows;
    let v = 0;
    for (let i = 0; i < train.rows; i++) v += (train.data[i * train.cols + j]! - m) ** 2 / train.rows;
    const s = Math.sqrt(v) || 1;
    for (const M of [train, test]) for (let i = 0; i < M.rows; i++) M.data[i * M.cols + j] = (M.data[i * M.cols + j]! - m) / s;
  }
}

async function run(spec: ModelSpec, data: Data): Promise<string> {
  const folds = data.task === 'classification' ? stratifiedKFold(data.y, 5, 1) : kFold(data.X.rows, 5, 1);
  const metric = defaultMetric(data.task);
  let fitMs = 0;
  let predMs = 0;
  let score = 0;
  for (const f of folds) {
    const Xtr = take(data.X, f.train);
    const Xte = take(data.X, f.test);
    scale(Xtr, Xte);
    const est = spec.create({}, { task: data.task, nClasses: data.nClasses, seed: 1 });
    let t = performance.now();
    await est.fit(Xtr, Float64Array.from(f.train, (i) => data.y[i]!));
    fitMs += performance.now() - t;
    t = performance.now();
    const pred = est.predict(Xte);
    predMs += performance.now() - t;
    score += metric.score(Float64Array.from(f.test, (i) => data.y[i]!), pred) / folds.length;
  }
  return `| ${spec.name} | ${data.task} | ${(fitMs / 5).toFixed(0)} | ${(predMs / 5).toFixed(1)} | ${metric.name} ${score.toFixed(3)} |`;
}

/** ml-knn (kd-tree) fit + predict time on the same folds, for the knn design decision. */
function mlKnnTime(data: Data): string {
  const folds = stratifiedKFold(data.y, 5, 1);
  let ms = 0;
  for (const f of folds) {
    const Xtr = take(data.X, f.train);
    const Xte = take(data.X, f.test);
    scale(Xtr, Xte);
    const rows = (M: Matrix) => Array.from({ length: M.rows }, (_, i) => Array.from(M.data.subarray(i * M.cols, (i + 1) * M.cols)));
    const t = performance.now();
    const knn = new KNN(rows(Xtr), Array.from(f.train, (i) => data.y[i]!), { k: 5 });
    knn.predict(rows(Xte));
    ms += performance.now() - t;
  }
  return `ml-knn (kd-tree, k=5) fit+predict per fold: ${(ms / 5).toFixed(1)} ms`;
}

/** Fits the MLP inside a worker thread to show the backend loads there too. */
function mlpInWorker(): Promise<string> {
  const code = `
    const { parentPort } = require('node:worker_threads');
    (async () => {
      const { mlp } = await import(${JSON.stringify(new URL('../../src/models/mlp.js', import.meta.url).href)});
      const { tfBackendName } = await import(${JSON.stringify(new URL('../../src/models/tf-backend.js', import.meta.url).href)});
      const X = { rows: 40, cols: 2, data: Float64Array.from({ length: 80 }, (_, i) => Math.sin(i)) };
      const y = Float64Array.from({ length: 40 }, (_, i) => (X.data[2 * i] > 0 ? 1 : 0));
      const est = mlp.create({ epochs: 5 }, { task: 'classification', nClasses: 2, seed: 1 });
      await est.fit(X, y);
      parentPort.postMessage('mlp in a worker thread: backend ' + (await tfBackendName()) + ', predicted ' + est.predict(X).length + ' rows');
    })().catch((e) => parentPort.postMessage('mlp in a worker thread FAILED: ' + e.message));`;
  return new Promise((resolve) => {
    const w = new Worker(code, { eval: true });
    w.once('message', (m: string) => {
      resolve(m);
      void w.terminate();
    });
  });
}

const only = process.argv[2]?.split(',');
const cls = readCsv('breast-cancer.csv', 'classification');
const reg = readCsv('diabetes-progression.csv', 'regression');
console.log(`node ${process.version}, tfjs backend: ${await tfBackendName()}`);
console.log('| model | task | fit ms (mean of 5 folds) | predict ms | CV score |\n|---|---|---|---|---|');
for (const spec of adapterModels) {
  if (only && !only.includes(spec.name)) continue;
  for (const data of [cls, reg]) if (spec.tasks.includes(data.task)) console.log(await run(spec, data));
}
console.log(mlKnnTime(cls));
console.log(await mlpInWorker());
