// Greedy selection of the portfolio from evaluate.mjs's results (issue #20).
//   node bench/portfolio/select.mjs [--results bench/portfolio/results/evaluations.jsonl] [--k 5]
//       [--size 14] [--max-cost 3] [--families default|all] [--exclude iris,wine] [--cap 40]
//       [--out src/automl/portfolio-data.json | --print]
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
// that raises it most, until --size configurations or no gain above 0.001.
// Cost: a candidate's relative cost on a dataset is its seconds over the median seconds of the
// warm start's defaults there; candidates whose median relative cost over the datasets exceeds
// --max-cost are not eligible (a portfolio entry must fit where a default fits). The chosen list
// is then stored cheapest first (median relative cost), so a short budget runs the cheap ones.
// --families default (the default) keeps only the families a default study searches: a default
// space refuses the others' configurations. Only datasets where every candidate of the pool has
// a result take part (a partial evaluation gives a portfolio from the finished datasets, and the
// provenance says so).
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join, relative, resolve as resolvePath } from 'node:path';
import { parseArgs } from 'node:util';
import { HERE, ROOT } from './candidates.mjs';
import { buildPortfolio, readResults } from './greedy.mjs';

const { values: opt } = parseArgs({
  options: {
    results: { type: 'string', default: join(HERE, 'results', 'evaluations.jsonl') },
    k: { type: 'string', default: '5' },
    size: { type: 'string', default: '14' },
    'max-cost': { type: 'string', default: '3' },
    families: { type: 'string', default: 'default' },
    exclude: { type: 'string', default: '' },
    out: { type: 'string', default: join(ROOT, 'src', 'automl', 'portfolio-data.json') },
    print: { type: 'boolean', default: false },
    'min-gain': { type: 'string', default: '0.001' },
    cap: { type: 'string', default: '40' },
  },
});

const exclude = new Set(opt.exclude.split(',').filter(Boolean));
const results = readResults([opt.results]);
const built = buildPortfolio(results, {
  k: Number(opt.k),
  exclude,
  families: opt.families,
  maxCost: Number(opt['max-cost']),
  size: Number(opt.size),
  minGain: Number(opt['min-gain']),
  capSeconds: Number(opt.cap),
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
