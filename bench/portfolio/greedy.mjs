// The greedy selection of select.mjs (the method is described there), shared with lodo.mjs.
import { readFileSync } from 'node:fs';
import { candidates, corpus, defaultFamilies } from './candidates.mjs';

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};

/**
 * The selection settings the shipped portfolio is built with (select.mjs's defaults, which lodo.mjs
 * and anytime.mjs reuse): --criterion value picks, at each step, the candidate with the largest
 * gain (per-cost: the largest gain per unit of median relative cost), and --order cost stores the
 * list cheapest first (greedy: in the order picked). per-cost/greedy reached a better best-so-far
 * in anytime.mjs's offline simulation at every budget, but in real leave-one-dataset-out searches
 * (seeds 2-3) it was level with the plain defaults at 10, 30 and 60 s, where the shipped
 * value/cost list had been ahead at 10 s (seeds 0-1): see README.md, "Second version".
 */
export const SELECT_DEFAULTS = { k: 5, families: 'default', maxCost: 3, size: 14, minGain: 0.001, capSeconds: 40, criterion: 'value', order: 'cost' };

/** Refuses a --criterion or --order the selection does not know (a typo would silently select the default way). */
export function checkSelection({ criterion, order }) {
  if (!['value', 'per-cost'].includes(criterion)) throw new Error(`--criterion is value or per-cost (got ${criterion})`);
  if (!['cost', 'greedy'].includes(order)) throw new Error(`--order is cost or greedy (got ${order})`);
}

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
export function selectTask(task, allCandidates, results, datasetNames, o) {
  // --families default: the pool is the default families' candidates (the best known score b too).
  const eligibleFamilies = o.families === 'all' ? null : new Set(defaultFamilies(task));
  const pool = eligibleFamilies ? allCandidates.filter((c) => eligibleFamilies.has(c.family)) : allCandidates;
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
  const eligible = pool.filter((c) => medCost.get(c.id) <= o.maxCost);
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
      // per-cost: the gain per unit of median relative cost (a cheap good start before a dear better one).
      const g = o.criterion === 'per-cost' ? (v - value) / Math.max(medCost.get(c.id), 0.01) : v;
      if (!pick || g > pick.g + 1e-12 || (Math.abs(g - pick.g) <= 1e-12 && medCost.get(c.id) < medCost.get(pick.c.id))) pick = { c, v, g };
    }
    if (!pick || pick.v - value < o.minGain) break;
    usable.forEach((u, i) => (best[i] = Math.max(best[i], u.norm.get(pick.c.id))));
    chosen.push({ cand: pick.c, gain: pick.v - value, value: pick.v, cost: medCost.get(pick.c.id) });
    value = pick.v;
  }
  // order cost: cheapest first; greedy: as picked.
  if (o.order !== 'greedy') chosen.sort((a, b) => a.cost - b.cost);
  // The same measure for today's warm start (all its defaults), for comparison (in-sample for the portfolio).
  const warmValue = usable.length ? usable.reduce((a, u) => a + Math.max(...warmIds.map((id) => u.norm.get(id))), 0) / usable.length : null;
  return { chosen, datasets: usable.map((u) => u.name), left, value, warmValue, poolSize: pool.length, usable, warmIds };
}


/**
 * The portfolio file's content (without created/command/commit) from evaluation results:
 * o = { k, exclude: Set, families, maxCost, size, minGain, capSeconds, tasks?, log? }.
 */
export function buildPortfolio(results, o) {
  const tasks = {};
  const prov = { corpus: {}, left_out: {}, pool: {}, value: {}, warm_start_value: {} };
  let pairs = 0;
  for (const r of results.values()) pairs += r.size;
  for (const task of o.tasks ?? ['classification', 'regression']) {
    const names = corpus().filter((d) => d.task === task && !o.exclude.has(d.name)).map((d) => d.name);
    const sel = selectTask(task, candidates(task, o.k), results, names, o);
    o.log?.(`${task}: ${sel.datasets.length} datasets (left out: ${sel.left.join(', ') || 'none'}), ${sel.chosen.length} of ${sel.poolSize} candidates, value ${sel.value.toFixed(4)} (the warm start's defaults: ${sel.warmValue?.toFixed(4)})`);
    for (const x of sel.chosen) o.log?.(`  ${x.cand.id.padEnd(34)} gain ${x.gain.toFixed(4)}  median relative cost ${x.cost.toFixed(2)}`);
    if (sel.chosen.length === 0) continue;
    tasks[task] = sel.chosen.map(({ cand, gain, cost }) => ({
      id: cand.id,
      ...(cand.kind === 'default' ? { default: cand.family, select: cand.select } : { config: cand.config }),
      gain: Number(gain.toFixed(5)),
      relative_cost: Number(cost.toFixed(3)),
    }));
    prov.corpus[task] = sel.datasets;
    prov.left_out[task] = sel.left;
    prov.pool[task] = sel.poolSize;
    prov.value[task] = Number(sel.value.toFixed(5));
    prov.warm_start_value[task] = Number(sel.warmValue.toFixed(5));
  }
  const all = corpus().filter((d) => !o.exclude.has(d.name) && (o.tasks ?? [d.task]).includes(d.task)).length;
  const used = Object.values(prov.corpus).reduce((a, l) => a + l.length, 0);
  return {
    format: 'automl-portfolio',
    version: 1,
    provenance: {
      pairs_read: pairs,
      partial: used < all,
      note:
        (used < all ? `partial: ${used} of ${all} corpus datasets had every candidate evaluated` : `all ${all} corpus datasets`) +
        (o.families === 'all' ? '' : '; candidates of the default families only (a default space refuses the others)'),
      candidates_per_family: `warm-start default + ${o.k} seeded random`,
      families: o.families,
      max_relative_cost: o.maxCost,
      criterion: o.criterion ?? 'value',
      order: o.order ?? 'cost',
      excluded: [...o.exclude],
      ...prov,
    },
    tasks,
  };
}

/**
 * Offline leave-one-dataset-out, from the evaluation alone (no search): for each dataset, the
 * portfolio selected without it, and on that dataset the best normalized score of what the warm
 * start would run (the portfolio, then the defaults of the families it leaves out) against the
 * best of today's defaults. Returns [{ name, portfolio, warm }].
 */
export function offlineLoo(task, allCandidates, results, names, o) {
  const out = [];
  for (const name of names) {
    const sel = selectTask(task, allCandidates, results, names.filter((n) => n !== name), o);
    const held = selectTask(task, allCandidates, results, [name], { ...o, size: 0 });
    if (sel.chosen.length === 0 || held.usable.length === 0) continue;
    const norm = held.usable[0].norm;
    const covered = new Set(sel.chosen.map((x) => x.cand.family));
    const run = [...sel.chosen.map((x) => x.cand.id), ...held.warmIds.filter((id) => !covered.has(allCandidates.find((c) => c.id === id).family))];
    out.push({ name, portfolio: Math.max(...run.map((id) => norm.get(id))), warm: Math.max(...held.warmIds.map((id) => norm.get(id))), configs: run.length, defaults: held.warmIds.length });
  }
  return out;
}
