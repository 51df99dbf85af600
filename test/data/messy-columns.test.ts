import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../src/data/index.js';
import { MISSING_CODE, UNSEEN_CODE, datasetFromRows, featureRowsFromObjects, inferTask, loadDataset, readFeatureRows, subsetRows } from '../../src/data/index.js';
import { detectDates, parseDate } from '../../src/data/dates.js';
import { checkFoldsFit } from '../../src/data/folds-fit.js';
import { inferColumn } from '../../src/data/values.js';
import { parseJsonInput } from '../../src/serving/http-input.js';
import { AutomlError } from '../../src/util/errors.js';

const fx = (name: string): string => `test/fixtures/csv/${name}`;
const col = (d: { features: readonly { name: string }[]; columns: readonly ArrayLike<number>[] }, name: string): number[] => {
  const j = d.features.findIndex((f) => f.name === name);
  if (j < 0) throw new Error(`no column ${name}`);
  return Array.from(d.columns[j]!);
};
const errorOf = (f: () => unknown): AutomlError => {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(AutomlError);
    return e as AutomlError;
  }
  throw new Error('expected an error');
};

describe('--ignore and --keep', () => {
  it('leaves ignored columns out before anything else, with a note', () => {
    const d = loadDataset(fx('text-ids.csv'), { target: 'y', ignore: ['city', 'review'] });
    expect(d.features.map((f) => f.name)).toEqual(['segment', 'x']);
    expect(d.notes[0]).toBe('ignored columns "city", "review" (--ignore)');
    expect(d.notes.some((n) => n.includes('"review"') && n.includes('free text'))).toBe(false);
  });

  it('an unknown name is an error with "did you mean"; ignoring the target is an error', () => {
    const e = errorOf(() => loadDataset(fx('text-ids.csv'), { target: 'y', ignore: ['custmer'] }));
    expect(e.code).toBe('E_CONFIG');
    expect(e.message).toContain('--ignore names "custmer", which is not a column; did you mean "customer"?');
    const t = errorOf(() => loadDataset(fx('text-ids.csv'), { target: 'y', ignore: ['y'] }));
    expect(t.message).toContain('--ignore names the target column "y"');
    expect(errorOf(() => loadDataset(fx('text-ids.csv'), { target: 'y', keep: ['sity'] })).message).toContain('did you mean "city"?');
  });

  it('keep takes a column as it is: no ID-like or free-text drop, no level grouping', () => {
    const d = loadDataset(fx('text-ids.csv'), { target: 'y', keep: ['customer', 'city'] });
    expect(d.features.map((f) => f.name)).toContain('customer');
    expect(d.features.find((f) => f.name === 'city')!.categories).toHaveLength(60);
    expect(d.notes.some((n) => n.startsWith('dropped column "customer"'))).toBe(false);
  });

  it('a model schema without the ignored column predicts from rows that lack it', () => {
    const d = loadDataset(fx('text-ids.csv'), { target: 'y', ignore: ['city'] });
    const t = featureRowsFromObjects([{ segment: 'b2b', x: 3 }], d.features);
    expect(col(t, 'x')).toEqual([3]);
  });
});

