/**
 * search/resume open their storage once and close it exactly once, also when they fail: a SQLite
 * database closed properly leaves no -wal file behind.
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resumeSearch, search } from '../../src/automl/search.js';
import { createStudy } from '../../src/study/index.js';
import { float, space } from '../../src/space/index.js';

const IRIS = join(import.meta.dirname, '../../datasets/iris.csv');
const dir = mkdtempSync(join(tmpdir(), 'automl-search-storage-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
const freshDb = (): string => join(dir, `s${n++}.db`);

/** Makes a study with these settings the way library code would, and closes it. */
async function storedStudy(file: string, name: string, settings: Record<string, unknown>): Promise<void> {
  const study = await createStudy({ name, space: space({ x: float(0, 1) }), seed: 1, storage: `sqlite:${file}`, settings });
  await study.close();
}

describe('search and resume: one storage, closed once', () => {
  it('resume of an unknown study lists the studies there and closes the storage', async () => {
    const file = freshDb();
    await storedStudy(file, 'other', {});
    await expect(resumeSearch('nope', { storage: `sqlite:${file}` })).rejects.toMatchObject({ code: 'E_STUDY_NOT_FOUND', message: expect.stringMatching(/studies there: other/) });
    expect(existsSync(`${file}-wal`)).toBe(false);
  });

  it('resume of a study not made by `automl search` gives E_CONFIG and closes the storage', async () => {
    const file = freshDb();
    await storedStudy(file, 'lib', { dataset: 'mine' });
    await expect(resumeSearch('lib', { storage: `sqlite:${file}` })).rejects.toMatchObject({ code: 'E_CONFIG', message: expect.stringMatching(/was not created by `automl search` on a CSV file/) });
    expect(existsSync(`${file}-wal`)).toBe(false);
  });

  it('damaged stored settings give E_STORAGE naming the field', async () => {
    const file = freshDb();
    await storedStudy(file, 'bad', { kind: 'automl.tabular', data: IRIS, fingerprint: 'f', target: 'species', task: 'classification', metric: 'accuracy', cv: 'five', testSize: 0.2, test: null, trials: 3, prune: true, plugins: [], deadline: null });
    await expect(resumeSearch('bad', { storage: `sqlite:${file}` })).rejects.toMatchObject({ code: 'E_STORAGE', message: expect.stringMatching(/study 'bad': stored settings\.cv is "five"/) });
    expect(existsSync(`${file}-wal`)).toBe(false);
  });

  it('search refuses a taken --study name, naming the storage as given, and closes it', async () => {
    const file = freshDb();
    await storedStudy(file, 'iris', {});
    await expect(search({ data: IRIS, target: 'species', study: 'iris', trials: 1, storage: `sqlite:${file}` })).rejects.toMatchObject({
      code: 'E_STUDY_EXISTS',
      message: expect.stringContaining(`already exists in sqlite:${file}`),
    });
    expect(existsSync(`${file}-wal`)).toBe(false);
  });
});
