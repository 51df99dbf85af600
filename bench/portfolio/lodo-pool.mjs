// node bench/portfolio/lodo-pool.mjs bench/portfolio/results/lodo-60s-seed0.json bench/portfolio/results/lodo-60s-seed1.json  (needs npm run build)
// Pools lodo.mjs outputs of several seeds: per checkpoint, wins/losses/ties over (dataset, seed)
// pairs, the mean paired difference, and a 95% bootstrap resampling datasets (each with all its seeds).
import { readFileSync } from 'node:fs';
import { createRng } from '../../dist/util/rng.js';
const files = process.argv.slice(2);
const runs = files.map((f) => JSON.parse(readFileSync(f, 'utf8')));
const at = runs[0].at;
const byDataset = new Map();
for (const r of runs) for (const row of r.rows) (byDataset.get(row.dataset) ?? byDataset.set(row.dataset, []).get(row.dataset)).push(row);
const names = [...byDataset.keys()];
const rng = createRng('bench/portfolio/lodo-pool');
for (const t of at) {
  const per = names.map((n) => byDataset.get(n).filter((r) => r.portfolio.scores[t] != null && r.warm.scores[t] != null).map((r) => r.portfolio.scores[t] - r.warm.scores[t]));
  const all = per.flat();
  const mean = all.reduce((s, x) => s + x, 0) / all.length;
  const wins = all.filter((d) => d > 0.002).length, losses = all.filter((d) => d < -0.002).length;
  const boot = [];
  for (let b = 0; b < 10000; b++) {
    let s = 0, n = 0;
    for (let i = 0; i < names.length; i++) for (const d of per[Math.floor(rng.next() * names.length)]) (s += d, n++);
    boot.push(s / n);
  }
  boot.sort((x, y) => x - y);
  console.log(`at ${t} s: ${all.length} runs (${names.length} datasets x ${runs.length} seeds): portfolio wins ${wins}, losses ${losses}, ties ${all.length - wins - losses}; mean ${mean >= 0 ? '+' : ''}${mean.toFixed(4)} (95% bootstrap over datasets ${boot[250].toFixed(4)} to ${boot[9749].toFixed(4)})`);
}
