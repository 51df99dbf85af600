import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { MessageChannel } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../src/data/index.js';
import {
  MISSING_CODE,
  UNSEEN_CODE,
  datasetFingerprint,
  featureRowsFromObjects,
  isShared,
  loadDataset,
  readFeatureRows,
  subsetRows,
  toShared,
} from '../../src/data/index.js';
import { AutomlError } from '../../src/util/errors.js';

const fx = (name: string): string => `test/fixtures/csv/${name}`;
const types = (): Dataset => loadDataset(fx('types.csv'), { target: 'label' });

describe('subsetRows', () => {
  it('picks rows in order (repeats allowed) and keeps schemas and classes', () => {
    const d = loadDataset('datasets/iris.csv', { target: 'species' });
    const s = subsetRows(d, Int32Array.from([149, 0, 0]));
    expect(s.nRows).toBe(3);
    expect(s.features).toEqual(d.features);
    expect(s.target.classes).toEqual(d.target.classes);
    expect(Array.from(s.columns[0]!)).toEqual([d.columns[0]![149], d.columns[0]![0], d.columns[0]![0]]);
    expect(Array.from(s.target.values)).toEqual([2, 0, 0]);
  });

  it('rejects out-of-range rows', () => {
    const d = types();
    expect(() => subsetRows(d, Int32Array.from([0, 30]))).toThrow(/row index 30 at position 1 is outside 0\.\.29/);
  });

  it('keeps categorical columns as Int32Array', () => {
    const d = types();
    const s = subsetRows(d, Int32Array.from([2, 1]));
    const j = d.features.findIndex((f) => f.type === 'categorical');
    expect(s.columns[j]).toBeInstanceOf(Int32Array);
  });
});

describe('toShared', () => {
  it('copies every array into a SharedArrayBuffer with the same values', () => {
    const d = types();
    expect(isShared(d)).toBe(false);
    const s = toShared(d);
    expect(isShared(s)).toBe(true);
    expect(s.columns.map((c) => Array.from(c))).toEqual(d.columns.map((c) => Array.from(c)));
    expect(Array.from(s.target.values)).toEqual(Array.from(d.target.values));
    expect(s.features).toEqual(d.features);
  });

  it('posting it through a message port shares the memory instead of copying', async () => {
    const s = toShared(types());
    const { port1, port2 } = new MessageChannel();
    const received = new Promise<Dataset>((resolve) => port2.once('message', resolve));
    port1.postMessage(s);
    const copy = await received;
    port1.close();
    port2.close();
    expect(isShared(copy)).toBe(true);
    (copy.columns[0] as Float64Array)[0] = 12345;
    expect(s.columns[0]![0]).toBe(12345);
  });

  it('works on a feature table without a target', () => {
    const table = featureRowsFromObjects([{ a: 1 }, { a: 2 }], [{ name: 'a', type: 'numeric' }]);
    expect(isShared(toShared(table))).toBe(true);
  });
});

describe('datasetFingerprint', () => {
  it('is the sha256 of a file', () => {
    const expected = createHash('sha256').update(readFileSync('datasets/iris.csv')).digest('hex');
    expect(datasetFingerprint('datasets/iris.csv')).toBe(expected);
  });

  it('depends on content, not on how it was loaded or shared', () => {
    const a = loadDataset('datasets/iris.csv', { target: 'species' });
    const b = loadDataset('datasets/iris.csv', { target: 'species', name: 'other' });
    expect(datasetFingerprint(a)).toMatch(/^[0-9a-f]{64}$/);
    expect(datasetFingerprint(a)).toBe(datasetFingerprint(b));
    expect(datasetFingerprint(toShared(a))).toBe(datasetFingerprint(a));
    const rows = Int32Array.from({ length: 150 }, (_, i) => i);
    rows[0] = 1;
    expect(datasetFingerprint(subsetRows(a, rows))).not.toBe(datasetFingerprint(a));
  });
});

describe('readFeatureRows', () => {
  it('maps a CSV onto a fitted schema: order, unseen labels, bad values, extra columns', () => {
    const schema = types().features;
    const t = readFeatureRows(fx('predict.csv'), schema);
    expect(t.nRows).toBe(3);
    expect(t.features.map((f) => f.name)).toEqual(['num', 'color', 'flag', 'bit', 'big', 'amount']);
    const c = (name: string) => Array.from(t.columns[t.features.findIndex((f) => f.name === name)]!);
    expect(c('num')).toEqual([1, NaN, NaN]);
    expect(c('color')).toEqual([UNSEEN_CODE, 2, MISSING_CODE]);
    expect(c('flag')).toEqual([1, NaN, NaN]);
    expect(c('big')).toEqual([2, NaN, 1]);
    expect(c('amount')).toEqual([3, 4, 5]);
    expect(t.notes).toEqual([
      'ignored column not used by the model: "extra"',
      'column "num": 1 value that is not a finite number (first "abc" at line 3), treated as missing',
      'column "color": 1 value not seen in training (first "purple" at line 2), encoded as unseen',
      'column "flag": 1 value that is not true/false (first "maybe" at line 3), treated as missing',
      'column "big": 1 value that is not a finite number (first "inf" at line 3), treated as missing',
    ]);
  });

  it('missing needed columns: E_PREDICT_COLUMNS naming them', () => {
    const schema = types().features;
    try {
      readFeatureRows(fx('predict-missing-cols.csv'), schema);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AutomlError);
      expect((e as AutomlError).code).toBe('E_PREDICT_COLUMNS');
      const m = (e as AutomlError).message;
      expect(m).toContain('predict-missing-cols.csv');
      expect(m).toContain('missing columns the model needs: "color" (found "colour"?), "bit", "big", "amount";');
    }
  });

  it('in-memory rows use the same mapping', () => {
    const t = featureRowsFromObjects([{ color: ' red ', num: '2' }, { num: 3 }], [
      { name: 'num', type: 'numeric' },
      { name: 'color', type: 'categorical', categories: ['blue', 'red'] },
    ]);
    expect(Array.from(t.columns[0]!)).toEqual([2, 3]);
    expect(Array.from(t.columns[1]!)).toEqual([1, MISSING_CODE]);
  });
});
