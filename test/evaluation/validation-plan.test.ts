import { describe, expect, it } from 'vitest';
import { chooseFolds, holdoutShare, holdoutSplit, HOLDOUT_MIN_ROWS, validationFolds, type ValidationSpec } from '../../src/evaluation/validation-plan.js';
import { kFold, stratifiedKFold } from '../../src/evaluation/splitters.js';
import { rungOrder, rungRows, rungSizes, RUNG_FIRST_ROWS } from '../../src/evaluation/row-fidelity.js';
import { RungPruner } from '../../src/pruners/rung.js';
import type { TargetInfo } from '../../src/data/types.js';
import type { TrialRecord } from '../../src/trial/trial.js';

const classes = (n: number, k: number): TargetInfo => ({ name: 'y', task: 'classification', values: Float64Array.from({ length: n }, (_, i) => i % k), classes: Array.from({ length: k }, (_, c) => String(c)) });
const numbers = (n: number): TargetInfo => ({ name: 'y', task: 'regression', values: Float64Array.from({ length: n }, (_, i) => i * 0.5) });
const groupsOf = (n: number, size: number): Int32Array => Int32Array.from({ length: n }, (_, i) => Math.floor(i / size) * 7 % 101);

function groupSet(groups: Int32Array, rows: Int32Array): Set<number> {
  return new Set(Array.from(rows, (r) => groups[r]!));
}

describe('validation plan', () => {
  it('plain k-fold is exactly the splitters of before (stratified for classification)', () => {
    const spec: ValidationSpec = { folds: 5, holdout: 0.2 };
    expect(validationFolds(spec, classes(60, 3), 42)).toEqual(stratifiedKFold(classes(60, 3).values, 5, 42));
    expect(validationFolds(spec, numbers(33), 'seed/x')).toEqual(kFold(33, 5, 'seed/x'));
  });

  it('with groups, no group is ever on both sides: k-fold, reshuffled k-fold and holdout', () => {
    const groups = groupsOf(300, 7);
    const target = classes(300, 2);
    for (const spec of [{ folds: 4, holdout: 0.2, groups }, { folds: 1, holdout: 0.25, groups }] as ValidationSpec[]) {
      for (const seed of [1, 2, 3]) {
        const folds = validationFolds(spec, target, seed);
        expect(folds).toHaveLength(spec.folds);
        for (const f of folds) {
          const train = groupSet(groups, f.train);
          for (const g of groupSet(groups, f.test)) expect(train.has(g)).toBe(false);
          expect(f.train.length + f.test.length).toBe(300);
        }
      }
    }
    // Seeds reshuffle which groups share a fold; the groups stay whole.
    const a = validationFolds({ folds: 4, holdout: 0.2, groups }, target, 1).map((f) => [...f.test]);
    const b = validationFolds({ folds: 4, holdout: 0.2, groups }, target, 2).map((f) => [...f.test]);
    expect(a).not.toEqual(b);
    const h = holdoutSplit(300, 0.25, 9, { groups });
    expect(h.test.length).toBeGreaterThanOrEqual(75);
    expect(h.test.length).toBeLessThan(75 + 7);
  });

  it('time order: every validation row comes after every training row; the holdout is the latest rows', () => {
    const target = numbers(100);
    for (const spec of [{ folds: 4, holdout: 0.2, timeOrdered: true }, { folds: 1, holdout: 0.2, timeOrdered: true }] as ValidationSpec[]) {
      const a = validationFolds(spec, target, 1);
      expect(validationFolds(spec, target, 99)).toEqual(a); // a seed changes nothing in time order
      for (const f of a) expect(Math.max(...f.train)).toBeLessThan(Math.min(...f.test));
    }
    expect([...holdoutSplit(100, 0.2, 5, { timeOrdered: true }).test]).toEqual(Array.from({ length: 20 }, (_, i) => 80 + i));
  });

  it('one stratified holdout from HOLDOUT_MIN_ROWS searched rows; an explicit --cv wins', () => {
    expect(chooseFolds(HOLDOUT_MIN_ROWS - 1, undefined)).toBe(5);
    expect(chooseFolds(HOLDOUT_MIN_ROWS, undefined)).toBe(1);
    expect(chooseFolds(HOLDOUT_MIN_ROWS * 10, 3)).toBe(3);
    // 20% of the rows, at most 10,000 of them.
    expect(holdoutShare(20_000)).toBe(0.2);
    expect(holdoutShare(200_000) * 200_000).toBeCloseTo(10_000, 6);
    const [h] = validationFolds({ folds: 1, holdout: 0.2 }, classes(1000, 4), 3);
    expect(h!.test.length).toBe(200);
    const perClass = [0, 1, 2, 3].map((c) => Array.from(h!.test).filter((r) => r % 4 === c).length);
    expect(perClass).toEqual([50, 50, 50, 50]);
  });
});

describe('row rungs', () => {
  it('sizes grow by 3 from 2,000 rows (or n/27) to every training row', () => {
    expect(rungSizes(3000)).toEqual([3000]);
    expect(rungSizes(8000)).toEqual([RUNG_FIRST_ROWS, 8000]);
    expect(rungSizes(16000)).toEqual([2000, 6000, 16000]);
    expect(rungSizes(200_000)).toEqual([7408, 22224, 66672, 200_000]);
  });

  it('a trial\'s rows are a function of its seed: same seed same rows, nested rungs, every class in the first rung', () => {
    const target = classes(20_000, 5);
    // One rare class: 3 rows.
    const values = Float64Array.from(target.values, (v, i) => (i < 3 ? 5 : v));
    const t: TargetInfo = { ...target, values, classes: ['0', '1', '2', '3', '4', '5'] };
    const train = Int32Array.from({ length: 16_000 }, (_, i) => i);
    const a = rungOrder(train, t, 1234);
    expect(rungOrder(train, t, 1234)).toEqual(a);
    expect(rungOrder(train, t, 1235)).not.toEqual(a);
    const small = rungRows(a, 2000);
    const mid = rungRows(a, 6000);
    expect(new Set(Array.from(small, (r) => values[r]))).toEqual(new Set([0, 1, 2, 3, 4, 5]));
    const midSet = new Set(mid);
    for (const r of small) expect(midSet.has(r)).toBe(true);
    expect([...small]).toEqual([...small].sort((x, y) => x - y));
    // Time order takes the latest training rows first.
    expect([...rungRows(rungOrder(train, t, 1, true), 3)]).toEqual([15_997, 15_998, 15_999]);
  });

  it('the rung pruner compares a trial with the others at the same rung only, keeping the top third', () => {
    const p = new RungPruner(3);
    const other = (n: number, values: number[]): TrialRecord => ({ number: n, state: 'PRUNED', intermediate: values.map((value, step) => ({ step, value })) }) as unknown as TrialRecord;
    const ask = (value: number, step: number, history: TrialRecord[]): boolean => p.shouldPrune({ direction: 'maximize', step, intermediate: [{ step, value }], history });
    expect(ask(0.1, 0, [])).toBe(false); // the first at a rung goes on
    expect(ask(0.5, 0, [other(0, [0.9])])).toBe(true); // 1 of 2 better: ceil(2/3) = 1
    expect(ask(0.95, 0, [other(0, [0.9]), other(1, [0.2])])).toBe(false);
    // Rung 1 values are compared with rung 1 values, not rung 0 ones.
    expect(ask(0.5, 1, [other(0, [0.99, 0.4]), other(1, [0.99])])).toBe(false);
  });
});
