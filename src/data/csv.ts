/**
 * Reading a CSV file into a rectangular table of strings, with every structural problem reported
 * as an {@link AutomlError} that names the file and the line. Nothing here interprets values
 * (types, missing tokens): see `values.ts`.
 */
import { isUtf8 } from 'node:buffer';
import { closeSync, openSync, readFileSync, readSync } from 'node:fs';
import type { Options } from 'csv-parse/sync';
import { parse } from 'csv-parse/sync';
import { AutomlError, show } from '../util/errors.js';

/** A parsed CSV: the header and the data records, each exactly `header.length` long. */
export interface CsvTable {
  /** The path as given by the caller, used in every message. */
  readonly file: string;
  /** Column names, trimmed, unique and non-empty. */
  readonly header: string[];
  /** Data records. Unquoted values are trimmed; quoted values are kept as written. */
  readonly rows: string[][];
  /** Source line (1-based) where data record `i` ends, for messages. */
  lineOf(i: number): number;
}

/** Options for {@link parseCsv}. */
export interface CsvOptions {
  /** Accept a header with no data rows (default false: that is an E_CSV_EMPTY error). */
  readonly allowNoRows?: boolean;
}

/** Reads and checks a whole CSV file. Throws E_FILE_NOT_FOUND, E_FILE_READ or any E_CSV_* code. */
export function readCsv(file: string, options: CsvOptions = {}): CsvTable {
  // The header limits are checked on the file's first bytes before the whole file is read.
  const head = readHead(file, MAX_HEADER_BYTES + 4);
  if (head) checkHeaderSize(head, file);
  return parseCsv(readBytes(file), file, options);
}

/** Up to `size` first bytes of a file, or null when it cannot be read (readBytes then says why). */
function readHead(file: string, size: number): Buffer | null {
  let fd: number | null = null;
  try {
    fd = openSync(file, 'r');
    const buf = Buffer.alloc(size);
    const n = readSync(fd, buf, 0, size, 0);
    return buf.subarray(0, n);
  } catch {
    return null;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/** Reads a file's bytes, turning operating-system failures into AutomlErrors that name the file. */
export function readBytes(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') {
      throw new AutomlError('E_FILE_NOT_FOUND', `${file}: no such file; check the path (relative paths start at ${process.cwd()})`, { file }, { cause: e });
    }
    if (code === 'EISDIR') {
      throw new AutomlError('E_FILE_READ', `${file}: is a directory, expected a CSV file`, { file }, { cause: e });
    }
    throw new AutomlError('E_FILE_READ', `${file}: cannot be read (${code ?? (e as Error).message}); check its permissions`, { file }, { cause: e });
  }
}

const PARSE_OPTIONS: Options = {
  bom: true,
  trim: true,
  skip_empty_lines: true,
  relax_column_count: true,
  // An explicit list so that a file mixing CRLF, LF and CR still splits on every ending;
  // auto-detection would lock onto whichever ending comes first.
  record_delimiter: ['\r\n', '\n', '\r'],
};

/**
 * Parses CSV bytes (or text). The header is the first non-empty line. Handles a UTF-8 byte-order
 * mark, quoted fields (with embedded commas, quotes and newlines), CRLF, LF and CR line endings
 * mixed in one file, and blank lines (skipped).
 */
