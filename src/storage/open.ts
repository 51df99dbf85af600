import { AutomlError, show } from '../util/errors.js';
import { MemoryStorage } from './memory.js';
import type { Storage } from './storage.js';

const ACCEPTED =
  'memory:, sqlite:path/to/file.db (relative to the current folder, or absolute), a bare path ending in .db, .sqlite or .sqlite3, ' +
  'or postgresql://user@host/db';

/** Hides the password of a URL such as `postgresql://user:secret@host/db` before it is shown. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/:@]*):[^@/]*@/i, '$1:***@');
}

/** What a storage URL designates, before anything is opened. */
export type StorageTarget = { kind: 'memory' } | { kind: 'sqlite'; file: string } | { kind: 'postgres'; url: string };

/**
 * Parses a storage URL. Accepted forms: `memory:`; `sqlite:<path>` where a relative path is relative
 * to the current folder and `sqlite::memory:` is a private in-memory SQLite database; a bare path
 * ending in `.db`, `.sqlite` or `.sqlite3`; `postgresql://...` or `postgres://...`.
 * Throws E_STORAGE_URL naming the URL and the accepted forms.
 */
export function parseStorageUrl(url: string): StorageTarget {
  if (typeof url !== 'string' || url.trim() === '') {
    throw new AutomlError('E_STORAGE_URL', `Storage URL is empty (${show(url)}); use one of: ${ACCEPTED}.`, { value: url });
  }
  const u = url.trim();
  if (u === 'memory:' || u === 'memory') return { kind: 'memory' };
  if (/^postgres(ql)?:\/\//i.test(u)) return { kind: 'postgres', url: u };
  if (/^sqlite:/i.test(u)) {
    const file = u.slice('sqlite:'.length);
    if (file.startsWith('//')) {
      throw new AutomlError(
        'E_STORAGE_URL',
        `Storage URL "${u}": write sqlite:path/to/file.db (relative) or sqlite:/absolute/path.db, without "//".`,
        { value: u },
      );
    }
    if (file === '') {
      throw new AutomlError('E_STORAGE_URL', `Storage URL "${u}" names no file; write sqlite:path/to/file.db.`, { value: u });
    }
    return { kind: 'sqlite', file };
  }
  if (/\.(db|sqlite3?)$/i.test(u) && !/^[a-z][a-z0-9+.-]*:\/\//i.test(u)) return { kind: 'sqlite', file: u };
  throw new AutomlError('E_STORAGE_URL', `Unrecognised storage URL "${redactUrl(u)}"; use one of: ${ACCEPTED}.`, {
    value: redactUrl(u),
  });
}

/**
 * Opens the storage a URL designates (see {@link parseStorageUrl} for the forms). SQLite files are
 * created when missing; a file that is not an automl SQLite database, or one with a newer schema,
 * gives E_STORAGE and is left unchanged. A PostgreSQL URL connects and creates or migrates the automl
 * schema (`automl`, or the one named by `?schema=name`); an unreachable server, a refused login or a
 * foreign or newer schema gives E_STORAGE naming the URL without its password.
 */
export async function openStorage(url: string): Promise<Storage> {
  const target = parseStorageUrl(url);
  switch (target.kind) {
    case 'memory':
      return new MemoryStorage();
    case 'sqlite': {
      // Loaded on demand so that memory-only users never load the native module.
      const { SqliteStorage } = await import('./sqlite.js');
      return SqliteStorage.open(target.file);
    }
    case 'postgres': {
      // Loaded on demand, like SQLite: only PostgreSQL users load pg.
      const { PostgresStorage } = await import('./postgres.js');
      return PostgresStorage.open(target.url);
    }
  }
}
