import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkModelRanges, composeSpaceJSON, defaultModelNames, DEFAULT_MODELS, DEFAULT_SPACE_FILE, SPACES_DIR, defaultSpace, spaceForTask, spaceWithTargetFor } from '../../src/automl/spaces.js';
import { listModels } from '../../src/models/registry.js';
import { loadSpaceFile, spaceFromJSON } from '../../src/space/index.js';

describe('bundled search spaces', () => {
  it('search-spaces/default.json is generated from the per-model files (run `npm run spaces` if this fails)', () => {
    const onDisk = JSON.parse(readFileSync(DEFAULT_SPACE_FILE, 'utf8'));
    delete onDisk.$comment;
    expect(onDisk).toEqual(composeSpaceJSON(defaultModelNames()));
    expect(defaultModelNames()).toEqual(DEFAULT_MODELS);
  });

  it('every registered model has a valid space file, and every space file a model', () => {
    const files = readdirSync(SPACES_DIR).filter((f) => f.endsWith('.json') && !['default.json', 'preprocess.json', 'selection.json', 'target.json'].includes(f));
    const models = listModels().map((m) => m.name).sort();
    expect(files.map((f) => f.replace(/\.json$/, '')).sort()).toEqual(models);
    for (const f of files) {
      const json = JSON.parse(readFileSync(join(SPACES_DIR, f), 'utf8'));
      if (Object.keys(json).some((k) => !k.startsWith('$'))) expect(() => loadSpaceFile(join(SPACES_DIR, f))).not.toThrow();
    }
  });

  it('the default space keeps only the models that can do the task', () => {
    const reg = defaultSpace('regression').param('model')!.dimension.toJSON() as { choices: string[] };
    const cls = defaultSpace('classification').param('model')!.dimension.toJSON() as { choices: string[] };
    const byName = new Map(listModels().map((m) => [m.name, m]));
    for (const m of reg.choices) expect(byName.get(m)!.tasks).toContain('regression');
    for (const m of cls.choices) expect(byName.get(m)!.tasks).toContain('classification');
    expect(reg.choices.length).toBeGreaterThan(1);
    expect(cls.choices.length).toBeGreaterThan(1);
  });

  it('regression spaces search the target transform; classification spaces leave it out', () => {
    expect(defaultSpace('regression').param('target_transform')!.dimension.toJSON()).toEqual({ type: 'categorical', choices: ['none', 'log'] });
    expect(defaultSpace('classification').param('target_transform')).toBeUndefined();
    const composed = composeSpaceJSON(['ridge', 'knn']);
    expect(Object.keys(composed)).toEqual(['preprocess', 'select', 'target_transform', 'model']);
    expect('target_transform' in spaceWithTargetFor(composed, 'classification')).toBe(false);
    expect(spaceWithTargetFor(composed, 'regression')).toBe(composed);
    // A user's space file gets the same treatment.
    const mine = { target_transform: { type: 'categorical' as const, choices: ['none', 'log'] }, model: { type: 'choice' as const, branches: { knn: {} } } };
    expect(Object.keys(spaceForTask(mine, 'classification', 'mine.json'))).toEqual(['model']);
    expect(Object.keys(spaceForTask(mine, 'regression', 'mine.json'))).toEqual(['target_transform', 'model']);
  });

  it('target_transform values the task cannot use are refused before any trial, with the JSON path', () => {
    const model = { type: 'choice' as const, branches: { knn: {} } };
    const bad = spaceFromJSON({ target_transform: { type: 'categorical', choices: ['none', 'sqrt'] }, model });
    expect(() => checkModelRanges(bad, 'regression', 'mine.json')).toThrow(/mine\.json: \$\.target_transform: target_transform is "sqrt"; expected one of none, log/);
    // A typed space keeps what it is given: log on a classification task is refused here, not in every trial.
    const log = spaceFromJSON({ target_transform: { type: 'categorical', choices: ['log'] }, model });
    expect(() => checkModelRanges(log, 'classification', 'search space')).toThrow(/search space: \$\.target_transform: .*regression only/);
    expect(() => checkModelRanges(log, 'regression', 'search space')).not.toThrow();
  });

  it('a space naming an unknown model is refused with its JSON path', () => {
    const json = { model: { type: 'choice' as const, branches: { svm: {} } } };
    expect(() => spaceForTask(json, 'classification', 'my.json')).toThrow(/my\.json: \$\.model\.branches\.svm: no model named 'svm'/);
  });

  it('model ranges the model refuses are caught before any trial, with the JSON path', () => {
    const bad = spaceFromJSON({ model: { type: 'choice', branches: { knn: { n_neighbors: { type: 'int', low: 0, high: 5 } } } } });
    expect(() => checkModelRanges(bad, 'classification', 'mine.json')).toThrow(/mine\.json: \$\.model\.branches\.knn\.n_neighbors: the model refuses the value 0/);
    expect(() => checkModelRanges(defaultSpace('classification'), 'classification', 'default')).not.toThrow();
    expect(() => checkModelRanges(defaultSpace('regression'), 'regression', 'default')).not.toThrow();
  });
});
