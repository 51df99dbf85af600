import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { search } from '../../src/automl/search.js';
import type { SearchStartInfo } from '../../src/automl/types.js';
import { formatSearchResult, searchResultJson } from '../../src/report/search-result.js';

const DATA = (f: string) => join(import.meta.dirname, '../../datasets', f);

describe('search options: grid size, test size 0, class weights', () => {
  it('gridSize without the grid strategy, classWeight on a regression target and a bad classWeight are refused before anything runs', async () => {
    await expect(search({ data: DATA('iris.csv'), target: 'species', gridSize: 2, storage: 'memory:' })).rejects.toMatchObject({ code: 'E_CONFIG', message: expect.stringMatching(/gridSize = 2 only applies to the grid strategy; add strategy: 'grid'/) });
    await expect(search({ data: DATA('cpu.csv'), target: 'class', classWeight: 'balanced', storage: 'memory:' })).rejects.toMatchObject({ code: 'E_CONFIG', message: expect.stringMatching(/classWeight 'balanced' weights classes, but target 'class' is a regression target/) });
    await expect(search({ data: DATA('iris.csv'), target: 'species', classWeight: 'heavy' as never, storage: 'memory:' })).rejects.toMatchObject({ code: 'E_CONFIG', message: expect.stringMatching(/classWeight must be 'balanced' or 'none', got "heavy"/) });
    await expect(search({ data: DATA('iris.csv'), target: 'species', testSize: 1, storage: 'memory:' })).rejects.toMatchObject({ code: 'E_CONFIG' });
  });

  it('a grid search announces its size; testSize 0 searches every row and reports no test score, in the text and the JSON', async () => {
    let start: SearchStartInfo | null = null;
    const notes: string[] = [];
    const r = await search({ data: DATA('iris.csv'), target: 'species', strategy: 'grid', gridSize: 2, models: ['gaussian_nb'], trials: 2, cv: 3, workers: 1, testSize: 0, storage: 'memory:', onStart: (i) => (start = i), onNote: (n) => notes.push(n) });
    await r.study.close();
    // gaussian_nb's one parameter at 2 values, times the preprocessing and selection choices.
    expect(start!.gridSize).toBe(r.study.sampler.capacity(r.study.space));
    expect(start!.gridSize).toBeGreaterThan(2);
    expect(notes).toContain('no holdout (test size 0): all 150 rows are searched and refit on, and there is no test score; the CV scores are the only estimate');
    expect(r.testScore).toBeNull();
    expect(r.testSet).toEqual({ source: 'none', rows: 0 });
    expect(r.model).not.toBeNull();
    expect(formatSearchResult(r)).toContain('No test score: no rows were held out');
    expect(searchResultJson(r)).toMatchObject({ testScore: null, testSet: { source: 'none', rows: 0 } });
    expect(r.study.record.settings['testSize']).toBe(0);
  }, 120_000);
});
