// The noise benchmark through the real search, repeated over seeds: append 0, 20, 100 and
// 500 columns of seeded N(0, 1) noise to breast-cancer, wine and diabetes-progression, then run
// `search()` with the space's `select` branch (selection "on") and with the same space without it
// ("off"). Each seed gives a different holdout split, CV folds, sampler seed and noise draw; both
// arms of one seed share all of them, so on - off is a paired difference. Records the held-out
// test score of the refit best pipeline, the score lost to noise, the fraction recovered by
// selection with a confidence statement over seeds, how many noise columns the final pipeline
// keeps, and what the selection branch cost in trials.
//
//   node bench/selection/search.mjs [--seeds 5 | --seed-list 0,1,2] [--time 10] [--workers 2]
//     [--noise 0,20,100,500] [--datasets a,b] [--models knn,logistic_regression,ridge]
//     [--dist ../../dist] [--out file.md] [--json file.json] [--no-summary]
//   node bench/selection/search.mjs --from-json a.json,b.json --out file.md
//
// `--models` restricts both arms to those families (each dataset gets the ones that fit its task):
// tree ensembles shrug off noise, so the default space leaves little to recover. `--dist` takes
// the compiled package from elsewhere (a private build, so that a rebuild of the shared dist/
// during the run cannot change the code under test); the cwd must then be that package's root.
// `--from-json` runs nothing: it pools the runs of earlier JSON outputs (e.g. more seeds of the
// same arm) and writes their summary.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { summarise, formatMarkdown } from './search-stats.mjs';
import { noisyCsv as makeNoisyCsv } from './noisy-csv.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const TIME = Number(arg('time', '10'));
const WORKERS = Number(arg('workers', '2'));
const SEEDS = arg('seed-list', null)?.split(',').map(Number) ?? Array.from({ length: Number(arg('seeds', '5')) }, (_, i) => i);
const NOISE = arg('noise', '0,20,100,500').split(',').map(Number);
const DATASETS = arg('datasets', 'breast-cancer,wine,diabetes-progression').split(',');
const MODELS = arg('models', null)?.split(',') ?? null;
// `--arms on` runs only the arm with selection (to compare two versions of the selection code on
// the same seeds with compare-on.mjs); the summary then needs both arms and is skipped.
const ARMS = arg('arms', 'off,on').split(',');
const DIST = resolve(arg('dist', new URL('../../dist', import.meta.url).pathname));
const label = MODELS ? `-${MODELS.join('-')}` : '';
const OUT = arg('out', `bench/selection/search-results${label}.md`);
const JSON_OUT = arg('json', OUT.replace(/\.md$/, '.json'));
const TARGETS = { 'breast-cancer': 'diagnosis', wine: 'class', 'diabetes-progression': 'progression' };
const TASKS = { 'breast-cancer': 'classification', wine: 'classification', 'diabetes-progression': 'regression' };
// `--no-summary` runs levels without the clean one, to be pooled later with `--from-json` together
// with a run that has it (the same seeds at noise 0).
const NO_SUMMARY = process.argv.includes('--no-summary');
if (ARMS.length > 1 && !NOISE.includes(0) && !NO_SUMMARY) throw new Error('--noise must include 0 (or pass --no-summary and pool with --from-json): the clean score is the reference of the loss');

const FROM = arg('from-json', null);
if (FROM) {
  const parts = FROM.split(',').map((file) => JSON.parse(readFileSync(file, 'utf8')));
  const runs = parts.flatMap((p) => p.runs);
  const first = parts[0].meta;
  const meta = {
    ...first,
    datasets: [...new Set(parts.flatMap((p) => p.meta.datasets))],
    finished: parts.map((p) => p.meta.finished).sort().at(-1),
    seeds: [...new Set(runs.map((r) => r.seed))].sort((a, b) => a - b),
    noise: [...new Set(runs.map((r) => r.count))].sort((a, b) => a - b),
    command: parts.map((p) => p.meta.command).join('` and `'),
    loadavg: { start: first.loadavg.start, end: parts.at(-1).meta.loadavg.end },
  };
  const cells = summarise(runs, meta.datasets, meta.noise);
  writeFileSync(JSON_OUT, JSON.stringify({ meta, cells, runs }, null, 1) + '\n');
  writeFileSync(OUT, formatMarkdown(meta, cells));
  console.log(`pooled ${runs.length} runs; wrote ${OUT} and ${JSON_OUT}`);
  process.exit(0);
}

