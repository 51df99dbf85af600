import { MemoryStorage } from './memory.js';
import type { Storage } from './storage.js';
import { parseStorageUrl } from './url.js';

// Re-exported so that importers of open.ts keep one import for everything about storage URLs.
export { parseStorageUrl, redactUrl, type StorageTarget } from './url.js';

/** Options of {@link openStorage}. */
export interface OpenStorageOptions {
  /**
   * Only read (the commands that list or show studies): an SQLite file must exist (else E_STORAGE
   * "no such study database") and is opened read-only, so a mistyped path creates nothing.
   */
  readonly readonly?: boolean;
}

/**
 * Opens the storage a URL designates (see `parseStorageUrl` for the forms). SQLite files are
 * created when missing; a file that is not an automl SQLite database, or one with a newer schema,
 * gives E_STORAGE and is left unchanged. A PostgreSQL URL connects and creates or migrates the automl
 * schema (`automl`, or the one named by `?schema=name`); an unreachable server, a refused login or a
 * foreign or newer schema gives E_STORAGE naming the URL without its password.
 */
export async function openStorage(url: string, options: OpenStorageOptions = {}): Promise<Storage> {
  const target = parseStorageUrl(url);
  switch (target.kind) {
    case 'memory':
      return new MemoryStorage();
    case 'sqlite': {
      // Loaded on demand so that memory-only users never load the native module.
      const { SqliteStorage } = await import('./sqlite.js');
      return SqliteStorage.open(target.file, { readonly: options.readonly === true });
    }
    case 'postgres': {
      // Loaded on demand, like SQLite: only PostgreSQL users load pg.
      const { PostgresStorage } = await import('./postgres.js');
      return PostgresStorage.open(target.url);
    }
  }
}
