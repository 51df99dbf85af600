import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { isAutomlError } from '../../src/util/errors.js';
import { SqliteStorage } from '../../src/storage/sqlite.js';
import { SCHEMA_VERSION } from '../../src/storage/sqlite-schema.js';

const dir = mkdtempSync(join(tmpdir(), 'automl-sqlite-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;
const fresh = (): string => join(dir, `f${n++}.db`);
const spec = { name: 's', direction: 'minimize', space: {}, seed: 1, sampler: 'random' } as const;

async function openError(file: string): Promise<unknown> {
  return SqliteStorage.open(file).then(
    async (s) => {
      await s.close();
      return null;
    },
    (e: unknown) => e,
  );
}

/** Asserts that opening `file` fails with E_STORAGE naming it, and that nothing was written. */
async function expectRefused(file: string, pattern: RegExp): Promise<void> {
  const before = readFileSync(file);
  const e = await openError(file);
  expect(isAutomlError(e, 'E_STORAGE'), String(e)).toBe(true);
  expect((e as Error).message).toContain(file);
  expect((e as Error).message).toMatch(pattern);
  expect(readFileSync(file).equals(before)).toBe(true);
}

describe('SqliteStorage files', () => {
  it('refuses a file that is not SQLite and leaves it byte-identical, without side files', async () => {
    const file = fresh();
    writeFileSync(file, 'id,name\n1,not a database\n'.repeat(100));
    await expectRefused(file, /not an SQLite database/);
    expect(existsSync(`${file}-wal`) || existsSync(`${file}-shm`) || existsSync(`${file}-journal`)).toBe(false);
    const short = fresh();
    writeFileSync(short, 'SQLite');
    await expectRefused(short, /not an SQLite database/);
  });

  it("refuses another application's SQLite database and leaves it unchanged", async () => {
    const file = fresh();
    const other = new Database(file);
    other.exec("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers VALUES (1, 'x')");
    other.close();
    await expectRefused(file, /not an automl study database.*customers/);
  });

  it('refuses a database with a newer schema version and leaves it unchanged', async () => {
    const file = fresh();
    const s = await SqliteStorage.open(file);
    await s.createStudy(spec);
    await s.close();
    const raw = new Database(file);
    raw.prepare('UPDATE schema_version SET version = ?').run(SCHEMA_VERSION + 1);
    raw.pragma('wal_checkpoint(TRUNCATE)');
    raw.close();
    await expectRefused(file, new RegExp(`schema version ${SCHEMA_VERSION + 1}, newer`));
  });

  it('names a missing folder', async () => {
    const e = await openError(join(dir, 'no', 'such', 'x.db'));
    expect(isAutomlError(e, 'E_STORAGE') && /folder .* does not exist/.test((e as Error).message)).toBe(true);
  });

  it('creates the schema once, in WAL mode, and keeps data across reopen', async () => {
    const file = fresh();
    // (An existing empty file is refused since issue 17: see storage-identity.test.ts.)
    const a = await SqliteStorage.open(file);
    const st = await a.createStudy({ ...spec, settings: { k: 'ü' } });
    const t = (await a.startTrial(st.id, { worker: 'w' }))!;
    await a.setTrialParams(st.id, t.number, { x: 0.5, c: 'a', b: true });
    await a.reportIntermediate(st.id, t.number, 0, 0.7);
    await a.finishTrial(st.id, t.number, { state: 'COMPLETE', value: 0.7, userAttrs: { f: [1, 2] } });
    const before = await a.getTrials(st.id);
    await a.close();
    const b = await SqliteStorage.open(file);
    expect(await b.getStudy('s')).toEqual(st);
    expect(await b.getTrials(st.id)).toEqual(before);
    expect((await b.startTrial(st.id, { worker: 'w' }))!.number).toBe(1);
    await b.close();
    const raw = new Database(file, { readonly: true });
    expect(raw.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(raw.prepare('SELECT version FROM schema_version').pluck().all()).toEqual([SCHEMA_VERSION]);
    raw.close();
  });

  it('lets two Storage objects on one file interleave writes', async () => {
    const file = fresh();
    const a = await SqliteStorage.open(file);
    const b = await SqliteStorage.open(file);
    const { id } = await a.createStudy(spec);
    expect((await b.getStudy('s'))!.id).toBe(id);
    const seen: number[] = [];
    for (let i = 0; i < 20; i++) {
      const [x, y] = i % 2 ? [a, b] : [b, a];
      const t = (await x.startTrial(id, { worker: 'x', maxTrials: 15 }));
      if (!t) break;
      seen.push(t.number);
      await y.setTrialParams(id, t.number, { i });
      expect(await y.finishTrial(id, t.number, { state: 'COMPLETE', value: i })).toBe(true);
      expect(await x.finishTrial(id, t.number, { state: 'COMPLETE', value: -1 })).toBe(false);
    }
    expect(seen).toEqual(Array.from({ length: 15 }, (_, i) => i));
    const [ta, tb] = [await a.getTrials(id), await b.getTrials(id)];
    expect(ta).toEqual(tb);
    expect(ta.map((t) => t.value)).toEqual(seen);
    await Promise.all([a.close(), b.close()]);
  });

  it('waits out a lock held by another connection instead of reporting "database is locked"', async () => {
    const file = fresh();
    const s = await SqliteStorage.open(file, { busyTimeoutMs: 1 });
    const { id } = await s.createStudy(spec);
    const locker = new Database(file);
    locker.exec('BEGIN IMMEDIATE');
    const released = new Promise<void>((r) =>
      setTimeout(() => {
        locker.exec('COMMIT');
        r();
      }, 150),
    );
    const t = await s.startTrial(id, { worker: 'w' });
    await released;
    expect(t!.number).toBe(0);
    locker.close();
    await s.close();
  });

  it('gives up with E_STORAGE after its attempts when a lock is never released', async () => {
    const file = fresh();
    const s = await SqliteStorage.open(file, { busyTimeoutMs: 1, maxAttempts: 3 });
    const { id } = await s.createStudy(spec);
    const locker = new Database(file);
    locker.exec('BEGIN IMMEDIATE');
    const e = await s.startTrial(id, { worker: 'w' }).catch((err: unknown) => err);
    locker.exec('ROLLBACK');
    locker.close();
    expect(isAutomlError(e, 'E_STORAGE') && (e as Error).message.includes(file)).toBe(true);
    expect(await s.getTrials(id)).toEqual([]);
    await s.close();
  });
});
