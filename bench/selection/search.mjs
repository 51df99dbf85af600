// The issue's noise benchmark through the real search: append 0, 20, 100 and 500 columns of seeded
// N(0, 1) noise to breast-cancer, wine and diabetes-progression, then run `search()` with the
// default space (feature selection searched with the model) and with the same space without the
// `select` branch, same budget, split, folds and seed. Records the held-out test score of the
// refit best pipeline for both, the score lost to noise and recovered by selection, and how many
// noise columns the final pipeline keeps.
//
//   npm run build && node bench/selection/search.mjs [--time 20] [--noise 0,20,100,500] [--datasets a,b] [--workers 2] [--out file.md]
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { search } from '../../dist/tabular/search.js';
import { defaultSpace } from '../../dist/tabular/spaces.js';
import { createRng } from '../../dist/util/rng.js';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const TIME = Number(arg('time', '20'));
const WORKERS = Number(arg('workers', '2'));
const NOISE = arg('noise', '0,20,100,500').split(',').map(Number);
const DATASETS = arg('datasets', 'breast-cancer,wine,diabetes-progression').split(',');
const OUT = arg('out', 'bench/selection/SEARCH-RESULTS.md');
const TARGETS = { 'breast-cancer': 'diagnosis', wine: 'class', 'diabetes-progression': 'progression' };
const TASKS = { 'breast-cancer': 'classification', wine: 'classification', 'diabetes-progression': 'regression' };
const dir = mkdtempSync(join(tmpdir(), 'automl-selection-search-'));

/** The dataset's CSV with `count` seeded noise columns appended before the target. */
function noisyCsv(name, count) {
  const lines = readFileSync(join('datasets', `${name}.csv`), 'utf8').trim().split(/\r?\n/);
  const rng = createRng(`noise/${name}/${count}`);
  const out = lines.map((line, i) => {
    const cells = line.split(',');
    const target = cells.pop();
    const noise = Array.from({ length: count }, (_, j) => (i === 0 ? `noise_${j}` : rng.normal().toFixed(5)));
    return [...cells, ...noise, target].join(',');
  });
  const file = join(dir, `${name}-noise${count}.csv`);
  writeFileSync(file, out.join('\n') + '\n');
  return file;
}

function withoutSelection(task) {
  const json = defaultSpace(task).toJSON();
  delete json.select;
  return json;
}

async function run(file, name, selection) {
  const task = TASKS[name];
  const r = await search({
    data: file,
    target: TARGETS[name],
    time: TIME,
    workers: WORKERS,
    seed: 0,
    storage: 'memory:',
    study: `${name}-${selection ? 'on' : 'off'}`,
    ...(selection ? {} : { space: withoutSelection(task) }),
  });
  const features = r.model ? r.model.features : [];
  await r.study.close();
  return {
    test: r.testScore,
    cv: r.best?.value ?? null,
    trials: r.counts.complete,
    noiseKept: features.filter((f) => f.startsWith('noise_')).length,
    realKept: features.filter((f) => !f.startsWith('noise_')).length,
    model: r.best ? r.best.config.model.type : '-',
    select: r.best?.config.select ? r.best.config.select.type : 'none',
  };
}

const rows = [];
const started = new Date().toISOString();
for (const name of DATASETS) {
  let clean = null;
  for (const count of NOISE) {
    const file = noisyCsv(name, count);
    const off = await run(file, name, false);
    const on = await run(file, name, true);
    if (count === 0) clean = off;
    const lost = clean ? clean.test - off.test : null;
    const recovered = lost !== null && count > 0 && lost > 0 ? (on.test - off.test) / lost : null;
    rows.push({ name, count, off, on, lost, recovered });
    console.log(JSON.stringify(rows.at(-1)));
  }
}

const f = (v, d = 3) => (v === null || v === undefined ? '-' : typeof v === 'number' ? v.toFixed(d) : String(v));
const md = [
  '# Feature selection inside the search: noise benchmark',
  '',
  `- date: ${started}; machine: ${cpus()[0]?.model ?? '?'} x ${cpus().length}, ${Math.round(totalmem() / 2 ** 30)} GiB; node ${process.version}`,
  `- command: \`npm run build && node bench/selection/search.mjs --time ${TIME} --workers ${WORKERS}\``,
  `- each cell: \`search()\` with ${TIME} s, ${WORKERS} workers, seed 0, 5-fold CV, 20% stratified holdout; "off" = the default space without its \`select\` branch, "on" = the default space (selection searched jointly with preprocessing and model)`,
  '- lost = test(off, no noise) - test(off, with noise); recovered = (test(on) - test(off)) / lost',
  '',
  '| dataset | noise cols | off test | on test | lost to noise | recovered | noise kept (on) | real kept (on) | trials off / on | best on (model, selection) |',
  '|---|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  ...rows.map((r) => `| ${r.name} | ${r.count} | ${f(r.off.test)} | ${f(r.on.test)} | ${f(r.lost)} | ${r.recovered === null ? '-' : `${Math.round(r.recovered * 100)}%`} | ${r.on.noiseKept} / ${r.count} | ${r.on.realKept} | ${r.off.trials} / ${r.on.trials} | ${r.on.model}, ${r.on.select} |`),
  '',
];
writeFileSync(OUT, md.join('\n'));
console.log(`wrote ${OUT}`);
