import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../src/data/index.js';
import { MISSING_CODE, datasetFromRows, inferTask, loadDataset, looksLikeIdName, readCsv } from '../../src/data/index.js';
import { inferColumn } from '../../src/data/values.js';

const fx = (name: string): string => `test/fixtures/csv/${name}`;
const col = (d: Dataset, name: string) => {
  const j = d.features.findIndex((f) => f.name === name);
  if (j < 0) throw new Error(`no column ${name}`);
  return { schema: d.features[j]!, values: Array.from(d.columns[j]!) };
};

describe('CSV parsing', () => {
  it('handles a BOM, mixed CRLF/LF/CR endings, quotes, embedded commas/quotes/newlines, blank lines and padding', () => {
    const t = readCsv(fx('awkward.csv'));
    expect(t.header).toEqual(['name', 'city', 'score', 'm', 'y']);
    expect(t.rows).toHaveLength(7);
    expect(t.rows[0]).toEqual(['alice', 'Paris, FR', '1.5', 'NA', 'yes']);
    expect(t.rows[1]![1]).toBe('say "hi"');
    expect(t.rows[2]![1]).toBe('two\nlines');
    expect(t.rows[3]![1]).toBe('');
    expect(t.rows[6]![1]).toBe('  padded  ');
    expect(t.rows.map((_, i) => t.lineOf(i))).toEqual([2, 3, 5, 6, 8, 9, 10]);
  });

  it('infers types, missing tokens and drops with notes', () => {
    const d = loadDataset(fx('awkward.csv'), { target: 'y' });
    expect(d.name).toBe('awkward');
    expect(d.file).toBe(fx('awkward.csv'));
    expect(d.nRows).toBe(7);
    expect(d.features.map((f) => `${f.name}:${f.type}`)).toEqual(['city:categorical', 'score:numeric']);
    const city = col(d, 'city');
    expect(city.schema.categories).toEqual(['  padded  ', 'Paris, FR', 'Rome', 'say "hi"', 'two\nlines']);
    expect(city.values).toEqual([1, 3, 4, MISSING_CODE, 2, 2, 0]);
    expect(col(d, 'score').values).toEqual([1.5, 2, 2, 3, 3.5, 4, NaN]);
    expect(d.target).toMatchObject({ name: 'y', task: 'classification', classes: ['no', 'yes'] });
    expect(Array.from(d.target.values)).toEqual([1, 0, 1, 0, 1, 0, 1]);
    expect(d.notes).toContain('dropped column "name": ID-like (every value is distinct); pass --keep "name" (API: keep) to use it anyway');
    expect(d.notes).toContain('dropped column "m": every value is missing');
  });

  it('column types and drop rules', () => {
    const d = loadDataset(fx('types.csv'), { target: 'label', folds: 5 });
    expect(d.features.map((f) => `${f.name}:${f.type}`)).toEqual([
      'num:numeric',
      'color:categorical',
      'flag:boolean',
      'bit:numeric',
      'big:numeric',
      'amount:numeric',
    ]);
    expect(col(d, 'color').schema.categories).toEqual(['blue', 'green', 'red']);
    expect(col(d, 'flag').values.slice(0, 5)).toEqual([1, 0, 1, 0, NaN]);
    expect(col(d, 'big').values.slice(0, 3)).toEqual([NaN, NaN, 3]);
    expect(d.notes.slice(1)).toEqual([
      'dropped column "row": ID-like (distinct consecutive integers, a row counter); pass --keep "row" (API: keep) to use it anyway',
      'dropped column "code": ID-like (every value is distinct); pass --keep "code" (API: keep) to use it anyway',
      'dropped column "const": constant (every row is "same")',
      'dropped column "empty": every value is missing',
      'column "big": 2 non-finite values (first "inf" at line 2) treated as missing',
      'dropped column "customer_id": ID-like (named like an identifier); pass --keep "customer_id" (API: keep) to use it anyway',
    ]);
    expect(d.notes[0]).toMatch(/^target "label" /);
  });

  it('ID-like names', () => {
    for (const n of ['id', 'ID', 'Id', 'uuid', 'row_id', 'customer_id', 'order-id', 'customerId', 'orderID', 'index']) expect(looksLikeIdName(n)).toBe(true);
    for (const n of ['paid', 'valid', 'idea', 'width', 'humidity', 'Class']) expect(looksLikeIdName(n)).toBe(false);
  });

  it('a column with one value and some missing cells is kept (missingness can carry signal)', () => {
    const rows = Array.from({ length: 8 }, (_, i) => ({ a: i % 2 ? 'x' : null, b: i % 3, y: i % 2 }));
    const d = datasetFromRows(rows, { target: 'y' });
    expect(d.features.map((f) => f.name)).toEqual(['a', 'b']);
  });
});

