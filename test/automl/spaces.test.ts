import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkModelRanges, composeSpaceJSON, defaultModelNames, defaultSpaceText, DEFAULT_MODELS, DEFAULT_SPACE_FILE, SPACES_DIR, defaultSpace, modelSpaceJSON, spaceForTask, spaceWithTargetFor } from '../../src/automl/spaces.js';
import type { ModelSpec } from '../../src/models/estimator.js';
import { builtinFamilies, getModel, listModels, registerModel } from '../../src/models/registry.js';
import { familySpaceFile } from '../../src/models/space-file.js';
import { loadSpaceFile, spaceFromJSON } from '../../src/space/index.js';

describe('bundled search spaces', () => {
  it('search-spaces/default.json is generated from the per-model files (run `npm run spaces` if this fails)', () => {
    const onDisk = JSON.parse(readFileSync(DEFAULT_SPACE_FILE, 'utf8'));
    delete onDisk.$comment;
    delete onDisk.$schema;
    expect(onDisk).toEqual(composeSpaceJSON(defaultModelNames()));
    expect(defaultModelNames()).toEqual(DEFAULT_MODELS);
  });

  it('every family file and default.json are what the descriptors generate, byte for byte (run `npm run spaces` if this fails)', () => {
    for (const family of builtinFamilies) {
      expect(readFileSync(join(SPACES_DIR, `${family.name}.json`), 'utf8'), `${family.name}.json`).toBe(familySpaceFile(family));
      // What the engine reads is what the file says.
      const onDisk = JSON.parse(readFileSync(join(SPACES_DIR, `${family.name}.json`), 'utf8'));
      delete onDisk.$comment;
      delete onDisk.$schema;
      expect(modelSpaceJSON(family.name)).toEqual(onDisk);
    }
    expect(readFileSync(DEFAULT_SPACE_FILE, 'utf8')).toBe(defaultSpaceText());
  });

  it('DEFAULT_MODELS, derived from the descriptors, is the list it always was', () => {
    expect(DEFAULT_MODELS).toEqual(['gradient_boosting', 'random_forest', 'extra_trees', 'logistic_regression', 'ridge', 'knn', 'gaussian_nb']);
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

  it('a task searches only the parameters that act on it: criterion and min_impurity_decrease are classification-only', () => {
    const names = (task: 'classification' | 'regression') => defaultSpace(task).params.map((p) => p.name);
    for (const key of ['model.random_forest.criterion', 'model.extra_trees.criterion']) {
      expect(names('classification')).toContain(key);
      expect(names('regression')).not.toContain(key);
    }
    expect(names('regression')).toContain('model.random_forest.n_estimators');
    // A user's space file naming a classification-only parameter searches it only for classification.
    const mine = { model: { type: 'choice' as const, branches: { decision_tree: { max_depth: { type: 'int' as const, low: 2, high: 8 }, min_impurity_decrease: { type: 'float' as const, low: 0, high: 0.02 } } } } };
    const reg = spaceForTask(mine, 'regression', 'mine.json').model as { branches: Record<string, object> };
    const cls = spaceForTask(mine, 'classification', 'mine.json').model as { branches: Record<string, object> };
    expect(Object.keys(reg.branches['decision_tree']!)).toEqual(['max_depth']);
    expect(Object.keys(cls.branches['decision_tree']!)).toEqual(['max_depth', 'min_impurity_decrease']);
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
    const json = { model: { type: 'choice' as const, branches: { xgboost: {} } } };
    expect(() => spaceForTask(json, 'classification', 'my.json')).toThrow(/my\.json: \$\.model\.branches\.xgboost: no model named 'xgboost'/);
  });

  it('model ranges the model refuses are caught before any trial, with the JSON path', () => {
    const bad = spaceFromJSON({ model: { type: 'choice', branches: { knn: { n_neighbors: { type: 'int', low: 0, high: 5 } } } } });
    expect(() => checkModelRanges(bad, 'classification', 'mine.json')).toThrow(/mine\.json: \$\.model\.branches\.knn\.n_neighbors: the model refuses the value 0/);
    expect(() => checkModelRanges(defaultSpace('classification'), 'classification', 'default')).not.toThrow();
    expect(() => checkModelRanges(defaultSpace('regression'), 'regression', 'default')).not.toThrow();
  });

  it('ranges are checked against the declarations: an integer parameter refuses a float range, a choice outside the declared ones is named', () => {
    const float = spaceFromJSON({ model: { type: 'choice', branches: { knn: { n_neighbors: { type: 'float', low: 1, high: 5 } } } } });
    expect(() => checkModelRanges(float, 'classification', 'mine.json')).toThrow(/mine\.json: \$\.model\.branches\.knn\.n_neighbors: .*search it with "type": "int"/);
    const choice = spaceFromJSON({ model: { type: 'choice', branches: { gradient_boosting: { early_stopping: { type: 'categorical', choices: ['on', 'never'] } } } } });
    expect(() => checkModelRanges(choice, 'regression', 'mine.json')).toThrow(/branches\.gradient_boosting\.early_stopping: the model refuses the value "never"/);
    const unknown = spaceFromJSON({ model: { type: 'choice', branches: { ridge: { beta: { type: 'int', low: 1, high: 2 } } } } });
    expect(() => checkModelRanges(unknown, 'regression', 'mine.json')).toThrow(/branches\.ridge\.beta: .*unknown parameter "beta" = 1; known parameters: alpha, fit_intercept/);
  });
});

describe('a user model without declarations', () => {
  // Registered last: the registry is module state shared by this file's tests.
  it('is still range-checked, by creating it at the ends of each range', () => {
    const knn = getModel('knn');
    const plain: ModelSpec = { name: 'plain_knn', description: 'a spec without declarations', tasks: knn.tasks, create: (p, ctx) => knn.create(p, ctx), load: (j) => knn.load(j) };
    registerModel(plain);
    const bad = spaceFromJSON({ model: { type: 'choice', branches: { plain_knn: { n_neighbors: { type: 'int', low: 1, high: 20000 } } } } });
    expect(() => checkModelRanges(bad, 'regression', 'mine.json')).toThrow(/\$\.model\.branches\.plain_knn\.n_neighbors: the model refuses the value 20000/);
    const ok = spaceFromJSON({ model: { type: 'choice', branches: { plain_knn: { n_neighbors: { type: 'int', low: 1, high: 20 } } } } });
    expect(() => checkModelRanges(ok, 'regression', 'mine.json')).not.toThrow();
  });
});
