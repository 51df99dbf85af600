import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, beforeAll } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'dist/cli/main.js');
const DATA = (f: string): string => join(ROOT, 'datasets', f);

beforeAll(() => {
  if (!existsSync(BIN)) throw new Error('dist/ is missing: run `npm run build` (npm test does it first)');
});

function automl(args: string[], cwd: string) {
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function dir(): string {
  return mkdtempSync(join(tmpdir(), 'automl-cli-'));
}

describe('automl search end to end', () => {
  it('classification with missing values and categoricals (vote): search, trials, best, studies, predict', () => {
    const cwd = dir();
    const r = automl(['search', DATA('vote.csv'), '--target', 'Class', '--trials', '8', '--cv', '3', '--workers', '2', '--seed', '1', '--json'], cwd);
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.study).toBe('vote');
    expect(out.metric).toBe('accuracy');
    expect(out.direction).toBe('maximize');
    expect(out.trials.complete + out.trials.failed + out.trials.pruned).toBe(8);
    expect(out.best.value).toBeGreaterThan(0.85);
    expect(out.testScore).toBeGreaterThan(0.85);
    expect(out.model).toBe('vote.model.json');
    expect(existsSync(join(cwd, 'automl.db'))).toBe(true);

    const trials = JSON.parse(automl(['trials', 'vote', '--json'], cwd).stdout);
    expect(trials).toHaveLength(8);
    for (const t of trials) {
      expect(Object.keys(t)).toEqual(expect.arrayContaining(['number', 'state', 'value', 'config', 'foldScores', 'durationMs']));
      if (t.state === 'COMPLETE') {
        expect(t.foldScores).toHaveLength(3);
        expect(t.value).toBeCloseTo(t.foldScores.reduce((a: number, b: number) => a + b, 0) / 3, 10);
        expect(typeof t.config.model.type).toBe('string');
      }
    }
    const best = JSON.parse(automl(['best', 'vote', '--json'], cwd).stdout);
    expect(best.number).toBe(out.best.number);
    expect(automl(['studies'], cwd).stdout).toMatch(/vote\s+maximize/);
    expect(automl(['trials', 'vote', '--csv'], cwd).stdout.split('\n')[0]).toMatch(/^number,state,value,duration_ms,fail_reason,/);

    const preds = automl(['predict', 'vote.model.json', DATA('vote.csv'), '--proba'], cwd);
    expect(preds.code).toBe(0);
    const lines = preds.stdout.trim().split('\n');
    expect(lines[0]).toBe('Class,proba_democrat,proba_republican');
    expect(lines).toHaveLength(436);
    const labels = readFileSync(DATA('vote.csv'), 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').pop());
    const agree = lines.slice(1).filter((l, i) => l.split(',')[0] === labels[i]).length;
    expect(agree / 435).toBeGreaterThan(0.9);

    // The ensemble, when chosen, is in the JSON and the model file; resume --no-ensemble refits the best trial alone.
    const model = JSON.parse(readFileSync(join(cwd, 'vote.model.json'), 'utf8'));
    if (out.ensemble) {
      expect(model.version).toBe(3);
      expect(model.ensemble.map((m: { trial: number }) => m.trial)).toEqual(out.ensemble.members.map((m: { trial: number }) => m.trial));
    } else expect(model).toMatchObject({ version: 3, pipeline: expect.any(Object) });
    const alone = automl(['resume', 'vote', '--trials', '1', '--no-ensemble', '--no-recheck', '--json', '--out', 'alone.json'], cwd);
    expect(alone.code).toBe(0);
    expect(JSON.parse(alone.stdout)).toMatchObject({ ensemble: null, recheck: null, modelTrials: [{ trial: out.best.number, weight: 1 }] });
    expect(JSON.parse(readFileSync(join(cwd, 'alone.json'), 'utf8'))).toMatchObject({ version: 3, trial: out.best.number, pipeline: expect.any(Object) });
    // Without --no-recheck the single pipeline is the best of the re-check on a fresh split.
    const rechecked = automl(['resume', 'vote', '--trials', '1', '--no-ensemble', '--json', '--out', 'rechecked.json'], cwd);
    expect(rechecked.code).toBe(0);
    const rj = JSON.parse(rechecked.stdout);
    expect(rj.recheck).toMatchObject({ repeats: 1, searchBest: { trial: out.best.number, value: out.best.value } });
    expect(rj.recheck.candidates).toBe(out.trials.complete);
    expect(rj.modelTrials).toEqual([{ trial: rj.recheck.freshBest.trial, weight: 1 }]);
    expect(JSON.parse(readFileSync(join(cwd, 'rechecked.json'), 'utf8'))).toMatchObject({ version: 3, pipeline: expect.any(Object), trial: rj.recheck.freshBest.trial, cvScore: rj.recheck.freshBest.fresh });

    // A second search on the same file gets a fresh study name instead of failing.
    const again = automl(['search', DATA('vote.csv'), '--target', 'Class', '--trials', '2', '--cv', '3', '--workers', '1', '--json'], cwd);
    expect(again.code).toBe(0);
    expect(JSON.parse(again.stdout).study).toBe('vote-2');
  });

  it('multiclass (wine) with a text report and a saved model', () => {
    const cwd = dir();
    const r = automl(['search', DATA('wine.csv'), '--target', 'class', '--trials', '6', '--cv', '3', '--workers', '2', '--out', 'wine.json'], cwd);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Leaderboard/);
    expect(r.stdout).toMatch(/Test accuracy: [01]\.\d{4}/);
    expect(r.stdout).toMatch(/Re-check: \d+ pipelines \(the best of each model family, then the best of the rest\) cross-validated again on 1 fresh split: best trial \d+ \(cv [01]\.\d{4}\) scores [01]\.\d{4} there/);
    expect(r.stdout).toMatch(/Model written to wine\.json/);
    expect(statSync(join(cwd, 'wine.json')).size).toBeGreaterThan(100);
  });

  it('regression (diabetes-progression) with r2 and a held-out test file', () => {
    const cwd = dir();
    const rows = readFileSync(DATA('diabetes-progression.csv'), 'utf8').trim().split('\n');
    writeFileSync(join(cwd, 'train.csv'), [rows[0], ...rows.slice(1, 351)].join('\n'));
    writeFileSync(join(cwd, 'test.csv'), [rows[0], ...rows.slice(351)].join('\n'));
    const target = rows[0]!.split(',').pop()!;
    const r = automl(['search', 'train.csv', '--target', target, '--test', 'test.csv', '--trials', '6', '--cv', '3', '--workers', '2', '--json'], cwd);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.metric).toBe('r2');
    expect(out.testScore).toBeGreaterThan(0.2);
    const preds = automl(['predict', 'train.model.json', 'test.csv'], cwd);
    expect(preds.stdout.split('\n')[0]).toBe(target);
    expect(preds.stdout.trim().split('\n')).toHaveLength(rows.length - 351 + 1);
  });

  it('regression on a skewed target (cpu) with the log target transform: leaderboard, model file, predictions in target units', () => {
    const cwd = dir();
    // Only log-target extra trees, so every trial transforms the target.
    const space = {
      preprocess: { type: 'group', params: { encoding: { type: 'categorical', choices: ['ordinal'] }, scaler: { type: 'categorical', choices: ['none'] } } },
      target_transform: { type: 'categorical', choices: ['log'] },
      model: { type: 'choice', branches: { extra_trees: { n_estimators: { type: 'int', low: 20, high: 40 } } } },
    };
    writeFileSync(join(cwd, 'space.json'), JSON.stringify(space));
    const r = automl(['search', DATA('cpu.csv'), '--target', 'class', '--space', 'space.json', '--trials', '3', '--cv', '3', '--workers', '1', '--no-recheck', '--no-ensemble'], cwd);
    expect(r.stderr).not.toMatch(/error|fail/i);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/extra_trees \(log y\)/);
    expect(r.stdout).toMatch(/target transform: log/);
    expect(Number(/Test r2: (-?[0-9.]+)/.exec(r.stdout)![1])).toBeGreaterThan(0.5);
    const file = JSON.parse(readFileSync(join(cwd, 'cpu.model.json'), 'utf8'));
    expect(file.pipeline.version).toBe(2);
    expect(file.pipeline.targetTransform.kind).toBe('log');
    const preds = automl(['predict', 'cpu.model.json', DATA('cpu.csv')], cwd);
    expect(preds.code).toBe(0);
    const values = preds.stdout.trim().split('\n').slice(1).map(Number);
    const truth = readFileSync(DATA('cpu.csv'), 'utf8').trim().split('\n').slice(1).map((l) => Number(l.split(',').pop()));
    expect(values).toHaveLength(truth.length);
    // In the target's units (6 to 1150), not in log units (2 to 7).
    expect(Math.max(...values)).toBeGreaterThan(300);
    const mean = truth.reduce((x, y) => x + y, 0) / truth.length;
    const ssRes = truth.reduce((acc, y, i) => acc + (y - values[i]!) ** 2, 0);
    const ssTot = truth.reduce((acc, y) => acc + (y - mean) ** 2, 0);
    expect(1 - ssRes / ssTot).toBeGreaterThan(0.7);
  });
});

