import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { describeStorageContract } from '../contracts/storage-contract.js';
import { SqliteStorage } from '../../src/storage/sqlite.js';

const dir = mkdtempSync(join(tmpdir(), 'automl-sqlite-'));
let n = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describeStorageContract('SqliteStorage (file)', () => SqliteStorage.open(join(dir, `contract-${n++}.db`)));
describeStorageContract('SqliteStorage (:memory:)', () => SqliteStorage.open(':memory:'));
