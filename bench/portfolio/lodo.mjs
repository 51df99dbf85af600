// Leave-one-dataset-out evaluation of the portfolio (issue #20): for each corpus dataset, the
// portfolio selected WITHOUT that dataset (greedy.mjs on evaluate.mjs's results) against the
// current warm start (each family's default), in a real search of --time seconds per condition.
//   nice node bench/portfolio/lodo.mjs [--time 60] [--at 10,30,60] [--seed 0] [--only iris,wine]
//       [--results bench/portfolio/results/evaluations.jsonl] [--k 5] [--workers N] [--out lodo.json]
//       [--criterion value|per-cost] [--order cost|greedy]  (select.mjs's; the defaults build the shipped list)
// Needs a build and the corpus. Takes about 2 x --time seconds per dataset plus refits: run it on
// a quiet machine.
// Anytime, one search per condition: after each search, the trial with the best CV value among
// those finished by t seconds after the search started is refit on the searched rows and scored on
// the held-out rows (the search's own 20% split), for each t of --at. So each checkpoint is "the
// best single model the search had found at t"; the search runs without ensemble and final
// re-check so that the whole budget goes to trials. The portfolio is set in-process
// (setBundledPortfolio), so the two conditions differ only in the warm start.
// Prints per dataset the test scores, then per checkpoint the wins/losses/ties (tie: |d| <= --tie)
// and the mean paired difference (portfolio minus warm start) with a seeded 95% bootstrap interval
// over datasets. The scores are accuracy (classification) and r2 (regression).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { search, prepareData } from '../../dist/automl/search.js';
import { parsePortfolio, setBundledPortfolio } from '../../dist/automl/portfolio.js';
import { Pipeline } from '../../dist/pipeline/index.js';
import { getModel } from '../../dist/models/registry.js';
import { scoreRows } from '../../dist/evaluation/score.js';
import { createRng } from '../../dist/util/rng.js';
import { corpus, CORPUS_DIR, HERE } from './candidates.mjs';
import { buildPortfolio, checkSelection, readResults, SELECT_DEFAULTS } from './greedy.mjs';

const { values: opt } = parseArgs({
  options: {
    time: { type: 'string', default: '60' },
    at: { type: 'string', default: '10,30,60' },
    seed: { type: 'string', default: '0' },
    only: { type: 'string' },
    results: { type: 'string', default: join(HERE, 'results', 'evaluations.jsonl') },
    k: { type: 'string', default: '5' },
    workers: { type: 'string' },
    tie: { type: 'string', default: '0.002' },
    out: { type: 'string' },
    criterion: { type: 'string', default: SELECT_DEFAULTS.criterion },
    order: { type: 'string', default: SELECT_DEFAULTS.order },
  },
});
checkSelection(opt);
const time = Number(opt.time);
const at = opt.at.split(',').map(Number);
const seed = Number(opt.seed);
const results = readResults([opt.results]);
// The portfolio is selected as select.mjs selects the shipped one (--criterion and --order to compare others).
const selectOptions = { ...SELECT_DEFAULTS, k: Number(opt.k), criterion: opt.criterion, order: opt.order };
const dir = mkdtempSync(join(tmpdir(), 'automl-lodo-'));
const only = opt.only ? new Set(opt.only.split(',')) : null;

const allRows = (n) => Int32Array.from({ length: n }, (_, i) => i);

/** One search; returns the test score of the best trial finished by each checkpoint. */
async function anytime(d, condition) {
  const file = join(CORPUS_DIR, `${d.name}.csv`);
  const options = {
    data: file, target: d.target, task: d.task, time, seed, storage: `sqlite:${join(dir, `${d.name}-${condition}.db`)}`,
    ensemble: false, recheck: false, ...(opt.workers ? { workers: Number(opt.workers) } : {}),
  };
  const started = Date.now();
  const res = await search(options);
  const trials = (await res.study.getTrials()).filter((t) => t.state === 'COMPLETE' && t.value !== null && t.finishedAt !== null);
  const prep = prepareData({ ...options, cv: 5, testSize: 0.2 });
  const sign = res.metric.direction === 'minimize' ? -1 : 1;
  const out = {};
  const family = {};
  for (const t of at) {
    const by = trials.filter((x) => x.finishedAt - started <= t * 1000);
    if (by.length === 0) {
      out[t] = null;
      continue;
    }
    const best = by.reduce((a, b) => (sign * b.value > sign * a.value ? b : a));
    family[t] = `${res.study.configOf(best).model?.type ?? '?'} (trial ${best.number})`;
    // prepareData keeps only the split: `searched` holds the searched rows (in order), `dataset`
    // the held-out ones, which `holdoutRows` index.
    const pipeline = await new Pipeline(getModel).fit(prep.searched, allRows(prep.searched.nRows), res.study.configOf(best), { seed });
    out[t] = scoreRows(pipeline, prep.dataset, prep.holdoutRows, res.metric);
  }
  await res.study.close?.().catch?.(() => {});
  return { scores: out, best: family, trials: trials.length };
}

const rows = [];
try {
  for (const d of corpus()) {
    if (only && !only.has(d.name)) continue;
    const built = buildPortfolio(results, { ...selectOptions, exclude: new Set([d.name]) });
    if (!built.tasks[d.task]) {
      console.error(`${d.name}: no leave-one-out portfolio for ${d.task} (too few evaluated datasets); skipped`);
      continue;
    }
    const portfolio = parsePortfolio({ ...built, provenance: { ...built.provenance, command: 'lodo.mjs' } }, `leave-${d.name}-out portfolio`);
    setBundledPortfolio(portfolio);
    const p = await anytime(d, 'portfolio');
    setBundledPortfolio(null);
    const w = await anytime(d, 'warm');
    const row = { dataset: d.name, task: d.task, portfolioSize: built.tasks[d.task].length, portfolio: p, warm: w };
    rows.push(row);
    console.log(`${d.name.padEnd(22)} ${at.map((t) => `${t}s: ${p.scores[t]?.toFixed(4) ?? '-'} vs ${w.scores[t]?.toFixed(4) ?? '-'}`).join('  ')}  (trials ${p.trials} vs ${w.trials})`);
  }
} finally {
  setBundledPortfolio(undefined);
  rmSync(dir, { recursive: true, force: true });
}

const tie = Number(opt.tie);
const rng = createRng('bench/portfolio/lodo');
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
for (const t of at) {
  const diffs = rows.filter((r) => r.portfolio.scores[t] !== null && r.warm.scores[t] !== null).map((r) => r.portfolio.scores[t] - r.warm.scores[t]);
  if (diffs.length === 0) {
    console.log(`at ${t} s: no dataset with both scores`);
    continue;
  }
  const boot = [];
  for (let b = 0; b < 2000; b++) boot.push(mean(diffs.map(() => diffs[Math.floor(rng.next() * diffs.length)])));
  boot.sort((a, b) => a - b);
  const wins = diffs.filter((x) => x > tie).length;
  const losses = diffs.filter((x) => x < -tie).length;
  console.log(`at ${t} s: portfolio wins ${wins}, losses ${losses}, ties ${diffs.length - wins - losses}; mean difference ${mean(diffs).toFixed(4)} (95% bootstrap ${boot[49].toFixed(4)} to ${boot[1949].toFixed(4)}) over ${diffs.length} datasets`);
}
if (opt.out) writeFileSync(opt.out, JSON.stringify({ time, at, seed, selection: { criterion: opt.criterion, order: opt.order }, rows }, null, 2) + '\n');
