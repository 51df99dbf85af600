/** checkFoldsFit: the --cv it suggests works on the rows actually searched. */
import { describe, expect, it } from 'vitest';
import { datasetFromRows } from '../../src/data/index.js';
import { checkFoldsFit } from '../../src/data/folds-fit.js';
import { AutomlError } from '../../src/util/errors.js';

const all = (n: number): Int32Array => Int32Array.from({ length: n }, (_, i) => i);

function message(fn: () => void, code: string): string {
  try {
    fn();
  } catch (e) {
    expect((e as AutomlError).code).toBe(code);
    return (e as AutomlError).message;
  }
  throw new Error('nothing thrown');
}

describe('checkFoldsFit', () => {
  const cls = datasetFromRows(
    Array.from({ length: 20 }, (_, i) => ({ x: (i * 7) % 5, y: i < 14 ? 'a' : i < 18 ? 'b' : 'c' })),
    { target: 'y', name: 'small' },
  );

  it('classification: names the small classes and suggests their smallest count', () => {
    expect(message(() => checkFoldsFit(cls, all(18), 5, 0), 'E_TARGET')).toBe(
      'small: class "b" has 4 rows left for the search, fewer than the 5 cross-validation folds; use --cv 4 or smaller, or add rows of that class',
    );
    expect(() => checkFoldsFit(cls, all(18), 4, 0)).not.toThrow();
    expect(message(() => checkFoldsFit(cls, all(19), 3, 6), 'E_TARGET')).toMatch(
      /class "c" has 1 row left for the search \(after holding out 6 test rows\).*add rows of that class or remove its rows, or hold out fewer rows with a smaller --test-size \(stratified CV needs at least 2 rows per class\)/,
    );
  });

  it('regression: bounded by the rows', () => {
    const reg = datasetFromRows(Array.from({ length: 12 }, (_, i) => ({ x: (i * 7) % 5, y: i * 1.5 })), { target: 'y', name: 'reg' });
    expect(message(() => checkFoldsFit(reg, all(9), 10, 3), 'E_DATA')).toBe(
      'reg: 9 rows are left for the search (after holding out 3 test rows), fewer than the 10 cross-validation folds; use --cv 9 or smaller, or hold out fewer rows with a smaller --test-size',
    );
    expect(() => checkFoldsFit(reg, all(9), 9, 3)).not.toThrow();
  });
});
