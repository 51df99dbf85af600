/** Storage backends and the storage contract. */
export { emptyCounts } from './storage.js';
export type { Storage, NewStudy, StudyRecord, StudySummary, StartTrialOptions, TrialResult, TrialFilter } from './storage.js';
export { MemoryStorage } from './memory.js';
export { SqliteStorage } from './sqlite.js';
export type { SqliteOptions } from './sqlite.js';
export { PostgresStorage } from './postgres.js';
export type { PostgresOptions } from './postgres.js';
export { openStorage, parseStorageUrl, redactUrl } from './open.js';
export type { StorageTarget } from './open.js';
export { SCHEMA_VERSION } from './sqlite-schema.js';
