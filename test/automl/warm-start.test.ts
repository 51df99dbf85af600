import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStudy } from '../../src/study/index.js';
import { spaceFromJSON } from '../../src/space/index.js';
import { defaultSpace } from '../../src/automl/spaces.js';
import { search } from '../../src/automl/search.js';
import { createRng } from '../../src/util/rng.js';
import { WARM_SELECT, defaultConfigs, enqueueDefaults } from '../../src/automl/warm-start.js';
import { setBundledPortfolio } from '../../src/automl/portfolio.js';

const DATA = (f: string) => join(import.meta.dirname, '../../datasets', f);
const dir = mkdtempSync(join(tmpdir(), 'automl-warm-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
// These tests are about the plain family defaults: without the bundled portfolio (test/automl/portfolio.test.ts covers it).
beforeAll(() => setBundledPortfolio(null));
afterAll(() => setBundledPortfolio(undefined));

describe('warm start with each family default', () => {
  it('every default configuration is valid in the default space of its task, cheapest family first', async () => {
    for (const task of ['classification', 'regression'] as const) {
      const study = await createStudy({ space: defaultSpace(task), seed: 1, sampler: 'tpe' });
      const queued = await enqueueDefaults(study, task, 30);
      const families = queued.map((n) => study.trial(n)!.params['model']);
      expect(families).toEqual(
        task === 'classification'
          ? ['gaussian_nb', 'logistic_regression', 'knn', 'extra_trees', 'random_forest', 'gradient_boosting', 'logistic_regression', 'gradient_boosting']
          : ['ridge', 'knn', 'extra_trees', 'random_forest', 'gradient_boosting', 'ridge', 'gradient_boosting'],
      );
      // The plain defaults select nothing; the last two use the FDR filter at 0.05.
      const selects = queued.map((n) => study.configOf(study.trial(n)!).select);
      expect(selects.slice(-2)).toEqual([WARM_SELECT, WARM_SELECT]);
      expect(selects.slice(0, -2).every((s) => (s as { type: string }).type === 'none')).toBe(true);
      // Defaults fit the target as it is: said explicitly where the space searches the transform.
      const transforms = queued.map((n) => (study.configOf(study.trial(n)!) as { target_transform?: string }).target_transform);
      expect(transforms.every((t) => t === (task === 'regression' ? 'none' : undefined))).toBe(true);
      // The first trials asked are the queued ones, in order, before anything is sampled.
      for (const n of queued) expect((await study.ask())!.number).toBe(n);
      await study.close();
    }
  });

  it('the configurations derived from the descriptors are the ones written out before', () => {
    const linear = { imputation: 'median', missing_indicator: false, encoding: 'onehot', scaler: 'standard' };
    const tree = { imputation: 'median', missing_indicator: false, encoding: 'ordinal', scaler: 'none' };
    const nb = { imputation: 'median', missing_indicator: false, encoding: 'onehot', scaler: 'none' };
    const none = { type: 'none' };
    const fdr = { type: 'fdr', alpha: 0.05 };
    const forest = (type: string, maxFeatures: number) => ({ type, n_estimators: 100, max_features: maxFeatures, min_samples_leaf: 1, criterion: 'gini' });
    const gb = { type: 'gradient_boosting', learning_rate: 0.1, n_estimators: 100, max_leaves: 31, min_samples_leaf: 20, l2: 0.001, subsample: 1, colsample: 1 };
    const expected = (linearFamily: Record<string, unknown>, maxFeatures: number) => [
      { preprocess: nb, select: none, model: { type: 'gaussian_nb', var_smoothing: 1e-9 } },
      { preprocess: linear, select: none, model: { type: 'logistic_regression', C: 1, penalty: 'l2' } },
      { preprocess: linear, select: none, model: { type: 'ridge', alpha: 1 } },
      { preprocess: linear, select: none, model: { type: 'knn', n_neighbors: 5, weights: 'uniform', metric: 'euclidean' } },
      { preprocess: tree, select: none, model: forest('extra_trees', maxFeatures) },
      { preprocess: tree, select: none, model: forest('random_forest', maxFeatures) },
      { preprocess: tree, select: none, model: gb },
      { preprocess: linear, select: fdr, model: linearFamily },
      { preprocess: tree, select: fdr, model: gb },
    ];
    // Compared as JSON text, so the key order (what storage and model files see) is pinned too.
    expect(JSON.stringify(defaultConfigs('classification', 30))).toBe(JSON.stringify(expected({ type: 'logistic_regression', C: 1, penalty: 'l2' }, 0.183)));
    expect(JSON.stringify(defaultConfigs('regression', 30))).toBe(JSON.stringify(expected({ type: 'ridge', alpha: 1 }, 1)));
  });

  it('a wide table (more columns than half the rows) starts with the two selected defaults', () => {
    const selectsOf = (p: number, rows?: number) => defaultConfigs('regression', p, rows).map((c) => (c.select as { type: string }).type);
    const plainFirst = ['none', 'none', 'none', 'none', 'none', 'none', 'none', 'fdr', 'fdr'];
    expect(selectsOf(510, 354)).toEqual(['fdr', 'fdr', 'none', 'none', 'none', 'none', 'none', 'none', 'none']);
    expect(selectsOf(110, 354)).toEqual(plainFirst);
    expect(selectsOf(510)).toEqual(plainFirst);
    // The same configurations either way, only the order differs.
    const key = (cs: Record<string, unknown>[]) => cs.map((c) => JSON.stringify(c)).sort();
    expect(key(defaultConfigs('classification', 600, 400))).toEqual(key(defaultConfigs('classification', 600)));
  });

  it('forests use the square-root rule for classification and every feature for regression', () => {
    const rf = (task: 'classification' | 'regression', p: number) =>
      (defaultConfigs(task, p).find((c) => (c.model as { type: string }).type === 'random_forest')!.model as { max_features: number }).max_features;
    expect(rf('classification', 100)).toBeCloseTo(0.1, 3);
    expect(rf('classification', 4)).toBeCloseTo(0.5, 3);
    expect(rf('classification', 1000)).toBe(0.1); // clamped to the space's lower bound
    expect(rf('regression', 100)).toBe(1);
  });

  it('skips what a custom space does not allow (a family left out, a value outside its range)', async () => {
    const json = {
      preprocess: { type: 'group', params: { imputation: { type: 'categorical', choices: ['median'] }, missing_indicator: { type: 'categorical', choices: [false] }, encoding: { type: 'categorical', choices: ['ordinal', 'onehot'] }, scaler: { type: 'categorical', choices: ['none', 'standard'] } } },
      select: { type: 'choice', branches: { none: {} } },
      model: {
        type: 'choice',
        branches: {
          random_forest: { n_estimators: { type: 'int', low: 10, high: 50 }, max_features: { type: 'float', low: 0.1, high: 1 }, min_samples_leaf: { type: 'int', low: 1, high: 5 }, criterion: { type: 'categorical', choices: ['gini'] } },
          knn: { n_neighbors: { type: 'int', low: 1, high: 30 }, weights: { type: 'categorical', choices: ['uniform', 'distance'] }, metric: { type: 'categorical', choices: ['euclidean'] } },
        },
      },
    };
    const study = await createStudy({ space: spaceFromJSON(json as never, 'test'), seed: 1 });
    const queued = await enqueueDefaults(study, 'classification', 10);
    // random_forest's 100 trees are outside 10..50: only knn's default is queued.
    expect(queued.map((n) => study.trial(n)!.params['model'])).toEqual(['knn']);
    await study.close();
  });

  it('a space without select queues each plain default once; one without the fdr branch skips the selected ones', async () => {
    const json = defaultSpace('regression').toJSON() as Record<string, unknown>;
    const withoutSelect = { ...json };
    delete withoutSelect.select;
    const a = await createStudy({ space: spaceFromJSON(withoutSelect as never, 'test'), seed: 1 });
    expect((await enqueueDefaults(a, 'regression', 10)).map((n) => a.trial(n)!.params['model'])).toEqual(['ridge', 'knn', 'extra_trees', 'random_forest', 'gradient_boosting']);
    await a.close();
    const noFdr = { ...json, select: { type: 'choice', branches: { none: {}, filter: { score: { type: 'categorical', choices: ['f'] } } } } };
    const b = await createStudy({ space: spaceFromJSON(noFdr as never, 'test'), seed: 1 });
    expect(await enqueueDefaults(b, 'regression', 10)).toHaveLength(5);
    await b.close();
  });

  it('search() on a table with many noise columns: the FDR defaults complete and keep (almost) only the real columns', async () => {
    const rng = createRng(4);
    const rows = Array.from({ length: 200 }, () => {
      const row: Record<string, unknown> = { a: rng.normal(), b: rng.normal() };
      for (let j = 0; j < 40; j++) row[`noise_${j}`] = rng.normal();
      row.y = (row.a as number) - (row.b as number) + 0.5 * rng.normal();
      return row;
    });
    const r = await search({ data: rows, target: 'y', task: 'regression', trials: 7, cv: 3, workers: 1, seed: 3, prune: false, ensemble: false, storage: 'memory:', study: 'noisy' });
    const selected = r.study.trials.filter((t) => t.params['select'] === 'fdr');
    expect(selected.map((t) => t.params['model'])).toEqual(['ridge', 'gradient_boosting']);
    for (const t of selected) {
      expect(t.state).toBe('COMPLETE');
      const folds = t.userAttrs['keptColumns'] as string[][];
      expect(folds).toHaveLength(3);
      for (const kept of folds) {
        expect(kept).toEqual(expect.arrayContaining(['a', 'b']));
        expect(kept.filter((c) => c.startsWith('noise_')).length).toBeLessThanOrEqual(2);
      }
    }
    await r.study.close();
  });

  it('search() runs the defaults first unless warmStart is false', async () => {
    const base = { data: DATA('iris.csv'), target: 'species', trials: 8, cv: 3, workers: 1, seed: 2, prune: false, ensemble: false, storage: `sqlite:${join(dir, 's.db')}` } as const;
    const families = (r: Awaited<ReturnType<typeof search>>) =>
      r.study.trials
        .slice()
        .sort((a, b) => a.number - b.number)
        .map((t) => t.params['model']);
    const warm = await search({ ...base, study: 'warm' });
    expect(families(warm).slice(0, 6)).toEqual(['gaussian_nb', 'logistic_regression', 'knn', 'extra_trees', 'random_forest', 'gradient_boosting']);
    expect(warm.study.configOf(warm.study.trials.find((t) => t.number === 0)!)).toMatchObject({ model: { type: 'gaussian_nb' }, select: { type: 'none' } });
    await warm.study.close();
    const cold = await search({ ...base, study: 'cold', warmStart: false });
    expect(families(cold).slice(0, 6)).not.toEqual(families(warm).slice(0, 6));
    await cold.study.close();
  });
});