describe('feature selection in the search', () => {
  it('stores the kept columns per fold, shows them, and runs the wrapper search', () => {
    const cwd = dir();
    const space = {
      select: { type: 'choice', branches: { filter: { score: { type: 'categorical', choices: ['f'] }, fraction: { type: 'float', low: 0.2, high: 0.5 } } } },
      model: { type: 'choice', branches: { logistic_regression: {} } },
    };
    writeFileSync(join(cwd, 'space.json'), JSON.stringify(space));
    const r = automl(['search', DATA('wine.csv'), '--target', 'class', '--space', 'space.json', '--trials', '4', '--cv', '3', '--workers', '2', '--feature-search', '--json', '--no-prune'], cwd);
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.featureSearch.direction).toBe('forward');
    expect(out.featureSearch.fits).toBeGreaterThan(3);
    expect(out.features.length).toBeLessThan(13);
    const trials = JSON.parse(automl(['trials', 'wine', '--json'], cwd).stdout);
    for (const t of trials.filter((x: { state: string }) => x.state === 'COMPLETE')) {
      expect(t.keptColumns).toHaveLength(3);
      const perFold = t.keptColumns.map((f: string[]) => f.length);
      // fraction in [0.2, 0.5] of 13 columns
      for (const n of perFold) expect(n).toBeGreaterThanOrEqual(2), expect(n).toBeLessThanOrEqual(7);
      expect(t.keptFrequency[0]).toEqual(expect.objectContaining({ column: expect.any(String), frequency: expect.any(Number) }));
    }
    expect(automl(['best', 'wine'], cwd).stdout).toMatch(/features kept \(share of folds\): /);
  });
});

