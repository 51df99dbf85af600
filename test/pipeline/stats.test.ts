import { describe, expect, it } from 'vitest';
import { insertSorted, mean, modeSorted, quantileSorted, safeScale } from '../../src/pipeline/stats.js';

const f = (...xs: number[]): Float64Array => Float64Array.from(xs);

describe('stats', () => {
  it('mean and linear-interpolation quantiles', () => {
    expect(mean(f(1, 2, 6))).toBe(3);
    expect(mean(f())).toBe(0);
    expect(quantileSorted(f(1, 2, 3, 4), 0.25)).toBe(1.75);
    expect(quantileSorted(f(1, 2, 3, 4), 0.5)).toBe(2.5);
    expect(quantileSorted(f(7), 0.75)).toBe(7);
  });

  it('mode picks the smallest of tied values', () => {
    expect(modeSorted(f(1, 2, 2, 3, 3))).toBe(2);
    expect(modeSorted(f(-1, 4, 4, 4, 5))).toBe(4);
    expect(modeSorted(f(9))).toBe(9);
  });

  it('insertSorted keeps order', () => {
    expect(Array.from(insertSorted(f(1, 3, 5), 3, 2))).toEqual([1, 3, 3, 3, 5]);
    expect(Array.from(insertSorted(f(1, 3), 9, 1))).toEqual([1, 3, 9]);
    expect(Array.from(insertSorted(f(1, 3), 0, 0))).toEqual([1, 3]);
  });

  it('safeScale replaces zero and rounding-noise scales by 1', () => {
    expect(safeScale(0, 5)).toBe(1);
    expect(safeScale(1e-17, 0.3)).toBe(1);
    expect(safeScale(1e-9, 1e-8)).toBe(1e-9);
    expect(safeScale(2, 0)).toBe(2);
  });
});
