import { describe, expect, it } from 'vitest';
import { binaryAuc, defaultMetric, getMetric, metricNames } from '../../src/evaluation/metrics.js';
import { matrix } from '../../src/models/estimator.js';
import { isAutomlError } from '../../src/util/errors.js';

const f = (a: number[]) => Float64Array.from(a);
const proba = (rows: number[][]) => matrix(rows.length, rows[0]!.length, Float64Array.from(rows.flat()));
const score = (name: string, y: number[], p: number[], P?: number[][]) => getMetric(name).score(f(y), f(p), P ? proba(P) : undefined);

// Reference values are worked by hand from scikit-learn's documented definitions; several are the
// examples of sklearn.metrics' docstrings (f1_score, roc_auc_score, log_loss, r2_score).
describe('classification metrics', () => {
  it('accuracy and balanced accuracy', () => {
    expect(score('accuracy', [0, 1, 2, 1], [0, 2, 2, 1])).toBe(0.75);
    // recall(0) = 2/3, recall(1) = 1
    expect(score('balanced_accuracy', [0, 0, 0, 1], [0, 0, 1, 1])).toBeCloseTo(5 / 6, 12);
    // a class only predicted (never true) does not count in balanced accuracy
    expect(score('balanced_accuracy', [0, 0], [0, 2])).toBe(0.5);
  });

  it('f1_macro', () => {
    // F1: class 0 = 4/5, classes 1 and 2 = 0
    expect(score('f1_macro', [0, 1, 2, 0, 1, 2], [0, 2, 1, 0, 0, 1])).toBeCloseTo(0.8 / 3, 12);
    expect(score('f1_macro', [0, 1, 1], [0, 1, 1])).toBe(1);
  });

  it('roc_auc binary, with ties', () => {
    const P = [0.1, 0.4, 0.35, 0.8].map((p) => [1 - p, p]);
    expect(score('roc_auc', [0, 0, 1, 1], [0, 1, 0, 1], P)).toBeCloseTo(0.75, 12);
    expect(binaryAuc([false, true], [0.5, 0.5])).toBe(0.5);
    expect(binaryAuc([true, true], [0.1, 0.2])).toBeNaN();
  });

  it('roc_auc one-vs-rest macro, leaving out a class absent from the fold', () => {
    const P = [
      [0.6, 0.3, 0.1],
      [0.2, 0.5, 0.3],
      [0.1, 0.2, 0.7],
      [0.3, 0.4, 0.3],
    ];
    // AUC(0) = 1, AUC(1) = 1, AUC(2) = (1 + 1 + 1 + 0.5) / 4
    expect(score('roc_auc', [0, 1, 2, 2], [0, 1, 2, 1], P)).toBeCloseTo((1 + 1 + 0.875) / 3, 12);
    // Class 1 absent: only classes 0 (pos .6,.2 vs neg .1,.3: 3/4) and 2 (pos .7,.3 vs neg .1,.3: 3.5/4) count.
    expect(score('roc_auc', [0, 0, 2, 2], [0, 1, 2, 1], P)).toBeCloseTo((0.75 + 0.875) / 2, 12);
    let err: unknown;
    try {
      score('roc_auc', [1, 1, 1, 1], [1, 1, 1, 1], P);
    } catch (e) {
      err = e;
    }
    expect(isAutomlError(err, 'E_DATA')).toBe(true);
  });

  it('log_loss, with clipping of zero probabilities', () => {
    const P = [
      [0.1, 0.9],
      [0.9, 0.1],
      [0.8, 0.2],
      [0.35, 0.65],
    ];
    expect(score('log_loss', [1, 0, 0, 1], [1, 0, 0, 1], P)).toBeCloseTo(-(2 * Math.log(0.9) + Math.log(0.8) + Math.log(0.65)) / 4, 12);
    const clipped = score('log_loss', [0], [1], [[0, 1]]);
    expect(Number.isFinite(clipped)).toBe(true);
    expect(clipped).toBeCloseTo(-Math.log(1e-15), 9);
    expect(() => score('log_loss', [0], [0])).toThrow(/probabilities/);
  });
});

describe('regression metrics', () => {
  const y = [3, -0.5, 2, 7];
  const p = [2.5, 0, 2, 8];
  it('r2, rmse, mae', () => {
    // SS_res = 1.5, SS_tot = 29.1875
    expect(score('r2', y, p)).toBeCloseTo(1 - 1.5 / 29.1875, 12);
    expect(score('rmse', y, p)).toBeCloseTo(Math.sqrt(0.375), 12);
    expect(score('mae', y, p)).toBeCloseTo(0.5, 12);
  });
  it('r2 on a constant target is 1 when perfect, 0 otherwise', () => {
    expect(score('r2', [2, 2], [2, 2])).toBe(1);
    expect(score('r2', [2, 2], [2, 3])).toBe(0);
  });
  it('rejects mismatched lengths', () => {
    expect(() => score('mae', [1, 2], [1])).toThrow(/2 values.*1/);
  });
});

describe('metric registry', () => {
  it('has directions, tasks and defaults', () => {
    expect(getMetric('log_loss').direction).toBe('minimize');
    expect(getMetric('rmse').direction).toBe('minimize');
    expect(getMetric('roc_auc').needsProba).toBe(true);
    expect(getMetric('accuracy').needsProba).toBe(false);
    expect(defaultMetric('classification').name).toBe('accuracy');
    expect(defaultMetric('regression').name).toBe('r2');
    expect(metricNames('regression')).toEqual(['r2', 'rmse', 'mae']);
  });
  it('rejects unknown names and names for the wrong task, listing valid ones', () => {
    expect(() => getMetric('auc')).toThrow(/"auc" is unknown.*roc_auc/);
    let err: unknown;
    try {
      getMetric('accuracy', 'regression');
    } catch (e) {
      err = e;
    }
    expect(isAutomlError(err, 'E_CONFIG')).toBe(true);
    expect((err as Error).message).toMatch(/does not apply to regression.*r2, rmse, mae/);
    expect(() => getMetric('toString')).toThrow(/unknown/);
  });
});
