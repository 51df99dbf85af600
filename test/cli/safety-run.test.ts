/**
 * Issue 17, crashes and limits: study names that would make paths, durations past what one timer
 * holds, runs that complete no trial, trial limits (--memory-limit, the default per-trial time
 * limit), and a --cv whose suggestion must work.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { categorical, search, space } from '../../src/index.js';
import { defaultTrialTimeout, durationArg } from '../../src/cli/args.js';
import { AutomlError } from '../../src/util/errors.js';

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

function scratch(): string {
  const d = mkdtempSync(join(tmpdir(), 'automl-safety-run-'));
  copyFileSync(DATA('iris.csv'), join(d, 'iris.csv'));
  return d;
}

const IRIS = ['search', 'iris.csv', '--target', 'species', '--cv', '3', '--workers', '1', '--no-recheck', '--no-ensemble'];

describe('--study names must not create paths', () => {
  it.each([['../x'], ['a/b'], ['a\\b'], ['.'], ['..'], [''], ['a\u0001b'], ['x'.repeat(201)]])('refuses %j before anything runs', (name) => {
    const cwd = scratch();
    const r = automl([...IRIS, '--trials', '1', '--study', name], cwd);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/is not allowed as a study name .*a study name is 1 to 200 characters, no '\/' or '\\'/);
    expect(existsSync(join(cwd, 'automl.db'))).toBe(false);
  });

  it('search() refuses them too (E_CONFIG, before any storage is opened)', async () => {
    const cwd = scratch();
    await expect(search({ data: join(cwd, 'iris.csv'), target: 'species', study: '../x', trials: 1, storage: `sqlite:${join(cwd, 's.db')}` })).rejects.toMatchObject({ code: 'E_CONFIG', details: { param: 'study' } });
    expect(existsSync(join(cwd, 's.db'))).toBe(false);
  });
});

describe('durations past one timer (2^31-1 ms, ~24.8 days)', () => {
  it('--time 600h runs the search (it stopped at once with exit 0 and no model)', () => {
    const cwd = scratch();
    const r = automl([...IRIS, '--trials', '2', '--time', '600h', '--json', '--quiet'], cwd);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ stoppedBy: 'trials', trials: { complete: 2, interrupted: 0 }, model: 'iris.model.json' });
  });

  it('durations over 365 days are refused with the limit', () => {
    expect(durationArg('8760h')).toBe(365 * 24 * 3600);
    expect(() => durationArg('8761h')).toThrow(/at most 365 days \(8760h\) is accepted, got '8761h'/);
    const r = automl([...IRIS, '--time', '100000h'], scratch());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/at most 365 days/);
  });
});

describe('a run that completes no trial exits 1 and says why', () => {
  it('--time 0.001: text and --json', () => {
    const cwd = scratch();
    const text = automl([...IRIS, '--time', '0.001'], cwd);
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/No trial completed/);
    expect(text.stderr).toMatch(/error \[E_NO_TRIAL\]: no trial completed in the budget, so there is no model: 0 failed, \d+ interrupted .*; give more --time/);
    const json = automl([...IRIS, '--time', '0.001', '--json'], cwd);
    expect(json.code).toBe(1);
    const out = JSON.parse(json.stdout);
    expect(out).toMatchObject({ model: null, best: null, error: { code: 'E_NO_TRIAL', message: expect.stringContaining('no trial completed') } });
    // resume of such a study: the same.
    const resumed = automl(['resume', out.study, '--time', '0.001', '--json'], cwd);
    expect(resumed.code).toBe(1);
    expect(JSON.parse(resumed.stdout).error.code).toBe('E_NO_TRIAL');
  });

  it('--trial-timeout shorter than every trial: the failures are counted by kind, with advice', () => {
    const cwd = scratch();
    copyFileSync(DATA('digits.csv'), join(cwd, 'digits.csv'));
    const r = automl(['search', 'digits.csv', '--target', 'digit', '--models', 'random_forest', '--trials', '2', '--workers', '1', '--trial-timeout', '0.01s', '--no-warm-start', '--json'], cwd);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.trials).toMatchObject({ complete: 0, failed: 2 });
    expect(out.error.message).toMatch(/: 2 failed \(2 timeout\), 0 interrupted; give a longer --trial-timeout; see the failure reasons with `automl trials digits`$/);
  });
});

describe('trial limits', () => {
  it('the default per-trial limit: 40% of --time, at least 10 s; none without --time; --trial-timeout wins', () => {
    expect(defaultTrialTimeout(300, undefined)).toBe(120);
    expect(defaultTrialTimeout(10, undefined)).toBe(10);
    expect(defaultTrialTimeout(undefined, undefined)).toBeUndefined();
    expect(defaultTrialTimeout(300, 5)).toBe(5);
    // More workers than cores: each trial gets a share of a core, so the limit grows (up to --time).
    expect(defaultTrialTimeout(300, undefined, 2, 2)).toBe(120);
    expect(defaultTrialTimeout(300, undefined, 4, 2)).toBe(240);
    expect(defaultTrialTimeout(60, undefined, 8, 2)).toBe(60);
    expect(defaultTrialTimeout(300, 5, 8, 2)).toBe(5);
  });

  it('--memory-limit is checked and listed; search() passes memoryLimitMb to the worker threads', async () => {
    const bad = automl([...IRIS, '--memory-limit', '10'], scratch());
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--memory-limit must be an integer >= 64/);
    for (const cmd of ['search', 'resume', 'worker']) expect(automl([cmd, '--help'], scratch()).stdout).toMatch(/--memory-limit <MB>[\s\S]*--trial-timeout|--trial-timeout[\s\S]*--memory-limit <MB>/);

    // A model family that holds 128 MB of JS heap while fitting (in 128 KB arrays: one huge array
    // aborts the whole process instead, a Node limitation, nodejs/node#47224): fine by default, out of memory at 64 MB.
    const dir = scratch();
    const plugin = join(dir, 'hog.mjs');
    // Only in worker threads: the refit in this process must not hold it.
    writeFileSync(
      plugin,
      `import { isMainThread } from 'node:worker_threads';
const est = (params) => ({ name: 'hog', fit() { if (isMainThread) return; const a = []; for (let i = 0; i < params.mb * 8; i++) a.push(new Array(16384).fill(i + 0.5)); globalThis.kept = a; },
  predict(X) { return new Float64Array(X.rows); }, toJSON() { return { model: 'hog', version: 1, params, state: null }; } });
export default { name: 'hog', description: 'holds memory', tasks: ['classification', 'regression'], create: (p) => est(p), load: (j) => est(j.params) };
`,
    );
    const models = [{ name: 'hog', module: plugin, space: space({ mb: categorical([128]) }) }];
    const common = { data: join(dir, 'iris.csv'), target: 'species', models, trials: 1, cv: 2, workers: 1, storage: 'memory:', ensemble: false, recheck: false, warmStart: false };
    const limited = await search({ ...common, memoryLimitMb: 64 });
    expect(limited.study.trials[0]).toMatchObject({ state: 'FAIL', failKind: 'out-of-memory' });
    expect(limited.study.trials[0]!.failReason).toMatch(/heap limit of 64 MB.*--memory-limit/);
    await limited.study.close();
    const unlimited = await search(common);
    expect(unlimited.study.trials[0]!.state).toBe('COMPLETE');
    await unlimited.study.close();
    await expect(search({ ...common, memoryLimitMb: 1 })).rejects.toBeInstanceOf(AutomlError);
  });
});

describe('--cv larger than the data', () => {
  it('classification: the suggested --cv works (it suggested 50, which then failed after the hold-out)', () => {
    const cwd = scratch();
    const r = automl([...IRIS, '--trials', '1', '--cv', '100000', '--storage', 'sqlite:s.db'], cwd);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/E_TARGET.*class "setosa" has 40 rows.*left for the search \(after holding out 30 test rows\), fewer than the 100000 cross-validation folds; use --cv 40 or smaller/);
    expect(existsSync(join(cwd, 's.db'))).toBe(false);
    const suggested = Number(/use --cv (\d+)/.exec(r.stderr)![1]);
    const ok = automl([...IRIS.filter((a) => a !== '3' && a !== '--cv'), '--trials', '1', '--cv', String(suggested), '--models', 'gaussian_nb', '--json', '--quiet'], cwd);
    expect(ok.stderr).toBe('');
    expect(ok.code).toBe(0);
  });

  it('regression: bounded by the rows searched, before any study is created (kFold failed after creating it)', () => {
    const cwd = scratch();
    copyFileSync(DATA('cpu.csv'), join(cwd, 'cpu.csv'));
    const r = automl(['search', 'cpu.csv', '--target', 'class', '--trials', '1', '--cv', '100000', '--storage', 'sqlite:s.db'], cwd);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/error \[E_DATA\]: cpu\.csv: 167 rows are left for the search \(after holding out 42 test rows\), fewer than the 100000 cross-validation folds; use --cv 167 or smaller/);
    expect(existsSync(join(cwd, 's.db'))).toBe(false);
  });
});
