import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fitPreprocessor } from '../../src/pipeline/index.js';
import type { ResolvedSelect } from '../../src/pipeline/selection/index.js';
import { anovaF, createSelectionStep, fRegression, keepCount, keptFrequency, l1Importances, mutualInfo, resolveSelectConfig } from '../../src/pipeline/selection/index.js';
import { matrix } from '../../src/models/estimator.js';
import { loadSpaceFile } from '../../src/space/index.js';
import { createRng } from '../../src/util/rng.js';
import { CLS_INFORMATIVE, range, synthClassification, synthRegression } from './selection-helpers.js';

const cls = synthClassification(300, 20, 1);
const reg = synthRegression(300, 20, 2);

function keptNames(data: typeof cls, config: ResolvedSelect, seed = 1): string[] {
  const rows = range(0, data.nRows);
  const pre = fitPreprocessor(data, rows);
  const step = createSelectionStep(config, data.target.task, data.target.classes?.length ?? 0, seed);
  step.fit(pre.transform(data, rows), data.target.values, pre.outputNames);
  return step.outputNames(pre.outputNames);
}

describe('selection methods pick informative columns over noise', () => {
  const source = (name: string): string => name.split('=')[0]!;
  const clsCases: [string, ResolvedSelect][] = [
    ['anova_f', { method: 'anova_f', k: 3, fraction: null }],
    ['mutual_info', { method: 'mutual_info', k: 3, fraction: null }],
    ['tree_importance', { method: 'tree_importance', threshold: 1.5 }],
    ['l1_importance', { method: 'l1_importance', threshold: 1, alphaRatio: 0.1 }],
  ];
  for (const [name, config] of clsCases) {
    it(`${name} (classification)`, () => {
      const kept = keptNames(cls, config);
      expect(kept.length).toBeGreaterThanOrEqual(2);
      // x0, x1 and the red level carry the signal; no noise column should make the cut.
      expect(kept).toContain('x0');
      expect(kept).toContain('x1');
      expect(kept.every((k) => CLS_INFORMATIVE.includes(source(k))), kept.join(',')).toBe(true);
    });
  }

  it('f_regression keeps the linear columns; mutual_info and trees also find the symmetric one', () => {
    const f = keptNames(reg, { method: 'f_regression', k: 2, fraction: null });
    expect(f.sort()).toEqual(['x0', 'x1']);
    const mi = keptNames(reg, { method: 'mutual_info', k: 3, fraction: null });
    expect(mi.sort()).toEqual(['x0', 'x1', 'x2']);
    const trees = keptNames(reg, { method: 'tree_importance', threshold: 1 });
    expect(trees.sort()).toEqual(['x0', 'x1', 'x2']);
    const l1 = keptNames(reg, { method: 'l1_importance', threshold: 1, alphaRatio: 0.05 });
    expect(l1).toContain('x0');
    expect(l1).toContain('x1');
    expect(l1.every((k) => ['x0', 'x1', 'x2'].includes(k)), l1.join(',')).toBe(true);
  });

  it('kept columns and scores are deterministic under a seed', () => {
    for (const config of [
      { method: 'mutual_info', k: 5, fraction: null },
      { method: 'tree_importance', threshold: 1 },
    ] as ResolvedSelect[]) {
      const rows = range(0, 200);
      const pre = fitPreprocessor(reg, rows);
      const X = pre.transform(reg, rows);
      const y = reg.target.values.subarray(0, 200);
      const a = createSelectionStep(config, 'regression', 0, 'seed-7');
      const b = createSelectionStep(config, 'regression', 0, 'seed-7');
      a.fit(X, y, pre.outputNames);
      b.fit(X, y, pre.outputNames);
      expect(b.kept).toEqual(a.kept);
      expect(b.scores).toEqual(a.scores);
    }
  });

  it('never keeps zero columns, and k/fraction count as documented', () => {
    const X = matrix(6, 3, new Float64Array(18).fill(2));
    const y = Float64Array.from([0, 1, 0, 1, 0, 1]);
    for (const config of [
      { method: 'anova_f', k: null, fraction: 0.01 },
      { method: 'tree_importance', threshold: 5 },
      { method: 'l1_importance', threshold: 1, alphaRatio: 0.5 },
      { method: 'mutual_info', k: 1, fraction: null },
    ] as ResolvedSelect[]) {
      const s = createSelectionStep(config, 'classification', 2, 1);
      s.fit(X, y, ['a', 'b', 'c']);
      expect(s.kept.length, config.method).toBe(1);
      expect(s.transform(X).cols).toBe(1);
    }
    expect(keepCount(null, 0.3, 10)).toBe(3);
    expect(keepCount(null, 0.31, 10)).toBe(4);
    expect(keepCount(50, null, 10)).toBe(10);
  });
});

