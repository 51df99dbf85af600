import { describeStorageContract } from '../contracts/storage-contract.js';
import { PostgresStorage } from '../../src/storage/postgres.js';
import { describePg, freshSchemas } from '../fixtures/pg/env.js';

describePg('PostgresStorage', (url) => {
  const schema = freshSchemas(url, 'contract');
  describeStorageContract('PostgresStorage', () => PostgresStorage.open(url, { schema: schema() }));
});
