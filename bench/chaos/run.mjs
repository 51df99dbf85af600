// The long reliability run for issue 7 (`npm run chaos`): kills, Ctrl-C, many processes on one
// SQLite file, faulty trials, hostile inputs and fuzzing, model files, reproducibility. Prints the
// figures and writes bench/chaos/RESULTS.md.
//
// usage: npm run build && node bench/chaos/run.mjs [--quick] [--keep] [--only=kill,sigint,multi,faults,inputs,modelfuzz,repro]
// (--keep leaves the scratch folders under the OS temp dir for inspection)
import { writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { ROOT, cleanupScratch } from './common.mjs';
import { cliKillRounds, killRounds } from './kill-resume.mjs';
import { sigintChecks } from './sigint.mjs';
import { multiProcess } from './multi.mjs';
import { arrayBufferGuard, faultyTrials } from './faults.mjs';
import { fuzz, hostileCorpus, modelFiles } from './inputs.mjs';
import { acrossWorkers, modelBased } from './repro.mjs';
import { modelFuzz } from './model-fuzz.mjs';

const args = process.argv.slice(2);
const quick = args.includes('--quick');
const only = args.find((a) => a.startsWith('--only='))?.slice(7).split(',');
const want = (k) => !only || only.includes(k);
const results = {};
const started = Date.now();

async function section(key, title, f) {
  if (!want(key)) return;
  const t0 = Date.now();
  process.stderr.write(`chaos: ${title}...\n`);
  try {
    results[title] = await f();
  } catch (e) {
    results[title] = { error: e instanceof Error ? e.stack : String(e) };
  }
  process.stderr.write(`chaos: ${title} done in ${Math.round((Date.now() - t0) / 1000)} s\n`);
  process.stdout.write(`\n## ${title}\n${JSON.stringify(results[title], null, 2)}\n`);
}

await section('kill', '1. Kill and resume (library study, SQLite)', () => killRounds(quick ? { rounds: 3, trials: 40 } : {}));
await section('kill', '1b. Kill and resume (real CLI: automl search / automl resume)', () => cliKillRounds(quick ? { rounds: 2, trials: 20 } : {}));
await section('sigint', '2. Ctrl-C', () => sigintChecks());
await section('multi', '3. Many processes on one SQLite file', async () => {
  const out = [];
  for (const procs of quick ? [2] : [2, 4, 8]) {
    for (const objectiveMs of [0, 100]) out.push(await multiProcess({ procs, objectiveMs, trials: objectiveMs === 0 ? (quick ? 100 : 400) : (quick ? 30 : 20 * procs * 2) }));
  }
  return out;
});
await section('faults', '4. Faulty trials through the worker pool', () => faultyTrials({ repeats: quick ? 1 : 3 }));
await section('faults', '4b. ArrayBuffer growth (64 MB heap limit)', () => arrayBufferGuard());
await section('inputs', '5. Hostile CSV and search-space files (real CLI)', () => hostileCorpus());
await section('inputs', '5b. Fuzzed datasets (real CLI)', () => fuzz({ n: quick ? 10 : 150 }));
await section('inputs', '7. Model files (automl predict)', () => modelFiles());
await section('modelfuzz', '7b. Model-file fuzzer (load + predict, issue 17)', () => modelFuzz({ cases: quick ? 300 : 2000, seed: 17 }));
await section('repro', '6. Reproducibility across worker counts (real CLI)', () => acrossWorkers());
await section('repro', '6b. Model-based samplers (library)', () => modelBased());

const machine = `${cpus().length} x ${cpus()[0]?.model ?? '?'}, ${Math.round(totalmem() / 2 ** 30)} GB RAM, Node ${process.version}, ${process.platform}`;
const md = [
  '# Chaos run: reliability figures (issue 7)',
  '',
  `- date: ${new Date().toISOString()}`,
  `- machine: ${machine} (shared with other jobs while it ran)`,
  `- command: \`npm run build && node bench/chaos/run.mjs${args.length ? ' ' + args.join(' ') : ''}\``,
  `- wall time: ${Math.round((Date.now() - started) / 1000)} s`,
  '',
  'Raw figures per section (JSON as printed by the run). The findings and what they mean are in',
  '`bench/chaos/FINDINGS.md`.',
  '',
  ...Object.entries(results).flatMap(([title, r]) => [`## ${title}`, '', '```json', JSON.stringify(r, null, 2), '```', '']),
].join('\n');
if (!only && !quick) writeFileSync(join(ROOT, 'bench/chaos/RESULTS.md'), md);
else writeFileSync(join(ROOT, 'bench/chaos/RESULTS-partial.md'), md);
if (!args.includes('--keep')) cleanupScratch();
process.stderr.write(`chaos: done in ${Math.round((Date.now() - started) / 1000)} s\n`);
