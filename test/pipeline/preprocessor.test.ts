import { describe, expect, it } from 'vitest';
import type { Dataset, FeatureTable } from '../../src/data/index.js';
import { datasetFromRows, featureRowsFromObjects, loadDataset } from '../../src/data/index.js';
import type { Matrix } from '../../src/models/estimator.js';
import type { PreprocessConfig } from '../../src/pipeline/index.js';
import { fitPreprocessor, loadPreprocessor, resolvePreprocessConfig } from '../../src/pipeline/index.js';
import { AutomlError } from '../../src/util/errors.js';

const rows = (...r: number[]): Int32Array => Int32Array.from(r);
const column = (m: Matrix, j: number): number[] => Array.from({ length: m.rows }, (_, i) => m.data[i * m.cols + j]!);
const close = (actual: number[], expected: number[]): void => {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => expect(a).toBeCloseTo(expected[i]!, 10));
};

/** x: 1, 2, 3, 4 then a validation value; y alternates so the target has two classes. */
function xData(last: number): Dataset {
  return datasetFromRows(
    [1, 2, 3, 4, last].map((x, i) => ({ x, y: i % 2 })),
    { target: 'y' },
  );
}
const TRAIN = rows(0, 1, 2, 3);
const ALL = rows(0, 1, 2, 3, 4);

describe('scalers against hand-computed values', () => {
  const d = xData(100);
  it('standard: (x - mean) / population std', () => {
    const std = Math.sqrt(1.25);
    close(column(fitPreprocessor(d, TRAIN, { scaler: 'standard' }).transform(d, ALL), 0), [-1.5 / std, -0.5 / std, 0.5 / std, 1.5 / std, 97.5 / std]);
  });
  it('minmax: (x - min) / (max - min)', () => {
    close(column(fitPreprocessor(d, TRAIN, { scaler: 'minmax' }).transform(d, ALL), 0), [0, 1 / 3, 2 / 3, 1, 33]);
  });
  it('robust: (x - median) / IQR with linearly interpolated quartiles', () => {
    // quartiles of 1,2,3,4: q25 = 1.75, q75 = 3.25, median 2.5
    close(column(fitPreprocessor(d, TRAIN, { scaler: 'robust' }).transform(d, ALL), 0), [-1, -1 / 3, 1 / 3, 1, 65]);
  });
  it('none: values pass through', () => {
    close(column(fitPreprocessor(d, TRAIN, { scaler: 'none' }).transform(d, ALL), 0), [1, 2, 3, 4, 100]);
  });
  it('a constant training column is centred, not divided by zero', () => {
    const c = datasetFromRows([3, 3, 3, 7].map((x, i) => ({ x, z: i, y: i % 2 })), { target: 'y' });
    for (const scaler of ['standard', 'minmax', 'robust'] as const) {
      close(column(fitPreprocessor(c, rows(0, 1, 2), { scaler }).transform(c), 0), [0, 0, 0, 4]);
    }
  });
});

describe('no leakage: statistics come from training rows only', () => {
  it('a huge validation value does not change the fitted preprocessor', () => {
    for (const scaler of ['standard', 'minmax', 'robust'] as const) {
      const a = fitPreprocessor(xData(5), TRAIN, { scaler, imputation: 'median' });
      const b = fitPreprocessor(xData(1e12), TRAIN, { scaler, imputation: 'median' });
      expect(b.toJSON()).toEqual(a.toJSON());
      close(column(b.transform(xData(1e12), TRAIN), 0), column(a.transform(xData(5), TRAIN), 0));
    }
  });

  it('imputation fill values ignore validation rows', () => {
    const d = datasetFromRows([{ x: 1, y: 0 }, { x: null, y: 1 }, { x: 3, y: 0 }, { x: 1000, y: 1 }], { target: 'y' });
    const p = fitPreprocessor(d, rows(0, 1, 2), { imputation: 'mean', scaler: 'none' });
    expect(column(p.transform(d, rows(1)), 0)).toEqual([2]);
  });

  it('a category seen only in validation rows gets no column and encodes as all zeros', () => {
    const d = datasetFromRows(
      ['a', 'b', 'a', 'b', 'zz'].map((c, i) => ({ c, n: i % 3, y: i % 2 })),
      { target: 'y' },
    );
    const p = fitPreprocessor(d, TRAIN, { scaler: 'none' });
    expect(p.outputNames).toEqual(['c=a', 'c=b', 'n']);
    expect(Array.from(p.transform(d, rows(4)).data)).toEqual([0, 0, 1]);
  });
});

