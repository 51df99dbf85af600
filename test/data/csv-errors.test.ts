import { describe, expect, it } from 'vitest';
import { loadDataset, parseCsv, readCsv } from '../../src/data/index.js';
import { AutomlError } from '../../src/util/errors.js';

const fx = (name: string): string => `test/fixtures/csv/${name}`;

/** Runs `fn`, expects an AutomlError with `code`, and returns its message. */
function failure(fn: () => unknown, code: string): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AutomlError);
    expect((e as AutomlError).code).toBe(code);
    return (e as AutomlError).message;
  }
  throw new Error(`expected ${code}, but nothing was thrown`);
}

describe('file and structure errors', () => {
  it('missing file: E_FILE_NOT_FOUND naming the path', () => {
    const m = failure(() => loadDataset(fx('nope.csv'), { target: 'y' }), 'E_FILE_NOT_FOUND');
    expect(m).toContain('nope.csv');
  });

  it('a directory is E_FILE_READ', () => {
    const m = failure(() => readCsv('test/fixtures/csv'), 'E_FILE_READ');
    expect(m).toContain('directory');
  });

  it('empty, blank and header-only files: E_CSV_EMPTY', () => {
    expect(failure(() => loadDataset(fx('empty.csv'), { target: 'y' }), 'E_CSV_EMPTY')).toMatch(/empty\.csv: the file is empty/);
    expect(failure(() => loadDataset(fx('blank.csv'), { target: 'y' }), 'E_CSV_EMPTY')).toContain('blank.csv');
    expect(failure(() => loadDataset(fx('header-only.csv'), { target: 'y' }), 'E_CSV_EMPTY')).toMatch(/header-only\.csv: .*header but no data rows/);
  });

  it('ragged row: E_CSV_RAGGED with line, expected and found counts', () => {
    const m = failure(() => loadDataset(fx('ragged.csv'), { target: 'c' }), 'E_CSV_RAGGED');
    expect(m).toContain('ragged.csv');
    expect(m).toContain('line 4 has 2 fields, expected 3');
  });

  it('ragged line numbers count blank lines and multi-line quoted fields', () => {
    const m = failure(() => parseCsv('a,b\n\n"x\ny",1\n\n2\n', 'mem.csv'), 'E_CSV_RAGGED');
    expect(m).toContain('line 6 has 1 fields, expected 2');
  });

  it('ragged line numbers without quotes skip blank lines and honour CR-only endings', () => {
    expect(failure(() => parseCsv('a,b\n\n1,2\n  \n3\n', 'mem.csv'), 'E_CSV_RAGGED')).toContain('line 5 has 1 fields');
    expect(failure(() => parseCsv('\uFEFFa,b\r1,2\r\r3,4,5\r', 'cr.csv'), 'E_CSV_RAGGED')).toContain('line 4 has 3 fields');
  });

  it('unterminated quote: E_CSV_PARSE naming the line where the record starts', () => {
    const m = failure(() => loadDataset(fx('unterminated.csv'), { target: 'b' }), 'E_CSV_PARSE');
    expect(m).toContain('unterminated.csv');
    expect(m).toContain('starting at line 3');
  });

  it('stray text after a closing quote: E_CSV_PARSE with the line', () => {
    const m = failure(() => loadDataset(fx('bad-quote.csv'), { target: 'b' }), 'E_CSV_PARSE');
    expect(m).toMatch(/bad-quote\.csv: cannot parse CSV at line 3/);
  });

  it('duplicate header names: E_CSV_HEADER with the name and positions', () => {
    const m = failure(() => loadDataset(fx('dup-header.csv'), { target: 'y' }), 'E_CSV_HEADER');
    expect(m).toContain('dup-header.csv');
    expect(m).toContain('duplicate name "a" at positions 1, 3');
  });

  it('empty header name: E_CSV_HEADER with its position', () => {
    const m = failure(() => loadDataset(fx('empty-header.csv'), { target: 'y' }), 'E_CSV_HEADER');
    expect(m).toContain('empty name at column position 2');
  });
});

describe('encoding errors', () => {
  it('UTF-16 with a byte-order mark', () => {
    const m = failure(() => loadDataset(fx('utf16.csv'), { target: 'b' }), 'E_CSV_ENCODING');
    expect(m).toMatch(/utf16\.csv: the file is UTF-16 .*byte offset 0, line 1/);
    expect(m).toContain('UTF-8');
  });

  it('NUL byte: offset and line', () => {
    const m = failure(() => loadDataset(fx('nul.csv'), { target: 'b' }), 'E_CSV_ENCODING');
    expect(m).toContain('NUL byte');
    expect(m).toContain('byte offset 10, line 3');
    expect(m).toContain('re-save the file as UTF-8');
  });

  it('invalid UTF-8 (a Latin-1 é): offset and line', () => {
    const m = failure(() => loadDataset(fx('latin1.csv'), { target: 'y' }), 'E_CSV_ENCODING');
    expect(m).toContain('byte 0xe9');
    expect(m).toContain('byte offset 26, line 3');
  });

  it('overlong and truncated UTF-8 sequences are rejected, valid multi-byte text is not', () => {
    expect(() => parseCsv(Buffer.from([0x61, 0x0a, 0xc0, 0xaf, 0x0a]), 'x.csv')).toThrow(/byte offset 2, line 2/);
    expect(() => parseCsv(Buffer.from([0x61, 0x0a, 0x62, 0xe2, 0x82]), 'x.csv')).toThrow(/byte offset 3, line 2/);
    expect(parseCsv('名前,y\n日本 🎌,1\n', 'ok.csv').rows[0]).toEqual(['日本 🎌', '1']);
  });
});

describe('target errors', () => {
  it('unknown target lists the columns and suggests the closest', () => {
    const m = failure(() => loadDataset('datasets/iris.csv', { target: 'Specie' }), 'E_TARGET');
    expect(m).toContain('no column named "Specie"');
    expect(m).toContain('did you mean "species"?');
    expect(m).toContain('"sepal length (cm)"');
  });

  it('single class', () => {
    const m = failure(() => loadDataset(fx('single-class.csv'), { target: 'y' }), 'E_TARGET');
    expect(m).toMatch(/single-class\.csv: target "y" has a single class \("a"/);
  });

  it('all-missing target', () => {
    const m = failure(() => loadDataset(fx('target-missing.csv'), { target: 'y' }), 'E_TARGET');
    expect(m).toContain('target-missing.csv');
    expect(m).toContain('every row is missing');
  });

  it('a class with fewer rows than folds names the class, its count and the folds, and suggests --cv', () => {
    const m = failure(() => loadDataset(fx('small-class.csv'), { target: 'y', folds: 5 }), 'E_TARGET');
    expect(m).toContain('class "c" has 2 rows');
    expect(m).toContain('fewer than the 5 cross-validation folds');
    expect(m).toContain('--cv 2');
    expect(loadDataset(fx('small-class.csv'), { target: 'y', folds: 2 }).target.classes).toEqual(['a', 'b', 'c']);
    expect(loadDataset(fx('small-class.csv'), { target: 'y' }).nRows).toBe(20);
  });

  it('regression forced on a text target', () => {
    const m = failure(() => loadDataset('datasets/iris.csv', { target: 'species', task: 'regression' }), 'E_TARGET');
    expect(m).toContain('"setosa" at line 2');
    expect(m).toContain('--task classification');
  });

  it('a bad folds option is E_CONFIG', () => {
    failure(() => loadDataset('datasets/iris.csv', { target: 'species', folds: 1 }), 'E_CONFIG');
  });
});
