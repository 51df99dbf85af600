// Statistics and markdown for bench/selection/search.mjs: per dataset x noise level, means and
// spreads over seeds, paired differences with Student-t 95% intervals, and where the "on" arm's
// trial budget went.

// Two-sided 95% Student-t quantiles by degrees of freedom (beyond 30 the normal value is close enough).
const T975 = [NaN, 12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];

/** Mean, sample standard deviation and the 95% t interval of the mean (null bounds for n < 2). */
export function describe(values) {
  const xs = values.filter((v) => typeof v === 'number' && Number.isFinite(v));
  const n = xs.length;
  const mean = n ? xs.reduce((a, b) => a + b, 0) / n : null;
  const sd = n > 1 ? Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / (n - 1)) : null;
  const half = sd !== null ? (T975[n - 1] ?? 1.96) * (sd / Math.sqrt(n)) : null;
  return { n, mean, sd, lo: half !== null ? mean - half : null, hi: half !== null ? mean + half : null, min: n ? Math.min(...xs) : null, max: n ? Math.max(...xs) : null };
}

/** Element-wise a - b over paired runs (null where either is missing). */
const diff = (a, b) => a.map((x, i) => (x === null || b[i] === null ? null : x - b[i]));

/**
 * One summary per dataset x noise level. `clean` is the off arm with no noise on the same seed;
 * `mid` = on - (clean + off) / 2 is positive exactly when selection recovers more than half of
 * the loss on that seed, so its interval is the confidence statement for the target.
 */
export function summarise(runs, datasets, noise) {
  const cells = [];
  for (const name of datasets) {
    for (const count of noise) {
      const rs = runs.filter((r) => r.name === name && r.count === count).sort((a, b) => a.seed - b.seed);
      if (rs.length === 0) continue;
      const clean = rs.map((r) => runs.find((c) => c.name === name && c.count === 0 && c.seed === r.seed)?.off.test ?? null);
      const off = rs.map((r) => r.off.test);
      const on = rs.map((r) => r.on.test);
      const lossS = describe(diff(clean, off));
      const gainS = describe(diff(on, off));
      const mid = on.map((v, i) => (v === null || off[i] === null || clean[i] === null ? null : v - (clean[i] + off[i]) / 2));
      const budget = {};
      for (const r of rs) {
        for (const [k, b] of Object.entries(r.on.bySelect)) {
          const t = (budget[k] ??= { complete: 0, pruned: 0, other: 0, seconds: 0, otherSeconds: 0 });
          for (const f of ['complete', 'pruned', 'other', 'seconds', 'otherSeconds']) t[f] += b[f];
        }
      }
      const offBudget = rs.reduce((t, r) => ({ finished: t.finished + Object.values(r.off.bySelect).reduce((a, b) => a + b.complete + b.pruned, 0), seconds: t.seconds + Object.values(r.off.bySelect).reduce((a, b) => a + b.seconds, 0) }), { finished: 0, seconds: 0 });
      cells.push({
        name,
        count,
        seeds: rs.map((r) => r.seed),
        clean: describe(clean),
        off: describe(off),
        on: describe(on),
        loss: lossS,
        gain: gainS,
        recovered: count > 0 && lossS.mean !== null && lossS.mean > 0 && gainS.mean !== null ? gainS.mean / lossS.mean : null,
        mid: describe(mid),
        noiseKept: describe(rs.map((r) => r.on.noiseKept)),
        realKept: describe(rs.map((r) => r.on.realKept)),
        realKeptOff: describe(rs.map((r) => r.off.realKept)),
        trialsOff: describe(rs.map((r) => r.off.complete)),
        trialsOn: describe(rs.map((r) => r.on.complete)),
        bestSelect: rs.map((r) => r.on.select),
        bestModelOn: rs.map((r) => r.on.model),
        bestModelOff: rs.map((r) => r.off.model),
        budgetOn: budget,
        budgetOff: offBudget,
      });
    }
  }
  return cells;
}

const f = (v, d = 3) => (v === null || v === undefined || Number.isNaN(v) ? '-' : v.toFixed(d));
const ms = (s, d = 3) => (s.mean === null ? '-' : s.sd === null ? f(s.mean, d) : `${f(s.mean, d)} ± ${f(s.sd, d)}`);
const ci = (s, d = 3) => (s.lo === null ? f(s.mean, d) : `${f(s.mean, d)} [${f(s.lo, d)}, ${f(s.hi, d)}]`);
const pct = (v) => (v === null ? '-' : `${Math.round(v * 100)}%`);
const tally = (xs) => {
  const c = {};
  for (const x of xs) c[x] = (c[x] ?? 0) + 1;
  return Object.entries(c).sort((a, b) => b[1] - a[1]).map(([k, n]) => `${k} ${n}`).join(', ');
};

