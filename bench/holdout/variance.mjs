// Is one holdout split precise enough to rank configurations? For a few medium datasets and row
// counts n (a seeded sample of the file), scores three fixed configurations on an 80/20 holdout
// for several seeds. Reports, per n: the std of a configuration's holdout score across seeds (the
// noise of one split), and the gap between configurations (mean holdout scores). A holdout is
// good enough where the noise is well below the gaps that matter.
// Usage (after a build): nice -n 19 node bench/holdout/variance.mjs [seeds=4] > out.txt
import { loadDataset, subsetRows } from '../../dist/data/index.js';
import { getModel } from '../../dist/models/registry.js';
import { defaultConfigs } from '../../dist/automl/warm-start.js';
import { crossValidate } from '../../dist/evaluation/cross-validate.js';
import { defaultMetric } from '../../dist/evaluation/metrics.js';
import { trainTestSplit } from '../../dist/evaluation/splitters.js';
import { createRng } from '../../dist/util/rng.js';

const seeds = Number(process.argv[2] ?? 4);
const sets = [
  ['spam', 'type', [2000, 4600]],
  ['income', 'INCOME', [2000, 5000, 8900]],
  ['cps1988', 'wage', [2000, 5000, 10000, 20000]],
  ['diamonds', 'price', [2000, 5000, 10000, 20000]],
];
const want = ['gaussian_nb', 'ridge', 'logistic_regression', 'gradient_boosting', 'extra_trees'];
for (const [name, target, sizes] of sets) {
  const full = loadDataset(`/work/shared/datasets/medium/${name}.csv`, { target });
  const metric = defaultMetric(full.target.task);
  const configs = defaultConfigs(full.target.task, full.features.length).filter((c) => c.select.type === 'none' && want.includes(c.model.type) && getModel(c.model.type).tasks.includes(full.target.task));
  for (const n of sizes) {
    const rows = Int32Array.from(createRng(7).shuffle(Array.from({ length: full.nRows }, (_, i) => i)).slice(0, Math.min(n, full.nRows)));
    const ds = subsetRows(full, rows);
    const stratify = ds.target.task === 'classification' ? ds.target.values : undefined;
    const line = [];
    const means = [];
    const t0 = Date.now();
    for (const config of configs) {
      const scores = [];
      for (let s = 0; s < seeds; s++) {
        const split = trainTestSplit(ds.nRows, 0.2, 1000 + s, stratify);
        const cv = await crossValidate(config, ds, [split], metric, { seed: 1 });
        scores.push(cv.mean);
      }
      const m = scores.reduce((a, b) => a + b, 0) / seeds;
      const sd = Math.sqrt(scores.reduce((a, b) => a + (b - m) ** 2, 0) / (seeds - 1));
      means.push(m);
      line.push(`${config.model.type} ${m.toFixed(4)}±${sd.toFixed(4)}`);
    }
    const sorted = [...means].sort((a, b) => (metric.direction === 'maximize' ? b - a : a - b));
    const gap = Math.abs(sorted[0] - sorted[1]);
    console.log(`${name} n=${ds.nRows} ${metric.name}: ${line.join(', ')} | best-vs-second gap ${gap.toFixed(4)} (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  }
}
