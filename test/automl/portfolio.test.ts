import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPortfolio, parsePortfolio, portfolioConfigs, setBundledPortfolio, type Portfolio } from '../../src/automl/portfolio.js';
import { search } from '../../src/automl/search.js';
import { COST_ORDER_MIN_ROWS, defaultConfigs, predictedCost, warmStartConfigs } from '../../src/automl/warm-start.js';
import { defaultSpace } from '../../src/automl/spaces.js';
import { isAutomlError } from '../../src/util/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'automl-portfolio-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const tunedGb = {
  preprocess: { imputation: 'median', missing_indicator: false, encoding: 'ordinal', scaler: 'none' },
  select: { type: 'none' },
  model: { type: 'gradient_boosting', learning_rate: 0.05, n_estimators: 300, max_leaves: 15, min_samples_leaf: 10, l2: 0.01, subsample: 0.8, colsample: 0.8 },
};

/** A small portfolio as select.mjs writes it: a tuned gradient boosting, then two warm-start defaults. */
const FIXTURE = {
  format: 'automl-portfolio',
  version: 1,
  provenance: { created: '2026-12-04T00:00:00Z', command: 'test fixture', corpus: { classification: ['iris'] } },
  tasks: {
    classification: [
      { id: 'random:gradient_boosting:0', config: tunedGb, gain: 1.2, relative_cost: 2 },
      { id: 'default:extra_trees', default: 'extra_trees', select: 'none' },
      { id: 'default:logistic_regression+fdr', default: 'logistic_regression', select: 'fdr' },
    ],
  },
};

function codeAndPath(f: () => unknown): { code: string; path: unknown } {
  try {
    f();
  } catch (e) {
    if (isAutomlError(e)) return { code: e.code, path: e.details['path'] };
    throw e;
  }
  throw new Error('did not throw');
}

describe('portfolio file', () => {
  it('parses a valid file and keeps the entries in stored order', () => {
    const p = parsePortfolio(FIXTURE, 'fixture.json');
    expect(p.tasks.classification!.map((e) => e.id)).toEqual(['random:gradient_boosting:0', 'default:extra_trees', 'default:logistic_regression+fdr']);
    expect(p.tasks.regression).toBeUndefined();
  });

  it.each([
    ['format', { ...FIXTURE, format: 'other' }, '$.format'],
    ['version', { ...FIXTURE, version: 2 }, '$.version'],
    ['provenance', { ...FIXTURE, provenance: 'x' }, '$.provenance'],
    ['task name', { ...FIXTURE, tasks: { clustering: [] } }, '$.tasks.clustering'],
    ['empty list', { ...FIXTURE, tasks: { regression: [] } }, '$.tasks.regression'],
    ['entry with both', { ...FIXTURE, tasks: { regression: [{ id: 'a', default: 'ridge', config: tunedGb }] } }, '$.tasks.regression[0]'],
    ['config without model', { ...FIXTURE, tasks: { regression: [{ id: 'a', config: { select: { type: 'none' } } }] } }, '$.tasks.regression[0].config'],
    ['bad family name', { ...FIXTURE, tasks: { regression: [{ id: 'a', default: 'Ridge!' }] } }, '$.tasks.regression[0].default'],
    ['bad select', { ...FIXTURE, tasks: { regression: [{ id: 'a', default: 'ridge', select: 'pca' }] } }, '$.tasks.regression[0].select'],
    ['missing id', { ...FIXTURE, tasks: { regression: [{ default: 'ridge' }] } }, '$.tasks.regression[0].id'],
    ['duplicate id', { ...FIXTURE, tasks: { regression: [{ id: 'a', default: 'ridge' }, { id: 'a', default: 'knn' }] } }, '$.tasks.regression[1].id'],
  ])('refuses a wrong %s with E_CONFIG naming the JSON path', (_what, json, path) => {
    expect(codeAndPath(() => parsePortfolio(json, 'fixture.json'))).toEqual({ code: 'E_CONFIG', path });
  });

  it('reads a file: none is null, broken JSON is E_CONFIG naming the file', () => {
    expect(loadPortfolio(join(dir, 'absent.json'))).toBeNull();
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"format": ');
    expect(() => loadPortfolio(bad)).toThrow(/bad\.json.*not valid JSON/);
    const good = join(dir, 'good.json');
    writeFileSync(good, JSON.stringify(FIXTURE));
    expect(loadPortfolio(good)!.tasks.classification).toHaveLength(3);
  });
});

