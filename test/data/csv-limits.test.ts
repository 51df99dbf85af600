/** Header limits: a huge header row is refused from the file's first bytes, before any parsing. */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { MAX_COLUMNS, MAX_HEADER_BYTES } from '../../src/data/csv.js';
import { loadDataset, parseCsv, readCsv } from '../../src/data/index.js';
import { AutomlError } from '../../src/util/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'automl-csv-limits-'));

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

const names = (n: number): string[] => Array.from({ length: n }, (_, i) => `c${i}`);

describe('CSV header limits', () => {
  it(`more than ${MAX_COLUMNS} columns: E_CSV_HEADER naming the file and the limit; exactly ${MAX_COLUMNS} parse`, () => {
    const wide = names(MAX_COLUMNS + 1);
    const e = failure(() => parseCsv(`${wide.join(',')}\n${wide.map(() => '1').join(',')}\n`, 'wide.csv'), 'E_CSV_HEADER');
    expect(e.message).toMatch(/^wide\.csv: the header row has more than 10000 columns/);
    const ok = names(MAX_COLUMNS);
    expect(parseCsv(`${ok.join(',')}\n${ok.map(() => '1').join(',')}\n`, 'ok.csv').header).toHaveLength(MAX_COLUMNS);
  });

  it('a header row over 1 MiB: E_CSV_HEADER; quoted commas and line breaks in the header count as text', () => {
    const long = 'x'.repeat(MAX_HEADER_BYTES);
    const e = failure(() => parseCsv(`a,${long}\n1,2\n`, 'long.csv'), 'E_CSV_HEADER');
    expect(e.message).toContain(`long.csv: the header row is longer than ${MAX_HEADER_BYTES} bytes`);
    const quoted = `"${names(MAX_COLUMNS + 5).join(',')}",b\n1,2\n`;
    expect(parseCsv(quoted, 'q.csv').header).toHaveLength(2);
    expect(parseCsv('\uFEFF\n\n"a\nb",c\n1,2\n', 'nl.csv').header).toEqual(['a\nb', 'c']);
  });

  it('a 48 MB header line is refused at once from the file (it took 31 s and 1.9 GB)', () => {
    const file = join(dir, 'huge-header.csv');
    writeFileSync(file, `${'c,'.repeat(24_000_000)}c\n1,2\n`);
    const t = performance.now();
    const e = failure(() => loadDataset(file, { target: 'c1' }), 'E_CSV_HEADER');
    expect(performance.now() - t).toBeLessThan(2_000);
    expect(e.message).toContain(file);
    expect(e.details).toMatchObject({ file, limit: MAX_COLUMNS });
    failure(() => readCsv(file), 'E_CSV_HEADER');
  });

  it('a large valid file still parses (the check reads only the header line)', () => {
    const file = join(dir, 'tall.csv');
    const rows = Array.from({ length: 200_000 }, (_, i) => `${i},${i % 7},${(i * 0.37).toFixed(3)},${i % 2 ? 'a' : 'b'}`);
    writeFileSync(file, `id,k,v,y\n${rows.join('\n')}\n`);
    const t = readCsv(file);
    expect(t.rows).toHaveLength(200_000);
    expect(t.header).toEqual(['id', 'k', 'v', 'y']);
  });
});
