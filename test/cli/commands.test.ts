/**
 * The commands users expect around a search (issue #22): leaderboard, delete, predict from stdin
 * and --json, worker --json, resume --data and its own budget, AUTOML_STORAGE, and an Examples
 * block in every command's help. Runs the compiled CLI (dist/, `npx tsc -p tsconfig.build.json`).
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { program } from '../../src/cli/main.js';
import { ownTimeBudget } from '../../src/cli/commands/resume.js';
import { confirmByName } from '../../src/cli/commands/delete.js';
import { PassThrough } from 'node:stream';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'dist/cli/main.js');
const IRIS = join(ROOT, 'datasets', 'iris.csv');
/** A small, fast search: iris, one thread, no re-check or ensemble. */
const QUICK = ['--target', 'species', '--workers', '1', '--cv', '3', '--no-recheck', '--no-ensemble', '--quiet'];

beforeAll(() => {
  if (!existsSync(BIN)) throw new Error('dist/ is missing: run `npm run build` (npm test does it first)');
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function automl(args: string[], cwd: string, o: { env?: Record<string, string>; input?: string } = {}): Run {
  const env = { ...process.env, ...o.env };
  if (!o.env || !('AUTOML_STORAGE' in o.env)) delete env.AUTOML_STORAGE;
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, encoding: 'utf8', timeout: 120_000, env, input: o.input ?? '' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function dir(): string {
  return mkdtempSync(join(tmpdir(), 'automl-commands-'));
}

describe('help texts', () => {
  it('every command ends its --help with runnable Examples on bundled datasets', () => {
    const cli = program();
    const names = cli.commands.map((c) => c.name());
    expect(names).toEqual(expect.arrayContaining(['leaderboard', 'delete', 'search', 'resume', 'worker', 'predict']));
    for (const command of cli.commands) {
      let out = '';
      command.configureOutput({ writeOut: (s) => (out += s) });
      command.outputHelp();
      const block = out.split('\nExamples:\n')[1];
      expect(block, `${command.name()} --help has no Examples block`).toBeDefined();
      const lines = block!.replace(/\n+$/, '').split('\n');
      expect(lines.length, command.name()).toBeGreaterThanOrEqual(2);
      expect(lines.some((l) => l.includes(`automl ${command.name()}`)), `${command.name()}: an example runs the command itself`).toBe(true);
      for (const line of lines) {
        expect(line, command.name()).toMatch(/^ {2}\$ /);
        // Every `automl <command>` named is a command, every bundled dataset named exists.
        for (const m of line.matchAll(/automl ([a-z]+)/g)) expect(names, line).toContain(m[1]);
        for (const m of line.matchAll(/datasets\/[\w.-]+/g)) expect(existsSync(join(ROOT, m[0])), line).toBe(true);
      }
    }
  });

  it('automl --help lists the new commands, and --storage shows AUTOML_STORAGE', () => {
    const cwd = dir();
    const top = automl(['--help'], cwd);
    expect(top.code).toBe(0);
    expect(top.stdout).toMatch(/\n {2}leaderboard \[options\] <study>/);
    expect(top.stdout).toMatch(/\n {2}delete \[options\] <study>/);
    for (const cmd of ['leaderboard', 'delete', 'report', 'dashboard', 'importance', 'export', 'worker']) {
      const h = automl([cmd, '--help'], cwd);
      expect(h.stdout, cmd).toMatch(/env:\s+AUTOML_STORAGE/);
      expect(h.stdout, cmd).toMatch(/\nExamples:\n/);
    }
  }, 300_000);
});

describe('leaderboard, predict from stdin, delete, AUTOML_STORAGE', () => {
  it('works on studies found through AUTOML_STORAGE', () => {
    const cwd = dir();
    const env = { AUTOML_STORAGE: 'sqlite:env.db' };
    expect(automl(['search', IRIS, ...QUICK, '--trials', '5', '--study', 'a'], cwd, { env }).code).toBe(0);
    expect(automl(['search', IRIS, ...QUICK, '--trials', '3', '--study', 'b'], cwd, { env }).code).toBe(0);
    expect(existsSync(join(cwd, 'env.db'))).toBe(true);
    expect(existsSync(join(cwd, 'automl.db'))).toBe(false);
    // --storage wins over the variable.
    expect(automl(['studies', '--storage', 'sqlite:automl.db'], cwd, { env }).code).not.toBe(0);

    // leaderboard: text, --top, --json; the first row is `automl best`.
    const text = automl(['leaderboard', 'a'], cwd, { env });
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(/^Leaderboard \(top \d+ of \d+ complete trials, accuracy, higher is better(; [^\n]*)?\):\nrank +trial +model +cv accuracy/);
    const json = JSON.parse(automl(['leaderboard', 'a', '--top', '2', '--json'], cwd, { env }).stdout);
    expect(json).toMatchObject({ study: 'a', metric: 'accuracy', direction: 'maximize' });
    expect(json.leaderboard.map((r: { rank: number }) => r.rank)).toEqual([1, 2]);
    expect(json.leaderboard[0].mean).toBeGreaterThanOrEqual(json.leaderboard[1].mean);
    expect(json.trials.complete + json.trials.pruned + json.trials.failed).toBeGreaterThanOrEqual(json.leaderboard.length);
    const best = JSON.parse(automl(['best', 'a', '--json'], cwd, { env }).stdout);
    expect(json.leaderboard[0]).toMatchObject({ number: best.number, mean: best.value });
    expect(automl(['leaderboard', 'a', '--top', '0'], cwd, { env }).stderr).toMatch(/--top must be an integer >= 1, got '0'/);
    const missing = automl(['leaderboard', 'zzz'], cwd, { env });
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/E_STUDY_NOT_FOUND.*no study named 'zzz'.*studies there: a, b/);

    // predict: '-' reads the CSV from stdin, same answers as the file; --json as automl serve answers.
    const rows = readFileSync(IRIS, 'utf8').trim().split('\n');
    const some = rows.slice(0, 11).join('\n') + '\n';
    writeFileSync(join(cwd, 'some.csv'), some);
    const fromFile = automl(['predict', 'a.model.json', 'some.csv'], cwd);
    const fromStdin = automl(['predict', 'a.model.json', '-'], cwd, { input: some });
    expect(fromStdin.code).toBe(0);
    expect(fromStdin.stdout).toBe(fromFile.stdout);
    expect(fromStdin.stdout.trim().split('\n')).toHaveLength(11);
    const pj = JSON.parse(automl(['predict', 'a.model.json', '-', '--json', '--proba'], cwd, { input: some }).stdout);
    expect(pj.target).toBe('species');
    expect(pj.predictions).toEqual(fromFile.stdout.trim().split('\n').slice(1));
    expect(pj.probabilities).toHaveLength(10);
    for (const [i, p] of (pj.probabilities as Record<string, number>[]).entries()) {
      expect(Object.keys(p).sort()).toEqual(['setosa', 'versicolor', 'virginica']);
      expect(Object.values(p).reduce((s, x) => s + x, 0)).toBeCloseTo(1, 6);
      expect(Object.entries(p).sort((x, y) => y[1] - x[1])[0]![0]).toBe(pj.predictions[i]);
    }
    const viaFile = automl(['predict', 'a.model.json', '-', '--json', '--out', 'p.json'], cwd, { input: some });
    expect(viaFile.code).toBe(0);
    expect(JSON.parse(readFileSync(join(cwd, 'p.json'), 'utf8')).predictions).toEqual(pj.predictions);
    const ragged = automl(['predict', 'a.model.json', '-'], cwd, { input: `${rows[0]}\n${rows[1]}\n1,2,3\n` });
    expect(ragged.code).toBe(1);
    expect(ragged.stderr).toMatch(/error \[E_CSV_RAGGED\]: <stdin>: line 3 has 3 fields, expected 5/);
    expect(automl(['predict', 'a.model.json', '-'], cwd, { input: '' }).stderr).toMatch(/E_CSV_EMPTY.*<stdin>: the file is empty/);

    // delete: refused without --yes when stdin is not a terminal; never touches the other study.
    const before = JSON.parse(automl(['trials', 'b', '--json'], cwd, { env }).stdout);
    const refused = automl(['delete', 'a'], cwd, { env });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/refusing to delete study 'a' \(\d+ trials\) without confirmation: standard input is not a terminal; pass --yes/);
    expect(JSON.parse(automl(['studies', '--json'], cwd, { env }).stdout).map((s: { name: string }) => s.name)).toEqual(['a', 'b']);
    const deleted = automl(['delete', 'a', '--yes', '--json'], cwd, { env });
    expect(deleted.code).toBe(0);
    expect(JSON.parse(deleted.stdout)).toMatchObject({ study: 'a', storage: 'sqlite:env.db', deleted: true, trials: expect.any(Number) });
    expect(deleted.stderr).toMatch(/note: a\.model\.json here is not deleted/);
    expect(existsSync(join(cwd, 'a.model.json'))).toBe(true);
    expect(JSON.parse(automl(['studies', '--json'], cwd, { env }).stdout).map((s: { name: string }) => s.name)).toEqual(['b']);
    expect(JSON.parse(automl(['trials', 'b', '--json'], cwd, { env }).stdout)).toEqual(before);
    const again = automl(['delete', 'a', '--yes'], cwd, { env });
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/E_STUDY_NOT_FOUND.*no study named 'a'.*nothing deleted; studies there: b/);
    // A mistyped storage file is not created by a delete.
    expect(automl(['delete', 'b', '--yes', '--storage', 'sqlite:typo.db'], cwd).code).toBe(1);
    expect(existsSync(join(cwd, 'typo.db'))).toBe(false);
  }, 300_000);

  it.skipIf(!existsSync('/usr/bin/script'))('delete asks on a terminal: the study name or y deletes, anything else keeps it', () => {
    const cwd = dir();
    for (const s of ['one', 'two', 'three']) expect(automl(['search', IRIS, ...QUICK, '--trials', '2', '--study', s], cwd).code).toBe(0);
    // `script` runs the command under a pseudo-terminal, so stdin is a TTY.
    const onTty = (args: string, answer: string): Run => {
      const r = spawnSync('script', ['-qec', `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} ${args}`, '/dev/null'], { cwd, encoding: 'utf8', input: answer, timeout: 60_000 });
      return { code: r.status, stdout: r.stdout, stderr: r.stderr };
    };
    const kept = onTty('delete one', 'nope\n');
    expect(kept.stdout).toMatch(/Delete study 'one' and its \d+ trials from sqlite:automl\.db\? This cannot be undone\./);
    expect(kept.stdout).toMatch(/kept study 'one': nothing deleted/);
    expect(kept.code).toBe(1);
    expect(onTty('delete one', 'one\n').stdout).toMatch(/deleted study 'one'/);
    expect(onTty('delete two', 'y\n').stdout).toMatch(/deleted study 'two'/);
    expect(JSON.parse(automl(['studies', '--json'], cwd).stdout).map((s: { name: string }) => s.name)).toEqual(['three']);
  }, 300_000);
});