describe('in-memory rows', () => {
  it('applies the same rules to JS values', () => {
    const rows = [
      { x: 1, s: 'a', b: true, y: 'u' },
      { x: '2.5', s: 'b', b: 'no', y: 'v' },
      { x: null, s: 'a', b: false, y: 'u' },
      { x: Infinity, s: undefined, y: 'v' },
      { x: 3, s: 'b', b: 'yes', y: null },
    ];
    const d = datasetFromRows(rows, { target: 'y', name: 'mem' });
    expect(d.name).toBe('mem');
    expect(d.nRows).toBe(4);
    expect(d.features.map((f) => f.type)).toEqual(['numeric', 'categorical', 'boolean']);
    expect(Array.from(d.columns[0]!)).toEqual([1, 2.5, NaN, NaN]);
    expect(Array.from(d.columns[2]!)).toEqual([1, 0, 0, NaN]);
    expect(d.notes).toContain('dropped 1 row whose target "y" is missing (first at rows[4])');
    expect(d.notes.some((n) => n.includes('non-finite') && n.includes('rows[3]'))).toBe(true);
  });

  it('reports duplicate rows in a note and keeps them', () => {
    const rows = [
      { a: 1, b: 'x', y: 0 },
      { a: 2, b: 'y', y: 1 },
      { a: 1, b: 'x', y: 0 },
      { a: 3, b: 'y', y: 1 },
      { a: 1, b: 'x', y: 0 },
    ];
    const d = datasetFromRows(rows, { target: 'y' });
    expect(d.nRows).toBe(5);
    expect(d.notes.some((n) => n.startsWith('2 rows duplicate an earlier row (e.g. rows[2] repeats rows[0]); kept. Cross-validation may put copies'))).toBe(true);
    expect(Array.from(d.duplicateOf!)).toEqual([-1, -1, 0, -1, 0]);
  });

  it('rejects objects as cell values', () => {
    expect(() => datasetFromRows([{ a: { deep: 1 }, y: 1 }], { target: 'y' })).toThrow(/rows\[0\]\.a is \{"deep":1\}/);
  });
});

describe('task inference', () => {
  const numeric = (values: number[]) => inferColumn((i) => values[i], values.length);
  it('few distinct integers are classes, otherwise regression', () => {
    const hundred = (k: number) => numeric(Array.from({ length: 100 }, (_, i) => i % k));
    expect(inferTask(hundred(2), 100)).toBe('classification');
    expect(inferTask(hundred(5), 100)).toBe('classification');
    expect(inferTask(hundred(6), 100)).toBe('regression');
    expect(inferTask(numeric([0, 1, 2, 0, 1, 2]), 6)).toBe('classification');
    expect(inferTask(numeric([0.5, 1, 2, 0, 1, 2]), 6)).toBe('regression');
    const big = Array.from({ length: 2000 }, (_, i) => i % 21);
    expect(inferTask(numeric(big), 2000)).toBe('regression');
    expect(inferTask(numeric(big.map((v) => v % 20)), 2000)).toBe('classification');
  });

  it('numeric class labels sort numerically and task can be forced', () => {
    const rows = Array.from({ length: 12 }, (_, i) => ({ x: i % 5, y: [10, 2, 1][i % 3]! }));
    const d = datasetFromRows(rows, { target: 'y' });
    expect(d.target.classes).toEqual(['1', '2', '10']);
    expect(Array.from(d.target.values.slice(0, 3))).toEqual([2, 1, 0]);
    const r = datasetFromRows(rows, { target: 'y', task: 'regression' });
    expect(r.target.task).toBe('regression');
    expect(Array.from(r.target.values.slice(0, 3))).toEqual([10, 2, 1]);
  });
});

