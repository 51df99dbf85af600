// node bench/portfolio/lodo-pool.mjs bench/portfolio/results/lodo-60s-seed0.json bench/portfolio/results/lodo-60s-seed1.json  (needs npm run build)
// Pools lodo.mjs outputs of several seeds: per checkpoint, wins/losses/ties over (dataset, seed)
// pairs, the mean paired difference, and a 95% bootstrap resampling datasets (each with all its seeds).
import { createRng } from '../../dist/util/rng.js';
import { clusterBootstrap, readLodo } from './lodo-runs.mjs';
const { runs, byDataset } = readLodo(process.argv.slice(2));
const at = runs[0].at;
const names = [...byDataset.keys()];
const rng = createRng('bench/portfolio/lodo-pool');
for (const t of at) {
  const per = names.map((n) => byDataset.get(n).filter((r) => r.portfolio.scores[t] != null && r.warm.scores[t] != null).map((r) => r.portfolio.scores[t] - r.warm.scores[t]));
  const all = per.flat();
  const mean = all.reduce((s, x) => s + x, 0) / all.length;
  const wins = all.filter((d) => d > 0.002).length, losses = all.filter((d) => d < -0.002).length;
  const [lo, hi] = clusterBootstrap(per, rng);
  console.log(`at ${t} s: ${all.length} runs (${names.length} datasets x ${runs.length} seeds): portfolio wins ${wins}, losses ${losses}, ties ${all.length - wins - losses}; mean ${mean >= 0 ? '+' : ''}${mean.toFixed(4)} (95% bootstrap over datasets ${lo.toFixed(4)} to ${hi.toFixed(4)})`);
}