describe('warm start with a portfolio', () => {
  const portfolio: Portfolio = parsePortfolio(FIXTURE, 'fixture.json');
  const defaults = defaultConfigs('classification', 16, 500, 3);

  it('runs the entries as stored, resolves default references to the data-dependent defaults, then the families it leaves out', () => {
    const list = warmStartConfigs('classification', 16, 500, 3, portfolio);
    expect(list[0]).toEqual(tunedGb);
    // The extra-trees default on 16 columns: the square-root rule's feature fraction, as the warm start builds it.
    expect(list[1]).toEqual(defaults.find((c) => (c['model'] as { type: string }).type === 'extra_trees' && (c['select'] as { type: string }).type === 'none'));
    expect((list[1]!['model'] as { max_features: number }).max_features).toBeCloseTo(4 / 16);
    expect(list[2]).toMatchObject({ select: { type: 'fdr' }, model: { type: 'logistic_regression' } });
    const families = list.slice(3).map((c) => (c['model'] as { type: string }).type);
    // Every warm-start family is listed whatever the task (the space drops ridge for classification).
    expect(new Set(families)).toEqual(new Set(['gaussian_nb', 'knn', 'random_forest', 'ridge']));
    // Families the portfolio covers are not repeated.
    expect(families).not.toContain('gradient_boosting');
    expect(families).not.toContain('extra_trees');
  });

  it('is the plain defaults for a task the portfolio does not cover, and without a portfolio', () => {
    expect(warmStartConfigs('regression', 16, 500, 0, portfolio)).toEqual(defaultConfigs('regression', 16, 500, 0));
    expect(warmStartConfigs('classification', 16, 500, 3, null)).toEqual(defaults);
    expect(portfolioConfigs(null, 'classification', defaults)).toBeNull();
  });

  it('orders cheapest first by predicted cost above COST_ORDER_MIN_ROWS rows', () => {
    const n = COST_ORDER_MIN_ROWS + 1000;
    const list = warmStartConfigs('classification', 16, n, 3, portfolio);
    const costs = list.map((c) => predictedCost(c, 'classification', n, 16, 3));
    expect(costs).toEqual([...costs].sort((a, b) => a - b));
    expect(list).toHaveLength(warmStartConfigs('classification', 16, 500, 3, portfolio).length);
  });

  it('gives configurations the default space accepts, or refuses with E_PARAM (which the warm start skips)', () => {
    const space = defaultSpace('classification');
    for (const c of warmStartConfigs('classification', 16, 500, 3, portfolio)) {
      if ((c['model'] as { type: string }).type === 'ridge') expect(codeAndPath(() => space.flatten(c as never)).code).toBe('E_PARAM');
      else expect(() => space.flatten(c as never)).not.toThrow();
    }
    const outOfRange = { ...tunedGb, model: { ...tunedGb.model, learning_rate: 50 } };
    expect(codeAndPath(() => space.flatten(outOfRange as never)).code).toBe('E_PARAM');
  });
});

describe('search() with a portfolio', () => {
  afterAll(() => setBundledPortfolio(undefined));

  it('queues the portfolio first, then the defaults of the families it leaves out; --no-warm-start runs neither', async () => {
    setBundledPortfolio(parsePortfolio(FIXTURE, 'fixture.json'));
    const base = { data: join(import.meta.dirname, '../../datasets/iris.csv'), target: 'species', trials: 8, cv: 3, workers: 1, seed: 2, prune: false, ensemble: false, recheck: false, storage: `sqlite:${join(dir, 's.db')}` } as const;
    const warm = await search({ ...base, study: 'portfolio' });
    const trials = warm.study.trials.slice().sort((a, b) => a.number - b.number);
    expect(trials.slice(0, 3).map((t) => t.origin)).toEqual(['enqueued', 'enqueued', 'enqueued']);
    expect(warm.study.configOf(trials[0]!)).toMatchObject({ model: { type: 'gradient_boosting', learning_rate: 0.05, n_estimators: 300 } });
    expect(trials.slice(1, 3).map((t) => t.params['model'])).toEqual(['extra_trees', 'logistic_regression']);
    expect(warm.study.configOf(trials[2]!)).toMatchObject({ select: { type: 'fdr' } });
    // Then gaussian_nb, knn and random_forest (ridge is not in the classification space).
    expect(new Set(trials.slice(3, 6).map((t) => t.params['model']))).toEqual(new Set(['gaussian_nb', 'knn', 'random_forest']));
    await warm.study.close();
    const cold = await search({ ...base, study: 'portfolio-off', warmStart: false });
    expect(cold.study.trials.every((t) => t.origin !== 'enqueued')).toBe(true);
    await cold.study.close();
  });
});