describe('automl search: bad input is refused and the study storage is untouched', () => {
  const cases: [string, (cwd: string) => string[], RegExp][] = [
    ['missing file', () => ['search', 'nope.csv', '--target', 'y'], /nope\.csv: no such file/],
    ['empty file', (cwd) => (writeFileSync(join(cwd, 'e.csv'), ''), ['search', 'e.csv', '--target', 'y']), /e\.csv: the file is empty/],
    ['ragged row', (cwd) => (writeFileSync(join(cwd, 'r.csv'), 'a,b,y\n1,2,0\n1,2\n3,4,1\n'), ['search', 'r.csv', '--target', 'y']), /r\.csv.*line 3/],
    ['unknown target', () => ['search', DATA('iris.csv'), '--target', 'Species'], /Species.*(species|columns)/],
    ['single-class target', (cwd) => (writeFileSync(join(cwd, 'one.csv'), 'a,y\n1,x\n2,x\n3,x\n4,x\n5,x\n6,x\n'), ['search', 'one.csv', '--target', 'y']), /one\.csv.*(single|one) class/i],
    ['class smaller than the folds', (cwd) => (writeFileSync(join(cwd, 's.csv'), 'a,y\n' + Array.from({ length: 30 }, (_, i) => `${i % 7},${i < 27 ? 'a' : 'b'}`).join('\n')), ['search', 's.csv', '--target', 'y', '--cv', '5']), /"b".*3.*5|class "b"/],
    ['invalid UTF-8', (cwd) => (writeFileSync(join(cwd, 'u.csv'), Buffer.from([0x61, 0x2c, 0x79, 0x0a, 0xff, 0xfe, 0x2c, 0x31, 0x0a])), ['search', 'u.csv', '--target', 'y']), /u\.csv.*UTF-8/],
    ['bad --time', () => ['search', DATA('iris.csv'), '--target', 'species', '--time', 'soon'], /--time|duration/],
    ['unknown metric', () => ['search', DATA('iris.csv'), '--target', 'species', '--metric', 'acc'], /acc.*accuracy/],
    ['unknown model', () => ['search', DATA('iris.csv'), '--target', 'species', '--models', 'xgboost'], /xgboost/],
  ];
  it.each(cases)('%s', (_name, args, message) => {
    const cwd = dir();
    const r = automl([...args(cwd), '--storage', 'sqlite:study.db'], cwd);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack trace for user errors
    expect(existsSync(join(cwd, 'study.db'))).toBe(false);
  });

  it('a bad file does not touch an existing study', () => {
    const cwd = dir();
    expect(automl(['search', DATA('iris.csv'), '--target', 'species', '--trials', '3', '--cv', '3', '--workers', '1', '--json'], cwd).code).toBe(0);
    const before = readFileSync(join(cwd, 'automl.db'));
    const r = automl(['search', DATA('iris.csv'), '--target', 'nope', '--study', 'iris'], cwd);
    expect(r.code).toBe(1);
    expect(readFileSync(join(cwd, 'automl.db')).equals(before)).toBe(true);
    const exists = automl(['search', DATA('iris.csv'), '--target', 'species', '--study', 'iris'], cwd);
    expect(exists.stderr).toMatch(/study 'iris' already exists.*automl resume iris/);
  });

  it('predict needs only the columns the model uses, and names a missing one', () => {
    const cwd = dir();
    const r = automl(['search', DATA('iris.csv'), '--target', 'species', '--trials', '4', '--cv', '3', '--workers', '1', '--json'], cwd);
    expect(r.code).toBe(0);
    const needed: string[] = JSON.parse(r.stdout).features;
    expect(needed.length).toBeGreaterThan(0);
    const [first, ...rest] = needed;
    // Only the needed columns (plus an unrelated one) are enough.
    const quote = (c: string): string => `"${c}"`;
    writeFileSync(join(cwd, 'ok.csv'), `${[...needed, 'other'].map(quote).join(',')}\n${needed.map(() => '1.5').join(',')},x\n`);
    const ok = automl(['predict', 'iris.model.json', 'ok.csv'], cwd);
    expect(ok.code).toBe(0);
    expect(ok.stdout.trim().split('\n')).toHaveLength(2);
    writeFileSync(join(cwd, 'x.csv'), `${[...rest, 'other'].map(quote).join(',')}\n${rest.map(() => '1').join(',')}${rest.length ? ',' : ''}2\n`);
    const bad = automl(['predict', 'iris.model.json', 'x.csv'], cwd);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('x.csv');
    expect(bad.stderr).toContain(first);
    writeFileSync(join(cwd, 'bad.json'), '{"format": "automl.model", "version": 99}');
    expect(automl(['predict', 'bad.json', 'x.csv'], cwd).stderr).toMatch(/version 99 is not supported/);
  });

  it('--help explains every command', () => {
    const r = automl(['search', '--help'], dir());
    expect(r.code).toBe(0);
    for (const flag of ['--target', '--task', '--metric', '--strategy', '--trials', '--time', '--cv', '--workers', '--seed', '--storage', '--study', '--space', '--models', '--test', '--test-size', '--out', '--json']) {
      expect(r.stdout).toContain(flag);
    }
    expect(automl(['--help'], dir()).stdout).toMatch(/search[\s\S]*resume[\s\S]*studies[\s\S]*trials[\s\S]*best[\s\S]*predict/);
  });
});
