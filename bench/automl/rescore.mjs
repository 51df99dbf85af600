// Re-scores the best configuration of bench/automl runs on a common yardstick: repeated
// stratified (or plain, for regression) k-fold CV over the whole dataset, the same R
// repetitions for every configuration. A search's own best CV is the maximum of many noisy
// means (with reshuffled folds, each on its own split), so it rises with the number of complete
// trials; this asks instead how good the chosen configuration is.
//
//   node bench/automl/rescore.mjs --runs a.json,b.json[,...] [--reps 10] [--cv 5] [--dist dist]
// Each JSON is a bench/automl/run.mjs output; prints one line per (file, dataset, seed).
import { parseArgs } from 'node:util';
import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const { values: opt } = parseArgs({ options: { runs: { type: 'string' }, reps: { type: 'string', default: '10' }, cv: { type: 'string', default: '5' }, dist: { type: 'string' } } });
const HERE = new URL('.', import.meta.url).pathname;
const DIST = resolve(opt.dist ?? join(HERE, '../../dist'));
const { loadDataset } = await import(`${DIST}/data/index.js`);
const { stratifiedKFold, kFold } = await import(`${DIST}/evaluation/splitters.js`);
const { crossValidate } = await import(`${DIST}/evaluation/cross-validate.js`);
const { getMetric } = await import(`${DIST}/evaluation/metrics.js`);
const TARGETS = { iris: 'species', wine: 'class', 'breast-cancer': 'diagnosis', digits: 'digit', 'diabetes-progression': 'progression', 'credit-g': 'class', soybean: 'class', vote: 'Class', glass: 'Type', ionosphere: 'class', labor: 'class', cpu: 'class', segment: 'class', 'uci-breast-cancer': 'Class' };
const reps = Number(opt.reps);
const cv = Number(opt.cv);
const cache = new Map();
for (const file of opt.runs.split(',')) {
  const j = JSON.parse(readFileSync(file, 'utf8'));
  for (const row of j.rows) {
    const name = row.name;
    const config = row.ours?.best?.config;
    if (!config) continue;
    if (!cache.has(name)) cache.set(name, loadDataset(join(HERE, '../../datasets', `${name}.csv`), { target: TARGETS[name], folds: cv }));
    const ds = cache.get(name);
    const metric = ds.target.task === 'classification' ? 'accuracy' : 'r2';
    const scores = [];
    for (let r = 0; r < reps; r++) {
      const folds = ds.target.task === 'classification' ? stratifiedKFold(ds.target.values, cv, 1000 + r) : kFold(ds.nRows, cv, 1000 + r);
      scores.push((await crossValidate(config, ds, folds, getMetric(metric), { seed: 1000 + r })).mean);
    }
    const mean = scores.reduce((a, b) => a + b, 0) / reps;
    const sd = Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / (reps - 1));
    console.log(JSON.stringify({ file, dataset: name, seed: row.seed, family: config.model.type, searchBestCv: row.ours.best.value, rescored: mean, se: sd / Math.sqrt(reps) }));
  }
}
