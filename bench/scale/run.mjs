// Scale bench (issue #22): load time and peak RSS of loadDataset against pandas.read_csv on the
// same seeded synthetic files, each load in its own process; and the peak RSS of a 60 s search
// with 1, 2, 4 and 8 workers. Build first (npm run build). Takes minutes at 1M rows: run it on a
// quiet machine.
//   node bench/scale/run.mjs load [rows...]      default rows: 10000 100000 1000000
//   node bench/scale/run.mjs search [rows] [workers...]   default 100000 rows, workers 1 2 4 8
//   (SCALE_SEARCH_TIME=10s shortens the search, to try the script)
// Files are generated once into $SCALE_DATA (default <tmpdir>/automl-scale), never committed.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { generate } from './gen.mjs';

const here = new URL('.', import.meta.url).pathname;
const dataDir = process.env.SCALE_DATA ?? join(tmpdir(), 'automl-scale');
const PY = process.env.PYTHON ?? '/usr/bin/python3';
const PY_ENV = { ...process.env, LD_LIBRARY_PATH: process.env.LD_LIBRARY_PATH ?? '/usr/lib/x86_64-linux-gnu/openblas-pthread' };

async function dataFile(rows) {
  mkdirSync(dataDir, { recursive: true });
  const f = join(dataDir, `scale-${rows}.csv`);
  if (!existsSync(f)) await generate(rows, f, 1);
  return f;
}

function child(cmd, args, env = process.env) {
  const out = execFileSync(cmd, args, { env, encoding: 'utf8', maxBuffer: 1 << 24 });
  return JSON.parse(out.trim().split('\n').pop());
}

async function load(sizes) {
  console.log(`load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  console.log('rows      | automl s (cpu) | automl MB | pandas s (cpu) | pandas MB | wall ratio | cpu ratio');
  for (const rows of sizes) {
    const f = await dataFile(rows);
    const a = child(process.execPath, [join(here, 'load-child.mjs'), f, 'label']);
    let p = null;
    try {
      p = child(PY, [join(here, 'pandas_load.py'), f], PY_ENV);
    } catch (e) {
      console.error(`pandas failed: ${e.message.split('\n')[0]}`);
    }
    const ratio = p ? (a.seconds / p.seconds).toFixed(2) : 'n/a';
    const cpuRatio = p ? (a.cpuSeconds / p.cpuSeconds).toFixed(2) : 'n/a';
    const t = (r) => `${r.seconds.toFixed(2)} (${r.cpuSeconds.toFixed(2)})`.padStart(14);
    console.log(`${String(rows).padEnd(9)} | ${t(a)} | ${String(a.maxRssMB).padStart(9)} | ${p ? t(p) : 'n/a'.padStart(14)} | ${p ? String(p.maxRssMB).padStart(9) : 'n/a'.padStart(9)} | ${ratio.padStart(10)} | ${cpuRatio}`);
  }
  console.log(`load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
}

async function searchRss(rows, workers) {
  const f = await dataFile(rows);
  const time = process.env.SCALE_SEARCH_TIME ?? '60s';
  console.log(`${time} search on ${rows} rows; load average ${loadavg().map((x) => x.toFixed(1)).join(' ')}`);
  console.log('workers | peak RSS MB (process: main + worker threads) | trials complete/pruned | wall s');
  for (const w of workers) {
    const tmp = mkdtempSync(join(tmpdir(), 'automl-scale-search-'));
    try {
      const timeOut = join(tmp, 'time.txt');
      const cli = join(here, '../../dist/cli/main.js');
      const args = ['-v', '-o', timeOut, process.execPath, cli, 'search', f, '--target', 'label', '--time', time, '--workers', String(w), '--storage', `sqlite:${join(tmp, 's.db')}`, '--out', join(tmp, 'm.json'), '--json', '--quiet'];
      const t0 = performance.now();
      const out = execFileSync('/usr/bin/time', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 });
      const wall = (performance.now() - t0) / 1000;
      const kb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(readFileSync(timeOut, 'utf8'))?.[1]);
      const result = JSON.parse(out);
      console.log(`${String(w).padStart(7)} | ${String(Math.round(kb / 1024)).padStart(44)} | ${`${result.trials?.complete ?? '?'}/${result.trials?.pruned ?? '?'}`.padStart(22)} | ${wall.toFixed(1)}`);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  }
}

const [mode = 'load', ...rest] = process.argv.slice(2);
if (mode === 'load') await load(rest.length ? rest.map(Number) : [10_000, 100_000, 1_000_000]);
else if (mode === 'search') await searchRss(Number(rest[0] ?? 100_000), rest.length > 1 ? rest.slice(1).map(Number) : [1, 2, 4, 8]);
else {
  console.error('usage: node bench/scale/run.mjs load [rows...] | search [rows] [workers...]');
  process.exit(2);
}
