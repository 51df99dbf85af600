import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resumeSearch, search } from '../../src/automl/search.js';
import { openStorage } from '../../src/storage/open.js';
import { loadStudy } from '../../src/study/index.js';
import { SECRET_URLS } from '../storage/secret-urls.js';

/*
 * Issue 17: hostile storage files and URLs. Each case must end in a coded AutomlError (or the
 * correct result), never a crash or a hang; run no code; change no file but the named outputs;
 * print no password (every password below contains "Zq9"). The tally is in bench/chaos/RESULTS.md.
 */
const IRIS = fileURLToPath(new URL('../../datasets/iris.csv', import.meta.url));
const root = mkdtempSync(join(tmpdir(), 'automl-hostile-storage-'));
const PWNED = join(root, 'pwned');
let base = '';
afterAll(() => rmSync(root, { recursive: true, force: true }));

beforeAll(async () => {
  copyFileSync(IRIS, join(root, 'iris.csv'));
  base = join(root, 'base.db');
  const r = await search({ data: join(root, 'iris.csv'), target: 'species', trials: 2, workers: 1, storage: `sqlite:${base}`, study: 'iris', recheck: false, ensemble: false, warmStart: false });
  await r.study.close();
}, 120_000);

function hashes(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of readdirSync(dir)) {
    const p = join(dir, f);
    const st = lstatSync(p);
    out.set(f, st.isFile() ? createHash('sha256').update(readFileSync(p)).digest('hex') : st.isSymbolicLink() ? 'link' : st.isDirectory() ? 'dir' : 'other');
  }
  return out;
}

function sqlite(file: string, sql: string[], params: unknown[][] = []): void {
  const db = new Database(file);
  sql.forEach((s, i) => db.prepare(s).run(...(params[i] ?? [])));
  db.close();
}

/** A copy of the base study database in `dir`, with `sql` applied to it. */
function damaged(dir: string, sql: string[], params: unknown[][] = []): string {
  const f = join(dir, 'x.db');
  copyFileSync(base, f);
  sqlite(f, sql, params);
  return f;
}

const setting = (path: string, json: string): [string[], unknown[][]] => [[`UPDATE studies SET settings = json_set(settings, '${path}', json(?))`], [[json]]];
const evilModule = (dir: string): string => {
  const f = join(dir, 'evil.mjs');
  writeFileSync(f, `import { writeFileSync } from 'node:fs'; writeFileSync(${JSON.stringify(PWNED)}, 'ran'); export default {};\n`);
  return f;
};
const dataUrl = `data:text/javascript,${encodeURIComponent(`import{writeFileSync}from'node:fs';writeFileSync(${JSON.stringify(PWNED)},'ran');`)}`;

type Case = {
  name: string;
  /** Builds the case in its folder; returns the storage URL. */
  setup: (dir: string) => string;
  /** What is run on it (default: open for writing, then read-only). */
  run?: (url: string, dir: string) => Promise<unknown>;
  /** The storage itself is a named output (it may change: a legacy file is stamped). */
  storageMayChange?: string;
  /** The expected error code, or null when the case must succeed. */
  code: RegExp | null;
};

const open = async (url: string, readonly = false) => (await openStorage(url, { readonly })).close();
const resume = (url: string, extra: object = {}) => async () => {
  const r = await resumeSearch('iris', { storage: url, trials: 3, workers: 1, ...extra });
  await r.study.close();
};

