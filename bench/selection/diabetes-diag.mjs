// Diagnosis of selection on diabetes-progression with appended noise: 5-fold CV R² of a fixed ridge
// (default settings) behind each selection setting, averaged over noise seeds, with the noise and
// real columns each setting keeps (mean over folds), including the `fdr` filter (columns whose
// univariate F-test p-value passes Benjamini-Hochberg at level alpha; an earlier version of this
// script prototyped it as `filter f` with k = the number that pass, with p-values from a normal
// approximation).
//
//   node bench/selection/diabetes-diag.mjs [--dist dist] [--seeds 10] [--noise 100] [--model ridge]
//     [--dataset diabetes-progression] [--settings all|importance]
// Other datasets (classification: accuracy; fdr uses the ANOVA F test) with e.g. --dataset breast-cancer
// --model logistic_regression.
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { withNoise } from './noisy-csv.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const DIST = resolve(arg('dist', new URL('../../dist', import.meta.url).pathname));
const SEEDS = Number(arg('seeds', '10'));
const NOISE = Number(arg('noise', '100'));
const MODEL = { type: arg('model', 'ridge') };
const DATASET = arg('dataset', 'diabetes-progression');
const TARGETS = { 'breast-cancer': 'diagnosis', wine: 'class', 'diabetes-progression': 'progression' };
const ONLY_IMPORTANCE = arg('settings', 'all') === 'importance';
const load = (m) => import(pathToFileURL(join(DIST, m)).href);
const { loadDataset } = await load('data/index.js');
const { getMetric } = await load('evaluation/metrics.js');
const { kFold } = await load('evaluation/splitters.js');
const { getModel } = await load('models/registry.js');
const { Pipeline } = await load('pipeline/index.js');
const { createRng } = await load('util/rng.js');

const base = loadDataset(`datasets/${DATASET}.csv`, { target: TARGETS[DATASET] });
const regression = base.target.task === 'regression';
const metric = getMetric(regression ? 'r2' : 'accuracy');


const FILTERS = [
  ...[0.05, 0.07, 0.09, 0.12, 0.2, 0.4].map((fraction) => ({ label: `F ${fraction}`, select: () => ({ type: 'filter', score: 'f', fraction }) })),
  ...[0.05, 0.09, 0.2].map((fraction) => ({ label: `MI ${fraction}`, select: () => ({ type: 'filter', score: 'mutual_info', fraction }) })),
  ...[0.001, 0.01, 0.05, 0.2].map((alpha) => ({ label: `fdr alpha=${alpha}`, select: () => ({ type: 'fdr', alpha }) })),
];
const SETTINGS = [
  { label: 'none', select: () => ({ type: 'none' }) },
  ...(ONLY_IMPORTANCE ? [] : FILTERS),
  ...[0.5, 1, 2, 4].map((threshold) => ({ label: `trees ${threshold}x`, select: () => ({ type: 'model_importance', estimator: 'trees', threshold }) })),
  ...[0.02, 0.05, 0.1, 0.2].flatMap((a) => [0.25, 1, 2, 4].map((threshold) => ({ label: `l1 a=${a} ${threshold}x`, select: () => ({ type: 'model_importance', estimator: 'l1', threshold, alpha_ratio: a }) }))),
];

const acc = new Map();
const clean = [];
for (let s = 0; s < SEEDS; s++) {
  const ds = withNoise(base, NOISE, s, createRng);
  const splits = kFold(ds.nRows, 5, 1000 + s);
  const run = async (data, label, selectOf) => {
    let r2 = 0;
    let noise = 0;
    let real = 0;
    for (let k = 0; k < splits.length; k++) {
      const tr = Int32Array.from(splits[k].train);
      const te = Int32Array.from(splits[k].test);
      const p = await new Pipeline(getModel).fit(data, tr, { select: selectOf(data, tr), model: MODEL }, { seed: s * 10 + k });
      const yTrue = Float64Array.from(te, (r) => data.target.values[r]);
      r2 += metric.score(yTrue, p.predict(data, te), undefined, data.target.classes?.length ?? 0) / splits.length;
      const kept = p.keptColumns ?? data.features.map((f) => f.name);
      noise += kept.filter((c) => c.startsWith('noise_')).length / splits.length;
      real += kept.filter((c) => !c.startsWith('noise_')).length / splits.length;
    }
    const a = acc.get(label) ?? { r2: [], noise: 0, real: 0 };
    a.r2.push(r2);
    a.noise += noise / SEEDS;
    a.real += real / SEEDS;
    acc.set(label, a);
  };
  await run(base, 'clean (no noise, none)', () => ({ type: 'none' }));
  for (const st of SETTINGS) await run(ds, st.label, st.select);
}
const mean = (v) => v.reduce((a, b) => a + b, 0) / v.length;
const ref = acc.get('clean (no noise, none)').r2;
const off = acc.get('none').r2;
console.log(`${DATASET} +${NOISE} noise, ${MODEL.type}, 5-fold CV ${metric.name}, ${SEEDS} noise seeds; recovered = (setting - none) / (clean - none)`);
console.log(`| setting | CV ${metric.name} | recovered | noise kept | real kept |`);
console.log('|---|---:|---:|---:|---:|');
for (const [label, a] of acc) {
  const rec = (mean(a.r2) - mean(off)) / (mean(ref) - mean(off));
  console.log(`| ${label} | ${mean(a.r2).toFixed(3)} | ${label.startsWith('clean') || !Number.isFinite(rec) ? '-' : (100 * rec).toFixed(0) + '%'} | ${a.noise.toFixed(1)} | ${a.real.toFixed(1)} |`);
}