describe('confirmByName (the delete prompt)', () => {
  async function answer(text: string | null): Promise<{ ok: boolean; asked: string }> {
    const input = new PassThrough();
    const output = new PassThrough();
    let asked = '';
    output.on('data', (d) => (asked += d));
    const ok = confirmByName('Delete? ', 'iris', { input, output });
    if (text === null) input.end();
    else input.write(text);
    return { ok: await ok, asked };
  }

  it('deletes on the study name, y or yes; keeps on anything else, an empty line or the end of input', async () => {
    for (const yes of ['iris\n', ' iris \n', 'y\n', 'Y\n', 'yes\n', 'YES\n']) expect((await answer(yes)).ok, yes).toBe(true);
    for (const no of ['\n', 'n\n', 'no\n', 'Iris\n', 'iris2\n', 'yess\n', 'delete\n']) expect((await answer(no)).ok, no).toBe(false);
    expect((await answer(null)).ok).toBe(false);
    expect((await answer('y\n')).asked).toBe('Delete? ');
  });
});

describe('resume --data and its budget', () => {
  it('the study budget: a time study runs its own --time again, without a stored deadline none', () => {
    expect(ownTimeBudget({ createdAt: 1_000_000, settings: { deadline: 1_000_000 + 119_990 } })).toBe(120);
    expect(ownTimeBudget({ createdAt: 1_000_000, settings: { deadline: 1_000_100 } })).toBe(1);
    expect(ownTimeBudget({ createdAt: 1_000_000, settings: { deadline: null, trials: 30 } })).toBeUndefined();
    expect(ownTimeBudget({ createdAt: 1_000_000, settings: {} })).toBeUndefined();
  });

  it('finds moved data with --data, refuses other data clearly, and keeps the study time budget', () => {
    const cwd = dir();
    mkdirSync(join(cwd, 'old'));
    writeFileSync(join(cwd, 'old', 'iris.csv'), readFileSync(IRIS));
    const first = automl(['search', 'old/iris.csv', ...QUICK, '--time', '3s', '--study', 't', '--json'], cwd);
    expect(first.code).toBe(0);
    mkdirSync(join(cwd, 'new'));
    renameSync(join(cwd, 'old', 'iris.csv'), join(cwd, 'new', 'iris.csv'));

    const gone = automl(['resume', 't', '--quiet'], cwd);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toMatch(/E_FILE_NOT_FOUND.*study 't' was started on .*old\/iris\.csv, which is not there any more; if the file moved, give its new path with --data <file>/);
    writeFileSync(join(cwd, 'other.csv'), 'a,b,c\n1,2,x\n3,4,y\n');
    const other = automl(['resume', 't', '--data', 'other.csv', '--quiet'], cwd);
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/E_STUDY_MISMATCH.*--data other\.csv is not the data study 't' was started with: it has no column "species", the study's target/);
    writeFileSync(join(cwd, 'part.csv'), readFileSync(IRIS, 'utf8').split('\n').slice(0, 120).join('\n') + '\n');
    const part = automl(['resume', 't', '--data', 'part.csv', '--quiet'], cwd);
    expect(part.stderr).toMatch(/E_STUDY_MISMATCH.*part\.csv is not the data study 't' was started with \(its content fingerprint differs\)/);

    const t0 = Date.now();
    const resumed = automl(['resume', 't', '--data', 'new/iris.csv', '--out', 't2.model.json'], cwd);
    const seconds = (Date.now() - t0) / 1000;
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stderr).toMatch(/resuming study 't' .*; time budget 3\.0s, as the study was started \(--time changes it\)/);
    expect(existsSync(join(cwd, 't2.model.json'))).toBe(true);
    // Its own 3 s, not the 60 s default (startup and refit included, on a loaded machine).
    expect(seconds).toBeLessThan(40);
  }, 300_000);
});

