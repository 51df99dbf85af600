import { describeStorageContract } from '../contracts/storage-contract.js';
import { MemoryStorage } from '../../src/storage/memory.js';

describeStorageContract('MemoryStorage', async () => new MemoryStorage());
