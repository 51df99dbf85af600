// Fit time of each selection method on breast-cancer with 0, 100 and 500 noise columns (all rows),
// median of 5 runs after one warm-up.  npm run build && node bench/selection/timing.mjs
import { loadDataset } from '../../dist/data/index.js';
import { fitPreprocessor } from '../../dist/pipeline/index.js';
import { createSelectionStep, resolveSelectConfig } from '../../dist/pipeline/selection/index.js';
import { createRng } from '../../dist/util/rng.js';

const base = loadDataset('datasets/breast-cancer.csv', { target: 'diagnosis' });
const methods = [
  { type: 'filter', score: 'f', fraction: 0.1 },
  { type: 'filter', score: 'mutual_info', fraction: 0.1 },
  { type: 'model_importance', estimator: 'trees' },
  { type: 'model_importance', estimator: 'l1' },
];
console.log('| noise cols | rows x cols | ' + methods.map((m) => (m.score ?? m.estimator)).join(' | ') + ' |');
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
  const cells = methods.map((m) => {
    const times = [];
    for (let r = 0; r < 6; r++) {
      const step = createSelectionStep(resolveSelectConfig(m, 'classification'), 'classification', 2, r);
      const t = performance.now();
      step.fit(X, ds.target.values, pre.outputNames);
      if (r > 0) times.push(performance.now() - t);
    }
    times.sort((a, b) => a - b);
    return `${times[2].toFixed(0)} ms`;
  });
  console.log(`| ${noise} | ${X.rows} x ${X.cols} | ${cells.join(' | ')} |`);
}
