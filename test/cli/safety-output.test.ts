/**
 * Issue 17, data loss: `--out` never replaces an input, a link, a device or (without --force) an
 * existing model file; a bad --out fails before the search; a write that still fails keeps the
 * model and says where it is. Also: predicted labels cannot inject spreadsheet formulas.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'dist/cli/main.js');
const IRIS = join(ROOT, 'datasets', 'iris.csv');

beforeAll(() => {
  if (!existsSync(BIN)) throw new Error('dist/ is missing: run `npm run build` (npm test does it first)');
});

function automl(args: string[], cwd: string) {
  const started = Date.now();
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 120_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - started };
}

/** A directory with a copy of iris.csv. */
function scratch(): string {
  const d = mkdtempSync(join(tmpdir(), 'automl-safety-'));
  copyFileSync(IRIS, join(d, 'iris.csv'));
  return d;
}

const SEARCH = ['search', 'iris.csv', '--target', 'species', '--trials', '2', '--cv', '3', '--workers', '1', '--no-recheck', '--no-ensemble'];

describe('search --out is checked before the search and never destroys a file', () => {
  it('refuses the training data, the --test file, a symlink, /dev/null, a directory and a FIFO; nothing is searched or changed', () => {
    const cwd = scratch();
    const original = readFileSync(join(cwd, 'iris.csv'));
    writeFileSync(join(cwd, 'secret.txt'), 'keep');
    symlinkSync(join(cwd, 'secret.txt'), join(cwd, 'link.json'));
    copyFileSync(IRIS, join(cwd, 'test.csv'));
    const fifo = spawnSync('mkfifo', [join(cwd, 'fifo')]).status === 0;
    const cases: [string[], RegExp][] = [
      [['--out', 'iris.csv'], /--out iris\.csv is the training data/],
      [['--out', './iris.csv', '--force'], /is the training data/],
      [['--test', 'test.csv', '--out', 'test.csv', '--force'], /--out test\.csv is the test data/],
      [['--out', 'link.json', '--force'], /link\.json is a symbolic link/],
      [['--out', '/dev/null', '--force'], /\/dev\/null is not a regular file/],
      [['--out', cwd, '--force'], /is a directory; give a file path/],
      ...(fifo ? [[['--out', 'fifo', '--force'], /fifo is not a regular file/] as [string[], RegExp]] : []),
    ];
    for (const [extra, message] of cases) {
      const r = automl([...SEARCH, ...extra], cwd);
      expect(r.code, extra.join(' ')).toBe(1);
      expect(r.stderr).toMatch(/^error \[E_OUTPUT\]: /);
      expect(r.stderr).toMatch(message);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
    expect(readFileSync(join(cwd, 'iris.csv')).equals(original)).toBe(true);
    expect(readFileSync(join(cwd, 'secret.txt'), 'utf8')).toBe('keep');
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
    // Refused before any study was created.
    expect(existsSync(join(cwd, 'automl.db'))).toBe(false);
  });

  it('a missing directory, or --study a/b, fails at once naming the path (it failed after the whole search)', () => {
    const cwd = scratch();
    const missing = automl([...SEARCH, '--out', 'nodir/model.json'], cwd);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/error \[E_OUTPUT\]: --out nodir\/model\.json: the directory .*nodir does not exist; create it first/);
    const nested = automl([...SEARCH, '--study', 'a/b'], cwd);
    expect(nested.code).toBe(2);
    expect(nested.stderr).toMatch(/'a\/b' is not allowed as a study name \(it contains '\/' or '\\', which would name a file in another directory\)/);
    expect(existsSync(join(cwd, 'automl.db'))).toBe(false);
  });

  it('an existing model file needs --force; the default name takes a free variant and says so', () => {
    const cwd = scratch();
    writeFileSync(join(cwd, 'mine.json'), 'my model');
    const refused = automl([...SEARCH, '--out', 'mine.json'], cwd);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/--out mine\.json exists; pass --force to replace it/);
    expect(readFileSync(join(cwd, 'mine.json'), 'utf8')).toBe('my model');
    expect(existsSync(join(cwd, 'automl.db'))).toBe(false);

    const forced = automl([...SEARCH, '--out', 'mine.json', '--force', '--json', '--quiet'], cwd);
    expect(forced.code).toBe(0);
    expect(JSON.parse(forced.stdout).model).toBe('mine.json');
    expect(JSON.parse(readFileSync(join(cwd, 'mine.json'), 'utf8')).format).toBe('automl.model');

    writeFileSync(join(cwd, 'x.model.json'), 'older model');
    const free = automl([...SEARCH, '--study', 'x'], cwd);
    expect(free.code).toBe(0);
    expect(free.stderr).toMatch(/note: x\.model\.json exists, so the model is written to x-2\.model\.json/);
    expect(free.stdout).toMatch(/Model written to x-2\.model\.json/);
    expect(readFileSync(join(cwd, 'x.model.json'), 'utf8')).toBe('older model');

    // resume: the same rules (its default is <study>.model.json, which exists now).
    const resumed = automl(['resume', 'x', '--trials', '2', '--json', '--quiet'], cwd);
    expect(resumed.code).toBe(0);
    expect(JSON.parse(resumed.stdout).model).toBe('x-3.model.json');
    const overData = automl(['resume', 'x', '--trials', '2', '--out', 'iris.csv', '--force'], cwd);
    expect(overData.code).toBe(1);
    expect(overData.stderr).toMatch(/--out iris\.csv is the study's training data/);
    expect(readFileSync(join(cwd, 'iris.csv')).equals(readFileSync(IRIS))).toBe(true);
  });

  it('when the final write still fails, the result is printed, the model kept in a temporary file, and the exit code is 1', () => {
    const cwd = scratch();
    // `{study}` in a directory name cannot be checked before the study is named: the write fails at the end.
    const r = automl([...SEARCH, '--out', '{study}/model.json'], cwd);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/Leaderboard/);
    expect(r.stdout).toMatch(/Best: trial/);
    expect(r.stderr).toMatch(/error \[E_OUTPUT\]: --out iris\/model\.json: the directory .*iris does not exist.*The model was saved to (\S+) instead: move it where you want it; or write it again with `automl resume iris --trials 2 --out <model\.json>`/);
    const kept = /saved to (\S+) instead/.exec(r.stderr)![1]!;
    const preds = automl(['predict', kept, 'iris.csv'], cwd);
    expect(preds.code).toBe(0);
    expect(preds.stdout.split('\n')[0]).toBe('species');

    const json = automl([...SEARCH, '--out', '{study}/model.json', '--json', '--quiet'], cwd);
    expect(json.code).toBe(1);
    const out = JSON.parse(json.stdout);
    expect(out.model).toBeNull();
    expect(out.error).toMatchObject({ code: 'E_OUTPUT', savedTo: expect.stringContaining('iris-2.model.json') });
    expect(existsSync(out.error.savedTo)).toBe(true);
  });
});