const load = (m) => import(pathToFileURL(join(DIST, m)).href);
const { search } = await load('automl/search.js');
const { defaultSpace, composeSpaceJSON } = await load('automl/spaces.js');
const { createRng } = await load('util/rng.js');
const { getModel } = await load('models/registry.js');

const dir = mkdtempSync(join(tmpdir(), 'automl-selection-search-'));

const noisyCsv = (name, count, seed) => makeNoisyCsv(name, count, seed, dir, createRng);

/** The space of one arm: default (or the given families) with or without its `select` branch. */
function spaceFor(task, selection) {
  let json;
  if (MODELS) {
    const fit = MODELS.filter((m) => getModel(m).tasks.includes(task));
    if (fit.length === 0) throw new Error(`none of --models ${MODELS.join(',')} does ${task}`);
    json = composeSpaceJSON(fit);
  } else {
    json = defaultSpace(task).toJSON();
  }
  if (!selection) delete json.select;
  else if (!json.select) throw new Error('the space has no select branch');
  return json;
}

async function run(file, name, seed, selection) {
  const task = TASKS[name];
  const bySelect = {};
  const t0 = Date.now();
  const r = await search({
    data: file,
    target: TARGETS[name],
    time: TIME,
    workers: WORKERS,
    seed,
    storage: 'memory:',
    study: `${name}-${seed}-${selection ? 'on' : 'off'}`,
    space: spaceFor(task, selection),
    onTrial: (t) => {
      // Where the trial budget went, per selection branch: finished trials and their busy seconds.
      const key = selection ? String(t.params.select ?? 'none') : 'off';
      // seconds: finished (complete or pruned) trials; otherSeconds: failed or cut by the deadline.
      const b = (bySelect[key] ??= { complete: 0, pruned: 0, other: 0, seconds: 0, otherSeconds: 0 });
      const s = t.startedAt && t.finishedAt ? (t.finishedAt - t.startedAt) / 1000 : 0;
      if (t.state === 'COMPLETE') b.complete++;
      else if (t.state === 'PRUNED') b.pruned++;
      else b.other++;
      if (t.state === 'COMPLETE' || t.state === 'PRUNED') b.seconds += s;
      else b.otherSeconds += s;
    },
  });
  const features = r.model ? r.model.features : [];
  const config = r.best?.config;
  // What won, for the diagnosis: the ensemble's members and the best complete trials, each with
  // its model, selection step and the columns its folds kept (noise vs real).
  const describe = (t) => {
    const c = r.study.configOf(t);
    // keptColumns: one list of source columns per fold; report the mean over folds.
    const folds = Array.isArray(t.userAttrs?.keptColumns) ? t.userAttrs.keptColumns.filter(Array.isArray) : [];
    const mean = (f) => (folds.length ? folds.reduce((a, cols) => a + cols.filter(f).length, 0) / folds.length : null);
    const kept = folds.length ? { noise: mean((c) => c.startsWith('noise_')), real: mean((c) => !c.startsWith('noise_')) } : null;
    return {
      trial: t.number,
      cv: t.value,
      model: c.model?.type ?? '-',
      select: c.select ?? { type: 'none' },
      ...(kept ? { noiseKept: kept.noise, realKept: kept.real } : {}),
    };
  };
  const sign = r.study.direction === 'minimize' ? 1 : -1;
  const top = r.study.trials
    .filter((t) => t.state === 'COMPLETE' && t.value !== null)
    .sort((a, b) => sign * (a.value - b.value))
    .slice(0, 5)
    .map(describe);
  const ensemble = r.ensemble
    ? { cv: r.ensemble.cvScore, bestSingleCv: r.ensemble.bestSingleCvScore, members: r.ensemble.members.map((m) => ({ weight: m.weight, ...describe(r.study.trial(m.trial)) })) }
    : null;
  await r.study.close();
  return {
    test: r.testScore,
    cv: r.best?.value ?? null,
    complete: r.counts.complete,
    pruned: r.counts.pruned,
    failed: r.counts.failed,
    interrupted: r.counts.interrupted,
    noiseKept: features.filter((f) => f.startsWith('noise_')).length,
    realKept: features.filter((f) => !f.startsWith('noise_')).length,
    model: config ? config.model.type : '-',
    select: config?.select ? config.select.type : 'none',
    bySelect,
    ensemble,
    // The final choice's re-check on fresh splits (engines from 37e4351 on; absent before).
    recheck: r.recheck ?? null,
    top,
    seconds: (Date.now() - t0) / 1000,
  };
}

