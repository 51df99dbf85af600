// How much room is there for a portfolio to be ahead of the plain defaults at a checkpoint, and
// can lodo.mjs on this corpus resolve it? (issue #20: "ahead at 30 s".) Reads what is already
// measured, runs nothing:
//  1. Offline ceiling (evaluations.jsonl): per dataset, the best 5-fold CV accuracy of any
//     candidate a portfolio may draw from (the default families) minus the best of the plain
//     warm-start defaults. A warm start cannot reach a better CV score than the best candidate
//     it runs, and this maximum over ~38 candidates is biased upwards (the winner of many noisy
//     scores), so the mean is an upper bound on a portfolio's first-pass gain.
//  2. Time ceiling (lodo JSONs): the plain defaults' own gain in test score between two
//     checkpoints (default 30 and 60 s). A portfolio that got at 30 s what the plain search gets
//     at 60 s would be ahead at 30 s by about this much.
//  3. Resolution: the 95% interval of the paired difference (portfolio - plain) at the checkpoint,
//     over the runs given (bootstrap over datasets, as lodo-pool.mjs), and how many seeds of the
//     21 datasets it would take for the interval to exclude 0 four times in five (80% power) if the
//     true effect were the size of each ceiling (half-width shrinking as 1/sqrt(seeds): optimistic, since differences between
//     datasets do not shrink with more seeds).
//   node bench/portfolio/headroom.mjs [--at 30 --until 60] bench/portfolio/results/lodo-60s-seed{0,1,4,5}.json  (needs npm run build)
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createRng } from '../../dist/util/rng.js';
import { candidates, corpus, defaultFamilies, HERE } from './candidates.mjs';
import { readResults, SELECT_DEFAULTS } from './greedy.mjs';
import { clusterBootstrap, readLodo } from './lodo-runs.mjs';

const { values: opt, positionals: files } = parseArgs({
  allowPositionals: true,
  options: {
    results: { type: 'string', default: join(HERE, 'results', 'evaluations.jsonl') },
    at: { type: 'string', default: '30' },
    until: { type: 'string', default: '60' },
  },
});
if (files.length === 0) {
  console.error('usage: node bench/portfolio/headroom.mjs [--at 30 --until 60] <lodo json> [...]');
  process.exit(2);
}
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const sign = (x, d = 4) => `${x >= 0 ? '+' : ''}${x.toFixed(d)}`;

// 1. Offline ceiling, classification (the task lodo measures).
const task = 'classification';
const results = readResults([opt.results]);
const families = new Set(defaultFamilies(task));
const pool = candidates(task, SELECT_DEFAULTS.k).filter((c) => families.has(c.family));
const warmIds = pool.filter((c) => c.kind === 'default').map((c) => c.id);
const gaps = [];
for (const name of corpus().filter((d) => d.task === task).map((d) => d.name)) {
  const r = results.get(name);
  if (!r || pool.some((c) => !r.has(c.id))) continue;
  const score = (id) => (r.get(id).status === 'ok' && Number.isFinite(r.get(id).score) ? r.get(id).score : -Infinity);
  gaps.push({ name, gap: Math.max(...pool.map((c) => score(c.id))) - Math.max(...warmIds.map(score)) });
}
const ceilingCv = mean(gaps.map((g) => g.gap));
const largest = [...gaps].sort((a, b) => b.gap - a.gap).slice(0, 4);
console.log(`1. offline ceiling (${gaps.length} classification datasets, ${pool.length} candidates of the default families, ${warmIds.length} of them the plain defaults): best CV accuracy minus the best plain default's, mean ${sign(ceilingCv)}; 0 on ${gaps.filter((g) => g.gap <= 1e-9).length} datasets; largest ${largest.map((g) => `${g.name} ${sign(g.gap)}`).join(', ')}`);

// 2 and 3, from the lodo runs.
const { runs, byDataset } = readLodo(files);
const ds = [...byDataset.keys()];
const rng = createRng('bench/portfolio/headroom');
const boot = (per) => clusterBootstrap(per, rng);
const ok = (r, t) => r.portfolio.scores[t] != null && r.warm.scores[t] != null;
const timeGain = ds.map((n) => byDataset.get(n).filter((r) => ok(r, opt.at) && ok(r, opt.until)).map((r) => r.warm.scores[opt.until] - r.warm.scores[opt.at]));
const diff = ds.map((n) => byDataset.get(n).filter((r) => ok(r, opt.at)).map((r) => r.portfolio.scores[opt.at] - r.warm.scores[opt.at]));
const tg = mean(timeGain.flat());
const [tlo, thi] = boot(timeGain);
console.log(`2. time ceiling (${timeGain.flat().length} runs): the plain defaults' test accuracy from ${opt.at} s to ${opt.until} s, mean ${sign(tg)} (95% ${sign(tlo)} to ${sign(thi)})`);
const d = mean(diff.flat());
const [lo, hi] = boot(diff);
const half = (hi - lo) / 2;
const seeds = runs.length;
// Seeds for 80% power: the interval's half-width (1.96 standard errors) must shrink to effect x 1.96 / (1.96 + 0.84).
const need = (effect) => (effect > 0 ? Math.ceil(seeds * ((half * (1.96 + 0.8416)) / 1.96 / effect) ** 2) : Infinity);
console.log(`3. resolution at ${opt.at} s (${diff.flat().length} runs, ${seeds} seed(s) x ${ds.length} datasets): portfolio - plain ${sign(d)} (95% ${sign(lo)} to ${sign(hi)}), half-width ${half.toFixed(4)}`);
for (const [label, effect] of [
  ['the offline ceiling', ceilingCv],
  ['the time ceiling', tg],
]) {
  const n = need(effect);
  console.log(`   an effect the size of ${label} (${sign(effect)}) needs at least ${Number.isFinite(n) ? `${n} seeds (about ${Math.round((n * 45) / 60)} h of lodo.mjs at 60 s)` : 'no finite number of seeds (no gain to find)'} for its interval to exclude 0 four times in five`);
}
