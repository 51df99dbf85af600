// Would a one-standard-error rule stop selection from winning CV ties it should not win?
// Runs the "on" search of search.mjs (same data, seeds, space) and, besides the search's own
// refit winner, refits other choices: the best trial *with* selection is kept only if its
// per-fold scores beat those of the best trial *without* selection (same folds, so paired) by
// more than `--se` standard errors of the differences (each factor of the list is one rule);
// otherwise the best no-selection trial. All are refit on the searched rows and scored on the
// same holdout, so the comparison is paired.
//
//   node bench/selection/se-rule.mjs [--cells wine:0,wine:20,...] [--seeds 5] [--time 10]
//     [--models knn,logistic_regression,ridge] [--se 1,2] [--dist ../../dist] [--out file.json]
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
const SE = arg('se', '1,2').split(',').map(Number);
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
const { search, prepareData } = await load('automl/search.js');
const { composeSpaceJSON } = await load('automl/spaces.js');
const { createRng, trialRng } = await load('util/rng.js');
const { getModel } = await load('models/registry.js');
const { Pipeline } = await load('pipeline/index.js');
const { scoreRows } = await load('evaluation/score.js');
const { FOLD_SCORES_ATTR } = await load('automl/worker/data.js');
const { getMetric } = await load('evaluation/metrics.js');
const dir = mkdtempSync(join(tmpdir(), 'automl-selection-se-'));

/** The winner under the rule, from completed trials with their fold scores. */
function ruleWinner(trials, maximize, factor) {
  const better = (a, b) => (maximize ? a.value > b.value : a.value < b.value);
  let best = null;
  let bestNone = null;
  for (const t of trials) {
    if (best === null || better(t, best)) best = t;
    if (t.select === 'none' && (bestNone === null || better(t, bestNone))) bestNone = t;
  }
  if (best === null || best.select === 'none' || bestNone === null) return { trial: best, bestNone, why: best?.select === 'none' ? 'best is none' : 'no none trial completed' };
  const d = best.folds.map((v, k) => (maximize ? v - bestNone.folds[k] : bestNone.folds[k] - v));
  const s = describe(d);
  const se = s.sd / Math.sqrt(d.length);
  // Strictly more than `factor` SE: when a single fold differs, mean = SE exactly, and that must
  // not count as evidence.
  return s.mean > factor * se ? { trial: best, bestNone, why: `beats none by ${s.mean.toFixed(4)} > ${factor} x ${se.toFixed(4)}` } : { trial: bestNone, bestNone, why: `within ${factor} SE (${s.mean.toFixed(4)} <= ${(factor * se).toFixed(4)})` };
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
    // Refit here both the search's winner (must reproduce the search's own test score: checks
    // this path) and the rule's.
    const prep = prepareData({ data: file, target: TARGETS[name], seed, cv: 5, testSize: 0.2 });
    const refit = async (t) => {
      // prepareData keeps only the split: `searched` holds the searched rows, `dataset` the held-out ones.
      const pipeline = await new Pipeline(getModel).fit(prep.searched, Int32Array.from({ length: prep.searched.nRows }, (_, i) => i), space.build(t.params), { seed: trialRng(seed, t.number, 'refit').uint32() });
      return scoreRows(pipeline, prep.dataset, prep.holdoutRows, getMetric(r.metric.name, r.task));
    };
    const bestTrial = trials.find((t) => t.number === r.best?.number);
    const check = bestTrial ? await refit(bestTrial) : null;
    const tests = new Map();
    const testOf = async (t) => {
      if (!t) return null;
      if (t === bestTrial) return check;
      if (!tests.has(t.number)) tests.set(t.number, await refit(t));
      return tests.get(t.number);
    };
    const rules = {};
    let noneTest = null;
    for (const factor of SE) {
      const pick = ruleWinner(trials, maximize, factor);
      rules[factor] = { test: await testOf(pick.trial), select: pick.trial?.select ?? '-', why: pick.why };
      noneTest = await testOf(pick.bestNone);
    }
    await r.study.close();
    const row = { name, count, seed, trials: trials.length, searchTest: r.testScore, refitCheck: check, searchSelect: r.best?.config.select?.type ?? 'none', noneTest, rules };
    rows.push(row);
    console.log(JSON.stringify(row));
    writeFileSync(OUT, JSON.stringify({ time: TIME, se: SE, models: MODELS, command: `node bench/selection/se-rule.mjs ${process.argv.slice(2).join(' ')}`, rows }, null, 1) + '\n');
  }
}

const ci = (xs) => {
  const d = describe(xs);
  return d.lo === null ? d.mean?.toFixed(3) : `${d.mean.toFixed(3)} [${d.lo.toFixed(3)}, ${d.hi.toFixed(3)}]`;
};
console.log(`\n| dataset | noise | search winner (test) | best without selection | ${SE.map((f) => `rule ${f} SE`).join(' | ')} | ${SE.map((f) => `rule ${f} SE - search [95%]`).join(' | ')} | winners with selection: search / ${SE.map((f) => `${f} SE`).join(' / ')} |`);
console.log(`|---|---:|---:|---:|${SE.map(() => '---:|').join('')}${SE.map(() => '---:|').join('')}---:|`);
for (const { name, count } of CELLS) {
  const rs = rows.filter((r) => r.name === name && r.count === count && r.rules[SE[0]].test !== null);
  const m = (xs) => describe(xs).mean?.toFixed(3);
  const withSel = SE.map((f) => rs.filter((r) => r.rules[f].select !== 'none').length);
  console.log(`| ${name} | ${count} | ${m(rs.map((r) => r.searchTest))} | ${m(rs.map((r) => r.noneTest ?? r.searchTest))} | ${SE.map((f) => m(rs.map((r) => r.rules[f].test))).join(' | ')} | ${SE.map((f) => ci(rs.map((r) => r.rules[f].test - r.searchTest))).join(' | ')} | ${rs.filter((r) => r.searchSelect !== 'none').length} / ${withSel.join(' / ')} of ${rs.length} |`);
}
