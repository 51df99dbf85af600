/**
 * How a study database file is created and first looked at, so that no file but an automl one is
 * ever written: a new database is built beside the target and linked into place in one step, and
 * an existing file is identified through a read-only connection before any writable one exists.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, linkSync, rmSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import Database from 'better-sqlite3';
import { AutomlError, messageOf } from '../util/errors.js';
import { migrate, readSchemaVersion, SCHEMA_VERSION } from './sqlite-schema.js';

/**
 * Creates the automl database at `file`, which did not exist: built complete under a temporary
 * name, then hard-linked to `file`, which fails harmlessly if another process created it first.
 * So the path never holds an empty or half-made database, and an empty file found there is
 * someone else's. Returns false where hard links are not supported (the caller then creates the
 * file in place, as before).
 */
export function createDatabaseFile(file: string): boolean {
  const tmp = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const db = new Database(tmp);
    try {
      db.pragma('journal_mode = WAL');
      migrate(db, tmp);
    } finally {
      db.close();
    }
    try {
      linkSync(tmp, file);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') return true;
      if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EXDEV' || code === 'ENOSYS') return false;
      throw e;
    }
    return true;
  } catch (e) {
    if (e instanceof AutomlError) throw e;
    throw new AutomlError('E_STORAGE', `Cannot create storage file "${resolve(file)}": ${messageOf(e)}.`, { file }, { cause: e });
  } finally {
    for (const f of [tmp, `${tmp}-wal`, `${tmp}-shm`, `${tmp}-journal`]) rmSync(f, { force: true });
  }
}

/**
 * Identifies an existing file through a read-only connection (which cannot change it): returns
 * its schema version, or throws E_STORAGE naming the file when it is not an automl database.
 */
export function identifyReadOnly(file: string, busyTimeoutMs: number): number {
  // A read-only connection to a file in WAL mode creates -wal and -shm files beside it: when the
  // file is refused, those that this look created (empty ones that were not there) are removed.
  const sides = [`${file}-wal`, `${file}-shm`].filter((f) => !existsSync(f));
  let db: Database.Database;
  try {
    db = new Database(file, { readonly: true, fileMustExist: true });
  } catch (e) {
    removeCreated(sides);
    throw new AutomlError('E_STORAGE', `Cannot open SQLite database "${resolve(file)}": ${messageOf(e)}.`, { file }, { cause: e });
  }
  try {
    db.pragma(`busy_timeout = ${busyTimeoutMs}`);
    const version = readSchemaVersion(db, file);
    db.close();
    return version;
  } catch (e) {
    db.close();
    if (e instanceof AutomlError) removeCreated(sides);
    throw e;
  }
}

/** Removes the side files of `sides` that now exist, if the -wal among them holds nothing. */
function removeCreated(sides: readonly string[]): void {
  const wal = sides.find((f) => f.endsWith('-wal'));
  if (wal && existsSync(wal) && statSync(wal).size > 0) return;
  for (const f of sides) rmSync(f, { force: true });
}

/** Refuses, for a read-only command, a database without the current automl schema. */
export function checkReadable(file: string, version: number): void {
  if (version === SCHEMA_VERSION) return;
  throw new AutomlError('E_STORAGE', `"${resolve(file)}" holds no automl studies (an empty SQLite database); it was left unchanged.`, { file });
}
