import { closeSync, lstatSync, openSync, readSync, statSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { AutomlError, messageOf } from '../util/errors.js';

/**
 * The SQLite schema as an ordered list of migrations, and the checks made before a file is
 * touched. Migration `i` (0-based) brings the database from version `i` to version `i + 1`; a
 * released migration is never edited, a change is a new step at the end.
 *
 * The schema never depends on a search space: params, space and settings are JSON text.
 */
export const MIGRATIONS: readonly (readonly string[])[] = [
  [
    `CREATE TABLE studies (
       id INTEGER PRIMARY KEY AUTOINCREMENT,
       name TEXT NOT NULL UNIQUE,
       direction TEXT NOT NULL CHECK (direction IN ('minimize', 'maximize')),
       space TEXT NOT NULL,
       seed INTEGER NOT NULL,
       sampler TEXT NOT NULL,
       settings TEXT NOT NULL,
       created_at INTEGER NOT NULL
     )`,
    // The primary key is the UNIQUE(study_id, number) constraint; WITHOUT ROWID keeps the rows in
    // that order, so "trials of a study from number n" and max(number) are b-tree range reads.
    `CREATE TABLE trials (
       study_id INTEGER NOT NULL,
       number INTEGER NOT NULL,
       state TEXT NOT NULL CHECK (state IN ('WAITING', 'RUNNING', 'COMPLETE', 'FAIL', 'PRUNED')),
       params TEXT NOT NULL,
       value REAL,
       origin TEXT NOT NULL,
       retry_of INTEGER,
       fail_kind TEXT,
       fail_reason TEXT,
       user_attrs TEXT NOT NULL,
       worker TEXT,
       created_at INTEGER NOT NULL,
       started_at INTEGER,
       finished_at INTEGER,
       heartbeat_at INTEGER,
       PRIMARY KEY (study_id, number)
     ) WITHOUT ROWID`,
    // Starting a trial counts and claims WAITING trials and counts interrupted ones; both sets are
    // small, and these partial indexes hold only them, so a start costs the same at trial 10 and
    // at trial 100,000 (a full index on state would be rewritten on every state change, and the
    // planner preferred walking the primary key in number order, which grew with the study).
    `CREATE INDEX trials_waiting ON trials (study_id, number) WHERE state = 'WAITING'`,
    `CREATE INDEX trials_interrupted ON trials (study_id) WHERE state = 'FAIL' AND fail_kind = 'interrupted'`,
    `CREATE TABLE trial_intermediate (
       study_id INTEGER NOT NULL,
       number INTEGER NOT NULL,
       step INTEGER NOT NULL,
       value REAL NOT NULL,
       PRIMARY KEY (study_id, number, step)
     ) WITHOUT ROWID`,
  ],
];

/** The schema version this code writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

const HEADER = 'SQLite format 3\0';

function storageError(file: string, message: string, cause?: unknown): AutomlError {
  return new AutomlError('E_STORAGE', message, { file }, cause === undefined ? undefined : { cause });
}

/**
 * Checks, without opening it as a database, that `file` is absent or starts like an SQLite file,
 * and that its folder exists; returns whether it exists. A file of any other kind (text, empty,
 * a folder, a device) is never handed to SQLite, which could otherwise write to it or leave
 * journal files beside it. `mustExist` (read-only commands): a missing file is an error too.
 */
export function checkSqliteFile(file: string, mustExist = false): boolean {
  if (file === ':memory:') return true;
  const abs = resolve(file);
  let size: number;
  try {
    const st = statSync(abs);
    if (!st.isFile()) throw storageError(file, `Storage file "${abs}" is not a regular file; give the path of an SQLite .db file.`);
    size = st.size;
  } catch (e) {
    if (e instanceof AutomlError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ELOOP') throw storageError(file, `Storage file "${abs}" is a loop of symbolic links; give the path of an SQLite .db file.`);
    if (code !== 'ENOENT') {
      throw storageError(file, `Cannot read storage file "${abs}": ${messageOf(e)}.`, e);
    }
    let dangling = false;
    try {
      dangling = lstatSync(abs).isSymbolicLink();
    } catch {
      // Nothing there at all: a new database.
    }
    if (dangling) throw storageError(file, `Storage file "${abs}" is a symbolic link to a file that does not exist; it was left unchanged. Give the path of an SQLite .db file.`);
    if (mustExist) throw storageError(file, `no such study database: ${abs}`);
    try {
      if (!statSync(dirname(abs)).isDirectory()) throw new Error('not a directory');
    } catch {
      throw storageError(file, `Cannot create storage file "${abs}": folder "${dirname(abs)}" does not exist; create it first.`);
    }
    return false;
  }
  if (size === 0) {
    throw storageError(file, `Storage file "${abs}" is empty (0 bytes), not an SQLite database; it was left unchanged. Delete it, or give a new file name or an automl study database.`);
  }
  const buf = Buffer.alloc(HEADER.length);
  let read = 0;
  try {
    const fd = openSync(abs, 'r');
    try {
      read = readSync(fd, buf, 0, buf.length, 0);
    } finally {
      closeSync(fd);
    }
  } catch (e) {
    throw storageError(file, `Cannot read storage file "${abs}": ${messageOf(e)}.`, e);
  }
  if (read < HEADER.length || buf.toString('latin1') !== HEADER) {
    throw storageError(
      file,
      `Storage file "${abs}" is not an SQLite database; it was left unchanged. Give a new file name or an automl study database.`,
    );
  }
  return true;
}

/**
 * `PRAGMA application_id` of every automl study database ("AuML"): written in the file header at
 * creation, so a file is recognised as ours by a value no table name can imitate.
 */
export const APPLICATION_ID = 0x41754d4c;

/**
 * The columns of each table of schema version 1, in order: a file from before
 * {@link APPLICATION_ID} was written is recognised by this whole schema, not by one table name.
 */
const V1_TABLES: Readonly<Record<string, readonly string[]>> = {
  schema_version: ['version'],
  studies: ['id', 'name', 'direction', 'space', 'seed', 'sampler', 'settings', 'created_at'],
  trials: ['study_id', 'number', 'state', 'params', 'value', 'origin', 'retry_of', 'fail_kind', 'fail_reason', 'user_attrs', 'worker', 'created_at', 'started_at', 'finished_at', 'heartbeat_at'],
  trial_intermediate: ['study_id', 'number', 'step', 'value'],
};

function isBusyError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/** True when the tables are exactly those of an automl database of schema version 1 (before the application id). */
function isUnmarkedAutoml(db: Database.Database, tables: readonly string[]): boolean {
  const ours = tables.filter((t) => t !== 'sqlite_sequence');
  if (ours.length !== Object.keys(V1_TABLES).length) return false;
  for (const t of ours) {
    const cols = Object.hasOwn(V1_TABLES, t) ? V1_TABLES[t]! : null;
    if (!cols) return false;
    const got = (db.prepare(`SELECT name FROM pragma_table_info(?)`).pluck().all(t) as string[]);
    if (got.length !== cols.length || got.some((c, i) => c !== cols[i])) return false;
  }
  return true;
}

/**
 * Reads the schema version of an open database without writing to it: 0 for an empty database.
 * An automl database carries {@link APPLICATION_ID}, or (older files) exactly the version-1 schema.
 * Throws E_STORAGE, naming the file, for any other database (left unchanged), a damaged file, or a
 * schema newer than this code understands.
 * @internal
 */
export function readSchemaVersion(db: Database.Database, file: string): number {
  let appId: number;
  let tables: string[];
  try {
    appId = db.pragma('application_id', { simple: true }) as number;
    tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).pluck().all() as string[];
  } catch (e) {
    if (isBusyError(e)) throw e;
    throw storageError(file, `"${resolve(file)}" cannot be read as an SQLite database (${messageOf(e)}); it is damaged or not an automl study database, and was left unchanged.`, e);
  }
  const foreign = (): AutomlError =>
    storageError(
      file,
      `"${resolve(file)}" is an SQLite database but not an automl study database (${appId !== 0 ? `application id ${appId}` : `it has tables ${tables.slice(0, 5).join(', ') || 'none'}`}); it was left unchanged. Give another file.`,
    );
  if (appId !== 0 && appId !== APPLICATION_ID) throw foreign();
  if (appId === 0) {
    if (tables.length === 0) return 0;
    if (!isUnmarkedAutoml(db, tables)) throw foreign();
  } else if (!tables.includes('schema_version')) {
    throw storageError(file, `"${resolve(file)}" is marked as an automl study database but has no schema_version table; it is damaged and was left unchanged.`);
  }
  let version: number;
  try {
    version = (db.prepare('SELECT max(version) FROM schema_version').pluck().get() as number | null) ?? 0;
  } catch (e) {
    if (isBusyError(e)) throw e;
    throw storageError(file, `"${resolve(file)}": cannot read its schema version (${messageOf(e)}); it was left unchanged.`, e);
  }
  if (typeof version !== 'number' || !Number.isInteger(version) || version < 1) {
    throw storageError(file, `"${resolve(file)}" has a damaged schema_version (${String(version)}); it was left unchanged.`);
  }
  if (version > SCHEMA_VERSION) {
    throw storageError(
      file,
      `"${resolve(file)}" has storage schema version ${version}, newer than the ${SCHEMA_VERSION} this automl understands; it was left unchanged. Upgrade automl to open it.`,
    );
  }
  return version;
}

/** Applies the missing migrations in one IMMEDIATE transaction; safe when processes race. @internal */
export function migrate(db: Database.Database, file: string): void {
  db.transaction(() => {
    // Re-read inside the write lock: another process may have migrated since our first look.
    const version = readSchemaVersion(db, file);
    // Files made before the application id existed get it now that they are known to be ours.
    if (version > 0 && db.pragma('application_id', { simple: true }) !== APPLICATION_ID) db.pragma(`application_id = ${APPLICATION_ID}`);
    if (version === SCHEMA_VERSION) return;
    if (version === 0) db.pragma(`application_id = ${APPLICATION_ID}`);
    if (version === 0) db.exec('CREATE TABLE schema_version (version INTEGER NOT NULL)');
    for (let v = version; v < SCHEMA_VERSION; v++) for (const sql of MIGRATIONS[v]!) db.exec(sql);
    db.prepare('DELETE FROM schema_version').run();
    db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(SCHEMA_VERSION);
  }).immediate();
}