const searches = SEEDS.length * DATASETS.length * NOISE.length * ARMS.length;
console.log(`${searches} searches x ${TIME} s = ${((searches * TIME) / 60).toFixed(0)} min of budget (plus data loading and refits)`);
const runs = [];
const started = new Date();
const load0 = loadavg()[0];
const command = `node bench/selection/search.mjs ${process.argv.slice(2).join(' ')}`.trim();
const meta = () => ({
  started: started.toISOString(),
  finished: new Date().toISOString(),
  machine: `${cpus()[0]?.model ?? '?'} x ${cpus().length}, ${Math.round(totalmem() / 2 ** 30)} GiB`,
  node: process.version,
  loadavg: { start: load0, end: loadavg()[0] },
  command,
  time: TIME,
  workers: WORKERS,
  seeds: SEEDS,
  noise: NOISE,
  datasets: DATASETS,
  models: MODELS,
});
// Seeds outermost so that a slow stretch of the shared machine spreads over every cell, and the
// arm that runs first alternates with the seed so that neither arm always gets the warmer process.
for (const seed of SEEDS) {
  for (const name of DATASETS) {
    for (const count of NOISE) {
      const file = noisyCsv(name, count, seed);
      const order = (seed % 2 === 0 ? [false, true] : [true, false]).filter((sel) => ARMS.includes(sel ? 'on' : 'off'));
      const result = {};
      for (const selection of order) result[selection ? 'on' : 'off'] = await run(file, name, seed, selection);
      runs.push({ name, count, seed, off: result.off, on: result.on });
      const o = result.off;
      const n = result.on;
      const offText = o ? `off ${o.test?.toFixed(3)} (${o.complete} trials, ${o.model})` : '';
      const onText = n ? `on ${n.test?.toFixed(3)} (${n.complete} trials, ${n.model}/${n.select}, noise kept ${n.noiseKept})` : '';
      console.log(`${name} noise=${count} seed=${seed}: ${offText} ${onText}`);
      writeFileSync(JSON_OUT, JSON.stringify({ meta: meta(), runs }, null, 1) + '\n');
    }
  }
}

if (ARMS.length < 2 || NO_SUMMARY) {
  console.log(`wrote ${JSON_OUT} (${NO_SUMMARY ? '--no-summary' : 'one arm'}: no summary)`);
  process.exit(0);
}
const cells = summarise(runs, DATASETS, NOISE);
writeFileSync(JSON_OUT, JSON.stringify({ meta: meta(), cells, runs }, null, 1) + '\n');
writeFileSync(OUT, formatMarkdown(meta(), cells));
console.log(`wrote ${OUT} and ${JSON_OUT}`);