const CASES: Case[] = [
  { name: 'foreign SQLite with a schema_version table', setup: (d) => (sqlite(join(d, 'x.db'), ['CREATE TABLE schema_version (version INTEGER)', 'INSERT INTO schema_version VALUES (1)', 'CREATE TABLE people (name TEXT)']), join(d, 'x.db')), code: /^E_STORAGE$/ },
  { name: 'foreign SQLite, only a schema_version table', setup: (d) => (sqlite(join(d, 'x.db'), ['CREATE TABLE schema_version (version INTEGER)', 'INSERT INTO schema_version VALUES (1)']), join(d, 'x.db')), code: /^E_STORAGE$/ },
  { name: 'foreign SQLite with application tables', setup: (d) => (sqlite(join(d, 'x.db'), ['CREATE TABLE t (a)', 'INSERT INTO t VALUES (1)']), join(d, 'x.db')), code: /^E_STORAGE$/ },
  { name: 'foreign SQLite in WAL mode with schema_version', setup: (d) => { const db = new Database(join(d, 'x.db')); db.pragma('journal_mode = WAL'); db.exec('CREATE TABLE schema_version (version INTEGER); INSERT INTO schema_version VALUES (1)'); db.close(); return join(d, 'x.db'); }, code: /^E_STORAGE$/ },
  { name: "another application's id on automl's tables", setup: (d) => { const f = join(d, 'x.db'); copyFileSync(base, f); const db = new Database(f); db.pragma('application_id = 1196444487'); db.pragma('journal_mode = DELETE'); db.close(); return f; }, code: /^E_STORAGE$/ },
  { name: 'automl-like tables with a column missing (unmarked)', setup: (d) => (sqlite(join(d, 'x.db'), ['CREATE TABLE schema_version (version INTEGER NOT NULL)', 'INSERT INTO schema_version VALUES (1)', 'CREATE TABLE studies (id INTEGER PRIMARY KEY, name TEXT)', 'CREATE TABLE trials (study_id INTEGER)', 'CREATE TABLE trial_intermediate (study_id INTEGER)']), join(d, 'x.db')), code: /^E_STORAGE$/ },
  { name: 'automl tables plus a foreign table (unmarked)', setup: (d) => { const f = join(d, 'x.db'); copyFileSync(base, f); const db = new Database(f); db.pragma('application_id = 0'); db.exec('CREATE TABLE extra (a)'); db.pragma('journal_mode = DELETE'); db.close(); return f; }, code: /^E_STORAGE$/ },
  { name: 'empty file', setup: (d) => (writeFileSync(join(d, 'x.db'), ''), join(d, 'x.db')), code: /^E_STORAGE$/ },
  { name: 'text file', setup: (d) => (writeFileSync(join(d, 'x.db'), 'name,value\na,1\n'), join(d, 'x.db')), code: /^E_STORAGE$/ },
  { name: 'SQLite header and garbage', setup: (d) => (writeFileSync(join(d, 'x.db'), Buffer.concat([Buffer.from('SQLite format 3\0'), Buffer.alloc(5000, 0x5a)])), join(d, 'x.db')), code: /^E_STORAGE$/ },
  { name: 'automl database truncated to 100 bytes', setup: (d) => (writeFileSync(join(d, 'x.db'), readFileSync(base).subarray(0, 100)), join(d, 'x.db')), code: /^E_STORAGE$/ },
  { name: 'automl database truncated to its first page', setup: (d) => (writeFileSync(join(d, 'x.db'), readFileSync(base).subarray(0, 4096)), join(d, 'x.db')), code: /^E_STORAGE$/ },
  { name: 'automl database with its second half zeroed', setup: (d) => { const b = Buffer.from(readFileSync(base)); b.fill(0, 4096); writeFileSync(join(d, 'x.db'), b); return join(d, 'x.db'); }, run: async (u) => { await open(u); await resume(u)(); }, code: /^E_(STORAGE|STUDY_NOT_FOUND)$/ },
  { name: 'a folder named x.db', setup: (d) => (mkdirSync(join(d, 'x.db')), join(d, 'x.db')), code: /^E_STORAGE$/ },
  { name: 'a loop of symbolic links', setup: (d) => (symlinkSync(join(d, 'b.db'), join(d, 'x.db')), symlinkSync(join(d, 'x.db'), join(d, 'b.db')), join(d, 'x.db')), code: /^E_STORAGE$/ },
  { name: 'a dangling symbolic link', setup: (d) => (symlinkSync(join(d, 'nowhere', 'y.db'), join(d, 'x.db')), join(d, 'x.db')), code: /^E_STORAGE$/ },
  { name: 'a dangling symbolic link into an existing folder', setup: (d) => (symlinkSync(join(d, 'y.db'), join(d, 'x.db')), join(d, 'x.db')), code: /^E_STORAGE$/ },
  { name: 'a FIFO named x.db', setup: (d) => (execFileSync('mkfifo', [join(d, 'x.db')]), join(d, 'x.db')), code: /^E_STORAGE$/ },
  { name: '/dev/null as the storage', setup: () => 'sqlite:/dev/null', run: (u) => open(u), code: /^E_STORAGE$/ },
  { name: 'a missing folder', setup: (d) => join(d, 'no', 'such', 'x.db'), code: /^E_STORAGE$/ },
  { name: 'read-only command on a mistyped path', setup: (d) => join(d, 'typo.db'), run: (u) => open(u, true), code: /^E_STORAGE$/ },
  { name: 'newer schema version', setup: (d) => damaged(d, ['UPDATE schema_version SET version = 99']), code: /^E_STORAGE$/ },
  { name: 'schema_version emptied', setup: (d) => damaged(d, ['DELETE FROM schema_version']), code: /^E_STORAGE$/ },
  { name: 'schema_version holds text', setup: (d) => damaged(d, ["UPDATE schema_version SET version = 'one'"]), code: /^E_STORAGE$/ },
  { name: 'older automl file without the application id (legacy) still opens', setup: (d) => { const f = join(d, 'x.db'); copyFileSync(base, f); const db = new Database(f); db.pragma('application_id = 0'); db.close(); return f; }, run: async (u) => { await open(u); const s = await loadStudy({ name: 'iris', storage: u, readonly: true }); await s.close(); }, storageMayChange: 'x.db', code: null },
  { name: 'settings not JSON', setup: (d) => damaged(d, ["UPDATE studies SET settings = '{\"kind\": '"]), run: (u) => resume(u)(), code: /^E_STORAGE$/ },
  { name: 'settings a JSON array', setup: (d) => damaged(d, ["UPDATE studies SET settings = '[1,2]'"]), run: (u) => resume(u)(), code: /^E_STORAGE$/ },
  { name: 'settings NULL-like text', setup: (d) => damaged(d, ["UPDATE studies SET settings = 'null'"]), run: (u) => resume(u)(), code: /^E_STORAGE$/ },
  { name: 'space not JSON', setup: (d) => damaged(d, ["UPDATE studies SET space = 'x{'"]), run: (u) => resume(u)(), code: /^E_STORAGE$/ },
  { name: 'trial params not JSON', setup: (d) => damaged(d, ["UPDATE trials SET params = '{' WHERE number = 0"]), run: (u) => resume(u)(), code: /^E_STORAGE$/ },
  { name: 'settings of another kind', setup: (d) => damaged(d, ...setting('$.kind', '"other"')), run: (u) => resume(u)(), code: /^E_CONFIG$/ },
  { name: 'planted plugin: data: URL', setup: (d) => damaged(d, ...setting('$.plugins', JSON.stringify([{ module: dataUrl }]))), run: (u) => resume(u)(), code: /^E_STUDY_MISMATCH$/ },
  { name: 'planted plugin: file: URL of a module', setup: (d) => damaged(d, ...setting('$.plugins', JSON.stringify([{ module: pathToFileURL(evilModule(d)).href }]))), run: (u) => resume(u)(), code: /^E_STUDY_MISMATCH$/ },
  { name: 'planted plugin: path, worker with --plugin data:', setup: (d) => damaged(d, ...setting('$.plugins', JSON.stringify([{ module: evilModule(d) }]))), run: (u) => resume(u, { refit: false, plugins: [dataUrl] })(), code: /^E_MODEL$/ },
  { name: 'planted plugin: node: builtin', setup: (d) => damaged(d, ...setting('$.plugins', JSON.stringify([{ module: 'node:child_process', exportName: 'exec' }]))), run: (u) => resume(u)(), code: /^E_STUDY_MISMATCH$/ },
  { name: 'planted plugin: https URL', setup: (d) => damaged(d, ...setting('$.plugins', JSON.stringify([{ module: 'https://example.invalid/x.mjs' }]))), run: (u) => resume(u)(), code: /^E_STUDY_MISMATCH$/ },
  { name: 'plugins of the wrong type', setup: (d) => damaged(d, ...setting('$.plugins', '"data:text/javascript,1"')), run: (u) => resume(u)(), code: /^E_STORAGE$/ },
  { name: 'cv of the wrong type', setup: (d) => damaged(d, ...setting('$.cv', '"5"')), run: (u) => resume(u)(), code: /^E_STORAGE$/ },
  { name: 'testSize out of range', setup: (d) => damaged(d, ...setting('$.testSize', '2')), run: (u) => resume(u)(), code: /^E_STORAGE$/ },
  { name: 'recheck of the wrong type', setup: (d) => damaged(d, ...setting('$.recheck', '"yes"')), run: (u) => resume(u)(), code: /^E_STORAGE$/ },
  { name: 'trialTimeout negative', setup: (d) => damaged(d, ...setting('$.trialTimeout', '-1')), run: (u) => resume(u)(), code: /^E_STORAGE$/ },
  { name: 'data path is a folder', setup: (d) => damaged(d, ...setting('$.data', JSON.stringify(d))), run: (u) => resume(u)(), code: /^E_DATA$/ },
  { name: 'data path is a character device', setup: (d) => damaged(d, ...setting('$.data', '"/dev/zero"')), run: (u) => resume(u)(), code: /^E_DATA$/ },
  { name: 'data path of other content', setup: (d) => { writeFileSync(join(d, 'other.csv'), 'a,species\n1,x\n2,y\n3,x\n4,y\n5,x\n6,y\n7,x\n8,y\n9,x\n10,y\n11,x\n12,y\n'); return damaged(d, ...setting('$.data', JSON.stringify(join(d, 'other.csv')))); }, run: (u) => resume(u)(), code: /^E_STUDY_MISMATCH$/ },
  { name: 'huge settings (8 MB string)', setup: (d) => damaged(d, ...setting('$.junk', JSON.stringify('x'.repeat(8_000_000)))), run: async (u) => { const s = await loadStudy({ name: 'iris', storage: u, readonly: true }); await s.close(); }, storageMayChange: 'x.db', code: null },
  { name: 'settings with __proto__ and constructor keys', setup: (d) => damaged(d, ["UPDATE studies SET settings = json_patch(settings, '{\"__proto__\": {\"polluted\": 1}, \"constructor\": 1}')"]), run: async (u) => { await resume(u)().catch(() => undefined); if (({} as { polluted?: unknown }).polluted !== undefined) throw new Error('prototype polluted'); }, storageMayChange: 'x.db', code: null },
  ...SECRET_URLS.slice(0, 8).map((u): Case => ({ name: `password in URL ${u.slice(0, 40)}`, setup: () => u, run: (x) => open(x), code: /^E_STORAGE(_URL)?$/ })),
];

