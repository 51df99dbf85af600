/** Storage backends and the storage contract. */
export { emptyCounts } from './storage.js';
export type { Storage, NewStudy, StudyRecord, StudySummary, StartTrialOptions, TrialResult, TrialFilter } from './storage.js';
export { MemoryStorage } from './memory.js';
export { SqliteStorage } from './sqlite.js';
export type { SqliteOptions } from './sqlite.js';
export { PostgresStorage } from './postgres.js';
export type { PostgresOptions } from './postgres.js';
export { openStorage } from './open.js';
export { parseStorageUrl, redactUrl } from './url.js';
export type { StorageTarget } from './url.js';
export { SCHEMA_VERSION } from './sqlite-schema.js';
