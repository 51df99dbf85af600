/**
 * The checks a CSV passes before its records are used, each failing with an {@link AutomlError}
 * that names the file and where in it: operating-system errors, header limits and names, and
 * encoding (UTF-16, NUL bytes, bytes that are not UTF-8).
 */
import { isUtf8 } from 'node:buffer';
import { AutomlError, show } from '../util/errors.js';

/** The longest header row accepted, in bytes (1 MiB). */
export const MAX_HEADER_BYTES = 1024 * 1024;
/** The most columns accepted. */
export const MAX_COLUMNS = 10_000;

/** Turns an operating-system failure to open or read a file into an AutomlError naming it. */
export function fileError(e: unknown, file: string): AutomlError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') {
    return new AutomlError('E_FILE_NOT_FOUND', `${file}: no such file; check the path (relative paths start at ${process.cwd()})`, { file }, { cause: e });
  }
  if (code === 'EISDIR') {
    return new AutomlError('E_FILE_READ', `${file}: is a directory, expected a CSV file`, { file }, { cause: e });
  }
  return new AutomlError('E_FILE_READ', `${file}: cannot be read (${code ?? (e as Error).message}); check its permissions`, { file }, { cause: e });
}

/**
 * Refuses a header row over {@link MAX_HEADER_BYTES} or {@link MAX_COLUMNS} before anything is
 * parsed: a parser handed a 48 MB header spends half a minute and gigabytes on it before any
 * check runs. Scans the bytes of the first non-blank line only (quotes respected), stopping as
 * soon as a limit is passed, so the cost does not grow with the file.
 */
export function checkHeaderSize(bytes: Uint8Array, file: string, delim = 0x2c): void {
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
    else if (b === delim && ++columns > MAX_COLUMNS) {
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

/** Refuses empty and duplicate column names. */
export function checkHeader(header: string[], file: string): void {
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

/** An E_CSV_ENCODING error: what was found, where, and the command that converts the file. */
export function encodingError(file: string, what: string, offset: number, line: number, convert: string): AutomlError {
  return new AutomlError(
    'E_CSV_ENCODING',
    `${file}: ${what} at byte offset ${offset}, line ${line}; re-save the file as UTF-8 CSV (e.g. "CSV UTF-8" in a spreadsheet, or \`${convert}\`)`,
    { file, offset, row: line },
  );
}

/** The error for a file starting with a UTF-16 byte-order mark. */
export function utf16Error(file: string): AutomlError {
  return encodingError(file, 'the file is UTF-16 (it starts with a UTF-16 byte-order mark)', 0, 1, CONVERT_UTF16);
}

/** The conversion suggested for a file that is not UTF-8 (most often Latin-1 / Windows-1252). */
export const CONVERT_8BIT = 'iconv -f WINDOWS-1252 -t UTF-8 in.csv > out.csv';
/** The conversion suggested for a UTF-16 file. */
export const CONVERT_UTF16 = 'iconv -f UTF-16 -t UTF-8 in.csv > out.csv';

/**
 * Rejects input that is not UTF-8 text: a UTF-16 byte-order mark, NUL bytes (UTF-16 without a
 * mark, or a binary file) and malformed UTF-8 sequences, naming the byte offset and line.
 */
export function checkEncoding(bytes: Uint8Array, file: string): void {
  if (bytes.length >= 2 && ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))) {
    throw utf16Error(file);
  }
  // Native checks first; the byte-by-byte scan only runs to locate a problem for the message.
  if (bytes.indexOf(0) < 0 && isUtf8(bytes)) return;
  const bad = firstInvalidUtf8(bytes);
  if (bad < 0) return;
  throw encodingError(file, badByte(bytes, bad), bad, lineAt(bytes, bad), CONVERT_8BIT);
}

/** Describes the byte at `at` that stopped the UTF-8 check. */
export function badByte(bytes: Uint8Array, at: number): string {
  return bytes[at] === 0
    ? 'a NUL byte (the file may be UTF-16 or binary)'
    : `byte 0x${bytes[at]!.toString(16).padStart(2, '0')} that is not valid UTF-8 (the file may be Latin-1 / Windows-1252)`;
}

/** Offset of the first NUL byte or malformed UTF-8 sequence, or -1 when the bytes are clean. */
export function firstInvalidUtf8(b: Uint8Array): number {
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
export function lineAt(b: Uint8Array, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset; i++) {
    if (b[i] === 0x0a) line++;
    else if (b[i] === 0x0d && b[i + 1] !== 0x0a) line++;
  }
  return line;
}
