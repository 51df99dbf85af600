// Greedy selection of the portfolio from evaluate.mjs's results (issue #20).
//   node bench/portfolio/select.mjs [--results bench/portfolio/results/evaluations.jsonl] [--k 5]
//       [--size 14] [--max-cost 3] [--families default|all] [--exclude iris,wine]
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
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { candidates, corpus, defaultFamilies, HERE, ROOT } from './candidates.mjs';

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
  },
});

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/** Results by dataset, then candidate id (the last line of a pair wins). */
export function readResults(files) {
  const by = new Map();
  for (const f of files) {
    for (const line of readFileSync(f, 'utf8').split('\n')) {
      if (!line.trim()) continue;
      let r;
      try {
        r = JSON.parse(line);
      } catch {
        continue;
      }
      if (!by.has(r.dataset)) by.set(r.dataset, new Map());
      by.get(r.dataset).set(r.candidate, r);
    }
  }
  return by;
}

/**
 * The greedy portfolio of one task. Returns { chosen: [{cand, gain, cost}], datasets, left }.
 */
export function selectTask(task, pool, results, datasetNames, o) {
  const eligibleFamilies = o.families === 'all' ? null : new Set(defaultFamilies(task));
  const warmIds = pool.filter((c) => c.kind === 'default').map((c) => c.id);
  const usable = [];
  const left = [];
  for (const name of datasetNames) {
    const r = results.get(name);
    if (!r || pool.some((c) => !r.has(c.id))) {
      left.push(name);
      continue;
    }
    const ok = (c) => r.get(c.id).status === 'ok' && Number.isFinite(r.get(c.id).score);
    const warmScores = warmIds.map((id) => (r.get(id).status === 'ok' ? r.get(id).score : -Infinity));
    const m = median(warmScores);
    const b = Math.max(...pool.filter(ok).map((c) => r.get(c.id).score));
    if (!(b - m > 1e-12) || !Number.isFinite(m)) {
      left.push(name);
      continue;
    }
    const warmSeconds = median(warmIds.map((id) => r.get(id).seconds ?? o.capSeconds));
    const norm = new Map();
    const cost = new Map();
    for (const c of pool) {
      norm.set(c.id, ok(c) ? Math.max(-1, Math.min(1, (r.get(c.id).score - m) / (b - m))) : -1);
      cost.set(c.id, (r.get(c.id).seconds ?? o.capSeconds) / Math.max(warmSeconds, 1e-3));
    }
    usable.push({ name, norm, cost });
  }
  const medCost = new Map(pool.map((c) => [c.id, usable.length ? median(usable.map((u) => u.cost.get(c.id))) : Infinity]));
  const eligible = pool.filter((c) => (!eligibleFamilies || eligibleFamilies.has(c.family)) && medCost.get(c.id) <= o.maxCost);
  const best = usable.map(() => -1);
  const chosen = [];
  let value = -1;
  while (chosen.length < o.size && usable.length > 0) {
    let pick = null;
    for (const c of eligible) {
      if (chosen.some((x) => x.cand.id === c.id)) continue;
      let sum = 0;
      usable.forEach((u, i) => (sum += Math.max(best[i], u.norm.get(c.id))));
      const v = sum / usable.length;
      if (!pick || v > pick.v + 1e-12 || (Math.abs(v - pick.v) <= 1e-12 && medCost.get(c.id) < medCost.get(pick.c.id))) pick = { c, v };
    }
    if (!pick || pick.v - value < o.minGain) break;
    usable.forEach((u, i) => (best[i] = Math.max(best[i], u.norm.get(pick.c.id))));
    chosen.push({ cand: pick.c, gain: pick.v - value, value: pick.v, cost: medCost.get(pick.c.id) });
    value = pick.v;
  }
  chosen.sort((a, b) => a.cost - b.cost);
  return { chosen, datasets: usable.map((u) => u.name), left, value };
}

const isMain = process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop());
if (isMain) {
  const exclude = new Set(opt.exclude.split(',').filter(Boolean));
  const results = readResults([opt.results]);
  const o = { families: opt.families, maxCost: Number(opt['max-cost']), size: Number(opt.size), minGain: Number(opt['min-gain']), capSeconds: 60 };
  const tasks = {};
  const prov = { corpus: {}, left_out: {}, value: {} };
  let pairs = 0;
  for (const r of results.values()) pairs += r.size;
  for (const task of ['classification', 'regression']) {
    const names = corpus().filter((d) => d.task === task && !exclude.has(d.name)).map((d) => d.name);
    const pool = candidates(task, Number(opt.k));
    const sel = selectTask(task, pool, results, names, o);
    console.error(`${task}: ${sel.datasets.length} datasets (left out: ${sel.left.join(', ') || 'none'}), ${sel.chosen.length} configurations, value ${sel.value.toFixed(4)}`);
    for (const x of sel.chosen) console.error(`  ${x.cand.id.padEnd(34)} gain ${x.gain.toFixed(4)}  median relative cost ${x.cost.toFixed(2)}`);
    if (sel.chosen.length === 0) continue;
    tasks[task] = sel.chosen.map(({ cand, gain, cost }) => ({
      id: cand.id,
      ...(cand.kind === 'default' ? { default: cand.family, select: cand.select } : { config: cand.config }),
      gain: Number(gain.toFixed(5)),
      relative_cost: Number(cost.toFixed(3)),
    }));
    prov.corpus[task] = sel.datasets;
    prov.left_out[task] = sel.left;
    prov.value[task] = Number(sel.value.toFixed(5));
  }
  const all = corpus().filter((d) => !exclude.has(d.name)).length;
  const used = Object.values(prov.corpus).reduce((a, l) => a + l.length, 0);
  let commit = 'unknown';
  try {
    commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  } catch {}
  const out = {
    format: 'automl-portfolio',
    version: 1,
    provenance: {
      created: new Date().toISOString(),
      command: `node bench/portfolio/select.mjs ${process.argv.slice(2).join(' ')}`.trim(),
      commit,
      results: 'bench/portfolio/results/evaluations.jsonl',
      pairs_read: pairs,
      partial: used < all,
      note: used < all ? `partial: ${used} of ${all} corpus datasets had every candidate evaluated` : `all ${all} corpus datasets`,
      candidates_per_family: `warm-start default + ${opt.k} seeded random`,
      families: opt.families,
      max_relative_cost: o.maxCost,
      excluded: [...exclude],
      ...prov,
    },
    tasks,
  };
  if (opt.print || Object.keys(tasks).length === 0) {
    if (Object.keys(tasks).length === 0) console.error('no task has a usable dataset: nothing written');
    else console.log(JSON.stringify(out, null, 2));
  } else {
    writeFileSync(opt.out, JSON.stringify(out, null, 2) + '\n');
    console.error(`wrote ${opt.out}`);
  }
}
