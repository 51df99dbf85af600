// Recovery at one noise level with 95% intervals, per dataset and pooled, from search.mjs JSON
// outputs (both arms and the clean level). recovered = mean gain / mean loss (gain = on - off,
// loss = clean - off, paired per seed); pooled = sum over datasets of the mean gains / sum of the
// mean losses (each dataset weighs the same, whatever its number of seeds). Intervals: a seeded
// percentile bootstrap over seeds (resampled within each dataset, 10 000 draws); also the
// interval of on - mid (mid = (clean + off) / 2; > 0 exactly when more than half the loss is
// recovered), pooled as the mean of the per-dataset means with a normal interval.
//
//   node bench/selection/recovery-ci.mjs --from a.json,b.json [--noise 100] [--out file.md]
import { readFileSync, writeFileSync } from 'node:fs';
import { describe } from './search-stats.mjs';

const arg = (name, dflt) => {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
};
const NOISE = Number(arg('noise', '100'));
const runs = arg('from')
  .split(',')
  .flatMap((f) => JSON.parse(readFileSync(f, 'utf8')).runs);
const datasets = [...new Set(runs.map((r) => r.name))];

// Small seeded generator (mulberry32) so that the intervals are reproducible.
let state = 12345;
const rand = () => {
  state = (state + 0x6d2b79f5) | 0;
  let t = Math.imul(state ^ (state >>> 15), 1 | state);
  t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const units = {};
for (const name of datasets) {
  const clean = new Map(runs.filter((r) => r.name === name && r.count === 0).map((r) => [r.seed, r.off.test]));
  units[name] = runs
    .filter((r) => r.name === name && r.count === NOISE && clean.has(r.seed))
    .map((r) => ({ seed: r.seed, gain: r.on.test - r.off.test, loss: clean.get(r.seed) - r.off.test, mid: r.on.test - (clean.get(r.seed) + r.off.test) / 2 }));
}
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const ratio = (g, l) => (l > 0 ? g / l : NaN);
const B = 10000;
const boot = { pooled: [] };
for (const name of datasets) boot[name] = [];
for (let b = 0; b < B; b++) {
  let G = 0;
  let L = 0;
  for (const name of datasets) {
    const u = units[name];
    let g = 0;
    let l = 0;
    for (let i = 0; i < u.length; i++) {
      const x = u[Math.floor(rand() * u.length)];
      g += x.gain;
      l += x.loss;
    }
    g /= u.length;
    l /= u.length;
    boot[name].push(ratio(g, l));
    G += g;
    L += l;
  }
  boot.pooled.push(ratio(G, L));
}
const pct = (xs, q) => {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length < xs.length * 0.975) return null; // the loss is <= 0 in too many resamples: no interval
  return s[Math.min(s.length - 1, Math.floor(q * s.length))];
};
const p = (v) => (v === null || !Number.isFinite(v) ? '-' : `${(100 * v).toFixed(0)}%`);
const f = (v) => v.toFixed(3);
const lines = [
  `| dataset | seeds | lost to noise [95%] | gain on - off [95%] | recovered [95% bootstrap] | on - mid [95%] | target (recover >= half) |`,
  '|---|---:|---|---|---|---|---|',
];
let G = 0;
let L = 0;
let M = 0;
let V = 0;
const verdict = (lo, hi) => (lo > 0 ? 'met (95%)' : hi < 0 ? 'missed (95%)' : 'open');
for (const name of datasets) {
  const u = units[name];
  const g = describe(u.map((x) => x.gain));
  const l = describe(u.map((x) => x.loss));
  const m = describe(u.map((x) => x.mid));
  G += g.mean;
  L += l.mean;
  M += m.mean / datasets.length;
  V += (m.sd * m.sd) / u.length / datasets.length ** 2;
  lines.push(
    `| ${name} | ${u.length} | ${f(l.mean)} [${f(l.lo)}, ${f(l.hi)}] | ${f(g.mean)} [${f(g.lo)}, ${f(g.hi)}] | ${p(ratio(g.mean, l.mean))} [${p(pct(boot[name], 0.025))}, ${p(pct(boot[name], 0.975))}] | ${f(m.mean)} [${f(m.lo)}, ${f(m.hi)}] | ${l.lo > 0 ? verdict(m.lo, m.hi) : `loss not significant (${verdict(m.lo, m.hi)})`} |`,
  );
}
const half = 1.96 * Math.sqrt(V);
lines.push(`| **pooled** (datasets weighted equally) | ${datasets.map((d) => units[d].length).join('+')} | ${f(L / datasets.length)} (mean) | ${f(G / datasets.length)} (mean) | ${p(ratio(G, L))} [${p(pct(boot.pooled, 0.025))}, ${p(pct(boot.pooled, 0.975))}] | ${f(M)} [${f(M - half)}, ${f(M + half)}] | ${verdict(M - half, M + half)} |`);
const text = `Noise level ${NOISE}; ${B} bootstrap draws over seeds; "-" = no interval (the loss is <= 0 in more than 2.5% of resamples).\n\n${lines.join('\n')}\n`;
process.stdout.write(text);
if (arg('out')) writeFileSync(arg('out'), text);