export function parseCsv(input: Buffer | string, file: string, options: CsvOptions = {}): CsvTable {
  const bytes = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  checkHeaderSize(bytes, file);
  checkEncoding(bytes, file);
  const text = bytes.toString('utf8');
  if (text.replace(/^\uFEFF/, '').trim() === '') {
    throw new AutomlError('E_CSV_EMPTY', `${file}: the file is empty; expected a header row and at least one data row`, { file });
  }

  let records: string[][];
  try {
    records = parse(bytes, PARSE_OPTIONS) as string[][];
  } catch (e) {
    throw parseError(e, file, recordLines(text));
  }
  // A line holding only whitespace parses as [''], which is blank, not a one-field record.
  const kept: number[] = [];
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    if (!(r.length === 1 && r[0] === '')) kept.push(i);
  }
  if (kept.length === 0) {
    throw new AutomlError('E_CSV_EMPTY', `${file}: the file has no rows; expected a header row and at least one data row`, { file });
  }
  const header = records[kept[0]!]!.map((h) => h.trim());
  checkHeader(header, file);
  const rows = kept.length === records.length ? records.slice(1) : kept.slice(1).map((i) => records[i]!);
  if (rows.length === 0 && !options.allowNoRows) {
    throw new AutomlError('E_CSV_EMPTY', `${file}: the file has a header but no data rows`, { file });
  }
  // Line numbers are only needed for messages, and tracking them while parsing costs a third of
  // the parse time, so they are computed on first use.
  let lines: number[] | undefined;
  const lineOf = (i: number): number => {
    lines ??= recordLines(text);
    return lines[kept[i + 1]!] ?? 0;
  };
  for (let i = 0; i < rows.length; i++) {
    if (rows[i]!.length !== header.length) {
      const bad = rows.reduce((n, r) => n + (r.length !== header.length ? 1 : 0), 0);
      const line = lineOf(i);
      throw new AutomlError(
        'E_CSV_RAGGED',
        `${file}: line ${line} has ${rows[i]!.length} fields, expected ${header.length} like the header` +
          (bad > 1 ? ` (${bad} rows have the wrong number of fields)` : '') +
          '; check for an unquoted comma or a missing field',
        { file, row: line, expected: header.length, found: rows[i]!.length },
      );
    }
  }
  return { file, header, rows, lineOf };
}

/**
 * The line on which each record csv-parse produces ends (records in its order, blank-looking ones
 * included). Without quotes every non-blank physical line is one record, so a scan suffices;
 * otherwise the parser is run again to report them. On a parse error the list stops at the last
 * complete record.
 */
function recordLines(text: string): number[] {
  if (!text.includes('"')) {
    const out: number[] = [];
    const physical = text.split(/\r\n|\n|\r/);
    for (let k = 0; k < physical.length; k++) {
      if (physical[k]!.replace(/^\uFEFF/, '').trim() !== '') out.push(k + 1);
    }
    return out;
  }
  const out: number[] = [];
  try {
    parse(text, {
      ...PARSE_OPTIONS,
      on_record: (record: string[], context) => {
        out.push(context.lines);
        return record;
      },
    });
  } catch {
    // The records read before the error are what the caller needs.
  }
  return out;
}

/** The longest header row accepted, in bytes (1 MiB). */
export const MAX_HEADER_BYTES = 1024 * 1024;
/** The most columns accepted. */
export const MAX_COLUMNS = 10_000;

/**
 * Refuses a header row over {@link MAX_HEADER_BYTES} or {@link MAX_COLUMNS} before anything is
 * parsed: a parser handed a 48 MB header spends half a minute and gigabytes on it before any
 * check runs. Scans the bytes of the first non-blank line only (quotes respected), stopping as
 * soon as a limit is passed, so the cost does not grow with the file.
 */
function checkHeaderSize(bytes: Uint8Array, file: string): void {
  const n = bytes.length;
  let i = n >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
  // Blank lines before the header are skipped, as the parser skips them.
  while (i < n && (bytes[i] === 0x0a || bytes[i] === 0x0d || bytes[i] === 0x20 || bytes[i] === 0x09)) i++;
  const start = i;
  const end = Math.min(n, start + MAX_HEADER_BYTES + 1);
  let quoted = false;
  let columns = 1;
  for (; i < end; i++) {
    const b = bytes[i]!;
    if (b === 0x22) quoted = !quoted;
    else if (quoted) continue;
    else if (b === 0x0a || b === 0x0d) return;
    else if (b === 0x2c && ++columns > MAX_COLUMNS) {
      throw new AutomlError('E_CSV_HEADER', `${file}: the header row has more than ${MAX_COLUMNS} columns, the most accepted; keep only the columns you need (is this a CSV file with a header row?)`, {
        file,
        row: 1,
        limit: MAX_COLUMNS,
      });
    }
  }
  if (end - start > MAX_HEADER_BYTES) {
    throw new AutomlError('E_CSV_HEADER', `${file}: the header row is longer than ${MAX_HEADER_BYTES} bytes (1 MiB), the most accepted; is this a CSV file with a header row (with line breaks)?`, {
      file,
      row: 1,
      limit: MAX_HEADER_BYTES,
    });
  }
}

