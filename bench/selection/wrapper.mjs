// Greedy wrapper search (greedyFeatureSearch) on datasets with 100 appended noise columns: forward
// selection by 5-fold CV on the training rows of one 75/25 split, within a time budget; reports the
// test score without and with the chosen columns, the noise columns chosen and the fits used.
//   npm run build && node bench/selection/wrapper.mjs [--budget 60]
import { loadDataset } from '../../dist/data/index.js';
import { getMetric } from '../../dist/evaluation/metrics.js';
import { kFold, stratifiedKFold, trainTestSplit } from '../../dist/evaluation/splitters.js';
import { getModel } from '../../dist/models/registry.js';
import { datasetWithColumns, greedyFeatureSearch } from '../../dist/evaluation/feature-search.js';
import { Pipeline } from '../../dist/pipeline/index.js';
import { createRng } from '../../dist/util/rng.js';

const i = process.argv.indexOf('--budget');
const BUDGET_S = i >= 0 ? Number(process.argv[i + 1]) : 60;
const j = process.argv.indexOf("--se");
const SE = j >= 0 ? Number(process.argv[j + 1]) : undefined;
const CASES = [
  ['wine', 'class', { type: 'logistic_regression' }],
  ['diabetes-progression', 'progression', { type: 'ridge' }],
];
console.log(`| dataset | noise cols | test score, all columns | test score, greedy columns | CV baseline -> greedy | columns chosen | noise chosen | fits | stopped by | time |`);
console.log('|---|---:|---:|---:|---|---:|---:|---:|---|---:|');
for (const [name, target, model] of CASES) {
  const base = loadDataset(`datasets/${name}.csv`, { target });
  const rng = createRng(`wrapper/${name}`);
  const ds = {
    ...base,
    features: [...base.features, ...Array.from({ length: 100 }, (_, j) => ({ name: `noise_${j}`, type: 'numeric' }))],
    columns: [...base.columns, ...Array.from({ length: 100 }, () => Float64Array.from({ length: base.nRows }, () => rng.normal()))],
  };
  const cls = ds.target.task === 'classification';
  const metric = getMetric(cls ? 'accuracy' : 'r2');
  const split = trainTestSplit(ds.nRows, 0.25, 'wrapper-split', cls ? ds.target.values : undefined);
  const y = Array.from(split.train, (r) => ds.target.values[r]);
  const folds = (cls ? stratifiedKFold(y, 5, 1) : kFold(split.train.length, 5, 1)).map((f) => ({
    train: Int32Array.from(f.train, (k) => split.train[k]),
    test: Int32Array.from(f.test, (k) => split.train[k]),
  }));
  const t0 = Date.now();
  const res = await greedyFeatureSearch({ dataset: ds, config: { model }, folds, metric, lookupModel: getModel, seed: 1, deadline: t0 + BUDGET_S * 1000, tolerance: 1e-4, seFactor: SE });
  const secs = (Date.now() - t0) / 1000;
  const test = async (data) => {
    const p = await new Pipeline(getModel).fit(data, split.train, { model }, { seed: 1 });
    const yTrue = Float64Array.from(split.test, (r) => data.target.values[r]);
    return metric.score(yTrue, p.predict(data, split.test), undefined, data.target.classes?.length ?? 0);
  };
  const all = await test(ds);
  const chosen = await test(datasetWithColumns(ds, res.columns));
  console.log(
    `| ${name} | 100 | ${all.toFixed(3)} | ${chosen.toFixed(3)} | ${res.baselineScore.toFixed(3)} -> ${res.score.toFixed(3)} | ${res.columns.length} | ${res.columns.filter((c) => c.startsWith('noise_')).length} | ${res.fits} | ${res.stoppedBy} | ${secs.toFixed(0)} s |`,
  );
}
