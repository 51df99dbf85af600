#!/usr/bin/env node
// Sampler benchmark: random, TPE and GP (this engine) against Optuna's default TPESampler on six
// test functions; best value after 25/50/100 trials over many seeds; time per ask.
//
//   npm run build && node bench/samplers/run.mjs [--seeds 20] [--trials 100] [--gp-seeds 20]
//        [--problems branin,mixed] [--no-optuna] [--no-timing] [--dist <compiled src dir>]
//
// Optuna runs through /usr/bin/python3 (Debian python3-optuna) in a child process, in parallel
// with the JS runs, on the same functions (optuna_tpe.py) and seeds. Raw traces go to bench/out/.
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { problems } from './functions.mjs';
import { drive } from './drive.mjs';
import { timeAsk } from './timing.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const opt = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : dflt;
};
const flag = (name) => args.includes(`--${name}`);
const dist = resolve(opt('dist', join(here, '../../dist')));
const load = (p) => import(pathToFileURL(join(dist, p)).href);
const S = await load('space/index.js');
const { trialRng } = await load('util/rng.js');
const { RandomSampler } = await load('samplers/random.js');
const { TpeSampler } = await load('samplers/tpe.js');
const { GpSampler } = await load('samplers/gp.js');

const seeds = Number(opt('seeds', 20));
const trials = Number(opt('trials', 100));
const gpSeeds = Number(opt('gp-seeds', seeds));
const all = problems(S);
const chosen = opt('problems', all.map((p) => p.name).join(',')).split(',');
const probs = all.filter((p) => chosen.includes(p.name));

const quantile = (xs, q) => {
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  return s[lo] + (s[Math.min(lo + 1, s.length - 1)] - s[lo]) * (pos - lo);
};
const fmt = (v) => (Math.abs(v) >= 100 ? v.toFixed(1) : Math.abs(v) >= 1 ? v.toFixed(3) : v.toFixed(4));
const cell = (runs, k) => {
  const vals = runs.map((r) => r[Math.min(k, r.length) - 1]);
  return `${fmt(quantile(vals, 0.5))} [${fmt(quantile(vals, 0.25))}, ${fmt(quantile(vals, 0.75))}]`;
};

let optuna = Promise.resolve(null);
if (!flag('no-optuna')) {
  optuna = new Promise((res) => {
    const cfg = JSON.stringify({ problems: probs.map((p) => p.name), seeds, trials });
    const child = spawn('/usr/bin/python3', [join(here, 'optuna_tpe.py'), cfg], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    child.on('close', (code) => res(code === 0 ? JSON.parse(out) : null));
    child.on('error', () => res(null));
  });
}

const results = {};
const seconds = {};
for (const p of probs) {
  results[p.name] = {};
  for (const [name, make, nSeeds] of [
    ['random', () => new RandomSampler(), seeds],
    ['tpe', () => new TpeSampler(), seeds],
    ['gp', () => new GpSampler(), gpSeeds],
  ]) {
    const t0 = performance.now();
    results[p.name][name] = Array.from({ length: nSeeds }, (_, s) => Array.from(drive(make(), p, s, trials, trialRng)));
    seconds[`${p.name}/${name}`] = (performance.now() - t0) / 1000;
    process.stderr.write(`${p.name} ${name}: ${seconds[`${p.name}/${name}`].toFixed(1)} s\n`);
  }
}
const opt_ = await optuna;
if (opt_) for (const p of probs) results[p.name]['optuna-tpe'] = opt_[p.name];

const lines = [];
const ks = [25, 50, 100].filter((k) => k <= trials);
lines.push(`Best value so far (median [Q1, Q3]) over ${seeds} seeds (GP: ${gpSeeds}); lower is better.\n`);
for (const p of probs) {
  lines.push(`#### ${p.name} (optimum ${fmt(p.optimum)})\n`);
  lines.push(`| sampler | ${ks.map((k) => `after ${k}`).join(' | ')} |`);
  lines.push(`|---|${ks.map(() => '---').join('|')}|`);
  for (const [name, runs] of Object.entries(results[p.name])) lines.push(`| ${name} | ${ks.map((k) => cell(runs, k)).join(' | ')} |`);
  lines.push('');
}
if (opt_ && trials >= 100) {
  let wins = 0;
  lines.push('#### TPE vs Optuna TPE: median best after 100 trials\n');
  lines.push('| problem | tpe | optuna-tpe | tpe at least as good |');
  lines.push('|---|---|---|---|');
  for (const p of probs) {
    const a = quantile(results[p.name].tpe.map((r) => r[99]), 0.5);
    const b = quantile(results[p.name]['optuna-tpe'].map((r) => r[99]), 0.5);
    if (a <= b) wins++;
    lines.push(`| ${p.name} | ${fmt(a)} | ${fmt(b)} | ${a <= b ? 'yes' : 'no'} |`);
  }
  lines.push(`\nTPE at least as good on ${wins} of ${probs.length}.\n`);
}
const gpAt = (name, k) => (results[name]?.gp ? quantile(results[name].gp.map((r) => r[k - 1]), 0.5) : NaN);
if (trials >= 60) lines.push(`GP median best: Branin after 35 trials ${fmt(gpAt('branin', 35))} (target <= 0.40); Hartmann-6 after 60 trials ${fmt(gpAt('hartmann6', 60))} (target <= -3.29).\n`);

if (!flag('no-timing')) {
  lines.push('#### Time per ask (10 float dims, history of N COMPLETE trials)\n');
  lines.push('| sampler | N | wall median (ms) | CPU mean (ms) |');
  lines.push('|---|---|---|---|');
  for (const n of [100, 1000, 10000]) {
    const r = timeAsk(S, trialRng, () => new TpeSampler(), n, 50);
    lines.push(`| tpe | ${n} | ${r.wall.toFixed(2)} | ${r.cpu.toFixed(2)} |`);
  }
  for (const n of [100, 500, 1000]) {
    const r = timeAsk(S, trialRng, () => new GpSampler(), n, 10);
    lines.push(`| gp | ${n} | ${r.wall.toFixed(1)} | ${r.cpu.toFixed(1)} |`);
  }
  lines.push('');
}
lines.push(`Seconds per sampler run set: ${Object.entries(seconds).map(([k, v]) => `${k} ${v.toFixed(1)}`).join(', ')}`);
const outDir = join(here, '../out');
mkdirSync(outDir, { recursive: true });
writeFileSync(join(outDir, 'samplers.json'), JSON.stringify({ seeds, gpSeeds, trials, results }));
console.log(lines.join('\n'));
