// Per-trial overhead of the search loop (ask + tell + persist) with a no-op objective.
//
// usage: npm run build && node bench/overhead/run.mjs [--no-optuna] [--optuna-10k]
//
// Measures, at 1,000 and 10,000 trials:
// - storage: startTrial + setTrialParams + finishTrial, in memory and on SQLite (file on disk);
// - study:   study.ask() + study.tell(trial, 0) through createStudy (random sampler, one float),
//            when dist/study is built;
// - Optuna:  study.optimize with a no-op objective, random sampler, RDB storage on SQLite and in
//            memory (python3-optuna), side by side, when python3 can import optuna.
// Prints a markdown table; each figure is the median of the repeats, in ms per trial.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const dist = join(here, '..', '..', 'dist');
const args = new Set(process.argv.slice(2));
const work = mkdtempSync(join(tmpdir(), 'automl-overhead-'));
let fileNo = 0;
const freshDb = () => join(work, `b${fileNo++}.db`);

const { MemoryStorage } = await import(join(dist, 'storage', 'memory.js'));
const { SqliteStorage } = await import(join(dist, 'storage', 'sqlite.js'));

async function storageLoop(storage, n) {
  const st = await storage.createStudy({ name: 'bench', direction: 'minimize', space: {}, seed: 1, sampler: 'random' });
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const t = await storage.startTrial(st.id, { worker: 'bench:1:x', maxTrials: n });
    await storage.setTrialParams(st.id, t.number, { x: i / n });
    await storage.finishTrial(st.id, t.number, { state: 'COMPLETE', value: 0 });
  }
  const ms = performance.now() - t0;
  if ((await storage.startTrial(st.id, { worker: 'bench:1:x', maxTrials: n })) !== null) throw new Error('budget not enforced');
  await storage.close();
  return ms / n;
}

let studyApi = null;
try {
  const study = await import(join(dist, 'study', 'index.js'));
  const sp = await import(join(dist, 'space', 'index.js'));
  studyApi = { createStudy: study.createStudy, space: sp.space, float: sp.float };
} catch (e) {
  console.error(`(study benchmark skipped: ${e.message})`);
}

async function studyLoop(storageUrl, n) {
  const { createStudy, space, float } = studyApi;
  const study = await createStudy({ name: 'bench', space: space({ x: float(0, 1) }), sampler: 'random', seed: 1, storage: storageUrl });
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    const trial = await study.ask({ maxTrials: n });
    await study.tell(trial, 0);
  }
  const ms = performance.now() - t0;
  await study.close();
  return ms / n;
}

function optunaLoop(url, n) {
  const out = execFileSync(python, [join(here, 'optuna_overhead.py'), url, String(n)], { encoding: 'utf8' });
  const r = JSON.parse(out.trim().split('\n').pop());
  optunaVersion = r.optuna;
  return (r.seconds * 1000) / n;
}
let optunaVersion = null;
// Debian's python3-optuna lives in /usr/bin/python3, which a pyenv shim may hide; OPTUNA_PYTHON overrides.
let python = null;
if (!args.has('--no-optuna')) {
  for (const candidate of [process.env.OPTUNA_PYTHON, 'python3', '/usr/bin/python3'].filter(Boolean)) {
    try {
      execFileSync(candidate, ['-c', 'import optuna'], { stdio: 'ignore' });
      python = candidate;
      break;
    } catch {
      // try the next interpreter
    }
  }
  if (!python) console.error('(Optuna comparison skipped: no python3 can import optuna)');
}
const haveOptuna = python !== null;

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
async function measure(label, n, repeats, fn) {
  // A short discarded run first, so JIT warm-up and first-open costs are not charged to the figure.
  if (!label.startsWith('Optuna')) await fn(200);
  const runs = [];
  for (let r = 0; r < repeats; r++) runs.push(await fn(n));
  const row = { label, n, ms: median(runs), runs };
  console.error(`${label} n=${n}: ${row.ms.toFixed(4)} ms/trial (runs ${runs.map((x) => x.toFixed(4)).join(', ')})`);
  return row;
}

const rows = [];
for (const n of [1000, 10000]) {
  const repeats = n === 1000 ? 5 : 3;
  rows.push(await measure('storage, memory', n, repeats, (k) => storageLoop(new MemoryStorage(), k)));
  rows.push(await measure('storage, SQLite file', n, repeats, async (k) => storageLoop(await SqliteStorage.open(freshDb()), k)));
  if (n === 1000) {
    const full = async (k) => storageLoop(await SqliteStorage.open(freshDb(), { synchronous: 'full' }), k);
    rows.push(await measure('storage, SQLite file, synchronous=FULL', n, 1, full));
  }
  if (studyApi) {
    rows.push(await measure('study ask+tell, memory', n, repeats, (k) => studyLoop('memory:', k)));
    rows.push(await measure('study ask+tell, SQLite file', n, repeats, (k) => studyLoop(`sqlite:${freshDb()}`, k)));
  }
  if (haveOptuna) {
    rows.push(await measure('Optuna optimize, in-memory', n, 3, (k) => optunaLoop('memory', k)));
    // One run, and 10,000 only on request: Optuna takes tens of ms per trial on SQLite.
    if (n === 1000 || args.has('--optuna-10k')) {
      rows.push(await measure('Optuna optimize, RDB SQLite file', n, 1, (k) => optunaLoop(`sqlite:///${freshDb()}`, k)));
    }
  }
}
rmSync(work, { recursive: true, force: true });

console.log(`Date: ${new Date().toISOString()}  `);
console.log(`Machine: ${cpus().length} x ${cpus()[0]?.model ?? '?'}, Node ${process.version}, ${process.platform}${optunaVersion ? `, Optuna ${optunaVersion}` : ''}  `);
console.log(`Command: node bench/overhead/run.mjs ${process.argv.slice(2).join(' ')}\n`);
console.log('| what | trials | ms per trial (median) | runs |');
console.log('|---|---:|---:|---|');
for (const r of rows) console.log(`| ${r.label} | ${r.n} | ${r.ms.toFixed(4)} | ${r.runs.map((x) => x.toFixed(4)).join(', ')} |`);
