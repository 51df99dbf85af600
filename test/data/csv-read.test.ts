/** The streaming reader: delimiters, encodings, quoting, chunk boundaries, progress, typed columns. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadProgressLine, loadProgressPrinter } from '../../src/cli/load-progress.js';
import { detectDelimiter, parseDelimiter } from '../../src/data/csv-delimiter.js';
import { readCsvColumns } from '../../src/data/csv-load.js';
import type { LoadProgress } from '../../src/data/csv-stream.js';
import { loadDataset, parseCsv, readCsv } from '../../src/data/index.js';
import { AutomlError } from '../../src/util/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'automl-csv-read-'));
let n = 0;
function file(content: string | Buffer): string {
  const f = join(dir, `f${n++}.csv`);
  writeFileSync(f, content);
  return f;
}

function failure(fn: () => unknown, code: string): AutomlError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AutomlError);
    expect((e as AutomlError).code).toBe(code);
    return e as AutomlError;
  }
  throw new Error(`expected ${code}, but nothing was thrown`);
}

/** Twelve rows, two classes, in a given delimiter. */
function table(d: string): string {
  const rows = Array.from({ length: 12 }, (_, i) => [String(i % 5), `${i}.5`, i % 3 ? 'red' : 'blue', i % 2 ? 'yes' : 'no'].join(d));
  return ['a', 'b', 'c', 'y'].join(d) + '\n' + rows.join('\n') + '\n';
}

describe('delimiters', () => {
  it.each([
    [';', 'semicolon'],
    ['\t', 'tab'],
    ['|', 'pipe'],
  ])('%j is detected, loads like the comma file and is noted', (d, name) => {
    const comma = loadDataset(file(table(',')), { target: 'y' });
    const other = loadDataset(file(table(d)), { target: 'y' });
    expect(other.features).toEqual(comma.features);
    expect(other.columns).toEqual(comma.columns);
    expect(other.target).toEqual(comma.target);
    expect(other.notes[0]).toContain(name === 'tab' ? 'fields separated by tab (detected' : `(${name}) (detected`);
    expect(comma.notes.join(' ')).not.toContain('separated by');
    expect(readCsv(file(table(d))).delimiter).toBe(d);
  });

  it('a delimiter inside quotes does not split, and decimal commas do not fool detection', () => {
    const t = parseCsv('a;b;y\n"x;1";"2,5";p\n"y;2";"3,5";q\n', 'q.csv');
    expect(t.delimiter).toBe(';');
    expect(t.rows).toEqual([
      ['x;1', '2,5', 'p'],
      ['y;2', '3,5', 'q'],
    ]);
    expect(parseCsv('a,b,y\n"1;2",3,p\n"4;5",6,q\n', 'c.csv').rows[0]).toEqual(['1;2', '3', 'p']);
    expect(detectDelimiter(Buffer.from('a;b;y\n1,5;2;p\n3;4,25;q\n'))).toBe(';');
  });

  it('a comma wins when it fits; an unclear file falls back to comma', () => {
    expect(detectDelimiter(Buffer.from('a,b;c,y\n1,2;3,4\n'))).toBe(',');
    expect(detectDelimiter(Buffer.from('just one column\nx\n'))).toBe(',');
  });

  it('an explicit delimiter overrides detection; the header error suggests --delimiter', () => {
    const f = file(table(';'));
    const e = failure(() => loadDataset(f, { target: 'y', delimiter: ',' }), 'E_TARGET');
    expect(e.message).toContain('looks separated by ";" (semicolon): pass --delimiter');
    expect(loadDataset(f, { target: 'y', delimiter: ';' }).notes[0]).toBe('fields separated by ";" (semicolon)');
  });

  it('option values: , ; | \\t and names', () => {
    expect(['\\t', 'tab', 'TAB', 'semicolon', ';', ',', 'comma', '|', 'pipe'].map(parseDelimiter)).toEqual(['\t', '\t', '\t', ';', ';', ',', ',', '|', '|']);
    expect(failure(() => parseDelimiter(':'), 'E_CONFIG').message).toContain('":" is not supported');
    expect(parseCsv('a|b\n1|2\n', 'p.csv', { delimiter: 'pipe' }).rows).toEqual([['1', '2']]);
    expect(failure(() => parseCsv('a,b\n1,2\n', 'p.csv', { delimiter: 'x' }), 'E_CONFIG').details).toMatchObject({ param: 'delimiter', value: 'x' });
  });

  it('a ragged row names the line and the delimiter in use', () => {
    const m = failure(() => parseCsv('a;b;c\n1;2;3\n4;5\n', 'r.csv', { delimiter: ';' }), 'E_CSV_RAGGED').message;
    expect(m).toContain('line 3 has 2 fields, expected 3');
    expect(m).toContain('unquoted ";" (semicolon)');
  });
});

