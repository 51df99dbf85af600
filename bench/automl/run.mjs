#!/usr/bin/env node
/**
 * bench/automl: `automl search` against Optuna + scikit-learn (bench/automl/peer.py) on every
 * bundled dataset, with the same train/test split, the same CV folds and the same wall-clock
 * budget, one tool after the other on the same machine. See README.md here.
 *
 *   npm run build && node bench/automl/run.mjs [--datasets iris,wine] [--time 60] [--seed 0]
 *       [--cv 5] [--workers 2] [--no-prune] [--skip-peer] [--peer-prune] [--strategy tpe]
 *       [--python /usr/bin/python3] [--out bench/automl/RESULTS.md] [--keep]
 *       [--seeds 0,1,2] [--models a,b] [--no-ensemble] [--no-recheck] [--no-warm-start] [--fixed-folds] [--also-single]
 */
import { spawn, execSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { cpus, freemem, totalmem, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadDataset, readCsv, isMissing } from '../../dist/data/index.js';
import { kFold, stratifiedKFold, trainTestSplit } from '../../dist/evaluation/splitters.js';
import { createRng, deriveSeed } from '../../dist/util/rng.js';
import { composeSpaceJSON, defaultSpace, resolveModels } from '../../dist/automl/spaces.js';
import { getModel } from '../../dist/models/registry.js';
import { DATASETS, MEDIUM, SMALL } from './datasets.mjs';

const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../..');
const CLI = join(ROOT, 'dist/cli/main.js');

/** Test scores closer than this are a tie. */
const TIE = 0.005;

const { values: opt } = parseArgs({
  options: {
    datasets: { type: 'string' },
    time: { type: 'string', default: '60' },
    seed: { type: 'string', default: '0' },
    seeds: { type: 'string' },
    models: { type: 'string' },
    'no-ensemble': { type: 'boolean', default: false },
    'no-warm-start': { type: 'boolean', default: false },
    'no-recheck': { type: 'boolean', default: false },
    'fixed-folds': { type: 'boolean', default: false },
    'also-single': { type: 'boolean', default: false },
    cv: { type: 'string', default: '5' },
    'ours-auto-validation': { type: 'boolean', default: false },
    workers: { type: 'string', default: '2' },
    'no-prune': { type: 'boolean', default: false },
    'skip-peer': { type: 'boolean', default: false },
    'peer-prune': { type: 'boolean', default: false },
    strategy: { type: 'string' },
    'registry-space': { type: 'boolean', default: false },
    python: { type: 'string', default: '/usr/bin/python3' },
    out: { type: 'string', default: join(HERE, 'RESULTS.md') },
    keep: { type: 'boolean', default: false },
  },
});
const time = Number(opt.time);
const seeds = (opt.seeds ?? opt.seed).split(',').map((x) => Number(x.trim()));
for (const s of seeds) if (!Number.isInteger(s) || s < 0) throw new Error(`--seeds: integers >= 0, got ${opt.seeds}`);
const cv = Number(opt.cv);
const workers = Number(opt.workers);
for (const [k, v] of [['time', time], ['cv', cv], ['workers', workers]]) {
  if (!Number.isFinite(v) || v < 0) throw new Error(`--${k} must be a non-negative number, got ${opt[k]}`);
}
// Group names: small (the 14 bundled, the default), medium (the nine shared medium ones), all.
const GROUPS = { small: SMALL, medium: MEDIUM, all: DATASETS };
const wanted = (opt.datasets ?? 'small').split(',').map((s) => s.trim()).flatMap((w) => (GROUPS[w] ? GROUPS[w].map((d) => d[0]) : [w]));
const SHARED = process.env.AUTOML_SHARED_DATASETS ?? resolve(HERE, '../../../shared/datasets');
for (const w of wanted) if (!DATASETS.some((d) => d[0] === w)) throw new Error(`unknown dataset ${w}; known: ${DATASETS.map((d) => d[0]).join(', ')}`);

/** RFC 4180 quoting; values are written exactly as the original file's parser returned them. */
function csvField(v) {
  return /[",\r\n]|^\s|\s$/.test(v) ? `"${v.replaceAll('"', '""')}"` : v;
}
function writeCsv(file, header, rows) {
  writeFileSync(file, [header, ...rows].map((r) => r.map(csvField).join(',')).join('\n') + '\n');
}

function run(cmd, args, env = {}) {
  return new Promise((resolveRun) => {
    const t0 = performance.now();
    const child = spawn(cmd, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolveRun({ code, stdout, stderr, seconds: (performance.now() - t0) / 1000 }));
  });
}

/** Writes train.csv / test.csv and folds.json for one dataset; returns what both tools need. */
function prepare(name, target, folder, dir, seed) {
  const file = folder ? join(SHARED, folder, `${name}.csv`) : join(ROOT, 'datasets', `${name}.csv`);
  const csv = readCsv(file);
  const tj = csv.header.indexOf(target);
  if (tj < 0) throw new Error(`${file}: no column ${target}`);
  // Rows with a missing target are dropped by the loader; drop them here too so that dataset row i
  // is line i of train.csv for the peer.
  const keep = csv.rows.map((_, i) => i).filter((i) => !isMissing(csv.rows[i][tj]));
  const ds = loadDataset(file, { target, folds: cv });
  if (ds.nRows !== keep.length) throw new Error(`${name}: loader kept ${ds.nRows} rows, expected ${keep.length}`);
  const task = ds.target.task;
  // The split automl itself would hold out with this seed (src/tabular/search.ts prepareData).
  const stratify = task === 'classification' ? ds.target.values : undefined;
  const split = trainTestSplit(ds.nRows, 0.2, createRng(deriveSeed(seed, 'holdout')).uint32(), stratify);
  const trainFile = join(dir, 'train.csv');
  const testFile = join(dir, 'test.csv');
  writeCsv(trainFile, csv.header, [...split.train].map((i) => csv.rows[keep[i]]));
  writeCsv(testFile, csv.header, [...split.test].map((i) => csv.rows[keep[i]]));
  // The folds runSearch builds on the searched rows (all of train.csv when --test is given).
  const tr = loadDataset(trainFile, { target, folds: cv });
  if (tr.nRows !== split.train.length) throw new Error(`${name}: train.csv loads as ${tr.nRows} rows, wrote ${split.train.length}`);
  const foldSeed = createRng(deriveSeed(seed, 'folds')).uint32();
  const folds = task === 'classification' ? stratifiedKFold(tr.target.values, cv, foldSeed) : kFold(tr.nRows, cv, foldSeed);
  const foldsFile = join(dir, 'folds.json');
  writeFileSync(foldsFile, JSON.stringify(folds.map((f) => ({ train: [...f.train], test: [...f.test] }))));
  return { task, metric: task === 'classification' ? 'accuracy' : 'r2', trainFile, testFile, foldsFile, nTrain: split.train.length, nTest: split.test.length, features: tr.features.length, classes: tr.target.classes?.length ?? null };
}

async function runOurs(name, target, p, dir, seed) {
  const db = join(dir, 's.db');
  const args = [CLI, 'search', p.trainFile, '--target', target, '--test', p.testFile, '--time', String(time), '--seed', String(seed),
    '--workers', String(workers), '--json', '--storage', `sqlite:${db}`, '--quiet', '--study', name, '--out', join(dir, 'model.json')];
  // By default automl cross-validates on the peer's number of folds; with --ours-auto-validation
  // it picks its own validation (one holdout split with row rungs from 10,000 searched rows).
  if (!opt['ours-auto-validation']) args.push('--cv', String(cv));
  if (opt['no-prune']) args.push('--no-prune');
  if (opt['no-ensemble']) args.push('--no-ensemble');
  if (opt['no-warm-start']) args.push('--no-warm-start');
  if (opt['no-recheck']) args.push('--no-recheck');
  if (opt['fixed-folds']) args.push('--fixed-folds');
  // --models may mix families of both tasks: each dataset gets the ones that support its task.
  if (opt.models) args.push('--models', opt.models.split(',').filter((m) => getModel(m.trim()).tasks.includes(p.task)).join(','));
  if (opt.strategy) args.push('--strategy', opt.strategy);
  if (opt['registry-space']) {
    // Every default family registered in this build, whether or not default.json was regenerated.
    const spaceFile = join(dir, 'space.json');
    writeFileSync(spaceFile, JSON.stringify(composeSpaceJSON(resolveModels(p.task))));
    args.push('--space', spaceFile);
  }
  const r = await run(process.execPath, args);
  if (r.code !== 0) return { error: `exit ${r.code}: ${(r.stderr || r.stdout).trim().split('\n').slice(-3).join(' | ')}`, seconds: r.seconds };
  const res = JSON.parse(r.stdout);
  // The same study's best single pipeline, refit alone (no new trial runs: the budget is spent).
  let singleTestScore = null;
  if (opt['also-single'] && res.ensemble) {
    const one = await run(process.execPath, [CLI, 'resume', res.study, '--storage', `sqlite:${db}`, '--trials', '1', '--no-ensemble', '--json', '--quiet', '--out', join(dir, 'single.json')]);
    singleTestScore = one.code === 0 ? JSON.parse(one.stdout).testScore : null;
  } else if (opt['also-single']) singleTestScore = res.testScore;
  const t = await run(process.execPath, [CLI, 'trials', res.study, '--storage', `sqlite:${db}`, '--json']);
  const trials = JSON.parse(t.stdout);
  let foldFits = 0;
  let saved = 0;
  let interrupted = 0;
  let rungTrials = 0;
  const families = {};
  const failReasons = {};
  for (const tr of trials) {
    foldFits += tr.foldScores.length;
    if (tr.state === 'PRUNED' && tr.trainRows === undefined) saved += cv - tr.foldScores.length;
    if (tr.trainRows !== undefined) rungTrials++;
    if (tr.state === 'COMPLETE') families[tr.config.model.type] = (families[tr.config.model.type] ?? 0) + 1;
    if (tr.state === 'FAIL') {
      if (tr.failKind === 'interrupted') interrupted++;
      else failReasons[tr.failReason] = (failReasons[tr.failReason] ?? 0) + 1;
    }
  }
  return {
    trials: { complete: res.trials.complete, pruned: res.trials.pruned, failed: res.trials.failed, interrupted },
    foldFits,
    foldFitsSaved: saved,
    rungTrials,
    best: res.best,
    bestFamily: res.best?.config?.model?.type ?? null,
    testScore: res.testScore,
    singleTestScore,
    ensemble: res.ensemble ? { members: res.ensemble.members.length, cvScore: res.ensemble.cvScore, bestSingleCvScore: res.ensemble.bestSingleCvScore } : null,
    recheck: res.recheck ?? null,
    modelTrials: res.modelTrials ?? null,
    families,
    failReasons,
    seconds: r.seconds,
  };
}

async function runPeer(target, p, seed) {
  const args = [join(HERE, 'peer.py'), '--train', p.trainFile, '--test', p.testFile, '--target', target, '--task', p.task, '--folds', p.foldsFile,
    '--time', String(time), '--seed', String(seed), '--jobs', String(workers)];
  if (opt['peer-prune']) args.push('--prune');
  // One thread per trial, as each automl worker: HistGradientBoosting would otherwise start an
  // OpenMP team per trial on top of Optuna's n_jobs threads.
  const r = await run(opt.python, args, { OMP_NUM_THREADS: '1', OPENBLAS_NUM_THREADS: '1', MKL_NUM_THREADS: '1' });
  if (r.code !== 0) return { error: `exit ${r.code}: ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`, seconds: r.seconds };
  return { ...JSON.parse(r.stdout.trim().split('\n').pop()), seconds: r.seconds };
}

const f3 = (v) => (v === null || v === undefined ? '-' : v.toFixed(3));
function winner(o, q) {
  if (o.error || o.testScore == null) return q.error || q.testScore == null ? '-' : 'peer';
  if (q.error || q.testScore == null) return 'ours';
  if (Math.abs(o.testScore - q.testScore) <= TIE) return 'tie';
  return o.testScore > q.testScore ? 'ours' : 'peer';
}
function sh(cmd) {
  try {
    return execSync(cmd, { encoding: 'utf8' }).trim();
  } catch {
    return '?';
  }
}

function defaultFamilies(task) {
  return defaultSpace(task).param('model').dimension.toJSON().choices;
}
/** The model families automl searches in this run. */
function searchedFamilies(task) {
  return opt['registry-space'] ? resolveModels(task) : defaultFamilies(task);
}

function machine() {
  const peerVersions = sh(`${opt.python} -c "import optuna, sklearn, pandas; print('optuna', optuna.__version__, '/ scikit-learn', sklearn.__version__, '/ pandas', pandas.__version__)"`);
  return {
    date: new Date().toISOString(),
    cpu: `${cpus()[0]?.model ?? '?'} (nproc ${sh('nproc')})`,
    memory: `${Math.round(totalmem() / 2 ** 30)} GiB total, ${Math.round(freemem() / 2 ** 30)} GiB free at start (free -g: ${sh("free -g | awk '/Mem:/ {print $2\" total, \"$3\" used, \"$7\" available\"}'")})`,
    node: process.version,
    python: sh(`${opt.python} --version`),
    peer: peerVersions,
    // What this build searches by default: the families still being written are not registered yet.
    families: ['classification', 'regression'].map((t) => `${t}: ${searchedFamilies(t).join(', ')}`).join('; '),
    staleDefault: ['classification', 'regression'].some((t) => defaultFamilies(t).join() !== resolveModels(t).join()),
    commit: sh(`git -C ${ROOT} rev-parse --short HEAD`) + (sh(`git -C ${ROOT} status --porcelain -- src`) === '' ? '' : ' (+ uncommitted changes in src/)'),
  };
}

function markdown(info, rows, command, loads) {
  const L = [];
  L.push('# bench/automl: automl vs Optuna + scikit-learn', '');
  L.push(`- date: ${info.date} (finished ${new Date().toISOString()})`);
  L.push(`- machine: ${info.cpu}; ${info.memory}`);
  L.push(`- load (uptime) before each dataset: ${loads.map((l) => `${l.name} ${l.load}`).join('; ')}`);
  L.push(`- automl: commit ${info.commit}, node ${info.node}; peer: ${info.python}, ${info.peer}`);
  L.push(`- automl model families searched: ${info.families}` + (opt['registry-space'] ? ' (--registry-space: every default family registered in this build)' : '') +
    (info.staleDefault && !opt['registry-space'] ? ' (search-spaces/default.json lists fewer families than this build registers: run `npm run spaces`)' : ''));
  L.push(`- peer model families: hist_gradient_boosting, random_forest, extra_trees, logistic_regression (classification) / ridge (regression), knn, gaussian_nb (classification)`);
  L.push(`- settings: budget ${time} s per tool and dataset, ${opt['ours-auto-validation'] ? `peer ${cv}-fold CV, automl its own validation (${cv}-fold CV below 10,000 searched rows, else one holdout split with row rungs)` : `${cv}-fold CV (same folds)`}, seed${seeds.length > 1 ? 's' : ''} ${seeds.join(', ')}, ${workers} workers each (peer: Optuna n_jobs=${workers}, TPE, OMP_NUM_THREADS=1)` +
    `, automl pruning ${opt['no-prune'] ? 'off' : 'on (median)'}, automl ensemble ${opt['no-ensemble'] ? 'off' : 'on'}, automl warm start ${opt['no-warm-start'] ? 'off' : 'on'}, automl re-check ${opt['no-recheck'] ? 'off' : 'on'}, automl folds ${opt['fixed-folds'] ? 'fixed' : 'reshuffled per trial'}${opt.models ? `, automl --models ${opt.models}` : ''}, peer pruning ${opt['peer-prune'] ? 'on (median)' : 'off'}, automl strategy ${opt.strategy ?? 'default'}`);
  L.push(`- command: \`${command}\``, '');
  L.push('Trials: complete/pruned/failed (failed excludes trials interrupted by the deadline). Fold fits: folds actually fitted (saved by pruning in parentheses). Winner on test score, |diff| <= 0.005 is a tie.', '');
  L.push('Wall: each tool\'s whole run in seconds (automl: the `search` command from start to exit, re-check, ensemble, refit and test scoring included; peer: search, refit and test scoring). Ours trials on row rungs (a holdout search on large data) count as pruned when they stopped at a smaller rung.', '');
  L.push('| dataset | seed | task | metric | train/test rows | ours trials c/p/f | ours fold fits (saved) | ours best CV | ours ensemble (members: OOF vs best single OOF) | ours test | ours best family | peer trials c/f | peer fold fits | peer best CV | peer test | peer best family | ours wall s | peer wall s | winner |');
  L.push('|---|---:|---|---|---:|---:|---:|---:|---|---:|---|---:|---:|---:|---:|---|---:|---:|---|');
  const tally = { ours: 0, peer: 0, tie: 0, '-': 0 };
  const tot = { oc: 0, op: 0, of: 0, ff: 0, sv: 0, pc: 0, pf: 0, pff: 0 };
  for (const r of rows) {
    const o = r.ours;
    const q = r.peer;
    const w = winner(o, q);
    tally[w]++;
    const oc = o.error ? `error: ${o.error}` : `${o.trials.complete}/${o.trials.pruned}/${o.trials.failed}`;
    const qc = q.error ? `error: ${q.error}` : q.skipped ? 'skipped' : `${q.trials.complete}/${q.trials.failed}`;
    if (!o.error) {
      tot.oc += o.trials.complete;
      tot.op += o.trials.pruned;
      tot.of += o.trials.failed;
      tot.ff += o.foldFits;
      tot.sv += o.foldFitsSaved;
    }
    if (!q.error && !q.skipped) {
      tot.pc += q.trials.complete;
      tot.pf += q.trials.failed;
      tot.pff += q.foldFits;
    }
    const ens = (o.ensemble ? `${o.ensemble.members}: ${f3(o.ensemble.cvScore)} vs ${f3(o.ensemble.bestSingleCvScore)}` : '-') + (o.ensemble && opt['also-single'] ? `; single test ${f3(o.singleTestScore)}` : '');
    L.push(`| ${r.name} | ${r.seed} | ${r.task} | ${r.metric} | ${r.nTrain}/${r.nTest} | ${oc} | ${o.error ? '-' : `${o.foldFits} (${o.foldFitsSaved})`} | ${f3(o.best?.value)} | ${ens} | ${f3(o.testScore)} | ${o.bestFamily ?? '-'} | ${qc} | ${q.foldFits ?? '-'} | ${f3(q.best?.value)} | ${f3(q.testScore)} | ${q.best?.family ?? '-'} | ${o.seconds?.toFixed(1) ?? '-'} | ${q.seconds?.toFixed(1) ?? '-'} | ${w} |`);
  }
  L.push(`| **total** | | | | | ${tot.oc}/${tot.op}/${tot.of} | ${tot.ff} (${tot.sv}) | | | | | ${tot.pc}/${tot.pf} | ${tot.pff} | | | | | | ours ${tally.ours}, peer ${tally.peer}, tie ${tally.tie} |`, '');
  const walls = rows.filter((r) => r.ours.seconds !== undefined);
  if (walls.length > 0) {
    const ratio = (r) => r.seconds / time;
    const oursMax = Math.max(...walls.map((r) => ratio(r.ours)));
    const within = walls.filter((r) => ratio(r.ours) <= 1.05).length;
    const peers = walls.filter((r) => r.peer.seconds !== undefined);
    const peerMax = peers.length > 0 ? Math.max(...peers.map((r) => ratio(r.peer))) : NaN;
    const evaluated = walls.filter((r) => !r.ours.error).map((r) => r.ours.trials.complete + r.ours.trials.pruned);
    L.push(`Wall time over the ${time} s budget: ours at most ${oursMax.toFixed(3)}x (within 1.05x on ${within} of ${walls.length} runs), peer at most ${Number.isFinite(peerMax) ? peerMax.toFixed(3) : '-'}x. ` +
      `Configurations evaluated by ours (complete + pruned): fewest ${Math.min(...evaluated)}, per run ${evaluated.join(', ')}.`, '');
  }
  const both = rows.filter((r) => r.ours.testScore != null && r.peer.testScore != null);
  if (both.length > 0) {
    const diffs = both.map((r) => r.ours.testScore - r.peer.testScore).sort((a, b) => a - b);
    const mean = diffs.reduce((a, b) => a + b, 0) / diffs.length;
    const cvDiff = both.map((r) => r.ours.best.value - r.peer.best.value).reduce((a, b) => a + b, 0) / both.length;
    L.push(`Test score, ours minus peer, over ${both.length} datasets: mean ${mean.toFixed(3)}, median ${diffs[diffs.length >> 1].toFixed(3)}, min ${diffs[0].toFixed(3)}, max ${diffs[diffs.length - 1].toFixed(3)}. ` +
      `Best CV score, ours minus peer: mean ${cvDiff.toFixed(3)}. Completed trials: ours ${tot.oc}, peer ${tot.pc}; fold fits: ours ${tot.ff}, peer ${tot.pff}.`, '');
  }
  if (seeds.length > 1 && both.length > 0) {
    // Per dataset, the mean test score over seeds: one split of a small dataset is decided by a row
    // or two, the mean over several splits much less so.
    L.push(`Mean test score over seeds (${seeds.join(', ')}), per dataset; a tie when the means differ by <= ${TIE}:`, '');
    L.push('| dataset | seeds | ours mean test | peer mean test | ours - peer | per-seed wins ours/peer/tie | winner on the mean |');
    L.push('|---|---:|---:|---:|---:|---|---|');
    const agg = { ours: 0, peer: 0, tie: 0 };
    const names = [...new Set(both.map((r) => r.name))];
    const meanDiffs = [];
    for (const n of names) {
      const rs = both.filter((r) => r.name === n);
      const mo = rs.reduce((a, r) => a + r.ours.testScore, 0) / rs.length;
      const mp = rs.reduce((a, r) => a + r.peer.testScore, 0) / rs.length;
      const w = Math.abs(mo - mp) <= TIE ? 'tie' : mo > mp ? 'ours' : 'peer';
      agg[w]++;
      meanDiffs.push(mo - mp);
      const per = { ours: 0, peer: 0, tie: 0 };
      for (const r of rs) per[winner(r.ours, r.peer)]++;
      L.push(`| ${n} | ${rs.length} | ${mo.toFixed(4)} | ${mp.toFixed(4)} | ${(mo - mp).toFixed(4)} | ${per.ours}/${per.peer}/${per.tie} | ${w} |`);
    }
    const md = meanDiffs.reduce((a, b) => a + b, 0) / meanDiffs.length;
    L.push(`| **all** | | | | ${md.toFixed(4)} | ${tally.ours}/${tally.peer}/${tally.tie} | ours ${agg.ours}, peer ${agg.peer}, tie ${agg.tie} |`, '');
  }
  if (opt['also-single']) {
    const rs = rows.filter((r) => r.ours.testScore != null && r.ours.singleTestScore != null);
    const d = rs.map((r) => r.ours.testScore - r.ours.singleTestScore);
    const up = d.filter((x) => x > 1e-12).length;
    const down = d.filter((x) => x < -1e-12).length;
    const mean = d.reduce((a, b) => a + b, 0) / Math.max(d.length, 1);
    L.push(`Ensemble vs the same study's best single pipeline refit alone (\`--also-single\`), over ${rs.length} runs: ensemble chosen in ${rows.filter((r) => r.ours.ensemble).length}; ` +
      `test score higher in ${up}, lower in ${down}, equal in ${rs.length - up - down}; mean difference ${mean.toFixed(4)}.`, '');
  }
  L.push('Completed trials per model family (ours | peer), and wall time per tool including start-up and refit:', '');
  for (const r of rows) {
    const fam = (m) => Object.entries(m ?? {}).sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${v}`).join(', ') || '-';
    const fails = Object.entries(r.ours.failReasons ?? {}).map(([k, v]) => `${v}x ${k}`).join('; ');
    const wall = `wall ${r.ours.seconds?.toFixed(0) ?? '-'} s | ${r.peer.seconds?.toFixed(0) ?? '-'} s`;
    L.push(`- ${r.name}${seeds.length > 1 ? ` seed ${r.seed}` : ''} (${wall}): ${fam(r.ours.families)} | ${fam(r.peer.families)}${fails ? ` (our failures: ${fails})` : ''}${r.peer.firstFailure ? ` (peer failure: ${r.peer.firstFailure})` : ''}`);
  }
  return L.join('\n') + '\n';
}

const command = `node bench/automl/run.mjs ${process.argv.slice(2).join(' ')}`.trim();
const info = machine();
const rows = [];
const loads = [];
const mdOut = resolve(opt.out);
mkdirSync(dirname(mdOut), { recursive: true });
console.log(`bench/automl: ${wanted.length} datasets x seeds ${seeds.join(',')}, ${time} s each per tool, cv ${cv}, ${workers} workers`);
for (const seed of seeds) {
  for (const [name, target, folder] of DATASETS.filter((d) => wanted.includes(d[0]))) {
    const dir = mkdtempSync(join(tmpdir(), `automl-bench-${name}-`));
    loads.push({ name: seeds.length > 1 ? `${name}/${seed}` : name, load: sh("uptime | sed 's/.*load average: //'") });
    try {
      const p = prepare(name, target, folder, dir, seed);
      const ours = await runOurs(name, target, p, dir, seed);
      const peer = opt['skip-peer'] ? { skipped: true } : await runPeer(target, p, seed);
      const row = { name, seed, ...p, ours, peer };
      rows.push(row);
      const o = ours.error ? `ERROR ${ours.error}` : `trials ${ours.trials.complete}/${ours.trials.pruned}/${ours.trials.failed} fits ${ours.foldFits} cv ${f3(ours.best?.value)} test ${f3(ours.testScore)} (${ours.bestFamily}${ours.ensemble ? ` +ens${ours.ensemble.members}` : ''})`;
      const q = peer.skipped ? 'skipped' : peer.error ? `ERROR ${peer.error}` : `trials ${peer.trials.complete}/${peer.trials.failed} fits ${peer.foldFits} cv ${f3(peer.best?.value)} test ${f3(peer.testScore)} (${peer.best?.family})`;
      console.log(`${name.padEnd(22)} s${seed} ${p.metric.padEnd(8)} ours: ${o}  |  peer: ${q}  -> ${winner(ours, peer)}`);
      // Rewrite after every dataset so an interrupted run still leaves its figures.
      writeFileSync(mdOut, markdown(info, rows, command, loads));
      writeFileSync(mdOut.replace(/\.md$/, '') + '.json', JSON.stringify({ info, command, loads, rows }, null, 1));
    } finally {
      if (!opt.keep) rmSync(dir, { recursive: true, force: true });
      else console.log(`  files kept in ${dir}`);
    }
  }
}
console.log(`wrote ${mdOut}`);