describe('date columns', () => {
  const d = loadDataset(fx('dates.csv'), { target: 'y' });

  it('replaces ISO dates, date-times and day-first dates by numeric parts, with notes', () => {
    const names = d.features.map((f) => f.name);
    expect(names.filter((n) => n.startsWith('signup'))).toEqual(['signup.year', 'signup.month', 'signup.day', 'signup.weekday', 'signup.dayofyear']);
    expect(names.filter((n) => n.startsWith('seen_at.'))).toContain('seen_at.hour');
    expect(names).not.toContain('signup');
    // 2023-01-12 is a Thursday, day 12 of the year; row 4 has no signup date.
    expect(col(d, 'signup.weekday').slice(0, 2)).toEqual([7, 4]);
    expect(col(d, 'signup.dayofyear').slice(0, 2)).toEqual([1, 12]);
    expect(col(d, 'signup.year')[4]).toBeNaN();
    expect(col(d, 'seen_at.hour').slice(0, 3)).toEqual([0, 5, 10]);
    expect(col(d, 'seen_at.minute').slice(0, 3)).toEqual([0, 7, 14]);
    // "14/01/2023": day first, decided from the data.
    expect(col(d, 'eu.day')[1]).toBe(14);
    expect(col(d, 'eu.month')[1]).toBe(1);
    expect(d.notes).toContain('column "signup" holds dates: replaced by numeric features .year, .month, .day, .weekday, .dayofyear');
    expect(d.notes).toContain('column "eu" holds dates, day first: replaced by numeric features .year, .month, .day, .weekday, .dayofyear');
  });

  it('leaves a column whose every value reads both day-first and month-first, and says so', () => {
    expect(d.features.find((f) => f.name === 'us_amb')?.type).toBe('categorical');
    expect(d.notes.some((n) => n.startsWith('column "us_amb" looks like dates but every value reads both day-first and month-first'))).toBe(true);
  });

  it('detection: one family per column, real calendar dates only, at least two values', () => {
    const det = (xs: string[]) => detectDates((i) => xs[i], xs.length);
    expect(det(['2024-02-29', '2024-03-01T10:00:00+02:00'])).toEqual({ kind: 'date', order: 'ymd', time: true });
    expect(det(['2023-02-29', '2024-03-01'])).toEqual({ kind: 'none' });
    expect(det(['2024/01/31', '2024/02/01'])).toEqual({ kind: 'date', order: 'ymd', time: false });
    expect(det(['01/31/2024', '02/01/2024'])).toEqual({ kind: 'date', order: 'mdy', time: false });
    expect(det(['2024-01-31', '31/01/2024'])).toEqual({ kind: 'none' });
    expect(det(['13/01/2024', '01/13/2024'])).toEqual({ kind: 'none' });
    expect(det(['2024-01-31', '2024-01-31'])).toEqual({ kind: 'none' });
    expect(det(['2024-01-31', 'soon'])).toEqual({ kind: 'none' });
    expect(parseDate('2024-03-31 23:59:60', 'ymd')).toMatchObject({ hour: 23, minute: 59 });
    expect(parseDate('2024-03-31T24:00', 'ymd')).toBeUndefined();
  });

  it('new rows derive the same features; an unparseable date gives missing values and a note', () => {
    const t = readFeatureRows(fx('dates-predict.csv'), d.features);
    expect(col(t, 'signup.year')).toEqual([2024, NaN, NaN]);
    expect(col(t, 'signup.weekday')[0]).toBe(4); // 2024-02-29 is a Thursday
    expect(col(t, 'seen_at.hour')).toEqual([8, 23, 0]);
    expect(col(t, 'eu.dayofyear')).toEqual([60, 61, NaN]);
    expect(t.notes).toContain('column "signup": 1 value that is not a date in the training data\'s form (first "soon" at line 3); its date features are missing there');
    expect(t.notes).toContain('ignored column not used by the model: "extra"');
    // The source column missing entirely is named as such.
    const e = errorOf(() => featureRowsFromObjects([{ amount: 1 }], d.features));
    expect(e.code).toBe('E_PREDICT_COLUMNS');
    expect(e.message).toContain('"signup"');
    expect(e.message).not.toContain('signup.year');
  });

  it('the HTTP input path derives them too', () => {
    const p = parseJsonInput(
      { dataframe_records: [{ signup: '2024-02-29', seen_at: '2024-02-29 08:15:00', eu: '29/02/2024', us_amb: '01/02/2024', amount: 1 }] },
      d.features,
      { maxRows: 10, maxColumns: 100 },
    );
    expect(col(p.table, 'signup.dayofyear')).toEqual([60]);
    expect(col(p.table, 'eu.month')).toEqual([2]);
  });
});

describe('free text, ID-like and high-cardinality columns', () => {
  const d = loadDataset(fx('text-ids.csv'), { target: 'y' });

  it('drops IDs (all distinct, or over 90% distinct) and free text with notes saying how to keep them', () => {
    expect(d.features.map((f) => f.name)).toEqual(['city', 'segment', 'x']);
    expect(d.notes).toContain('dropped column "customer": ID-like (every value is distinct); pass --keep "customer" (API: keep) to use it anyway');
    expect(d.notes).toContain('dropped column "ticket": ID-like (115 distinct values in 120 rows: over 90% unique); pass --keep "ticket" (API: keep) to use it anyway');
    expect(d.notes.some((n) => n.startsWith('dropped column "review": free text (120 distinct values averaging'))).toBe(true);
  });

  it('short labels with spaces and few levels are not free text', () => {
    const rows = Array.from({ length: 60 }, (_, i) => ({ edu: ['1 to 3 years of college', 'high school graduate', 'grad study'][i % 3], y: i % 2 }));
    expect(datasetFromRows(rows, { target: 'y' }).features.map((f) => f.name)).toEqual(['edu']);
  });

  it('keeps the 50 most frequent levels of a 60-level column plus one "(rare labels)" level, also for new rows', () => {
    const city = d.features.find((f) => f.name === 'city')!;
    expect(city.categories).toHaveLength(51);
    expect(city.other).toBe('(rare labels)');
    expect(d.notes.some((n) => n.startsWith('column "city": 60 distinct labels; kept the 50 most frequent'))).toBe(true);
    const otherCode = city.categories!.indexOf('(rare labels)');
    const codes = col(d, 'city');
    expect(codes.filter((c) => c === otherCode)).toHaveLength(10);
    const t = featureRowsFromObjects(
      [
        { city: 'city00', segment: 'b2b', x: 1 },
        { city: 'nowhere', segment: 'b2b', x: 1 },
        { city: null, segment: 'b2b', x: 1 },
      ],
      d.features,
    );
    expect(col(t, 'city')).toEqual([city.categories!.indexOf('city00'), otherCode, MISSING_CODE]);
    // A column without an "other" level still marks unknown labels as unseen.
    expect(col(featureRowsFromObjects([{ city: 'city00', segment: 'mail', x: 1 }], d.features), 'segment')).toEqual([UNSEEN_CODE]);
  });
});