describe('worker --json', () => {
  it('prints one JSON line per trial it finished, then a done summary', async () => {
    const cwd = dir();
    // A study with trials left: a long search stopped with Ctrl-C once it has run a few.
    const child = spawn(process.execPath, [BIN, 'search', IRIS, '--target', 'species', '--workers', '1', '--trials', '100000', '--study', 'w', '--no-recheck', '--no-ensemble'], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    await new Promise((r) => setTimeout(r, 6000));
    child.kill('SIGINT');
    await new Promise((r) => child.on('exit', r));
    expect(err).not.toMatch(/error/i);
    expect(JSON.parse(automl(['trials', 'w', '--json'], cwd).stdout).length).toBeGreaterThan(0);

    const r = automl(['worker', 'w', '--json', '--time', '3s', '--workers', '1'], cwd);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe(''); // --json: no progress
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    const done = lines.pop();
    expect(done).toMatchObject({ event: 'done', study: 'w', stoppedBy: 'time', ran: lines.length, trials: { complete: expect.any(Number) } });
    expect(lines.length).toBeGreaterThan(0);
    for (const t of lines) {
      expect(t).toMatchObject({ event: 'trial', study: 'w', number: expect.any(Number), state: expect.stringMatching(/^(COMPLETE|PRUNED|FAIL)$/) });
      expect(Object.keys(t)).toEqual(expect.arrayContaining(['value', 'config', 'foldScores', 'durationMs']));
    }
    expect(new Set(lines.map((t) => t.number)).size).toBe(lines.length);
    const stored = JSON.parse(automl(['trials', 'w', '--json'], cwd).stdout) as { number: number; state: string }[];
    for (const t of lines) expect(stored.find((s) => s.number === t.number)?.state).toBe(t.state);
    if (done.best) expect(done.best.value).toBe(Math.max(...stored.filter((s) => s.state === 'COMPLETE').map((s) => (s as unknown as { value: number }).value)));
  }, 300_000);
});

describe('predict --interval', () => {
  it('adds the Gaussian process interval columns (CSV and JSON), and refuses what has none, saying why', () => {
    const cwd = dir();
    const CPU = join(ROOT, 'datasets', 'cpu.csv');
    const s = automl(['search', CPU, '--target', 'class', '--models', 'gaussian_process', '--no-ensemble', '--no-recheck', '--trials', '3', '--cv', '3', '--workers', '1', '--quiet', '--out', 'gp.model.json'], cwd);
    expect(s.code, s.stderr).toBe(0);
    writeFileSync(join(cwd, 'some.csv'), readFileSync(CPU, 'utf8').trim().split('\n').slice(0, 21).join('\n') + '\n');
    const r = automl(['predict', 'gp.model.json', 'some.csv', '--interval', '0.9'], cwd);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('class,class_lower,class_upper');
    expect(lines).toHaveLength(21);
    const narrow = lines.slice(1).map((l) => l.split(',').map(Number));
    for (const [pred, lo, hi] of narrow) (expect(lo).toBeLessThan(pred!), expect(hi).toBeGreaterThan(pred!));
    // Bare --interval is 95%: wider than 90% on every row, around the same predictions.
    const j = JSON.parse(automl(['predict', 'gp.model.json', 'some.csv', '--interval', '--json'], cwd).stdout);
    expect(j.coverage).toBe(0.95);
    expect(j.intervals).toHaveLength(20);
    j.intervals.forEach((iv: { lower: number; upper: number }, i: number) => {
      expect(j.predictions[i]).toBeCloseTo(narrow[i]![0]!, 6);
      expect(iv.upper - iv.lower).toBeGreaterThan(narrow[i]![2]! - narrow[i]![1]!);
    });
    const bad = automl(['predict', 'gp.model.json', 'some.csv', '--interval', '1.5'], cwd);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/--interval "1\.5": expected the share of the predictive distribution to cover, between 0 and 1/);

    // A model without a predictive distribution, and a classifier.
    expect(automl(['search', CPU, '--target', 'class', '--models', 'ridge', '--no-ensemble', '--no-recheck', '--trials', '2', '--cv', '3', '--workers', '1', '--quiet', '--out', 'ridge.model.json'], cwd).code).toBe(0);
    const ridge = automl(['predict', 'ridge.model.json', 'some.csv', '--interval'], cwd);
    expect(ridge.code).not.toBe(0);
    expect(ridge.stderr).toMatch(/E_MODEL.*model 'ridge' has no predictive distribution.*gaussian_process/);
    expect(automl(['search', IRIS, ...QUICK, '--trials', '2', '--out', 'iris.model.json'], cwd).code).toBe(0);
    const clf = automl(['predict', 'iris.model.json', IRIS, '--interval'], cwd);
    expect(clf.code).not.toBe(0);
    expect(clf.stderr).toMatch(/--interval needs a regression model/);
  }, 240_000);
});
