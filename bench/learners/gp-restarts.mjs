// GP fit cost and CV r2 by ard and n_restarts (5 folds, one process): what a gaussian_process trial costs.
//   npm run build && node bench/learners/gp-restarts.mjs
import { loadDataset, Pipeline, getModel, kFold } from '../../dist/index.js';
const sets = [['diabetes-progression', 'progression'], ['cpu', 'class']];
for (const [name, target] of sets) {
  const d = loadDataset(new URL(`../../datasets/${name}.csv`, import.meta.url).pathname, { target });
  const folds = kFold(d.nRows, 5, 3);
  for (const ard of [false, true]) for (const n_restarts of [0, 1]) {
    let ss = 0, st = 0; const t0 = performance.now();
    const y = d.target.values; let mean = 0; for (const v of y) mean += v / y.length;
    for (const f of folds) {
      const p = await new Pipeline(getModel).fit(d, f.train, { model: { type: 'gaussian_process', ard, n_restarts } }, { seed: 1 });
      const pred = p.predict(d, f.test);
      f.test.forEach((r, i) => { ss += (y[r] - pred[i]) ** 2; st += (y[r] - mean) ** 2; });
    }
    console.log(name.padEnd(22), `ard=${ard} n_restarts=${n_restarts}`, `r2 ${(1 - ss / st).toFixed(4)}`, `${((performance.now() - t0) / 1000).toFixed(2)} s for 5 folds`);
  }
}
