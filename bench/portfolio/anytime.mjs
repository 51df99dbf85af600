// Offline anytime check of the portfolio's length and order (issue #20), from evaluate.mjs's
// results alone (no search): for each dataset, the portfolio selected without it (as lodo.mjs
// does), run as the warm start would (its entries, then the defaults of the families it leaves
// out) on two simulated workers, each configuration taking the seconds it took in the
// evaluation on that dataset; against the plain defaults run the same way. Prints, per variant
// and budget, the mean over datasets of the best normalized score finished by then (portfolio
// minus defaults). Above 3,000 rows both lists are run cheapest first by the measured seconds
// (the warm start orders by predicted cost there).
// This models the warm start only: what the sampler does after it is not simulated, so it says
// which list reaches good configurations soonest, not what a whole search ends with. Use it to
// choose a variant, then measure that variant with lodo.mjs on seeds not used before.
//   node bench/portfolio/anytime.mjs [--budgets 2,5,10,20,30] [--workers 2] [--task classification]
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { candidates, corpus, HERE } from './candidates.mjs';
import { readResults, selectTask, SELECT_DEFAULTS } from './greedy.mjs';

const { values: opt } = parseArgs({
  options: {
    results: { type: 'string', default: join(HERE, 'results', 'evaluations.jsonl') },
    k: { type: 'string', default: String(SELECT_DEFAULTS.k) },
    budgets: { type: 'string', default: '2,5,10,20,30' },
    workers: { type: 'string', default: '2' },
    task: { type: 'string', default: 'classification' },
  },
});
const results = readResults([opt.results]);
const budgets = opt.budgets.split(',').map(Number);
const workers = Number(opt.workers);
const task = opt.task;
const pool = candidates(task, Number(opt.k));
const names = corpus().filter((d) => d.task === task).map((d) => d.name);
const base = SELECT_DEFAULTS;

/** Variants: selection options and how the chosen list is ordered. */
const variants = {
  'shipped (by value, min gain 0.001, cheapest first)': { o: {}, order: 'cost' },
  'greedy order': { o: {}, order: 'greedy' },
  'min gain 0.005, cheapest first': { o: { minGain: 0.005 }, order: 'cost' },
  'min gain 0.005, greedy order': { o: { minGain: 0.005 }, order: 'greedy' },
  'min gain 0.01, cheapest first': { o: { minGain: 0.01 }, order: 'cost' },
  'size 6, cheapest first': { o: { size: 6 }, order: 'cost' },
  'size 8, cheapest first': { o: { size: 8 }, order: 'cost' },
  'gain per cost, cheapest first': { o: { criterion: 'per-cost' }, order: 'cost' },
  'gain per cost, greedy order': { o: { criterion: 'per-cost' }, order: 'greedy' },
};

/** Best normalized score finished by each budget when `ids` run in order on `workers` workers. */
function simulate(ids, norm, seconds, big) {
  const list = big ? [...ids].sort((a, b) => seconds(a) - seconds(b)) : ids;
  const free = Array(workers).fill(0);
  const done = [];
  for (const id of list) {
    const w = free.indexOf(Math.min(...free));
    free[w] += seconds(id);
    done.push({ at: free[w], n: norm.get(id) });
  }
  return budgets.map((b) => Math.max(-1, ...done.filter((x) => x.at <= b).map((x) => x.n)));
}

const rows = [];
for (const name of names) {
  const held = selectTask(task, pool, results, [name], { ...base, size: 0 });
  if (held.usable.length === 0) continue;
  const r = results.get(name);
  const norm = held.usable[0].norm;
  const seconds = (id) => r.get(id).seconds ?? base.capSeconds;
  const big = r.values().next().value.rows > 3000;
  const plain = simulate(held.warmIds, norm, seconds, big);
  const row = { name, plain, v: {} };
  for (const [label, v] of Object.entries(variants)) {
    const sel = selectTask(task, pool, results, names.filter((n) => n !== name), { ...base, ...v.o });
    // selectTask stores the list cheapest first unless told `order: greedy`; ordered here instead.
    const chosen = v.order === 'greedy' ? [...sel.chosen].sort((a, b) => a.value - b.value) : [...sel.chosen].sort((a, b) => a.cost - b.cost);
    const covered = new Set(chosen.map((x) => x.cand.family));
    const ids = [...chosen.map((x) => x.cand.id), ...held.warmIds.filter((id) => !covered.has(pool.find((c) => c.id === id).family))];
    row.v[label] = { scores: simulate(ids, norm, seconds, big), n: ids.length };
  }
  rows.push(row);
}
console.log(`${task}: ${rows.length} datasets, ${workers} simulated workers; mean best normalized score, portfolio minus plain defaults (wins/losses by more than 0.01)`);
console.log(`${'variant'.padEnd(44)} configs ${budgets.map((b) => `${b} s`.padStart(18)).join('')}`);
for (const label of Object.keys(variants)) {
  const cells = budgets.map((_, j) => {
    const d = rows.map((x) => x.v[label].scores[j] - x.plain[j]);
    const mean = d.reduce((a, b) => a + b, 0) / d.length;
    return `${mean >= 0 ? '+' : ''}${mean.toFixed(3)} ${d.filter((x) => x > 0.01).length}/${d.filter((x) => x < -0.01).length}`.padStart(18);
  });
  const n = rows.map((x) => x.v[label].n);
  console.log(`${label.padEnd(44)} ${String(Math.min(...n)).padStart(3)}-${String(Math.max(...n)).padEnd(3)}${cells.join('')}`);
}