describe('encodings', () => {
  it('UTF-8 with a byte-order mark is read; the mark is not part of the first name', () => {
    const d = loadDataset(file('\uFEFF' + table(',')), { target: 'y' });
    expect(d.features[0]!.name).toBe('a');
  });

  it('UTF-16 (either byte order) is refused with the iconv command', () => {
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(table(','), 'utf16le')]);
    const be = Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(table(','), 'utf16le').swap16()]);
    for (const b of [le, be]) {
      const m = failure(() => loadDataset(file(b), { target: 'y' }), 'E_CSV_ENCODING').message;
      expect(m).toContain('UTF-16');
      expect(m).toContain('iconv -f UTF-16 -t UTF-8');
    }
  });

  it('Latin-1 bytes are refused naming the line and byte offset, even far into the file', () => {
    const head = table(',');
    const body = Array.from({ length: 3000 }, (_, i) => `${i % 5},${i}.5,red,${i % 2 ? 'yes' : 'no'}`).join('\n') + '\n';
    const bytes = Buffer.concat([Buffer.from(head + body), Buffer.from([0x31, 0x2c, 0x32, 0x2c, 0x63, 0x61, 0x66, 0xe9, 0x2c, 0x79, 0x0a])]);
    const offset = Buffer.byteLength(head + body) + 7;
    const e = failure(() => loadDataset(file(bytes), { target: 'y', chunkSize: 4096 }), 'E_CSV_ENCODING');
    expect(e.message).toContain(`byte 0xe9 that is not valid UTF-8`);
    expect(e.message).toContain(`byte offset ${offset}, line ${13 + 3000 + 1}`);
    expect(e.message).toContain('iconv -f WINDOWS-1252 -t UTF-8');
  });

  it('multi-byte UTF-8 cut by a chunk boundary is fine', () => {
    const text = 'name,y\n' + Array.from({ length: 40 }, (_, i) => `日本${i}🎌,${i % 2}`).join('\n') + '\n';
    for (const chunkSize of [1, 2, 3, 5, 7]) {
      expect(readCsv(file(text), { chunkSize }).rows[39]).toEqual(['日本39🎌', '1']);
    }
  });
});

