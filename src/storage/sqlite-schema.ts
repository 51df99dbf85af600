import { closeSync, openSync, readSync, statSync } from 'node:fs';
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
 * Checks, without opening it as a database, that `file` is absent, empty or an SQLite file, and
 * that its folder exists. A file of any other kind is never handed to SQLite, which could
 * otherwise leave journal files beside it.
 */
export function checkSqliteFile(file: string): void {
  if (file === ':memory:') return;
  const abs = resolve(file);
  let size: number;
  try {
    const st = statSync(abs);
    if (!st.isFile()) throw storageError(file, `Storage file "${abs}" is not a regular file; give the path of an SQLite .db file.`);
    size = st.size;
  } catch (e) {
    if (e instanceof AutomlError) throw e;
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw storageError(file, `Cannot read storage file "${abs}": ${messageOf(e)}.`, e);
    }
    try {
      if (!statSync(dirname(abs)).isDirectory()) throw new Error('not a directory');
    } catch {
      throw storageError(file, `Cannot create storage file "${abs}": folder "${dirname(abs)}" does not exist; create it first.`);
    }
    return;
  }
  if (size === 0) return;
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
}

/**
 * Reads the schema version of an open database without writing to it: 0 for an empty database.
 * Throws E_STORAGE if the database holds other tables but no automl schema, or if its schema is
 * newer than this code understands.
 * @internal
 */
export function readSchemaVersion(db: Database.Database, file: string): number {
  const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).pluck().all() as string[];
  if (tables.length === 0) return 0;
  if (!tables.includes('schema_version')) {
    throw storageError(
      file,
      `"${resolve(file)}" is an SQLite database but not an automl study database (it has tables ${tables.slice(0, 5).join(', ')}); it was left unchanged. Give another file.`,
    );
  }
  const version = (db.prepare('SELECT max(version) FROM schema_version').pluck().get() as number | null) ?? 0;
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
    if (version === SCHEMA_VERSION) return;
    if (version === 0) db.exec('CREATE TABLE schema_version (version INTEGER NOT NULL)');
    for (let v = version; v < SCHEMA_VERSION; v++) for (const sql of MIGRATIONS[v]!) db.exec(sql);
    db.prepare('DELETE FROM schema_version').run();
    db.prepare('INSERT INTO schema_version (version) VALUES (?)').run(SCHEMA_VERSION);
  }).immediate();
}
