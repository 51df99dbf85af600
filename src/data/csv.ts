/**
 * Reading a CSV file into a rectangular table of strings, with every structural problem reported
 * as an {@link AutomlError} that names the file and the line. Nothing here interprets values
 * (types, missing tokens): see `values.ts`. Datasets are loaded into typed columns instead
 * (`csv-columns.ts`); both go through the same streaming reader (`csv-stream.ts`).
 */
import { readFileSync } from 'node:fs';
import { AutomlError } from '../util/errors.js';
import { fileError } from './csv-checks.js';
import { delimiterHint, delimiterName } from './csv-delimiter.js';
import type { DataSink, StreamOptions, StreamResult } from './csv-stream.js';
import { streamCsvBuffer, streamCsvFile } from './csv-stream.js';
import { fieldText } from './csv-tokenizer.js';

export { checkEncoding, MAX_COLUMNS, MAX_HEADER_BYTES } from './csv-checks.js';

/** A parsed CSV: the header and the data records, each exactly `header.length` long. */
export interface CsvTable {
  /** The path as given by the caller, used in every message. */
  readonly file: string;
  /** Column names, trimmed, unique and non-empty. */
  readonly header: string[];
  /** Data records. Unquoted values are trimmed; quoted values are kept as written. */
  readonly rows: string[][];
  /** The field delimiter used (given or detected). */
  readonly delimiter: string;
  /** Source line (1-based) where data record `i` ends, for messages. */
  lineOf(i: number): number;
}

/** Options for {@link readCsv} and {@link parseCsv}. */
export interface CsvOptions extends StreamOptions {
  /** Accept a header with no data rows (default false: that is an E_CSV_EMPTY error). */
  readonly allowNoRows?: boolean;
}

/** Reads and checks a whole CSV file. Throws E_FILE_NOT_FOUND, E_FILE_READ or any E_CSV_* code. */
export function readCsv(file: string, options: CsvOptions = {}): CsvTable {
  return toTable(streamCsvFile(file, options, (h) => new RowSink(h.header.length)), file, options);
}

/**
 * Parses CSV bytes (or text). The header is the first non-empty line. Handles a UTF-8 byte-order
 * mark, quoted fields (with embedded delimiters, quotes and newlines), CRLF, LF and CR line
 * endings mixed in one file, and blank lines (skipped).
 */
export function parseCsv(input: Buffer | string, file: string, options: CsvOptions = {}): CsvTable {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  return toTable(streamCsvBuffer(bytes, file, options, (h) => new RowSink(h.header.length)), file, options);
}

/** Reads a file's bytes, turning operating-system failures into AutomlErrors that name the file. */
export function readBytes(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    throw fileError(e, file);
  }
}

/** Keeps records as arrays of strings, and the first record with the wrong number of fields. */
class RowSink implements DataSink {
  readonly rows: string[][] = [];
  readonly lines: number[] = [];
  ragged: RaggedInfo | undefined;

  constructor(readonly width: number) {}

  get nRows(): number {
    return this.rows.length;
  }

  record(buf: Buffer, fields: Int32Array, count: number, line: number): void {
    if (count !== this.width) {
      if (this.ragged) this.ragged.count++;
      else this.ragged = { line, found: count, count: 1 };
      return;
    }
    if (this.ragged) return;
    const row = new Array<string>(count);
    for (let k = 0; k < count; k++) row[k] = fieldText(buf, fields, k);
    this.rows.push(row);
    this.lines.push(line);
  }
}

/** The first record with the wrong number of fields, and how many records were wrong. */
export interface RaggedInfo {
  readonly line: number;
  readonly found: number;
  count: number;
}

function toTable(r: StreamResult<RowSink>, file: string, options: CsvOptions): CsvTable {
  const { header, sink } = r;
  if (sink.ragged) throw raggedError(file, header, sink.ragged, r.delimiter);
  if (sink.rows.length === 0 && !options.allowNoRows) throw noRows(file);
  return { file, header, rows: sink.rows, delimiter: r.delimiter, lineOf: (i) => sink.lines[i] ?? 0 };
}

/** E_CSV_EMPTY for a header with no data rows. */
export function noRows(file: string): AutomlError {
  return new AutomlError('E_CSV_EMPTY', `${file}: the file has a header but no data rows`, { file });
}

/** E_CSV_RAGGED naming the first bad line, the counts, and how many rows are wrong. */
export function raggedError(file: string, header: readonly string[], r: RaggedInfo, delimiter: string): AutomlError {
  const expected = header.length;
  const hint = delimiterHint(header, delimiter);
  const what = delimiter === ',' ? 'an unquoted comma' : `an unquoted ${delimiterName(delimiter)}`;
  return new AutomlError(
    'E_CSV_RAGGED',
    `${file}: line ${r.line} has ${r.found} fields, expected ${expected} like the header` +
      (r.count > 1 ? ` (${r.count} rows have the wrong number of fields)` : '') +
      `; check for ${what} or a missing field` +
      (delimiter === ',' ? '' : ` (fields are read as separated by ${delimiterName(delimiter)}; --delimiter sets another)`) +
      (hint ? `; ${hint}` : ''),
    { file, row: r.line, expected, found: r.found },
  );
}