describe('streaming across chunk boundaries', () => {
  const awkward =
    '\uFEFF name , city ,score,y\r\n alice ,"Paris, FR",1.5,yes\n"bob","say ""hi""",2,no\rcarol,"two\r\nlines",2.50,yes\r\n\n  \n' +
    'dave,  ,3,no\nerin,"",01,yes\r"frank" ,Rome,-0,no\ngina,"  padded  ",1e3,yes';
  it('every chunk size gives the same table and line numbers as one read', () => {
    const whole = parseCsv(awkward, 'a.csv');
    const lines = whole.rows.map((_, i) => whole.lineOf(i));
    expect(lines).toEqual([2, 3, 5, 8, 9, 10, 11]);
    expect(whole.rows[3]).toEqual(['dave', '', '3', 'no']);
    for (let chunkSize = 1; chunkSize <= 23; chunkSize++) {
      const t = readCsv(file(awkward), { chunkSize });
      expect(t.header).toEqual(['name', 'city', 'score', 'y']);
      expect(t.rows).toEqual(whole.rows);
      expect(t.rows.map((_, i) => t.lineOf(i))).toEqual(lines);
    }
  });

  it('an unterminated quote is found whatever the chunk size', () => {
    for (const chunkSize of [1, 4, 64]) {
      const m = failure(() => readCsv(file('a,b\n1,2\n3,"four\n5,6\n'), { chunkSize }), 'E_CSV_PARSE').message;
      expect(m).toContain('starting at line 3');
    }
    expect(failure(() => parseCsv('a,b\n1,2\n3,"4" x\n', 'q.csv'), 'E_CSV_PARSE').message).toContain('line 3: the closing quote of field 2 is followed by spaces');
    expect(failure(() => parseCsv('a,b\n1,2"5\n', 'q.csv'), 'E_CSV_PARSE').message).toContain('line 2: a quote inside unquoted field 2 ("2\\"")');
  });

  it('typed columns keep each cell as written (numbers only when String(n) is the text)', () => {
    const f = file('z,n,m,y\n01,1.50,a,p\n1,2,3,q\n-0,0.0000001,x,p\n 7 ,3, b ,q\n"8",NA,,p\n');
    for (const chunkSize of [3, 1 << 20]) {
      const { raw } = readCsvColumns(f, { chunkSize });
      expect(Array.from({ length: raw.nRows }, (_, i) => raw.cell(i, 0))).toEqual(['01', '1', '-0', '7', '8']); // labels from the first cell on
      expect(Array.from({ length: raw.nRows }, (_, i) => raw.cell(i, 1))).toEqual(['1.50', 2, '0.0000001', 3, null]);
      expect(Array.from({ length: raw.nRows }, (_, i) => raw.cell(i, 2))).toEqual(['a', '3', 'x', 'b', null]);
      expect(raw.where(4)).toBe('line 6');
    }
    // A categorical column gets its original labels: "01" and "1" stay two categories.
    const d = loadDataset(file('k,n,y\n1,1,p\n01,2,q\n1.0,3,p\nx,4,q\n01,5,p\n1,6,q\n'), { target: 'y' });
    expect(d.features[0]!.categories).toEqual(['01', '1', '1.0', 'x']);
  });

  it('a column that turns from numbers to labels after many rows keeps every value', () => {
    const rows = Array.from({ length: 5000 }, (_, i) => `${i < 4000 ? (i * 0.25).toFixed(2) : `id${i}`},${i % 3},${i % 2}`);
    const { raw } = readCsvColumns(file('a,b,y\n' + rows.join('\n') + '\n'), { chunkSize: 1000 });
    expect(raw.cell(0, 0)).toBe('0.00');
    expect(raw.cell(1, 0)).toBe('0.25'); // held as labels now: every cell is its text
    expect(raw.cell(2, 0)).toBe('0.50');
    expect(raw.cell(3999, 0)).toBe('999.75');
    expect(raw.cell(4999, 0)).toBe('id4999');
    expect(raw.cell(4999, 1)).toBe(4999 % 3);
  });
});

describe('load progress', () => {
  it('reports rows and bytes when a load runs over a second, nothing for a quick one', () => {
    const rows = Array.from({ length: 4000 }, (_, i) => `${i % 7},${i}.25,${i % 3 ? 'a' : 'b'},${i % 2}`);
    const f = file('a,b,c,y\n' + rows.join('\n') + '\n');
    const quick: LoadProgress[] = [];
    loadDataset(f, { target: 'y', onProgress: (p) => quick.push(p) });
    expect(quick).toEqual([]);
    // A slow load, by a clock that advances 50 ms each time it is read, in 256-byte chunks.
    const seen: LoadProgress[] = [];
    let now = 0;
    const d = loadDataset(f, { target: 'y', chunkSize: 256, clock: () => (now += 50), onProgress: (p) => seen.push(p) });
    expect(d.nRows).toBe(4000);
    expect(seen.length).toBeGreaterThan(1);
    const last = seen[seen.length - 1]!;
    expect(last.done).toBe(true);
    expect(last.rows).toBe(4000);
    expect(last.bytes).toBe(last.totalBytes);
    expect(seen[0]!.rows).toBeLessThan(4000);
    expect(seen.every((p, k) => k === 0 || p.bytes >= seen[k - 1]!.bytes)).toBe(true);
  });

  it('the CLI prints one updating line on a terminal and nothing when piped', () => {
    const p: LoadProgress = { rows: 1_250_000, bytes: 150 * 1024 * 1024, totalBytes: 300 * 1024 * 1024, seconds: 3, done: false };
    expect(loadProgressLine(p)).toBe('loading: 1,250,000 rows, 150 of 300 MB (50%), 50.0 MB/s, 3.0 s');
    const written: string[] = [];
    const tty = { isTTY: true, write: (s: string) => written.push(s) } as unknown as NodeJS.WriteStream;
    loadProgressPrinter(tty, true)!(p);
    loadProgressPrinter(tty, true)!({ ...p, bytes: p.totalBytes, done: true });
    expect(written[0]).toMatch(/^\r\x1b\[Kloading: /);
    expect(written[1]).toMatch(/^\r\x1b\[Kloaded .*\n$/);
    expect(loadProgressPrinter({ isTTY: false } as NodeJS.WriteStream, true)).toBeUndefined();
    expect(loadProgressPrinter(tty, false)).toBeUndefined();
  });
});