describe('predict --out', () => {
  it('refuses the model and the data it reads, links and devices; replaces a model file only with --force', () => {
    const cwd = scratch();
    expect(automl([...SEARCH, '--quiet'], cwd).code).toBe(0);
    const model = readFileSync(join(cwd, 'iris.model.json'));
    const data = readFileSync(join(cwd, 'iris.csv'));
    for (const [out, message] of [
      ['iris.csv', /--out iris\.csv is the data to predict/],
      ['iris.model.json', /--out iris\.model\.json is the model file/],
      ['/dev/null', /not a regular file/],
    ] as const) {
      const r = automl(['predict', 'iris.model.json', 'iris.csv', '--out', out, '--force'], cwd);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(message);
    }
    expect(readFileSync(join(cwd, 'iris.model.json')).equals(model)).toBe(true);
    expect(readFileSync(join(cwd, 'iris.csv')).equals(data)).toBe(true);
    copyFileSync(join(cwd, 'iris.model.json'), join(cwd, 'other.model.json'));
    const other = automl(['predict', 'iris.model.json', 'iris.csv', '--out', 'other.model.json'], cwd);
    expect(other.stderr).toMatch(/--out other\.model\.json is an automl model file; pass --force to replace it/);
    expect(automl(['predict', 'iris.model.json', 'iris.csv', '--out', 'other.model.json', '--force'], cwd).code).toBe(0);
    // A previous predictions file is an ordinary output: replaced.
    expect(automl(['predict', 'iris.model.json', 'iris.csv', '--out', 'preds.csv'], cwd).code).toBe(0);
    expect(automl(['predict', 'iris.model.json', 'iris.csv', '--out', 'preds.csv'], cwd).code).toBe(0);
    expect(readFileSync(join(cwd, 'preds.csv'), 'utf8').split('\n')).toHaveLength(152);
  });

  it('labels that look like spreadsheet formulas are escaped in the CSV', () => {
    const cwd = scratch();
    const lines = readFileSync(IRIS, 'utf8').trim().split('\n');
    const evil = lines.map((l, i) => (i === 0 ? l : l.replace(/setosa$/, "=cmd|' /C calc'!A0").replace(/versicolor$/, '-1').replace(/virginica$/, '@SUM(1)')));
    writeFileSync(join(cwd, 'evil.csv'), evil.join('\n') + '\n');
    expect(automl(['search', 'evil.csv', '--target', 'species', '--trials', '2', '--cv', '3', '--workers', '1', '--quiet', '--no-recheck'], cwd).code).toBe(0);
    const preds = automl(['predict', 'evil.model.json', 'evil.csv', '--proba'], cwd);
    expect(preds.code).toBe(0);
    const out = preds.stdout.trim().split('\n');
    // Only the cells that start like a formula change: "proba_=..." does not, and -1 is a number.
    expect(out[0]).toBe("species,proba_-1,proba_=cmd|' /C calc'!A0,proba_@SUM(1)");
    expect(new Set(out.slice(1).map((l) => l.split(',')[0]))).toEqual(new Set(["'=cmd|' /C calc'!A0", '-1', "'@SUM(1)"]));
  });
});
