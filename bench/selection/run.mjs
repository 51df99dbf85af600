// Noise benchmark for feature selection: append 20, 100 and 500 columns of seeded N(0, 1) noise to
// breast-cancer, wine and diabetes-progression, then compare on held-out rows
//   off: a fixed pipeline without selection,
//   on:  the same pipeline with the selection setting chosen by 5-fold CV on the training rows
//        among a small grid (none included, so "on" may pick no selection),
// and count the noise columns the "on" pipeline keeps when refitted on all training rows.
// Each (dataset, noise) cell is averaged over R random 75/25 train/test splits.
//
//   npm run build && node bench/selection/run.mjs [--model linear|gradient_boosting] [--repeats 3] [--noise 0,20,100,500] [--datasets breast-cancer,wine,diabetes-progression]
//
// "linear" means logistic_regression (classification) and ridge (regression) with default settings.
import { loadDataset } from '../../dist/data/index.js';
import { getMetric } from '../../dist/evaluation/metrics.js';
import { kFold, stratifiedKFold, trainTestSplit } from '../../dist/evaluation/splitters.js';
import { getModel } from '../../dist/models/registry.js';
import { Pipeline } from '../../dist/pipeline/index.js';
import { createRng } from '../../dist/util/rng.js';
import { cpus } from 'node:os';
import { withNoise } from './noisy-csv.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const MODEL = arg('model', 'linear');
const REPEATS = Number(arg('repeats', '3'));
const NOISE = arg('noise', '0,20,100,500').split(',').map(Number);
const DATASETS = arg('datasets', 'breast-cancer,wine,diabetes-progression').split(',');
const FOLDS = 5;
const TARGETS = { 'breast-cancer': 'diagnosis', wine: 'class', 'diabetes-progression': 'progression' };

const GRID = [
  { type: 'none' },
  ...[0.02, 0.05, 0.1, 0.25, 0.5].map((fraction) => ({ type: 'filter', score: 'f', fraction })),
  ...[0.02, 0.05, 0.1, 0.25, 0.5].map((fraction) => ({ type: 'filter', score: 'mutual_info', fraction })),
  ...[1, 2].map((threshold) => ({ type: 'model_importance', estimator: 'trees', threshold })),
  ...[0.5, 1].map((threshold) => ({ type: 'model_importance', estimator: 'l1', threshold })),
];

function modelFor(task) {
  if (MODEL === 'linear') return task === 'classification' ? { type: 'logistic_regression' } : { type: 'ridge' };
  return { type: MODEL };
}


// accuracy and r2 score predictions, not probabilities.
function score(pipeline, ds, rows, metric) {
  const yTrue = Float64Array.from(rows, (r) => ds.target.values[r]);
  return metric.score(yTrue, pipeline.predict(ds, rows), undefined, ds.target.classes?.length ?? 0);
}

async function cvScore(ds, train, config, metric, seed) {
  const y = Array.from(train, (r) => ds.target.values[r]);
  const splits = ds.target.task === 'classification' ? stratifiedKFold(y, FOLDS, seed) : kFold(train.length, FOLDS, seed);
  let total = 0;
  for (let k = 0; k < splits.length; k++) {
    const tr = Int32Array.from(splits[k].train, (i) => train[i]);
    const te = Int32Array.from(splits[k].test, (i) => train[i]);
    const p = await new Pipeline(getModel).fit(ds, tr, config, { seed: seed + k });
    total += score(p, ds, te, metric);
  }
  return total / splits.length;
}

const describe = (s) =>
  s.type === 'none' ? 'none' : s.type === 'filter' ? `${s.score === 'f' ? 'F' : 'MI'} ${s.fraction}` : `${s.estimator} ${s.threshold}x`;

const results = [];
const t0 = Date.now();
for (const name of DATASETS) {
  const base = loadDataset(`datasets/${name}.csv`, { target: TARGETS[name] });
  const task = base.target.task;
  const metric = getMetric(task === 'classification' ? 'accuracy' : 'r2');
  for (const noise of NOISE) {
    const cell = { dataset: name, noise, metric: metric.name, off: 0, on: 0, noiseKept: 0, realKept: 0, real: base.features.length, chosen: [] };
    for (let r = 0; r < REPEATS; r++) {
      const ds = withNoise(base, noise, r, createRng);
      const split = trainTestSplit(ds.nRows, 0.25, `split/${r}`, task === 'classification' ? ds.target.values : undefined);
      const model = modelFor(task);
      const offP = await new Pipeline(getModel).fit(ds, split.train, { model }, { seed: r });
      cell.off += score(offP, ds, split.test, metric) / REPEATS;
      let best = null;
      for (const select of GRID) {
        const cv = await cvScore(ds, split.train, { select, model }, metric, 100 + r);
        if (best === null || cv > best.cv) best = { cv, select };
      }
      const onP = await new Pipeline(getModel).fit(ds, split.train, { select: best.select, model }, { seed: r });
      cell.on += score(onP, ds, split.test, metric) / REPEATS;
      const kept = onP.keptColumns;
      cell.noiseKept += kept.filter((c) => c.startsWith('noise_')).length / REPEATS;
      cell.realKept += kept.filter((c) => !c.startsWith('noise_')).length / REPEATS;
      cell.chosen.push(describe(best.select));
    }
    results.push(cell);
    console.error(`${name} +${noise}: off ${cell.off.toFixed(4)} on ${cell.on.toFixed(4)} noise kept ${cell.noiseKept.toFixed(1)} [${cell.chosen.join('; ')}] (${((Date.now() - t0) / 1000).toFixed(0)} s)`);
  }
}

const fmt = (v) => v.toFixed(3);
const lines = [];
lines.push(`model: ${MODEL}; ${REPEATS} splits (75/25) per cell; selection grid of ${GRID.length} settings chosen by ${FOLDS}-fold CV on the training rows`);
lines.push('');
lines.push('| dataset | metric | noise cols | off (no selection) | on (CV-chosen selection) | lost to noise | recovered | noise cols kept | real cols kept | chosen settings |');
lines.push('|---|---|---:|---:|---:|---:|---:|---:|---:|---|');
for (const c of results) {
  const clean = results.find((x) => x.dataset === c.dataset && x.noise === 0);
  const lost = clean ? clean.off - c.off : NaN;
  const recovered = c.noise > 0 && lost > 0 ? `${((100 * (c.on - c.off)) / lost).toFixed(0)}%` : '-';
  lines.push(
    `| ${c.dataset} | ${c.metric} | ${c.noise} | ${fmt(c.off)} | ${fmt(c.on)} | ${c.noise > 0 && clean ? fmt(lost) : '-'} | ${recovered} | ${c.noiseKept.toFixed(1)} / ${c.noise} | ${c.realKept.toFixed(1)} / ${c.real} | ${c.chosen.join('; ')} |`,
  );
}
lines.push('');
lines.push(`total time ${((Date.now() - t0) / 1000).toFixed(0)} s on ${cpus()[0]?.model ?? 'unknown CPU'} (${cpus().length} cores), Node ${process.version}`);
console.log(lines.join('\n'));
