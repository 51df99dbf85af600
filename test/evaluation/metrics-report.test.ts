import { describe, expect, it } from 'vitest';
import { classScores, confusionMatrix, residualSummary } from '../../src/evaluation/metrics.js';

const f = (a: number[]) => Float64Array.from(a);

// Worked by hand from scikit-learn's definitions (confusion_matrix with labels=range(k),
// precision_recall_fscore_support with zero_division=0); residual quantiles from
// numpy.quantile (linear), sd with ddof=1.
describe('evaluation metrics', () => {
  const y = f([0, 1, 2, 2, 1, 0, 2, 1]);
  const p = f([0, 2, 2, 2, 1, 0, 1, 0]);

  it('confusion matrix: rows true, columns predicted, every class listed', () => {
    expect(confusionMatrix(y, p, 4)).toEqual([
      [2, 0, 0, 0],
      [1, 1, 1, 0],
      [0, 1, 2, 0],
      [0, 0, 0, 0],
    ]);
    expect(() => confusionMatrix(f([0, 5]), f([0, 1]), 3)).toThrow(/label 5 at row 1 is not a class index in 0\.\.2/);
    expect(() => confusionMatrix(f([0]), f([0, 1]), 3)).toThrow(/1 values but predictions have 2/);
  });

  it('per-class precision, recall, F1 and support; 0 where undefined', () => {
    const s = classScores(confusionMatrix(y, p, 4));
    const expected = [
      { precision: 2 / 3, recall: 1, f1: 4 / 5, support: 2 },
      { precision: 1 / 2, recall: 1 / 3, f1: 2 / 5, support: 3 },
      { precision: 2 / 3, recall: 2 / 3, f1: 2 / 3, support: 3 },
      { precision: 0, recall: 0, f1: 0, support: 0 },
    ];
    s.forEach((c, k) => {
      expect(c.support).toBe(expected[k]!.support);
      for (const key of ['precision', 'recall', 'f1'] as const) expect(c[key], `class ${k} ${key}`).toBeCloseTo(expected[k]![key], 12);
    });
  });

  it('residual summary of y - prediction', () => {
    const r = residualSummary(f([3, -0.5, 2, 7, 4.2, 1.1, 0, 9]), f([2.5, 0, 2, 8, 4, 1.5, -1, 7.5]));
    expect(r.mean).toBeCloseTo(0.1625, 12);
    expect(r.sd).toBeCloseTo(0.8227783940492639, 12);
    const q = [r.quantiles.p5, r.quantiles.p25, r.quantiles.p50, r.quantiles.p75, r.quantiles.p95];
    [-0.825, -0.425, 0.1, 0.625, 1.325].forEach((v, i) => expect(q[i]).toBeCloseTo(v, 12));
    expect(r.maxAbs).toBe(1.5);
    expect(residualSummary(f([1]), f([0.5]))).toMatchObject({ mean: 0.5, sd: 0, maxAbs: 0.5, quantiles: { p5: 0.5, p95: 0.5 } });
  });
});
