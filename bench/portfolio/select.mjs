// Greedy selection of the portfolio from evaluate.mjs's results (issue #20).
//   node bench/portfolio/select.mjs [--results bench/portfolio/results/evaluations.jsonl] [--k 5]
//       [--size 14] [--max-cost 3] [--families default|all] [--exclude iris,wine] [--cap 40]
//       [--criterion value|per-cost] [--order cost|greedy]
//       [--tasks classification,regression] [--out src/automl/portfolio-data.json | --print | --loo]
// --tasks: the tasks that get a portfolio (a task left out keeps the plain defaults).
// Needs a build. --k must be the one evaluate.mjs ran with (it rebuilds the same seeded pool).
//
// Per dataset, a candidate's score is normalized against the warm start: n = (s - m) / (b - m),
// m the median score of the warm start's defaults on that dataset, b the best score of any
// candidate, clipped to [-1, 1] (a failed or timed-out pair counts -1). 0 is "as good as a
// typical default", 1 "as good as the best known". This keeps magnitudes (a rank would count a
// 0.001 accuracy gap like a 0.1 one) while putting accuracy and r2 datasets on one scale, and the
// clip stops one disastrous r2 from dominating the mean. Datasets where b = m say nothing and are
// left out. The value of a set of configurations is the mean over datasets of the best normalized
// score among them (what a search that runs them all has found); each step adds the candidate
// that raises it most (--criterion value, the default) or raises it most per unit of median
// relative cost (--criterion per-cost: see anytime.mjs and README.md), until --size
// configurations or no gain above 0.001.
// Cost: a candidate's relative cost on a dataset is its seconds over the median seconds of the
// warm start's defaults there; candidates whose median relative cost over the datasets exceeds
// --max-cost are not eligible (a portfolio entry must fit where a default fits). The chosen list
// is stored cheapest first (--order cost, the default) or in the order picked (--order greedy).
// --families default (the default) keeps only the families a default study searches: a default
// space refuses the others' configurations. Only datasets where every candidate of the pool has
// a result take part (a partial evaluation gives a portfolio from the finished datasets, and the
// provenance says so).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, relative, resolve as resolvePath } from 'node:path';
import { parseArgs } from 'node:util';
import { candidates, corpus, HERE, ROOT } from './candidates.mjs';
import { buildPortfolio, checkSelection, offlineLoo, readResults, SELECT_DEFAULTS } from './greedy.mjs';

const { values: opt } = parseArgs({
  options: {
    results: { type: 'string', default: join(HERE, 'results', 'evaluations.jsonl') },
    k: { type: 'string', default: String(SELECT_DEFAULTS.k) },
    size: { type: 'string', default: String(SELECT_DEFAULTS.size) },
    'max-cost': { type: 'string', default: String(SELECT_DEFAULTS.maxCost) },
    criterion: { type: 'string', default: SELECT_DEFAULTS.criterion },
    order: { type: 'string', default: SELECT_DEFAULTS.order },
    families: { type: 'string', default: 'default' },
    exclude: { type: 'string', default: '' },
    out: { type: 'string', default: join(ROOT, 'src', 'automl', 'portfolio-data.json') },
    print: { type: 'boolean', default: false },
    'min-gain': { type: 'string', default: '0.001' },
    cap: { type: 'string', default: '40' },
    loo: { type: 'boolean', default: false },
    tasks: { type: 'string', default: 'classification,regression' },
  },
});

checkSelection(opt);
const exclude = new Set(opt.exclude.split(',').filter(Boolean));
const results = readResults([opt.results]);
if (opt.loo) {
  // --loo: the offline leave-one-dataset-out check (greedy.mjs offlineLoo); prints, writes nothing.
  const o = { families: opt.families, maxCost: Number(opt['max-cost']), size: Number(opt.size), minGain: Number(opt['min-gain']), capSeconds: Number(opt.cap), criterion: opt.criterion, order: opt.order };
  for (const task of ['classification', 'regression']) {
    const names = corpus().filter((d) => d.task === task && !exclude.has(d.name)).map((d) => d.name);
    const rows = offlineLoo(task, candidates(task, Number(opt.k)), results, names, o);
    for (const r of rows) console.log(`${task.padEnd(14)} ${r.name.padEnd(22)} portfolio ${r.portfolio.toFixed(3)} (${r.configs} configs)  defaults ${r.warm.toFixed(3)} (${r.defaults})`);
    const d = rows.map((r) => r.portfolio - r.warm);
    const mean = d.reduce((a, b) => a + b, 0) / Math.max(1, d.length);
    console.log(`${task}: held-out normalized score, portfolio minus defaults: mean ${mean.toFixed(3)}, better on ${d.filter((x) => x > 0.01).length}, worse on ${d.filter((x) => x < -0.01).length}, of ${d.length}`);
  }
  process.exit(0);
}
const built = buildPortfolio(results, {
  k: Number(opt.k),
  exclude,
  families: opt.families,
  maxCost: Number(opt['max-cost']),
  size: Number(opt.size),
  minGain: Number(opt['min-gain']),
  capSeconds: Number(opt.cap),
  criterion: opt.criterion,
  order: opt.order,
  tasks: opt.tasks.split(','),
  log: (line) => console.error(line),
});
let commit = 'unknown';
try {
  commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
} catch {}
built.provenance = {
  created: new Date().toISOString(),
  command: `node bench/portfolio/select.mjs ${process.argv.slice(2).join(' ')}`.trim(),
  commit,
  results: relative(ROOT, resolvePath(opt.results)),
  ...built.provenance,
};
if (Object.keys(built.tasks).length === 0) {
  console.error('no task has a usable dataset: nothing written');
  process.exitCode = 1;
} else if (opt.print) console.log(JSON.stringify(built, null, 2));
else {
  writeFileSync(opt.out, JSON.stringify(built, null, 2) + '\n');
  console.error(`wrote ${opt.out}`);
}
