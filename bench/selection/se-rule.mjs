// Would a one-standard-error rule stop selection from winning CV ties it should not win?
// Runs the "on" search of search.mjs (same data, seeds, space) and, besides the search's own
// refit winner, refits a second choice: the best trial *with* selection is kept only if its
// per-fold scores beat those of the best trial *without* selection (same folds, so paired) by at
// least `--se` standard errors of the differences; otherwise the best no-selection trial. Both
// are refit on the searched rows and scored on the same holdout, so the comparison is paired.
//
//   node bench/selection/se-rule.mjs [--cells wine:0,wine:20,...] [--seeds 5] [--time 10]
//     [--models knn,logistic_regression,ridge] [--se 1] [--dist ../../dist] [--out file.json]
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe } from './search-stats.mjs';
import { noisyCsv } from './noisy-csv.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const TIME = Number(arg('time', '10'));
const SE = Number(arg('se', '1'));
const SEEDS = Array.from({ length: Number(arg('seeds', '5')) }, (_, i) => i);
const CELLS = arg('cells', 'wine:0,wine:20,wine:100,breast-cancer:100,diabetes-progression:20,diabetes-progression:100').split(',').map((c) => {
  const [name, count] = c.split(':');
  return { name, count: Number(count) };
});
const MODELS = arg('models', 'knn,logistic_regression,ridge').split(',');
const DIST = resolve(arg('dist', new URL('../../dist', import.meta.url).pathname));
const OUT = arg('out', 'bench/selection/se-rule.json');
const TARGETS = { 'breast-cancer': 'diagnosis', wine: 'class', 'diabetes-progression': 'progression' };

const load = (m) => import(pathToFileURL(join(DIST, m)).href);
const { search, prepareData } = await load('tabular/search.js');
const { composeSpaceJSON } = await load('tabular/spaces.js');
const { createRng, trialRng } = await load('util/rng.js');
const { getModel } = await load('models/registry.js');
const { Pipeline } = await load('pipeline/index.js');
const { scoreRows, FOLD_SCORES_ATTR } = await load('tabular/objective.js');
const { getMetric } = await load('evaluation/metrics.js');
const dir = mkdtempSync(join(tmpdir(), 'automl-selection-se-'));

/** The winner under the rule, from completed trials with their fold scores. */
function ruleWinner(trials, maximize) {
  const better = (a, b) => (maximize ? a.value > b.value : a.value < b.value);
  let best = null;
  let bestNone = null;
  for (const t of trials) {
    if (best === null || better(t, best)) best = t;
    if (t.select === 'none' && (bestNone === null || better(t, bestNone))) bestNone = t;
  }
  if (best === null || best.select === 'none' || bestNone === null) return { trial: best, why: 'best' };
  const d = best.folds.map((v, k) => (maximize ? v - bestNone.folds[k] : bestNone.folds[k] - v));
  const s = describe(d);
  const se = s.sd / Math.sqrt(d.length);
  return s.mean >= SE * se ? { trial: best, why: `beats none by ${s.mean.toFixed(4)} >= ${SE} x ${se.toFixed(4)}` } : { trial: bestNone, why: `within ${SE} SE (${s.mean.toFixed(4)} < ${(SE * se).toFixed(4)})` };
}

const rows = [];
for (const seed of SEEDS) {
  for (const { name, count } of CELLS) {
    const file = noisyCsv(name, count, seed, dir, createRng);
    const trials = [];
    const r = await search({
      data: file,
      target: TARGETS[name],
      time: TIME,
      workers: 2,
      seed,
      storage: 'memory:',
      study: `${name}-${count}-${seed}-se`,
      models: MODELS.filter((m) => getModel(m).tasks.includes(name === 'diabetes-progression' ? 'regression' : 'classification')),
      onTrial: (t) => {
        const folds = t.userAttrs[FOLD_SCORES_ATTR];
        if (t.state === 'COMPLETE' && t.value !== null && Array.isArray(folds)) trials.push({ number: t.number, value: t.value, folds, select: String(t.params.select ?? 'none'), params: t.params });
      },
    });
    const space = r.study.space;
    const maximize = r.metric.direction === 'maximize';
    const pick = ruleWinner(trials, maximize);
    // Refit here both the search's winner (must reproduce the search's own test score: checks
    // this path) and the rule's.
    const prep = prepareData({ data: file, target: TARGETS[name], seed, cv: 5, testSize: 0.2 });
    const refit = async (t) => {
      const pipeline = await new Pipeline(getModel).fit(prep.dataset, prep.searchRows, space.build(t.params), { seed: trialRng(seed, t.number, 'refit').uint32() });
      return scoreRows(pipeline, prep.dataset, prep.holdoutRows, getMetric(r.metric.name, r.task));
    };
    const bestTrial = trials.find((t) => t.number === r.best?.number);
    const check = bestTrial ? await refit(bestTrial) : null;
    const ruleTest = pick.trial ? (pick.trial === bestTrial ? check : await refit(pick.trial)) : null;
    await r.study.close();
    const row = { name, count, seed, trials: trials.length, searchTest: r.testScore, refitCheck: check, searchSelect: r.best?.config.select?.type ?? 'none', ruleTest, ruleSelect: pick.trial?.select ?? '-', why: pick.why };
    rows.push(row);
    console.log(JSON.stringify(row));
    writeFileSync(OUT, JSON.stringify({ time: TIME, se: SE, models: MODELS, rows }, null, 1) + '\n');
  }
}

console.log('\n| dataset | noise | search winner (test) | with the SE rule (test) | rule - search [95%] | winners with selection: search / rule |');
console.log('|---|---:|---:|---:|---:|---:|');
for (const { name, count } of CELLS) {
  const rs = rows.filter((r) => r.name === name && r.count === count);
  const a = describe(rs.map((r) => r.searchTest));
  const b = describe(rs.map((r) => r.ruleTest));
  const d = describe(rs.map((r) => r.ruleTest - r.searchTest));
  console.log(`| ${name} | ${count} | ${a.mean.toFixed(3)} | ${b.mean.toFixed(3)} | ${d.mean.toFixed(3)} [${d.lo?.toFixed(3)}, ${d.hi?.toFixed(3)}] | ${rs.filter((r) => r.searchSelect !== 'none').length} / ${rs.filter((r) => r.ruleSelect !== 'none').length} of ${rs.length} |`);
}