const tally = { cases: 0, crashes: 0, hangs: 0, codeExecuted: 0, filesChanged: 0, passwordsPrinted: 0 };

describe('hostile storage files and URLs (issue 17)', () => {
  it(`has at least 30 cases (${CASES.length})`, () => expect(CASES.length).toBeGreaterThanOrEqual(30));

  it.each(CASES.map((c, i) => [c.name, i] as const))('%s', async (_name, i) => {
    const c = CASES[i]!;
    const dir = mkdtempSync(join(root, 'case-'));
    const setup = c.setup(dir);
    const url = /^[a-z]+:/i.test(setup) || /\s|=/.test(setup) ? setup : `sqlite:${setup}`;
    const before = hashes(dir);
    tally.cases++;
    let err: unknown = null;
    const started = Date.now();
    try {
      await (c.run ? c.run(url, dir) : (async () => { await open(url); await open(url, true); })());
    } catch (e) {
      err = e;
    }
    if (Date.now() - started > 60_000) tally.hangs++;
    const after = hashes(dir);
    for (const k of [...before.keys()]) if (k === c.storageMayChange) { before.delete(k); after.delete(k); }
    for (const k of [...after.keys()]) if (k === c.storageMayChange || (/-(wal|shm)$/.test(k) && c.storageMayChange)) after.delete(k);
    const e = err as { code?: string; message?: string; details?: unknown } | null;
    const shown = e ? `${e.message} ${JSON.stringify(e.details ?? null)}` : '';
    if (e && !(typeof e.code === 'string' && /^E_/.test(e.code))) tally.crashes++;
    if (existsSync(PWNED)) tally.codeExecuted++;
    if (JSON.stringify([...after]) !== JSON.stringify([...before])) tally.filesChanged++;
    if (shown.includes('Zq9')) tally.passwordsPrinted++;
    expect(existsSync(PWNED), 'code ran').toBe(false);
    expect(shown).not.toContain('Zq9');
    expect(Object.fromEntries(after)).toEqual(Object.fromEntries(before));
    if (c.code === null) expect(err).toBeNull();
    else {
      expect(err, 'no error').not.toBeNull();
      expect(e!.code, String(e!.message ?? e)).toMatch(c.code);
    }
  }, 90_000);

  it('tally', () => {
    process.stdout.write(`hostile-storage tally: ${JSON.stringify(tally)}\n`);
    expect(tally).toMatchObject({ crashes: 0, hangs: 0, codeExecuted: 0, filesChanged: 0, passwordsPrinted: 0 });
  });
});