describe('imputation and missing indicators', () => {
  const d = datasetFromRows(
    [1, 2, null, 10, 2].map((x, i) => ({ x, full: i * 1.5, y: i % 2 })),
    { target: 'y' },
  );
  const fill = (imputation: PreprocessConfig['imputation']): number => column(fitPreprocessor(d, ALL, { imputation, scaler: 'none' }).transform(d), 0)[2]!;
  it('mean, median and most frequent', () => {
    expect(fill('mean')).toBe(3.75);
    expect(fill('median')).toBe(2);
    expect(fill('most_frequent')).toBe(2);
  });

  it('adds <name>_missing only for columns with missing training values', () => {
    const p = fitPreprocessor(d, ALL, { missing_indicator: true, scaler: 'none' });
    expect(p.outputNames).toEqual(['x', 'x_missing', 'full']);
    const m = p.transform(d);
    expect(column(m, 1)).toEqual([0, 0, 1, 0, 0]);
    // A missing value at predict time in a column that was complete in training: imputed, no indicator.
    const later: FeatureTable = featureRowsFromObjects([{ x: 4, full: null }], p.inputSchema);
    expect(Array.from(p.transform(later).data)).toEqual([4, 0, 3]);
    // Rows without missing x in the training rows: no indicator column at all.
    expect(fitPreprocessor(d, rows(0, 1, 3), { missing_indicator: true }).outputNames).toEqual(['x', 'full']);
  });
});

describe('categorical encoding', () => {
  const colors = ['red', 'red', 'blue', null, 'red', 'green', 'blue', 'red'];
  const d = datasetFromRows(
    colors.map((c, i) => ({ color: c, flag: i % 3 === 0, y: i % 2 })),
    { target: 'y' },
  );
  const idx = rows(0, 1, 2, 3, 4, 5, 6, 7);

  it('onehot with a (missing) level for constant imputation, unseen labels all zeros', () => {
    const p = fitPreprocessor(d, idx, {});
    expect(p.outputNames).toEqual(['color=blue', 'color=green', 'color=red', 'color=(missing)', 'flag']);
    const m = p.transform(d);
    expect(Array.from(m.data.slice(0, 5))).toEqual([0, 0, 1, 0, 1]);
    expect(Array.from(m.data.slice(15, 20))).toEqual([0, 0, 0, 1, 1]);
    const later = featureRowsFromObjects([{ color: 'purple', flag: 'f' }, { color: null, flag: null }], p.inputSchema);
    expect(Array.from(p.transform(later).data)).toEqual([0, 0, 0, 0, 0, 0, 0, 0, 1, 3 / 8]);
  });

  it('most_frequent categorical imputation, with an indicator', () => {
    const p = fitPreprocessor(d, idx, { categorical_imputation: 'most_frequent', missing_indicator: true });
    expect(p.outputNames).toEqual(['color=blue', 'color=green', 'color=red', 'color_missing', 'flag']);
    expect(Array.from(p.transform(d, rows(3)).data)).toEqual([0, 0, 1, 1, 1]);
  });

  it('rare categories are grouped into one (other) column', () => {
    const p = fitPreprocessor(d, idx, { min_frequency: 2 });
    expect(p.outputNames).toEqual(['color=blue', 'color=red', 'color=(other)', 'color=(missing)', 'flag']);
    expect(Array.from(p.transform(d, rows(5)).data)).toEqual([0, 0, 1, 0, 0]);
  });

  it('ordinal codes: rank among kept levels, next rank for (other), -1 for missing and unseen', () => {
    const p = fitPreprocessor(d, idx, { encoding: 'ordinal', min_frequency: 2 });
    expect(p.outputNames).toEqual(['color', 'flag']);
    expect(column(p.transform(d), 0)).toEqual([1, 1, 0, -1, 1, 2, 0, 1]);
    const later = featureRowsFromObjects([{ color: 'purple', flag: true }], p.inputSchema);
    expect(column(p.transform(later), 0)).toEqual([-1]);
  });

  it('booleans are imputed but never scaled', () => {
    const p = fitPreprocessor(d, idx, { scaler: 'standard' });
    expect(column(p.transform(d), 4)).toEqual([1, 0, 0, 1, 0, 0, 1, 0]);
  });
});

