import { describe, expect, it } from 'vitest';
import { groupKFold, kFold, stratifiedKFold, timeSeriesSplit, trainTestSplit } from '../../src/evaluation/splitters.js';
import type { Split } from '../../src/evaluation/splitters.js';
import { isAutomlError } from '../../src/util/errors.js';

/** Every row is tested exactly once, and train is the complement of test in each fold. */
function expectPartition(splits: Split[], n: number): void {
  const seen = new Int32Array(n);
  for (const { train, test } of splits) {
    expect(train.length + test.length).toBe(n);
    const inTest = new Set(test);
    for (const i of train) expect(inTest.has(i)).toBe(false);
    for (const i of test) seen[i]!++;
    expect(Array.from(test)).toEqual([...test].sort((a, b) => a - b));
  }
  expect(Array.from(seen).every((c) => c === 1)).toBe(true);
}

const counts = (y: ArrayLike<number>, idx: Int32Array) => {
  const c = new Map<number, number>();
  for (const i of idx) c.set(y[i]!, (c.get(y[i]!) ?? 0) + 1);
  return c;
};

describe('kFold', () => {
  it('partitions rows into folds differing by at most one', () => {
    const s = kFold(23, 5, 1);
    expectPartition(s, 23);
    expect(s.map((x) => x.test.length)).toEqual([5, 5, 5, 4, 4]);
  });
  it('is seeded, and unshuffled folds are contiguous', () => {
    expect(kFold(30, 3, 'a').map((x) => Array.from(x.test))).toEqual(kFold(30, 3, 'a').map((x) => Array.from(x.test)));
    expect(kFold(30, 3, 'a')[0]!.test).not.toEqual(kFold(30, 3, 'b')[0]!.test);
    expect(Array.from(kFold(6, 3, 0, false)[1]!.test)).toEqual([2, 3]);
  });
  it('rejects impossible fold counts', () => {
    for (const [n, k] of [[3, 4], [10, 1], [10, 2.5]] as const) {
      let err: unknown;
      try {
        kFold(n, k, 0);
      } catch (e) {
        err = e;
      }
      expect(isAutomlError(err, 'E_CONFIG')).toBe(true);
    }
  });
});

describe('stratifiedKFold', () => {
  it('keeps class proportions in every fold', () => {
    // 60 of class 0, 30 of class 1, 10 of class 2, interleaved
    const y = Float64Array.from({ length: 100 }, (_, i) => (i % 10 === 0 ? 2 : i % 3 === 0 ? 1 : 0));
    const total = counts(y, Int32Array.from({ length: 100 }, (_, i) => i));
    const s = stratifiedKFold(y, 5, 7);
    expectPartition(s, 100);
    for (const { test } of s) {
      const c = counts(y, test);
      for (const [cls, n] of total) expect(Math.abs((c.get(cls) ?? 0) - n / 5)).toBeLessThanOrEqual(1);
    }
    expect(Array.from(stratifiedKFold(y, 5, 7)[2]!.test)).toEqual(Array.from(s[2]!.test));
  });
});

describe('groupKFold', () => {
  it('never splits a group and balances fold sizes', () => {
    const groups = ['a', 'a', 'a', 'b', 'b', 'c', 'c', 'c', 'c', 'd', 'e', 'e'];
    const s = groupKFold(groups, 3);
    expectPartition(s, groups.length);
    for (const { train, test } of s) {
      const testGroups = new Set(Array.from(test, (i) => groups[i]));
      for (const i of train) expect(testGroups.has(groups[i])).toBe(false);
    }
    // sizes 4 (c), 3 (a), 2 (b), 2 (e), 1 (d) -> loads 4, 3+1, 2+2
    expect(s.map((x) => x.test.length).sort()).toEqual([4, 4, 4]);
    expect(() => groupKFold([1, 1, 2], 3)).toThrow(/distinct groups/);
  });
});

describe('timeSeriesSplit', () => {
  it('tests consecutive blocks after their training rows', () => {
    const s = timeSeriesSplit(10, 3);
    expect(s.map((x) => [x.train.length, Array.from(x.test)])).toEqual([
      [4, [4, 5]],
      [6, [6, 7]],
      [8, [8, 9]],
    ]);
    for (const { train, test } of s) expect(Math.max(...train)).toBeLessThan(Math.min(...test));
  });
});

describe('trainTestSplit', () => {
  it('holds out the requested number of rows, seeded', () => {
    const a = trainTestSplit(50, 0.2, 3);
    expect([...a.train, ...a.test].sort((x, y) => x - y)).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(a.test.length).toBe(10);
    expect(Array.from(trainTestSplit(50, 0.2, 3).test)).toEqual(Array.from(a.test));
    expect(trainTestSplit(50, 7, 3).test.length).toBe(7);
    expect(() => trainTestSplit(50, 50, 3)).toThrow(/testSize/);
    expect(() => trainTestSplit(50, 0, 3)).toThrow(/testSize/);
  });
  it('stratifies exactly', () => {
    const y = Float64Array.from({ length: 40 }, (_, i) => (i < 30 ? 0 : 1));
    const s = trainTestSplit(40, 0.25, 1, y);
    expect(s.test.length).toBe(10);
    const c = counts(y, s.test);
    expect(c.get(0)).toBe(8); // 7.5 rounds up for the larger class
    expect(c.get(1)).toBe(2); // 2.5 rounds down to keep the total exact
  });
});
