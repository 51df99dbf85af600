/**
 * Storage URLs: parsing and redaction. Apart from open.ts so that a backend (postgres.ts, loaded by
 * open.ts) can redact its URL without importing the module that loads it.
 */
import { AutomlError, show } from '../util/errors.js';

const ACCEPTED =
  'memory:, sqlite:path/to/file.db (relative to the current folder, or absolute), a bare path ending in .db, .sqlite or .sqlite3, ' +
  'or postgresql://user@host/db';

/**
 * Hides every password a storage URL can carry before it is shown: the user-info password of
 * `scheme://user:secret@host` (up to the last `@`, since `pg` accepts an unencoded `@` or `/` in
 * it), a `password=` / `sslpassword=` query parameter, and `password=...` in a key=value
 * connection string (quoted or not). Works on the raw text, so a URL that `new URL` cannot parse is
 * redacted too; when in doubt it hides more, never less.
 */
export function redactUrl(url: string): string {
  if (typeof url !== 'string') return String(url);
  let out = url;
  // `scheme://user:secret@...`, or the mistyped `scheme:user:secret@...` (not a SQLite path).
  const scheme = /^\s*[a-z][a-z0-9+.-]*:\/\//i.exec(out) ?? (/^\s*(sqlite|memory|file):/i.test(out) ? null : /^\s*[a-z][a-z0-9+.-]*:/i.exec(out));
  if (scheme) {
    const rest = out.slice(scheme[0].length);
    const at = rest.lastIndexOf('@');
    if (at >= 0) {
      const info = rest.slice(0, at);
      const colon = info.indexOf(':');
      if (colon >= 0) out = scheme[0] + info.slice(0, colon) + ':***' + rest.slice(at);
    }
  }
  // Query parameters and key=value pairs whose name mentions a password.
  out = out.replace(/([?&;]\s*[^=&#?;\s]*pass[^=&#?;\s]*=)[^&#;]*/gi, '$1***');
  out = out.replace(/(^|\s)([a-z_]*pass[a-z_]*\s*=\s*)('(?:[^'\\]|\\.)*'?|\S*)/gi, '$1$2***');
  return out;
}

/**
 * Refuses a PostgreSQL URL whose password holds an unencoded `/`, `?` or `#`: `pg` would end the
 * host part there, take a piece of the password for the host name and show it in its error.
 * Recognised by an `@` after the first `/`, `?` or `#` (before any query string).
 */
function checkUserInfo(u: string): void {
  const rest = u.slice(u.indexOf('://') + 3);
  const end = rest.search(/[/?#]/);
  if (end < 0) return;
  const at = rest.indexOf('@', end);
  const query = rest.indexOf('?', end + 1);
  if (at < 0 || (rest[end] === '/' && query >= 0 && query < at)) return;
  throw new AutomlError(
    'E_STORAGE_URL',
    `Storage URL "${redactUrl(u)}": the password seems to contain "/", "?" or "#"; percent-encode them (%2F, %3F, %23), or give the password with PGPASSWORD or ~/.pgpass.`,
    { value: redactUrl(u) },
  );
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
  if (/^postgres(ql)?:\/\//i.test(u)) {
    checkUserInfo(u);
    return { kind: 'postgres', url: u };
  }
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
