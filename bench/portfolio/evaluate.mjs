// Offline evaluation of the portfolio's candidate pool on every corpus dataset (issue #20).
//   nice -n 19 node bench/portfolio/evaluate.mjs [--k 5] [--cap 60] [--out bench/portfolio/results/evaluations.jsonl]
//       [--only iris,wine] [--max-rows 5000]
// Needs a build (npm run build) and the corpus (bash bench/portfolio/corpus.sh). One process, main
// thread. Each (dataset, candidate) pair: fixed seeded 5-fold CV (stratified for classification,
// the folds a search uses for seed 0) with the task's default metric (accuracy, r2), appended as
// one JSON line {dataset, task, candidate, family, score, folds, seconds, status}. Resumable: pairs
// already in the output file are skipped. A pair that runs past --cap seconds is stopped (between
// folds, or inside a fit that checks its abort signal) and recorded with status "timeout"; a pair
// that throws is recorded with status "error" and the message.
// gaussian_process is skipped above 2,000 rows (cubic in the rows: minutes per fit there).
// Two passes: first the families a default study searches (what select.mjs uses by default) on
// every dataset, then the families outside the default space (svm, svr, gaussian_process,
// linear_regression, elastic_net), so that a run cut short still covers the default families.
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import { loadDataset } from '../../dist/data/dataset.js';
import { crossValidate } from '../../dist/evaluation/cross-validate.js';
import { defaultMetric } from '../../dist/evaluation/metrics.js';
import { trialFolds } from '../../dist/automl/worker/objective.js';
import { candidates, corpus, CORPUS_DIR, defaultFamilies, HERE, resolve } from './candidates.mjs';

const { values: opt } = parseArgs({
  options: {
    k: { type: 'string', default: '5' },
    cap: { type: 'string', default: '60' },
    out: { type: 'string', default: join(HERE, 'results', 'evaluations.jsonl') },
    only: { type: 'string' },
    'max-rows': { type: 'string', default: '5000' },
  },
});
const K = Number(opt.k);
const CAP_MS = Number(opt.cap) * 1000;
const GP_MAX_ROWS = 2000;
mkdirSync(dirname(opt.out), { recursive: true });
const done = new Set();
if (existsSync(opt.out)) {
  for (const line of readFileSync(opt.out, 'utf8').split('\n')) {
    if (!line.trim()) continue;
    try {
      const r = JSON.parse(line);
      done.add(`${r.dataset}\t${r.candidate}`);
    } catch {
      // A line cut short by a kill: its pair runs again.
    }
  }
}

const only = opt.only ? new Set(opt.only.split(',')) : null;
const sets = [];
for (const d of corpus()) {
  if (only && !only.has(d.name)) continue;
  const file = join(CORPUS_DIR, `${d.name}.csv`);
  if (!existsSync(file)) {
    console.error(`${file}: missing; run bash bench/portfolio/corpus.sh`);
    process.exit(2);
  }
  const dataset = loadDataset(file, { target: d.target, task: d.task, folds: 2 });
  if (dataset.nRows > Number(opt['max-rows'])) throw new Error(`${d.name}: ${dataset.nRows} rows, more than --max-rows`);
  sets.push({ d, dataset, size: dataset.nRows * dataset.features.length });
}
// Smallest first, so that a first selection exists early.
sets.sort((a, b) => a.size - b.size);
const pools = { classification: candidates('classification', K), regression: candidates('regression', K) };
console.error(`candidates: classification ${pools.classification.length}, regression ${pools.regression.length}; datasets ${sets.length}`);

/** An abort signal whose `aborted` turns true at the deadline, also inside a synchronous fit. */
function deadlineSignal(deadline) {
  const c = new AbortController();
  return new Proxy(c.signal, {
    get(target, prop) {
      if (prop === 'aborted' && !target.aborted && Date.now() > deadline) c.abort(new Error('time cap'));
      const v = Reflect.get(target, prop, target);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
}

for (const pass of ['default', 'other']) for (const { d, dataset } of sets) {
  const task = dataset.target.task;
  const inDefault = new Set(defaultFamilies(task));
  const metric = defaultMetric(task);
  const folds = trialFolds(dataset, 5, 0);
  const nClasses = dataset.target.classes?.length ?? 0;
  for (const cand of pools[task]) {
    if (done.has(`${d.name}\t${cand.id}`) || inDefault.has(cand.family) !== (pass === 'default')) continue;
    const base = { dataset: d.name, task, rows: dataset.nRows, features: dataset.features.length, candidate: cand.id, family: cand.family };
    if (cand.family === 'gaussian_process' && dataset.nRows > GP_MAX_ROWS) {
      appendFileSync(opt.out, JSON.stringify({ ...base, status: 'skipped', score: null, seconds: null }) + '\n');
      continue;
    }
    const config = resolve(cand, task, dataset.features.length, dataset.nRows, nClasses);
    const t0 = Date.now();
    const deadline = t0 + CAP_MS;
    let row;
    try {
      const cv = await crossValidate(config, dataset, folds, metric, { seed: 0, signal: deadlineSignal(deadline), onFold: () => Date.now() > deadline });
      const seconds = (Date.now() - t0) / 1000;
      row = cv.stopped || Date.now() > deadline ? { ...base, status: 'timeout', score: null, seconds, folds: cv.scores } : { ...base, status: 'ok', score: cv.mean, seconds, folds: cv.scores };
    } catch (e) {
      const seconds = (Date.now() - t0) / 1000;
      const timeout = e?.code === 'E_ABORTED';
      row = { ...base, status: timeout ? 'timeout' : 'error', score: null, seconds, ...(timeout ? {} : { message: String(e?.message ?? e).slice(0, 300) }) };
    }
    appendFileSync(opt.out, JSON.stringify(row) + '\n');
    console.error(`${d.name} ${cand.id}: ${row.status} ${row.score?.toFixed?.(4) ?? ''} ${row.seconds.toFixed(2)} s`);
  }
}
