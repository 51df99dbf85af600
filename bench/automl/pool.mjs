// Pools several bench/automl/run.mjs outputs (different seeds) into one comparison: per dataset,
// the mean test score of each tool over the seeds, the winner (a tie when the means differ by at
// most --tie), and over all runs the per-run wins, the mean difference with a 95% bootstrap
// interval (runs resampled within each dataset, datasets kept) and a two-sided sign test.
//
//   node bench/automl/pool.mjs bench/automl/RESULTS.json bench/automl/RESULTS-37e4351-seed2.json ... [--tie 0.005]
//       [--ours variant.json,...]
// Needs a build (npm run build). Prints markdown. The seeds are taken from the files; a (dataset, seed) pair seen twice is an error.
// With --ours, automl's figures come from those files instead (e.g. a --skip-peer run of a variant
// on the same seeds, hence the same splits), the peer's from the positional files.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createRng } from '../../dist/util/rng.js';

const { values: opt, positionals: files } = parseArgs({ allowPositionals: true, options: { tie: { type: 'string', default: '0.005' }, ours: { type: 'string' } } });
if (files.length === 0) {
  console.error('usage: node bench/automl/pool.mjs <run.json> [<run.json> ...] [--tie 0.005]');
  process.exit(2);
}
const tie = Number(opt.tie);
const variant = new Map();
for (const f of opt.ours ? opt.ours.split(',') : []) {
  for (const r of JSON.parse(readFileSync(f, 'utf8')).rows) {
    const key = `${r.name}/${r.seed}`;
    if (variant.has(key)) throw new Error(`${f}: ${key} is also in an earlier --ours file`);
    variant.set(key, r.ours);
  }
}
const byName = new Map();
const seen = new Set();
for (const f of files) {
  for (const r of JSON.parse(readFileSync(f, 'utf8')).rows) {
    const key = `${r.name}/${r.seed}`;
    if (seen.has(key)) throw new Error(`${f}: ${key} is also in an earlier file`);
    seen.add(key);
    if (opt.ours && !variant.has(key)) {
      console.error(`${key}: not in the --ours files; left out`);
      continue;
    }
    const oursRun = opt.ours ? variant.get(key) : r.ours;
    const ours = oursRun?.testScore;
    const peer = r.peer?.testScore;
    if (typeof ours !== 'number' || typeof peer !== 'number') {
      console.error(`${f}: ${key} has no test score for ${typeof ours !== 'number' ? 'automl' : 'the peer'}; left out`);
      continue;
    }
    if (!byName.has(r.name)) byName.set(r.name, []);
    byName.get(r.name).push({ seed: r.seed, ours, peer, oursTrials: oursRun.trials?.complete ?? 0, peerTrials: r.peer.trials?.complete ?? 0 });
  }
}

// The project's seeded generator, so the interval is the same on every run of this script.
const rng = createRng('bench/automl/pool');
const rand = () => rng.next();
const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const fmt = (x, d = 4) => (x >= 0 ? '+' : '') + x.toFixed(d);

const rows = [];
let wins = 0, losses = 0, ties = 0, runWins = 0, runLosses = 0, runTies = 0;
const diffs = [];
for (const [name, runs] of byName) {
  const o = mean(runs.map((r) => r.ours));
  const p = mean(runs.map((r) => r.peer));
  const d = o - p;
  const w = runs.filter((r) => r.ours - r.peer > tie).length;
  const l = runs.filter((r) => r.peer - r.ours > tie).length;
  runWins += w;
  runLosses += l;
  runTies += runs.length - w - l;
  const winner = Math.abs(d) <= tie ? 'tie' : d > 0 ? 'automl' : 'peer';
  if (winner === 'tie') ties++;
  else if (winner === 'automl') wins++;
  else losses++;
  diffs.push(runs.map((r) => r.ours - r.peer));
  rows.push(`| ${name} | ${runs.length} | ${o.toFixed(4)} | ${p.toFixed(4)} | ${fmt(d)} | ${w}/${l}/${runs.length - w - l} | ${winner} |`);
}
const all = diffs.flat();
// Bootstrap: resample the runs of each dataset with replacement, average over all runs.
const B = 10000;
const boot = [];
for (let b = 0; b < B; b++) {
  let s = 0, n = 0;
  for (const ds of diffs) for (let i = 0; i < ds.length; i++, n++) s += ds[Math.floor(rand() * ds.length)];
  boot.push(s / n);
}
boot.sort((a, b) => a - b);
// Sign test over runs that are not ties: P(X >= max) under Binomial(n, 1/2), two-sided.
const n = runWins + runLosses;
const k = Math.max(runWins, runLosses);
let tail = 0;
for (let i = k; i <= n; i++) {
  let c = 1;
  for (let j = 0; j < i; j++) c = (c * (n - j)) / (j + 1);
  tail += c / 2 ** n;
}
const seeds = [...new Set([...byName.values()].flatMap((r) => r.map((x) => x.seed)))].sort((a, b) => a - b);
console.log(`Pooled over seeds ${seeds.join(', ')} (${all.length} runs, ${byName.size} datasets; a tie when |diff| <= ${tie}):\n`);
console.log('| dataset | runs | automl | peer | automl - peer | per-run wins automl/peer/tie | winner |');
console.log('|---|---:|---:|---:|---:|---|---|');
for (const r of rows) console.log(r);
console.log('');
console.log(`- per dataset (mean over seeds): automl ahead on ${wins}, the peer on ${losses}, ${ties} ties`);
console.log(`- per run: automl ahead in ${runWins}, the peer in ${runLosses}, ${runTies} ties; sign test on the ${n} decided runs p = ${Math.min(1, 2 * tail).toFixed(3)}`);
console.log(`- mean difference per run ${fmt(mean(all))}, 95% bootstrap interval [${fmt(boot[Math.floor(0.025 * B)])}, ${fmt(boot[Math.floor(0.975 * B)])}]`);
const oT = [...byName.values()].flat().reduce((a, r) => a + r.oursTrials, 0);
const pT = [...byName.values()].flat().reduce((a, r) => a + r.peerTrials, 0);
console.log(`- complete trials: automl ${oT.toLocaleString('en')}, peer ${pT.toLocaleString('en')}`);