describe('JSON round trip', () => {
  const credit = loadDataset('datasets/credit-g.csv', { target: 'class' });
  const train = Int32Array.from({ length: 700 }, (_, i) => i);
  const test = Int32Array.from({ length: 300 }, (_, i) => 700 + i);
  const configs: Partial<PreprocessConfig>[] = [
    {},
    { imputation: 'median', missing_indicator: true, encoding: 'ordinal', scaler: 'robust', min_frequency: 20 },
    { imputation: 'most_frequent', scaler: 'minmax', categorical_imputation: 'most_frequent', min_frequency: 5 },
  ];
  it.each(configs)('toJSON then loadPreprocessor transforms identically (%o)', (config) => {
    const p = fitPreprocessor(credit, train, config);
    const q = loadPreprocessor(JSON.parse(JSON.stringify(p.toJSON())));
    expect(q.outputNames).toEqual(p.outputNames);
    expect(q.inputColumns).toEqual(p.inputColumns);
    expect(Array.from(q.transform(credit, test).data)).toEqual(Array.from(p.transform(credit, test).data));
  });

  it('a damaged file fails with E_MODEL_FILE and the JSON path', () => {
    const json = JSON.parse(JSON.stringify(fitPreprocessor(credit, train).toJSON()));
    json.plans[1].scale = 'x';
    expect(() => loadPreprocessor(json, 'm.json')).toThrow(/m\.json: \$\.plans\[1\]\.scale must be a finite number, got "x"/);
    const bad = (mutate: (j: any) => void): AutomlError => {
      const j = JSON.parse(JSON.stringify(fitPreprocessor(credit, train).toJSON()));
      mutate(j);
      try {
        loadPreprocessor(j);
      } catch (e) {
        return e as AutomlError;
      }
      throw new Error('expected a failure');
    };
    expect(bad((j) => (j.version = 2)).details.path).toBe('$.version');
    expect(bad((j) => (j.config.scaler = 'log')).details.path).toBe('$.config.scaler');
    expect(bad((j) => (j.inputs[0].type = 'date')).details.path).toBe('$.inputs[0].type');
    expect(bad((j) => j.plans.pop()).code).toBe('E_MODEL_FILE');
    expect(bad((j) => (j.plans[0].levels = [1])).details.path).toBe('$.plans[0].levels[0]');
    expect(() => loadPreprocessor('not json object')).toThrow(AutomlError);
  });
});

describe('config validation', () => {
  it('fills defaults and names a bad parameter', () => {
    expect(resolvePreprocessConfig({ scaler: 'none' })).toMatchObject({ imputation: 'mean', scaler: 'none', encoding: 'onehot' });
    expect(() => resolvePreprocessConfig({ scaler: 'log' as never })).toThrow(/preprocess\.scaler is "log"; expected one of standard, minmax, robust, none/);
    expect(() => resolvePreprocessConfig({ min_frequency: 0.5 })).toThrow(/preprocess\.min_frequency is 0\.5/);
    expect(() => resolvePreprocessConfig({ scale: 'x' } as never)).toThrow(/preprocess\.scale: unknown/);
  });

  it('a missing input column at transform time is E_PREDICT_COLUMNS', () => {
    const d = xData(5);
    const p = fitPreprocessor(d, TRAIN);
    const other = featureRowsFromObjects([{ z: 1 }], [{ name: 'z', type: 'numeric' }]);
    expect(() => p.transform(other)).toThrow(/lacks column the preprocessor needs: "x"/);
  });
});
