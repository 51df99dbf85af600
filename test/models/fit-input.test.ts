import { describe, expect, it } from 'vitest';
import { checkFitInput } from '../../src/models/common.js';
import { matrix } from '../../src/models/estimator.js';
import { ridgeSpec } from '../../src/models/fast/ridge.js';
import { knn as knnSpec } from '../../src/models/knn.js';
import { AutomlError } from '../../src/util/errors.js';

const cls = { task: 'classification', nClasses: 2 } as const;
const reg = { task: 'regression', nClasses: 0 } as const;

function caught(f: () => void): AutomlError {
  try {
    f();
  } catch (e) {
    return e as AutomlError;
  }
  throw new Error('expected a throw');
}

describe('checkFitInput (the one fit-input check of every model family)', () => {
  it('names the model, the row, the column and the value', () => {
    const X = matrix(2, 2, Float64Array.of(1, 2, 3, NaN));
    const e = caught(() => checkFitInput('m', X, Float64Array.of(0, 1), cls));
    expect(e).toMatchObject({ code: 'E_DATA', details: { model: 'm', row: 1, column: '1' } });
    expect(e.message).toBe('model "m": X has a non-finite value NaN at row 1, column 1; impute missing values before this model');
    expect(caught(() => checkFitInput('m', matrix(2, 1), Float64Array.of(0), cls)).message).toContain('X has 2 rows but y has 1 values; pass one target per row');
    expect(caught(() => checkFitInput('m', matrix(0, 3), new Float64Array(0), cls)).message).toContain('cannot fit on an empty matrix (0 rows x 3 columns)');
  });

  it('allowMissing accepts NaN but never an infinity', () => {
    expect(() => checkFitInput('m', matrix(2, 1, Float64Array.of(NaN, 1)), Float64Array.of(1, 2), reg, { allowMissing: true })).not.toThrow();
    const e = caught(() => checkFitInput('m', matrix(2, 1, Float64Array.of(1, -Infinity)), Float64Array.of(1, 2), reg, { allowMissing: true }));
    expect(e.message).toContain('-Infinity at row 1, column 0; use NaN for missing values');
  });

  it('targets: class indices in 0..nClasses-1, finite values for regression (E_TARGET)', () => {
    const X = matrix(2, 1, Float64Array.of(1, 2));
    expect(caught(() => checkFitInput('m', X, Float64Array.of(0, 2), cls))).toMatchObject({ code: 'E_TARGET', details: { row: 1, value: 2 } });
    expect(caught(() => checkFitInput('m', X, Float64Array.of(0, 2), cls)).message).toContain('target y[1] = 2 is not a class index in 0..1');
    expect(caught(() => checkFitInput('m', X, Float64Array.of(Infinity, 2), reg)).message).toContain('target y[0] = Infinity is not a finite number');
    expect(caught(() => checkFitInput('m', X, Float64Array.of(0, 0), { task: 'classification', nClasses: 1 })).message).toContain('at least 2 classes');
  });

  it('both model families use it', async () => {
    const bad = matrix(2, 1, Float64Array.of(1, Infinity));
    const y = Float64Array.of(0, 1);
    const knn = knnSpec.create({}, { task: 'classification', nClasses: 2, seed: 1 });
    const ridge = ridgeSpec.create({}, { task: 'regression', nClasses: 0, seed: 1 });
    for (const [name, est] of [['knn', knn], ['ridge', ridge]] as const) {
      const e = await Promise.resolve()
        .then(() => est.fit(bad, y))
        .then(() => null, (err: unknown) => err as AutomlError);
      expect(e?.message).toBe(`model "${name}": X has a non-finite value Infinity at row 1, column 0; impute missing values before this model`);
    }
  });
});