describe('task inference notes', () => {
  it('a count target (0-9, mostly zeros, rare top values) is regression, and the note says how to choose', () => {
    const d = loadDataset(fx('counts.csv'), { target: 'visits', folds: 2 });
    expect(d.target.task).toBe('regression');
    expect(d.notes[0]).toBe(
      'target "visits" has 10 integer values 0 to 9, mostly the smallest and with rare large ones (count-like): regression; pass --task classification to treat each value as a class',
    );
  });

  it('forcing classification on it fails with advice naming --task regression', () => {
    const e = errorOf(() => loadDataset(fx('counts.csv'), { target: 'visits', task: 'classification', folds: 2 }));
    expect(e.code).toBe('E_TARGET');
    expect(e.message).toContain('class "8" has 1 row');
    expect(e.message).toContain('if "visits" is a quantity (a count or a score) rather than a label, pass --task regression');
    // The check on the rows left for the search gives the same advice.
    const ten = Array.from({ length: 40 }, (_, i) => ({ x: i % 7, y: i < 31 ? i % 3 : 3 + (i % 7) }));
    const d: Dataset = datasetFromRows(ten, { target: 'y', task: 'classification' });
    const f = errorOf(() => checkFoldsFit(d, Int32Array.from({ length: 40 }, (_, i) => i), 5, 0));
    expect(f.message).toContain('if "y" is a quantity (a count or a score) rather than a label, pass --task regression');
  });

  it('inferred integer classes say so, flag a doubtful guess, and a class check failure suggests regression', () => {
    const rows = Array.from({ length: 200 }, (_, i) => ({ x: i % 7, y: i % 10 }));
    const d = datasetFromRows(rows, { target: 'y' });
    expect(d.target.task).toBe('classification');
    expect(d.notes[0]).toBe('target "y" has 10 integer values 0 to 9: classification (a guess: 10 levels may mean a count or a score); pass --task regression to treat it as a number');
    const three = datasetFromRows(Array.from({ length: 30 }, (_, i) => ({ x: i % 4, y: i % 3 })), { target: 'y' });
    expect(three.notes[0]).toBe('target "y" has 3 integer values 0 to 2: classification; pass --task regression to treat it as a number');
    const rare = Array.from({ length: 30 }, (_, i) => ({ x: i % 4, y: i === 0 ? 2 : i % 2 }));
    const e = errorOf(() => datasetFromRows(rare, { target: 'y', folds: 2 }));
    expect(e.message).toContain('class "2" has 1 row');
    expect(e.message).toContain('pass --task regression');
    expect(datasetFromRows(rows, { target: 'y', task: 'regression' }).notes.some((n) => n.startsWith('target'))).toBe(false);
  });

  it('uniform digit-like classes stay classification', () => {
    const values = Array.from({ length: 300 }, (_, i) => i % 10);
    expect(inferTask(inferColumn((i) => values[i], values.length), values.length)).toBe('classification');
  });
});

describe('duplicate rows', () => {
  it('says how duplicates affect CV and exposes the groups', () => {
    const d = loadDataset(fx('duplicates.csv'), { target: 'y' });
    expect(Array.from(d.duplicateOf!)).toEqual([-1, -1, 0, -1, 0, 1, -1, 6, -1, -1]);
    const note = d.notes.find((n) => n.startsWith('4 rows duplicate an earlier row'))!;
    expect(note).toContain('(e.g. line 4 repeats line 2); kept');
    expect(note).toContain('both training and validation folds');
    expect(subsetRows(d, Int32Array.of(0, 2)).duplicateOf).toBeUndefined();
    expect(loadDataset(fx('dates.csv'), { target: 'y' }).duplicateOf).toBeUndefined();
  });
});
