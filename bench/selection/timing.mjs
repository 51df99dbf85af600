// Fit time of each selection method, median of 5 runs after one warm-up:
//  1. breast-cancer (binary) with 0, 100 and 500 noise columns (all rows);
//  2. L1 importance on the multiclass datasets, where it fits one model per class: digits (10
//     classes) and soybean (19 classes, one-hot), at three penalties of the searched range.
//   npm run build && node bench/selection/timing.mjs [--dist <build dir>] [--only l1]
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const DIST = resolve(arg('dist', new URL('../../dist', import.meta.url).pathname));
const load = (p) => import(pathToFileURL(resolve(DIST, p)).href);
const { loadDataset } = await load('data/index.js');
const { fitPreprocessor } = await load('pipeline/index.js');
const { createSelectionStep, resolveSelectConfig } = await load('pipeline/selection/index.js');
const { createRng } = await load('util/rng.js');
const ONLY = arg('only', 'all');

function median(fit) {
  const times = [];
  for (let r = 0; r < 6; r++) {
    const t = performance.now();
    fit(r);
    if (r > 0) times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return `${times[2].toFixed(0)} ms`;
}

if (ONLY === 'all') {
  const base = loadDataset('datasets/breast-cancer.csv', { target: 'diagnosis' });
  const methods = [
    { type: 'filter', score: 'f', fraction: 0.1 },
    { type: 'filter', score: 'mutual_info', fraction: 0.1 },
    { type: 'model_importance', estimator: 'trees' },
    { type: 'model_importance', estimator: 'l1' },
  ];
  console.log('| noise cols | rows x cols | ' + methods.map((m) => m.score ?? m.estimator).join(' | ') + ' |');
  console.log('|---:|---|' + methods.map(() => '---:').join('|') + '|');
  for (const noise of [0, 100, 500]) {
    const rng = createRng(`timing/${noise}`);
    const ds = {
      ...base,
      features: [...base.features, ...Array.from({ length: noise }, (_, j) => ({ name: `noise_${j}`, type: 'numeric' }))],
      columns: [...base.columns, ...Array.from({ length: noise }, () => Float64Array.from({ length: base.nRows }, () => rng.normal()))],
    };
    const rows = Int32Array.from({ length: ds.nRows }, (_, i) => i);
    const pre = fitPreprocessor(ds, rows);
    const X = pre.transform(ds, rows);
    const cells = methods.map((m) =>
      median((r) => createSelectionStep(resolveSelectConfig(m, 'classification'), 'classification', 2, r).fit(X, ds.target.values, pre.outputNames)),
    );
    console.log(`| ${noise} | ${X.rows} x ${X.cols} | ${cells.join(' | ')} |`);
  }
  console.log();
}

const ratios = [0.01, 0.05, 0.5];
console.log('| dataset | rows x cols, classes | ' + ratios.map((a) => `L1 alpha_ratio ${a}`).join(' | ') + ' |');
console.log('|---|---|' + ratios.map(() => '---:').join('|') + '|');
for (const [file, target] of [['digits', 'digit'], ['soybean', 'class']]) {
  const ds = loadDataset(`datasets/${file}.csv`, { target });
  const rows = Int32Array.from({ length: ds.nRows }, (_, i) => i);
  const pre = fitPreprocessor(ds, rows);
  const X = pre.transform(ds, rows);
  const k = ds.target.classes.length;
  const cells = ratios.map((alpha_ratio) =>
    median(() => createSelectionStep(resolveSelectConfig({ type: 'l1_importance', alpha_ratio }, 'classification'), 'classification', k, 0).fit(X, ds.target.values, pre.outputNames)),
  );
  console.log(`| ${file} | ${X.rows} x ${X.cols}, ${k} | ${cells.join(' | ')} |`);
}