/** The target verdict of one cell from the interval of `mid`. */
export function verdict(cell) {
  if (cell.count === 0) return '-';
  if (cell.loss.lo !== null && cell.loss.lo <= 0) {
    const mid = cell.mid.lo !== null && cell.mid.lo > 0 ? 'met' : cell.mid.hi !== null && cell.mid.hi < 0 ? 'missed' : 'open';
    return `loss not significant (${mid})`;
  }
  if (cell.mid.lo === null) return 'one seed';
  if (cell.mid.lo > 0) return '**met** (95%)';
  if (cell.mid.hi < 0) return '**missed** (95%)';
  return 'open';
}

/** The generated markdown: settings, the score table and the budget table. */
export function formatMarkdown(meta, cells) {
  // The selection branches the runs used, in the space's order (older spaces had model_importance).
  const known = ['none', 'filter', 'fdr', 'tree_importance', 'l1_importance', 'model_importance'];
  const used = new Set(cells.flatMap((c) => Object.keys(c.budgetOn ?? {})));
  const br = [...known.filter((k) => used.has(k)), ...[...used].filter((k) => !known.includes(k)).sort()];
  const arm = meta.models ? `the families ${meta.models.join(', ')} (those that fit the task)` : 'the default space';
  const md = [
    `# Feature selection through search(), ${meta.seeds.length} seeds: ${meta.models ? meta.models.join(', ') : 'default space'}`,
    '',
    `- started ${meta.started}, finished ${meta.finished}; ${meta.machine}; node ${meta.node}; load average ${meta.loadavg.start.toFixed(1)} at start, ${meta.loadavg.end.toFixed(1)} at end`,
    `- command: \`${meta.command}\``,
    `- each run: \`search()\` on ${arm}, ${meta.time} s, ${meta.workers} workers, 5-fold CV, 20% holdout (stratified for classification); seeds ${meta.seeds.join(', ')} (the seed sets the holdout split, the folds, the sampler and the noise draw; both arms of a seed share them)`,
    '- off = the space without its `select` branch; on = with it; clean = off with no noise, same seed',
    '- mean ± sd over seeds; [a, b] = 95% t interval of the mean of the paired per-seed differences',
    '- lost = clean - off; gain = on - off; recovered = mean gain / mean lost; on - mid = on - (clean + off) / 2 > 0 exactly when more than half the loss is recovered: "met (95%)" when its interval is above 0, "missed" when below, "open" when it straddles 0',
    '',
    '| dataset | noise | clean | off | on | lost to noise | gain on - off | recovered | on - mid | target | noise kept (on) | real kept on / off |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---|---:|---:|',
    ...cells.map((c) => `| ${c.name} | ${c.count} | ${ms(c.clean)} | ${ms(c.off)} | ${ms(c.on)} | ${c.count ? ci(c.loss) : '-'} | ${ci(c.gain)} | ${pct(c.recovered)} | ${c.count ? ci(c.mid) : '-'} | ${verdict(c)} | ${f(c.noiseKept.mean, 1)} (${c.noiseKept.min}-${c.noiseKept.max}) / ${c.count} | ${f(c.realKept.mean, 1)} / ${f(c.realKeptOff.mean, 1)} |`),
    '',
    '## Where the budget went',
    '',
    'Finished = complete + pruned trials summed over seeds; busy s = summed durations of all trials, including those failed or cut at the deadline (2 workers run trials side by side); s per trial = seconds per finished trial.',
    '',
    `| dataset | noise | completed off / on (mean) | on: finished by branch (${br.join(' / ')}) | on: busy s share (${br.join(' / ')}) | s per trial off; on ${br.join(' / ')} | best on: selection | best on: model | best off: model |`,
    '|---|---:|---:|---|---|---|---|---|---|',
    ...cells.map((c) => {
      const b = c.budgetOn;
      const fin = (k) => (b[k] ? b[k].complete + b[k].pruned : 0);
      const busy = (k) => (b[k] ? b[k].seconds + b[k].otherSeconds : 0);
      const total = br.reduce((a, k) => a + busy(k), 0);
      const per = (k) => (fin(k) ? f((b[k]?.seconds ?? 0) / fin(k), 2) : '-');
      return `| ${c.name} | ${c.count} | ${f(c.trialsOff.mean, 0)} / ${f(c.trialsOn.mean, 0)} | ${br.map(fin).join(' / ')} | ${br.map((k) => pct(total ? busy(k) / total : null)).join(' / ')} | ${f(c.budgetOff.finished ? c.budgetOff.seconds / c.budgetOff.finished : null, 2)}; ${br.map(per).join(' / ')} | ${tally(c.bestSelect)} | ${tally(c.bestModelOn)} | ${tally(c.bestModelOff)} |`;
    }),
    '',
  ];
  return md.join('\n');
}