describe('univariate scores', () => {
  it('anova F matches a hand computation; constant columns score 0; a perfect separator scores Infinity', () => {
    // Column 0: groups {1,2,3} and {4,5,6}: SSB = 13.5, SSW = 4, F = 13.5 / (4 / 4) = 13.5.
    const X = matrix(6, 3, Float64Array.from([1, 7, 0, 2, 7, 0, 3, 7, 0, 4, 7, 1, 5, 7, 1, 6, 7, 1]));
    const y = Float64Array.from([0, 0, 0, 1, 1, 1]);
    const f = anovaF(X, y, 2);
    expect(f[0]).toBeCloseTo(13.5, 10);
    expect(f[1]).toBe(0);
    expect(f[2]).toBe(Infinity);
  });

  it('f_regression grows with |correlation| and ignores the sign', () => {
    const rng = createRng(3);
    const n = 200;
    const X = matrix(n, 3);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const t = rng.normal();
      y[i] = t;
      X.data[i * 3] = t + 0.1 * rng.normal();
      X.data[i * 3 + 1] = -t + 0.1 * rng.normal();
      X.data[i * 3 + 2] = rng.normal();
    }
    const f = fRegression(X, y);
    expect(f[0]).toBeGreaterThan(1000);
    expect(f[1]).toBeGreaterThan(1000);
    expect(f[2]).toBeLessThan(10);
  });

  it('mutual information: about log(2) for a column equal to a balanced binary class, near 0 for noise', () => {
    const rng = createRng(4);
    const n = 400;
    const X = matrix(n, 3);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = i % 2;
      X.data[i * 3] = y[i]!;
      X.data[i * 3 + 1] = y[i]! * 4 + rng.normal();
      X.data[i * 3 + 2] = rng.normal();
    }
    const mi = mutualInfo(X, y, 2, createRng(1));
    expect(mi[0]).toBeCloseTo(Math.log(2), 2);
    expect(mi[1]).toBeGreaterThan(0.5);
    expect(mi[2]).toBeLessThan(0.05);
  });
});

describe('select config', () => {
  it('maps filter scores to the task and fills defaults', () => {
    expect(resolveSelectConfig({ type: 'filter', score: 'f', k: 3 }, 'classification')).toEqual({ method: 'anova_f', k: 3, fraction: null });
    expect(resolveSelectConfig({ type: 'filter', score: 'f' }, 'regression')).toEqual({ method: 'f_regression', k: null, fraction: 0.5 });
    expect(resolveSelectConfig({ type: 'model_importance' }, 'regression')).toEqual({ method: 'tree_importance', threshold: 1 });
    expect(resolveSelectConfig({ type: 'none' }, 'regression')).toBeNull();
    expect(resolveSelectConfig(undefined, 'regression')).toBeNull();
  });

  it('rejects bad settings naming the parameter and value', () => {
    const bad = (c: unknown, task: 'classification' | 'regression' = 'classification'): string => {
      try {
        resolveSelectConfig(c, task);
      } catch (e) {
        return (e as Error).message;
      }
      return 'no error';
    };
    expect(bad({ type: 'anova_f' }, 'regression')).toMatch(/select\.type is "anova_f"; expected a method for regression/);
    expect(bad({ type: 'f_regression' })).toMatch(/select\.type is "f_regression"/);
    expect(bad({ type: 'filter', score: 'f', k: 2, fraction: 0.5 })).toMatch(/either k or fraction/);
    expect(bad({ type: 'filter', score: 'chi2' })).toMatch(/select\.score is "chi2"/);
    expect(bad({ type: 'anova_f', fraction: 1.5 })).toMatch(/select\.fraction is 1\.5; expected a number in \(0, 1\]/);
    expect(bad({ type: 'anova_f', k: 0 })).toMatch(/select\.k is 0/);
    expect(bad({ type: 'anova_f', threshold: 1 })).toMatch(/select\.threshold: unknown parameter/);
    expect(bad({ type: 'model_importance', estimator: 'trees', alpha_ratio: 0.1 })).toMatch(/alpha_ratio applies to estimator "l1" only/);
    expect(bad({ type: 'boruta' })).toMatch(/select\.type is "boruta"; expected one of none, filter/);
  });

  it('search-spaces/selection.json is a valid space whose every sample resolves for both tasks', () => {
    const space = loadSpaceFile(join(import.meta.dirname, '../../search-spaces/selection.json'));
    const rng = createRng(5);
    const seen = new Set<string>();
    for (let t = 0; t < 60; t++) {
      const flat: Record<string, string | number | boolean> = {};
      for (const p of space.params) {
        if (p.condition === null || flat[p.condition.name] === p.condition.branch) flat[p.name] = p.dimension.decode(rng.next()) as string | number | boolean;
      }
      const { select } = space.build(flat) as { select: { type: string } };
      seen.add(select.type);
      expect(() => resolveSelectConfig(select, 'classification')).not.toThrow();
      expect(() => resolveSelectConfig(select, 'regression')).not.toThrow();
    }
    expect([...seen].sort()).toEqual(['fdr', 'filter', 'l1_importance', 'none', 'tree_importance']);
  });
});

