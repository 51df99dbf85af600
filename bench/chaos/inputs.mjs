// Chaos parts 5 and 7: the whole hostile corpus (big inputs included), a seeded fuzzer over the
// bundled datasets, and tampered model files, all through the real CLI.
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { csvCorpus, modelFileCases, mutateCsv, spaceCorpus } from '../../test/fixtures/hostile/corpus.mjs';
import { crashReason, errorCode, mapLimit, runCli } from '../../test/fixtures/hostile/cli.mjs';
import { DATA, scratch } from './common.mjs';

const FUZZ_SOURCES = [['iris.csv', 'species'], ['vote.csv', 'Class'], ['labor.csv', 'class'], ['glass.csv', 'Type'], ['cpu.csv', 'class']];

function summarise(label, runs) {
  const crashes = runs.filter((r) => r.crash && !r.crash.startsWith('hang'));
  const hangs = runs.filter((r) => r.crash?.startsWith('hang'));
  const slowest = runs.reduce((a, b) => (b.ms > a.ms ? b : a), runs[0]);
  const peak = runs.reduce((a, b) => ((b.rssKb ?? 0) > (a.rssKb ?? 0) ? b : a), runs[0]);
  const codes = [...new Set(runs.map((r) => r.errorCode).filter(Boolean))].sort();
  return {
    label, inputs: runs.length, crashes: crashes.length, hangs: hangs.length,
    exitCodes: Object.fromEntries([0, 1, 2].map((c) => [c, runs.filter((r) => r.code === c).length])),
    distinctErrorCodes: codes,
    refusalsNotNamingFile: runs.filter((r) => r.code === 1 && !r.namesFile).length,
    refusalsMissingLocation: runs.filter((r) => r.code === 1 && r.whereOk === false).map((r) => r.name),
    expectationMismatches: runs.filter((r) => r.expectOk === false).map((r) => `${r.name} (exit ${r.code})`),
    slowest: `${slowest.name} ${Math.round(slowest.ms)} ms`, peakRss: `${peak.name} ${Math.round((peak.rssKb ?? 0) / 1024)} MB`,
    crashDetails: [...crashes, ...hangs].map((r) => `${r.name}: ${r.crash}: ${r.stderr.slice(0, 200)}`),
  };
}

async function runCase(c, dir) {
  const r = await runCli(['search', c.file, '--trials', '2', '--cv', '2', '--workers', '1', '--quiet', '--storage', `sqlite:${join(dir, `${c.name}.db`)}`, ...c.args], { cwd: dir, timeoutMs: 120_000 });
  const named = basename(c.spaceFile ?? c.file);
  return {
    name: c.name, code: r.code, ms: r.ms, rssKb: r.maxRssKb, crash: crashReason(r), errorCode: errorCode(r.stderr), stderr: r.stderr,
    namesFile: r.stderr.includes(named), whereOk: r.code === 1 && c.where ? c.where.test(r.stderr) : null,
    expectOk: c.expect === 'either' ? null : c.expect === 'ok' ? r.code === 0 : r.code === 1,
  };
}

export async function hostileCorpus() {
  const dir = scratch('corpus');
  const cases = [...csvCorpus(join(dir, 'csv'), { big: true }), ...spaceCorpus(join(dir, 'space'), DATA('iris.csv'), 'species', { big: true })];
  const runs = await mapLimit(cases, 2, (c) => runCase(c, dir));
  return summarise('hostile CSV + space files', runs);
}

export async function fuzz({ n = 150, seed = 1 } = {}) {
  const dir = scratch('fuzz');
  const inputs = Array.from({ length: n }, (_, i) => {
    const [file, target] = FUZZ_SOURCES[i % FUZZ_SOURCES.length];
    const { bytes, ops } = mutateCsv(readFileSync(DATA(file)), seed * 100_000 + i);
    const path = join(dir, `fuzz-${i}-${file}`);
    writeFileSync(path, bytes);
    return { name: `fuzz-${i} ${file} [${ops.join(',')}]`, file: path, args: ['--target', target], expect: 'either' };
  });
  const runs = await mapLimit(inputs, 2, (c) => runCase(c, dir));
  return summarise(`fuzz (${n} mutations of ${FUZZ_SOURCES.map((s) => s[0]).join(', ')})`, runs);
}

export async function modelFiles() {
  const dir = scratch('model');
  const fit = await runCli(['search', DATA('iris.csv'), '--target', 'species', '--trials', '1', '--cv', '2', '--workers', '1', '--models', 'knn', '--quiet', '--storage', `sqlite:${join(dir, 'm.db')}`, '--out', 'knn.json'], { cwd: dir });
  if (fit.code !== 0) throw new Error(fit.stderr);
  const text = readFileSync(join(dir, 'knn.json'), 'utf8');
  const good = JSON.parse(text);
  const edit = (f) => { const j = structuredClone(good); f(j); return JSON.stringify(j); };
  const cases = [
    ...modelFileCases().map((c) => ({ name: c.name, text: c.make(good, text) })),
    { name: 'estimator-extra-key', text: edit((j) => (j.pipeline.estimator.evil = 1)) },
    { name: 'pipeline-extra-key', text: edit((j) => (j.pipeline.evil = 1)) },
    { name: 'state-extra-key', text: edit((j) => (j.pipeline.estimator.state.evil = 1)) },
    { name: 'model-name-__proto__', text: edit((j) => (j.pipeline.estimator.model = '__proto__')) },
    { name: 'model-name-constructor', text: edit((j) => (j.pipeline.estimator.model = 'constructor')) },
    { name: 'classes-fewer-than-model', text: edit((j) => { j.classes = ['a', 'b']; j.pipeline.classes = ['a', 'b']; }) },
  ];
  const runs = await mapLimit(cases, 2, async (c) => {
    writeFileSync(join(dir, `${c.name}.json`), c.text);
    const r = await runCli(['predict', `${c.name}.json`, DATA('iris.csv')], { cwd: dir, timeoutMs: 30_000 });
    const blank = r.code === 0 ? r.stdout.trim().split('\n').slice(1).filter((l) => l.trim() === '').length : 0;
    return { name: c.name, exit: r.code, crash: crashReason(r), code: errorCode(r.stderr), message: (r.stderr.split('\n').find((l) => l.startsWith('error')) ?? '').slice(0, 160), blankPredictions: blank };
  });
  return runs;
}