function checkHeader(header: string[], file: string): void {
  const problems: string[] = [];
  const empty = header.map((h, i) => (h === '' ? i + 1 : 0)).filter((i) => i > 0);
  if (empty.length > 0) problems.push(`empty name at column position${empty.length > 1 ? 's' : ''} ${empty.join(', ')}`);
  const seen = new Map<string, number[]>();
  header.forEach((h, i) => {
    if (h !== '') seen.set(h, [...(seen.get(h) ?? []), i + 1]);
  });
  for (const [name, positions] of seen) {
    if (positions.length > 1) problems.push(`duplicate name ${show(name)} at positions ${positions.join(', ')}`);
  }
  if (problems.length > 0) {
    throw new AutomlError('E_CSV_HEADER', `${file}: bad header row: ${problems.join('; ')}; give every column a unique, non-empty name`, {
      file,
      row: 1,
    });
  }
}

function parseError(e: unknown, file: string, recordLines: number[]): AutomlError {
  const err = e as { code?: string; message?: string; lines?: number };
  if (err.code === 'CSV_QUOTE_NOT_CLOSED') {
    // The parser reports where the input ended; the user needs where the open quote began, which
    // is the record after the last one it completed.
    const start = (recordLines[recordLines.length - 1] ?? 0) + 1;
    return new AutomlError(
      'E_CSV_PARSE',
      `${file}: unterminated quoted field in the record starting at line ${start} (still open at end of file, line ${err.lines ?? '?'}); close the quote or double any quote inside the field ("")`,
      { file, row: start },
      { cause: e },
    );
  }
  const line = err.lines;
  const detail = (err.message ?? String(e)).replace(/\s+at line \d+/, '');
  return new AutomlError(
    'E_CSV_PARSE',
    `${file}: cannot parse CSV at line ${line ?? '?'}: ${detail}; quote fields containing commas or quotes, and write a quote inside a quoted field as ""`,
    { file, row: line },
    { cause: e },
  );
}

/**
 * Rejects input that is not UTF-8 text: a UTF-16 byte-order mark, NUL bytes (UTF-16 without a
 * mark, or a binary file) and malformed UTF-8 sequences, naming the byte offset and line.
 */
export function checkEncoding(bytes: Uint8Array, file: string): void {
  const fix = 're-save the file as UTF-8 CSV (e.g. "CSV UTF-8" in a spreadsheet, or `iconv -t UTF-8`)';
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    throw new AutomlError('E_CSV_ENCODING', `${file}: the file is UTF-16 (byte-order mark at byte offset 0, line 1); ${fix}`, {
      file,
      offset: 0,
      row: 1,
    });
  }
  // Native checks first; the byte-by-byte scan only runs to locate a problem for the message.
  if (bytes.indexOf(0) < 0 && isUtf8(bytes)) return;
  const bad = firstInvalidUtf8(bytes);
  if (bad < 0) return;
  const what = bytes[bad] === 0 ? 'a NUL byte (the file may be UTF-16 or binary)' : `byte 0x${bytes[bad]!.toString(16).padStart(2, '0')} that is not valid UTF-8`;
  const line = lineAt(bytes, bad);
  throw new AutomlError('E_CSV_ENCODING', `${file}: ${what} at byte offset ${bad}, line ${line}; ${fix}`, { file, offset: bad, row: line });
}

/** Offset of the first NUL byte or malformed UTF-8 sequence, or -1 when the bytes are clean. */
function firstInvalidUtf8(b: Uint8Array): number {
  const n = b.length;
  let i = 0;
  while (i < n) {
    const c = b[i]!;
    if (c === 0) return i;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (c >= 0xc2 && c <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else return i;
    let cp = c & (need === 1 ? 0x1f : need === 2 ? 0x0f : 0x07);
    for (let k = 1; k <= need; k++) {
      const cc = b[i + k];
      if (cc === undefined || (cc & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (cc & 0x3f);
    }
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF are invalid UTF-8.
    if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) return i;
    i += need + 1;
  }
  return -1;
}

/** 1-based line of a byte offset, counting LF, CRLF and lone CR as line ends. */
function lineAt(b: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) {
    if (b[i] === 0x0a) line++;
    else if (b[i] === 0x0d && b[i + 1] !== 0x0a) line++;
  }
  return line;
}
