/**
 * Storage URLs: parsing and redaction. Apart from open.ts so that a backend (postgres.ts, loaded by
 * open.ts) can redact its URL without importing the module that loads it.
 */
import { AutomlError, show } from '../util/errors.js';

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
