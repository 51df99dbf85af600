import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import type { Dataset } from '../../src/data/index.js';
import { loadDataset } from '../../src/data/index.js';
import { fitPreprocessor } from '../../src/pipeline/index.js';
import type { ResolvedSelect } from '../../src/pipeline/selection/index.js';
import {
  benjaminiHochbergCount,
  createSelectionStep,
  fPValues,
  fRegression,
  fTestDof,
  resolveSelectConfig,
} from '../../src/pipeline/selection/index.js';
import { matrix } from '../../src/models/estimator.js';
import { createRng } from '../../src/util/rng.js';
import { range, synthClassification, synthRegression } from './selection-helpers.js';

describe('F-test p-values', () => {
  it('are all 1 when d1 < 1 (no evidence), whatever F', () => {
    expect(Array.from(fPValues(Float64Array.of(0, Infinity, 1), 0, 10))).toEqual([1, 1, 1]);
  });
});

describe('Benjamini-Hochberg', () => {
  it('counts the step-up discoveries', () => {
    // Thresholds i x 0.005: only the two smallest pass.
    expect(benjaminiHochbergCount([0.216, 0.001, 0.039, 0.041, 0.042, 0.06, 0.074, 0.205, 0.212, 0.008], 0.05)).toBe(2);
    // Step-up: p(1) = 0.01 and p(3) = 0.03 <= 3 x 0.05 / 3 pass, so p(2) is kept with them.
    expect(benjaminiHochbergCount([0.03, 0.01, 0.03], 0.05)).toBe(3);
    expect(benjaminiHochbergCount([0.03, 0.01, 0.2], 0.05)).toBe(2);
    expect(benjaminiHochbergCount([0.03, 0.01, 0.03], 0.02)).toBe(0);
    expect(benjaminiHochbergCount([0.5, 0.9], 0.05)).toBe(0);
    expect(benjaminiHochbergCount([], 0.05)).toBe(0);
  });

  it('degrees of freedom: (1, n-2) for regression, (k-1, n-k) over the classes present', () => {
    expect(fTestDof('regression', 100, new Float64Array(100), 0)).toEqual({ d1: 1, d2: 98 });
    // Class 1 of 3 is absent from these rows.
    expect(fTestDof('classification', 6, Float64Array.of(0, 2, 2, 0, 0, 2), 3)).toEqual({ d1: 1, d2: 4 });
  });
});

function kept(data: Dataset, config: ResolvedSelect, rows = range(0, data.nRows)): string[] {
  const pre = fitPreprocessor(data, rows);
  const step = createSelectionStep(config, data.target.task, data.target.classes?.length ?? 0, 1);
  step.fit(pre.transform(data, rows), Float64Array.from(rows, (i) => data.target.values[i]!), pre.outputNames);
  return step.outputNames(pre.outputNames).map((n) => n.split('=')[0]!);
}

describe('fdr filter', () => {
  it('keeps the linear signal and (almost) no noise among 100 noise columns (regression)', () => {
    const names = kept(synthRegression(300, 100, 4), { method: 'fdr', alpha: 0.05 });
    expect(names).toContain('x0');
    expect(names).toContain('x1');
    expect(names.filter((n) => n.startsWith('n')).length).toBeLessThanOrEqual(2);
  });

  it('keeps the informative columns among noise (classification, ANOVA F)', () => {
    const names = new Set(kept(synthClassification(300, 100, 5), { method: 'fdr', alpha: 0.05 }));
    for (const c of ['x0', 'x1', 'color']) expect(names.has(c)).toBe(true);
    expect([...names].filter((n) => n.startsWith('n')).length).toBeLessThanOrEqual(2);
  });

  it('diabetes-progression with 100 seeded noise columns: keeps nearly every real column and almost no noise', () => {
    // The benchmark case, where a fraction filter must guess how many of 110 columns are real.
    const base = loadDataset(join(import.meta.dirname, '../../datasets/diabetes-progression.csv'), { target: 'progression' });
    for (let seed = 0; seed < 3; seed++) {
      const rng = createRng(`fdr-test/${seed}`);
      const noisy: Dataset = {
        ...base,
        features: [...base.features, ...Array.from({ length: 100 }, (_, j) => ({ ...base.features[0]!, name: `noise_${j}` }))],
        columns: [...base.columns, ...Array.from({ length: 100 }, () => Float64Array.from({ length: base.nRows }, () => rng.normal()))],
      };
      const names = kept(noisy, { method: 'fdr', alpha: 0.05 }, range(0, 354));
      expect(names.filter((n) => !n.startsWith('noise_')).length).toBeGreaterThanOrEqual(8);
      expect(names.filter((n) => n.startsWith('noise_')).length).toBeLessThanOrEqual(2);
    }
  });

  it('a larger alpha keeps at least as many columns; nothing significant keeps the single best', () => {
    const data = synthRegression(200, 60, 8);
    const sizes = [0.001, 0.05, 0.2, 0.6].map((alpha) => kept(data, { method: 'fdr', alpha }).length);
    for (let i = 1; i < sizes.length; i++) expect(sizes[i]).toBeGreaterThanOrEqual(sizes[i - 1]!);
    expect(sizes[3]).toBeGreaterThan(sizes[0]!);
    // Pure noise target: no column passes, the best F is kept.
    const rng = createRng(3);
    const X = matrix(50, 4);
    for (let i = 0; i < X.data.length; i++) X.data[i] = rng.normal();
    const y = Float64Array.from({ length: 50 }, () => rng.normal());
    const step = createSelectionStep({ method: 'fdr', alpha: 0.001 }, 'regression', 0, 1);
    step.fit(X, y, ['a', 'b', 'c', 'd']);
    const f = fRegression(X, y);
    expect(step.kept).toEqual([f.indexOf(Math.max(...f))]);
    expect(step.toJSON().settings).toEqual({ alpha: 0.001 });
  });
});

