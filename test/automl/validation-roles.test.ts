/**
 * --groups and --time-column through prepareData and search(): the role columns are not features,
 * a group is never in both the searched and the test rows (nor in both training and validation
 * rows of any fold), time order puts the latest rows in the test split, and bad columns are named.
 */
import { describe, expect, it } from 'vitest';
import { prepareData } from '../../src/automl/search.js';
import { validationFolds } from '../../src/evaluation/validation-plan.js';
import { subsetRows } from '../../src/data/index.js';

function rows(n: number): Record<string, unknown>[] {
  return Array.from({ length: n }, (_, i) => ({
    patient_id: `p${i % 37}`,
    day: `2024-01-${String(1 + ((i * 7) % 28)).padStart(2, '0')}`,
    x: (i * 13) % 17,
    z: i % 5 === 0 ? 'a' : 'b',
    y: (i * 13) % 17 > 8 ? 'hi' : 'lo',
  }));
}

const base = { data: rows(400), target: 'y', seed: 3, cv: 5, testSize: 0.2 } as const;

describe('validation roles', () => {
  it('--groups: the column is not a feature; searched and test rows share no group; no fold splits a group', () => {
    const data = base.data;
    const prep = prepareData({ ...base, groups: 'patient_id' });
    expect(prep.dataset.features.map((f) => f.name)).toEqual(['day.day', 'day.dayofyear', 'x', 'z']);
    const label = (r: number): unknown => data[r]!['patient_id'];
    const searched = new Set(Array.from(prep.searchRows, label));
    const tested = new Set(Array.from(prep.holdoutSource!, label));
    // The prepared data keeps only the held-out rows besides the searched ones.
    expect(prep.dataset.nRows).toBe(prep.holdoutSource!.length);
    expect(Array.from(prep.holdoutRows!)).toEqual(Array.from({ length: prep.dataset.nRows }, (_, i) => i));
    for (const g of tested) expect(searched.has(g)).toBe(false);
    expect(tested.size).toBeGreaterThan(0);
    const groups = prep.validation.groups!;
    expect(groups).toHaveLength(prep.searchRows.length);
    const target = prep.searched.target;
    expect(Array.from(target.values)).toEqual(Array.from(subsetRows(prepareData({ ...base, groups: 'patient_id', testSize: 0 }).searched, prep.searchRows).target.values));
    for (const seed of [1, 2]) {
      for (const f of validationFolds({ folds: 5, holdout: 0.2, groups }, target, seed)) {
        const train = new Set(Array.from(f.train, (r) => groups[r]));
        for (const r of f.test) expect(train.has(groups[r]!)).toBe(false);
      }
    }
  });

  it('--time-column: the column is not a feature; the test rows are the latest and the searched rows are in time order', () => {
    const prep = prepareData({ ...base, timeColumn: 'day' });
    expect(prep.dataset.features.map((f) => f.name)).not.toContain('day');
    expect(prep.validation.timeOrdered).toBe(true);
    const day = (r: number): string => String(base.data[r]!['day']);
    const searchedDays = Array.from(prep.searchRows, day);
    expect(searchedDays).toEqual([...searchedDays].sort());
    const latestSearched = searchedDays[searchedDays.length - 1]!;
    for (const r of prep.holdoutSource!) expect(day(r) >= latestSearched).toBe(true);
  });

  it('names a role column that is not there, the target, or a missing group value', () => {
    expect(() => prepareData({ ...base, groups: 'patient' })).toThrow(expect.objectContaining({ code: 'E_CONFIG', message: expect.stringMatching(/--groups "patient" is not a column/) }));
    expect(() => prepareData({ ...base, timeColumn: 'y' })).toThrow(expect.objectContaining({ code: 'E_CONFIG', message: expect.stringMatching(/is the target/) }));
    const holes = rows(100).map((r, i) => (i === 42 ? { ...r, patient_id: '' } : r));
    expect(() => prepareData({ ...base, data: holes, groups: 'patient_id' })).toThrow(expect.objectContaining({ code: 'E_DATA', message: expect.stringMatching(/--groups column "patient_id" is missing at rows\[42\]/) }));
    const words = rows(100).map((r, i) => (i === 7 ? { ...r, day: 'soon' } : r));
    expect(() => prepareData({ ...base, data: words, timeColumn: 'day' })).toThrow(expect.objectContaining({ code: 'E_DATA', message: expect.stringMatching(/"soon" at rows\[7\], neither a number nor a date/) }));
  });

  it('without role columns, small data keeps k-fold CV; an explicit cv on large data keeps it too', () => {
    expect(prepareData({ ...base, cv: undefined }).validation.holdout).toBeNull();
    const big = Array.from({ length: 13_000 }, (_, i) => ({ x: i % 97, y: i % 3 === 0 ? 'a' : 'b' }));
    expect(prepareData({ ...base, data: big, cv: undefined }).validation.holdout).toBe(0.2);
    expect(prepareData({ ...base, data: big, cv: 5 }).validation.holdout).toBeNull();
  });
});

describe('validation roles in a search', () => {
  it('search() with groups stores them in the study settings and refits a model without the group column', async () => {
    const { search } = await import('../../src/automl/search.js');
    const { mkdtempSync, writeFileSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = mkdtempSync(join(tmpdir(), 'automl-groups-'));
    const file = join(dir, 'g.csv');
    writeFileSync(file, ['patient_id,day,x,z,y', ...rows(300).map((r) => [r['patient_id'], r['day'], r['x'], r['z'], r['y']].join(','))].join('\n') + '\n');
    const storage = `sqlite:${join(dir, 's.db')}`;
    const res = await search({ data: file, target: 'y', groups: 'patient_id', trials: 3, workers: 1, seed: 1, storage, study: 'g', models: ['gaussian_nb'], recheck: false, ensemble: false });
    try {
      expect(res.study.record.settings).toMatchObject({ groups: 'patient_id', timeColumn: null, holdout: null });
      expect(res.model).not.toBeNull();
      expect(res.model!.toJSON().features.map((f: { name: string }) => f.name)).not.toContain('patient_id');
    } finally {
      await res.study.close();
    }
    // Resume reloads the data the same way (same fingerprint: the group column is read aside again).
    const { resumeSearch } = await import('../../src/automl/search.js');
    const more = await resumeSearch('g', { storage, trials: 5, workers: 1 });
    try {
      expect(more.counts.complete + more.counts.pruned).toBe(5);
    } finally {
      await more.study.close();
    }
  }, 60_000);
});
