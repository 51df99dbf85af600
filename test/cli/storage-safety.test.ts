import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runCli as run } from './storage-cli.js';

/*
 * Issue 17 through the compiled command line (dist/, `npx tsc -p tsconfig.build.json`): a study
 * database never runs code (planted plugins), read-only commands create no file, and a resume
 * keeps the result-changing flags the study was started with.
 */
const IRIS = fileURLToPath(new URL('../../datasets/iris.csv', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'automl-storage-safety-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const runCli = (args: string[], cwd = dir) => run(args, cwd);


function plant(db: string, plugins: unknown): void {
  const raw = new Database(db);
  raw.prepare(`UPDATE studies SET settings = json_set(settings, '$.plugins', json(?))`).run(JSON.stringify(plugins));
  raw.close();
}

beforeAll(async () => {
  if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npx tsc -p tsconfig.build.json\``);
  copyFileSync(IRIS, join(dir, 'iris.csv'));
  const r = await runCli(['search', 'iris.csv', '--target', 'species', '--trials', '4', '--workers', '1', '--storage', 'sqlite:s.db', '--study', 'iris', '--no-recheck', '--quiet', '--json', '--out', 'm.json']);
  expect(r.stderr).toBe('');
  expect(r.code).toBe(0);
}, 180_000);

describe('a study database never runs code (issue 17)', () => {
  const pwned = join(dir, 'pwned');
  const evil = join(dir, 'evil.mjs');
  const dataUrl = `data:text/javascript,${encodeURIComponent(`import { writeFileSync } from 'node:fs'; writeFileSync(${JSON.stringify(pwned)}, 'ran'); export default { name: 'x', tasks: ['classification'], create() {}, load() {} };`)}`;

  it.each([
    ['data: URL', () => [{ module: dataUrl }]],
    ['file: URL of a planted module', () => [{ module: pathToFileURL(evil).href }]],
    ['path of a planted module', () => [{ module: evil }]],
  ])('resume and worker refuse a planted %s without importing it', async (_what, plugins) => {
    writeFileSync(evil, `import { writeFileSync } from 'node:fs'; writeFileSync(${JSON.stringify(pwned)}, 'ran'); export default {};\n`);
    copyFileSync(join(dir, 's.db'), join(dir, 'p.db'));
    plant(join(dir, 'p.db'), plugins());
    for (const args of [
      ['resume', 'iris', '--storage', 'sqlite:p.db', '--trials', '6', '--workers', '1', '--quiet'],
      ['worker', 'iris', '--storage', 'sqlite:p.db', '--workers', '1', '--quiet'],
      // Naming a non-file module is refused before any comparison.
      ['resume', 'iris', '--storage', 'sqlite:p.db', '--plugin', dataUrl, '--quiet'],
    ]) {
      const r = await runCli(args);
      expect(r.code, args.join(' ')).not.toBe(0);
      expect(r.stderr).toMatch(/error \[E_(STUDY_MISMATCH|MODEL)\]/);
      expect(r.stderr).not.toMatch(/\n\s+at /);
      expect(existsSync(pwned), `${args[0]} ran the planted code`).toBe(false);
    }
    const r = await runCli(['resume', 'iris', '--storage', 'sqlite:p.db', '--quiet']);
    expect(r.stderr).toMatch(/study 'iris' expects model modules .*, but this command names none/);
  }, 120_000);

  it('refuses --plugin modules a study did not record, naming both lists', async () => {
    writeFileSync(join(dir, 'mine.mjs'), 'export default {};\n');
    const r = await runCli(['resume', 'iris', '--storage', 'sqlite:s.db', '--plugin', 'mine.mjs', '--quiet']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/error \[E_STUDY_MISMATCH\]: study 'iris' expects model modules none, but this command names "file:.*mine\.mjs"/);
  });

  it('resume refuses a stored data path that is not a plain file', async () => {
    copyFileSync(join(dir, 's.db'), join(dir, 'd.db'));
    const raw = new Database(join(dir, 'd.db'));
    raw.prepare(`UPDATE studies SET settings = json_set(settings, '$.data', ?)`).run(dir);
    raw.close();
    const r = await runCli(['resume', 'iris', '--storage', 'sqlite:d.db', '--quiet']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toMatch(/error \[E_DATA\]: study 'iris' settings.data: .* is not a plain file/);
  });
});

describe('read-only commands create no file (issue 17)', () => {
  it.each([
    ['studies', []],
    ['trials', ['iris']],
    ['best', ['iris']],
  ])('%s on a mistyped path says so and creates nothing', async (cmd, rest) => {
    for (const storage of ['sqlite:typo.db', 'typo.sqlite', `sqlite:${join(dir, 'typo2.db')}`]) {
      const r = await runCli([cmd as string, ...(rest as string[]), '--storage', storage]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toMatch(/error \[E_STORAGE\]: no such study database: .*typo2?\.(db|sqlite)/);
      for (const f of ['typo.db', 'typo.sqlite', 'typo2.db']) expect(existsSync(join(dir, f))).toBe(false);
    }
  });

  it('still read an existing study', async () => {
    const r = await runCli(['best', 'iris', '--storage', 'sqlite:s.db', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toBeTruthy();
  });
});

describe('resume keeps the flags a study was started with (issue 17)', () => {
  it('a resume after --no-recheck does not re-check', async () => {
    copyFileSync(join(dir, 's.db'), join(dir, 'r.db'));
    const r = await runCli(['resume', 'iris', '--storage', 'sqlite:r.db', '--trials', '6', '--workers', '1', '--json', '--quiet', '--out', 'r.json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).recheck).toBeNull();
    const raw = new Database(join(dir, 'r.db'), { readonly: true });
    const settings = JSON.parse(raw.prepare('SELECT settings FROM studies').pluck().get() as string);
    raw.close();
    expect(settings).toMatchObject({ recheck: false, featureSearch: false, trialTimeout: null });
    expect(readFileSync(join(dir, 'r.json'), 'utf8').length).toBeGreaterThan(0);
  }, 120_000);
});