describe('select config: fdr, tree_importance, l1_importance', () => {
  const err = (c: unknown): { code?: string; message: string; details?: Record<string, unknown> } => {
    try {
      resolveSelectConfig(c, 'regression');
    } catch (e) {
      return e as never;
    }
    return { message: 'no error' };
  };

  it('resolves with defaults (alpha 0.05; alpha_ratio 0.05 when absent, as before)', () => {
    expect(resolveSelectConfig({ type: 'fdr' }, 'classification')).toEqual({ method: 'fdr', alpha: 0.05 });
    expect(resolveSelectConfig({ type: 'fdr', alpha: 0.01 }, 'regression')).toEqual({ method: 'fdr', alpha: 0.01 });
    expect(resolveSelectConfig({ type: 'tree_importance', threshold: 1.5 }, 'regression')).toEqual({ method: 'tree_importance', threshold: 1.5 });
    expect(resolveSelectConfig({ type: 'l1_importance', alpha_ratio: 0.3 }, 'regression')).toEqual({ method: 'l1_importance', threshold: 1, alphaRatio: 0.3 });
    expect(resolveSelectConfig({ type: 'model_importance', estimator: 'l1' }, 'regression')).toEqual({ method: 'l1_importance', threshold: 1, alphaRatio: 0.05 });
  });

  it('rejects bad values with E_PARAM naming select.<param> and the value', () => {
    for (const alpha of [0, 1, -0.1, 'x', Number.NaN]) {
      const e = err({ type: 'fdr', alpha });
      expect(e.code).toBe('E_PARAM');
      expect(e.details?.param).toBe('select.alpha');
      expect(e.message).toMatch(/^select\.alpha is .+; expected a false discovery rate in \(0, 1\)/);
    }
    expect(err({ type: 'fdr', alpha: 0.5 }).message).toBe('no error');
    expect(err({ type: 'fdr', k: 3 }).message).toMatch(/select\.k: unknown parameter for select type "fdr"/);
    expect(err({ type: 'tree_importance', alpha_ratio: 0.1 }).message).toMatch(/select\.alpha_ratio: unknown parameter/);
    expect(err({ type: 'l1_importance', estimator: 'trees' }).message).toMatch(/select\.estimator: unknown parameter/);
    expect(err({ type: 'l1_importance', alpha_ratio: 2 }).details?.param).toBe('select.alpha_ratio');
  });

  it("l1's searched penalty matters: alpha_ratio 0.5 keeps far fewer noise columns than 0.01", () => {
    const data = synthRegression(300, 100, 9);
    const noise = (alphaRatio: number) => kept(data, { method: 'l1_importance', threshold: 1, alphaRatio }).filter((n) => n.startsWith('n')).length;
    const weak = noise(0.01);
    const strong = noise(0.5);
    expect(weak).toBeGreaterThan(10);
    expect(strong).toBeLessThanOrEqual(2);
  });
});
