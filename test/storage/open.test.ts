import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { isAutomlError } from '../../src/util/errors.js';
import { openStorage, parseStorageUrl, redactUrl } from '../../src/storage/open.js';
import { MemoryStorage } from '../../src/storage/memory.js';
import { SqliteStorage } from '../../src/storage/sqlite.js';

const dir = mkdtempSync(join(tmpdir(), 'automl-open-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function error(url: string): Promise<Error> {
  const e = await openStorage(url).then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(Error);
  return e as Error;
}

describe('parseStorageUrl', () => {
  it('accepts every documented form', () => {
    expect(parseStorageUrl('memory:')).toEqual({ kind: 'memory' });
    expect(parseStorageUrl('sqlite:runs/a.db')).toEqual({ kind: 'sqlite', file: 'runs/a.db' });
    expect(parseStorageUrl('sqlite:/abs/a.db')).toEqual({ kind: 'sqlite', file: '/abs/a.db' });
    expect(parseStorageUrl('sqlite::memory:')).toEqual({ kind: 'sqlite', file: ':memory:' });
    expect(parseStorageUrl('studies.sqlite')).toEqual({ kind: 'sqlite', file: 'studies.sqlite' });
    expect(parseStorageUrl('./x/y.db')).toEqual({ kind: 'sqlite', file: './x/y.db' });
    expect(parseStorageUrl('postgres://u@h/db')).toEqual({ kind: 'postgres', url: 'postgres://u@h/db' });
    expect(parseStorageUrl('postgresql://u:p@h:5432/db').kind).toBe('postgres');
  });

  it('rejects other forms with E_STORAGE_URL naming the URL and the accepted forms', () => {
    for (const url of ['', 'mysql://h/db', 'studies.csv', 'sqlite:', 'sqlite:///a.db', 'http://x/a.db']) {
      let e: unknown = null;
      try {
        parseStorageUrl(url);
      } catch (err) {
        e = err;
      }
      expect(isAutomlError(e, 'E_STORAGE_URL'), url).toBe(true);
      if (url !== '') expect((e as Error).message).toContain(url);
    }
    expect(() => parseStorageUrl('mysql://h/db')).toThrow(/memory:, sqlite:path/);
  });

  it('hides passwords', () => {
    expect(redactUrl('postgresql://bob:s3cret@host:5432/db')).toBe('postgresql://bob:***@host:5432/db');
    expect(redactUrl('postgresql://bob@host/db')).toBe('postgresql://bob@host/db');
  });
});

describe('openStorage', () => {
  it('opens memory and SQLite storage, relative paths from the current folder', async () => {
    const m = await openStorage('memory:');
    expect(m).toBeInstanceOf(MemoryStorage);
    await m.close();
    const rel = relative(process.cwd(), join(dir, 'a.db'));
    const s = await openStorage(`sqlite:${rel}`);
    expect(s).toBeInstanceOf(SqliteStorage);
    expect(s.url).toBe(`sqlite:${rel}`);
    await s.createStudy({ name: 'x', direction: 'maximize', space: {}, seed: 0, sampler: 'tpe' });
    await s.close();
    const again = await openStorage(join(dir, 'a.db'));
    expect((await again.getStudy('x'))!.sampler).toBe('tpe');
    await again.close();
  });

  it('refuses a non-SQLite file named .db and leaves it unchanged', async () => {
    const file = join(dir, 'data.db');
    writeFileSync(file, 'a,b\n1,2\n');
    const e = await error(`sqlite:${file}`);
    expect(isAutomlError(e, 'E_STORAGE') && e.message.includes(file)).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe('a,b\n1,2\n');
  });
});
