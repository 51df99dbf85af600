/** createStudyIn / loadStudyIn: a study built on a storage its caller opened takes the storage over. */
import { describe, expect, it } from 'vitest';
import { float, space } from '../../src/index.js';
import { createStudyIn, loadStudyIn } from '../../src/study/create.js';
import { MemoryStorage } from '../../src/storage/memory.js';

/** A memory storage that counts its closes. */
function countingStorage(): MemoryStorage & { closes: number } {
  const s = new MemoryStorage() as MemoryStorage & { closes: number };
  s.closes = 0;
  const close = s.close.bind(s);
  s.close = async () => {
    s.closes++;
    await close();
  };
  return s;
}

const SPACE = space({ x: float(0, 1) });

describe('a study that takes over its storage', () => {
  it('createStudyIn: study.close() closes the storage, once', async () => {
    const storage = countingStorage();
    const study = await createStudyIn(storage, { name: 's', space: SPACE, seed: 1 });
    await study.close();
    await study.close();
    expect(storage.closes).toBe(1);
  });

  it('createStudyIn closes the storage when it fails, before or after reading it', async () => {
    const bad = countingStorage();
    await expect(createStudyIn(bad, { name: 's', space: SPACE, direction: 'up' as never })).rejects.toMatchObject({ code: 'E_CONFIG' });
    expect(bad.closes).toBe(1);
    const taken = countingStorage();
    await createStudyIn(taken, { name: 's', space: SPACE, seed: 1 });
    await expect(createStudyIn(taken, { name: 's', space: SPACE, loadIfExists: false })).rejects.toMatchObject({ code: 'E_STUDY_EXISTS' });
    expect(taken.closes).toBe(1);
  });

  it('loadStudyIn: the loaded study closes the storage; an unknown name closes it at once', async () => {
    const storage = countingStorage();
    await createStudyIn(storage, { name: 'kept', space: SPACE, seed: 3 });
    // The first study is not closed: the storage stays open for the load below.
    const study = await loadStudyIn(storage, { name: 'kept' });
    expect(study.seed).toBe(3);
    await study.close();
    expect(storage.closes).toBe(1);
    const other = countingStorage();
    await expect(loadStudyIn(other, { name: 'nope' })).rejects.toMatchObject({ code: 'E_STUDY_NOT_FOUND' });
    expect(other.closes).toBe(1);
  });
});