describe('bundled datasets', () => {
  const cases: [string, string, number, number, 'classification' | 'regression', number | undefined][] = [
    ['iris', 'species', 150, 4, 'classification', 3],
    ['wine', 'class', 178, 13, 'classification', 3],
    ['breast-cancer', 'diagnosis', 569, 30, 'classification', 2],
    ['digits', 'digit', 1797, 61, 'classification', 10],
    ['diabetes-progression', 'progression', 442, 10, 'regression', undefined],
    ['credit-g', 'class', 1000, 20, 'classification', 2],
    ['soybean', 'class', 683, 35, 'classification', 19],
    ['vote', 'Class', 435, 16, 'classification', 2],
    ['glass', 'Type', 214, 9, 'classification', 6],
    ['ionosphere', 'class', 351, 33, 'classification', 2],
    ['labor', 'class', 57, 16, 'classification', 2],
    ['cpu', 'class', 209, 6, 'regression', undefined],
    ['segment', 'class', 1500, 18, 'classification', 7],
    ['uci-breast-cancer', 'Class', 286, 9, 'classification', 2],
  ];
  it.each(cases)('%s loads with the right shape and task', (file, target, rows, features, task, classes) => {
    const d = loadDataset(`datasets/${file}.csv`, { target, folds: 5 });
    expect(d.nRows).toBe(rows);
    expect(d.features).toHaveLength(features);
    expect(d.target.task).toBe(task);
    expect(d.target.classes?.length).toBe(classes);
    for (const c of d.columns) expect(c.length).toBe(rows);
  });

  it('notes name source lines', () => {
    const notes = loadDataset('datasets/iris.csv', { target: 'species' }).notes;
    expect(notes).toHaveLength(2);
    expect(notes[0]).toBe('target "species" holds 3 labels: classification');
    expect(notes[1]).toMatch(/^1 row duplicates an earlier row \(e\.g\. line 144 repeats line 103\); kept\. /);
  });

  it('soybean has missing categorical values; vote reads y/n as boolean; ionosphere drops its constant column', () => {
    const soy = loadDataset('datasets/soybean.csv', { target: 'class' });
    expect(soy.columns.some((c) => c instanceof Int32Array && c.includes(MISSING_CODE))).toBe(true);
    const vote = loadDataset('datasets/vote.csv', { target: 'Class' });
    expect(vote.features.every((f) => f.type === 'boolean')).toBe(true);
    expect(vote.columns.some((c) => c.some((v) => Number.isNaN(v)))).toBe(true);
    const ion = loadDataset('datasets/ionosphere.csv', { target: 'class' });
    expect(ion.notes).toContain('dropped column "a02": constant (every row is "0")');
  });

  it('credit-g mixes numeric and categorical columns; cpu keeps its numeric target named "class"', () => {
    const credit = loadDataset('datasets/credit-g.csv', { target: 'class' });
    expect(credit.target.classes).toEqual(['bad', 'good']);
    expect(credit.features.find((f) => f.name === 'duration')?.type).toBe('numeric');
    expect(credit.features.find((f) => f.name === 'purpose')?.type).toBe('categorical');
    const cpu = loadDataset('datasets/cpu.csv', { target: 'class' });
    expect(cpu.target.name).toBe('class');
    expect(cpu.target.values[0]).toBe(198);
  });
});