describe('keptFrequency', () => {
  it('counts folds per column, most frequent first', () => {
    expect(keptFrequency([['a', 'b'], ['b'], ['b', 'c', 'c']])).toEqual([
      { column: 'b', folds: 3, frequency: 1 },
      { column: 'a', folds: 1, frequency: 1 / 3 },
      { column: 'c', folds: 1, frequency: 1 / 3 },
    ]);
  });
});

describe('l1Importances', () => {
  /** Plain cyclic coordinate descent for the same lasso, run to a tight tolerance: the reference. */
  function lassoByCoordinateDescent(X: Float64Array, n: number, p: number, y: Float64Array, alphaRatio: number): Float64Array {
    const Z = new Float64Array(n * p);
    for (let j = 0; j < p; j++) {
      let m = 0;
      for (let i = 0; i < n; i++) m += X[i * p + j]!;
      m /= n;
      let v = 0;
      for (let i = 0; i < n; i++) v += (X[i * p + j]! - m) ** 2;
      const sd = Math.sqrt(v / n);
      for (let i = 0; i < n; i++) Z[i * p + j] = (X[i * p + j]! - m) / sd;
    }
    const ym = y.reduce((s, v) => s + v, 0) / n;
    const ysd = Math.sqrt(y.reduce((s, v) => s + (v - ym) ** 2, 0) / n);
    const r = Float64Array.from(y, (v) => (v - ym) / ysd);
    let alphaMax = 0;
    for (let j = 0; j < p; j++) {
      let g = 0;
      for (let i = 0; i < n; i++) g += Z[i * p + j]! * r[i]!;
      alphaMax = Math.max(alphaMax, Math.abs(g) / n);
    }
    const alpha = alphaRatio * alphaMax;
    const w = new Float64Array(p);
    for (let sweep = 0; sweep < 5000; sweep++) {
      let moved = 0;
      for (let j = 0; j < p; j++) {
        let g = 0;
        for (let i = 0; i < n; i++) g += Z[i * p + j]! * r[i]!;
        const u = g / n + w[j]!;
        const next = Math.sign(u) * Math.max(0, Math.abs(u) - alpha);
        const d = next - w[j]!;
        if (d !== 0) for (let i = 0; i < n; i++) r[i]! -= d * Z[i * p + j]!;
        moved = Math.max(moved, Math.abs(d));
        w[j] = next;
      }
      if (moved < 1e-12) break;
    }
    return w.map(Math.abs);
  }

  // Dense data, and mostly-zero data (one-hot-like), which takes the sparse path.
  for (const kind of ['dense', 'sparse'] as const) {
    it(`converges to the lasso solution (regression, ${kind} data), for weak and strong penalties`, () => {
      const rng = createRng(7);
      const n = 200;
      const p = 30;
      const X = new Float64Array(n * p);
      const y = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        // Correlated columns make the problem ill-conditioned, where a plain FISTA crawls.
        const shared = rng.normal();
        for (let j = 0; j < p; j++) {
          X[i * p + j] = kind === 'dense' ? rng.normal() + (j < 10 ? 2 * shared : 0) : rng.next() < (j < 10 && shared > 0 ? 0.4 : 0.15) ? 1 : 0;
        }
        y[i] = X[i * p]! - 2 * X[i * p + 1]! + 0.5 * X[i * p + 12]! + rng.normal();
      }
      for (const alphaRatio of [0.01, 0.05, 0.3]) {
        const got = l1Importances(matrix(n, p, X), y, 0, alphaRatio);
        const want = lassoByCoordinateDescent(X, n, p, y, alphaRatio);
        const scale = Math.max(...want);
        for (let j = 0; j < p; j++) expect(Math.abs(got[j]! - want[j]!), `alpha_ratio ${alphaRatio}, column ${j}`).toBeLessThan(2e-3 * scale);
      }
    });
  }

  it('gives the same importances through the sparse path as through the dense one (classification)', () => {
    // Standardising ignores a shift, so X + 1 (no zeros: the dense path) must score like X (mostly zeros: the sparse path).
    const rng = createRng(11);
    const n = 240;
    const p = 25;
    const X = new Float64Array(n * p);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = i % 3;
      for (let j = 0; j < p; j++) X[i * p + j] = rng.next() < (j === y[i]! ? 0.6 : 0.15) ? 1 + (j % 4) : 0;
    }
    const shifted = X.map((v) => v + 1);
    for (const [nClasses, target] of [[3, y], [2, y.map((v) => (v === 0 ? 1 : 0))]] as const) {
      const sparse = l1Importances(matrix(n, p, X), target, nClasses, 0.05);
      const dense = l1Importances(matrix(n, p, shifted), target, nClasses, 0.05);
      const scale = Math.max(...dense);
      expect(scale).toBeGreaterThan(0);
      for (let j = 0; j < p; j++) expect(Math.abs(sparse[j]! - dense[j]!), `${nClasses} classes, column ${j}`).toBeLessThan(1e-6 * scale);
    }
  });
});
