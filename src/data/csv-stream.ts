/**
 * The streaming CSV reader: reads a file (or a buffer) in chunks, checks each chunk's encoding,
 * runs the tokenizer and hands the header and the records to a sink. Memory is one chunk plus
 * the record in progress plus whatever the sink keeps.
 */
import { isUtf8 } from 'node:buffer';
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { AutomlError } from '../util/errors.js';
import { badByte, checkHeader, checkHeaderSize, CONVERT_8BIT, encodingError, fileError, firstInvalidUtf8, utf16Error } from './csv-checks.js';
import { detectDelimiter, parseDelimiter } from './csv-delimiter.js';
import { CsvTokenizer, fieldText, type RecordSink } from './csv-tokenizer.js';

/** Progress of a long load, reported through {@link StreamOptions.onProgress}. */
export interface LoadProgress {
  readonly rows: number;
  readonly bytes: number;
  /** File size in bytes. */
  readonly totalBytes: number;
  readonly seconds: number;
  /** True on the last report. */
  readonly done: boolean;
}

/** Options shared by every CSV read. */
export interface StreamOptions {
  /** The field delimiter (`,` `;` `\t` `|`, or comma, semicolon, tab, pipe); detected from the first lines when absent. */
  readonly delimiter?: string;
  /** Bytes read at a time (default 1 MiB; tests use a few bytes to cross chunk boundaries). */
  readonly chunkSize?: number;
  /** Called about every 250 ms once a load has run for a second, and once at the end. */
  readonly onProgress?: (p: LoadProgress) => void;
  /** Milliseconds clock for progress timing (default `performance.now`; tests pass a fake one). */
  readonly clock?: () => number;
}

/** What the sink is given once the header is read. */
export interface StreamHeader {
  readonly header: string[];
  readonly delimiter: string;
  readonly detected: boolean;
  /** An estimate of the number of data rows, from the file size and the first chunk. */
  readonly expectRows: number;
}

/** A data sink built once the header is known. */
export interface DataSink extends RecordSink {
  readonly nRows: number;
}

/** Where bytes come from: a file descriptor or a buffer. */
interface Source {
  readonly size: number;
  read(into: Buffer, at: number, length: number, position: number): number;
}

/** The result of {@link streamCsv}. */
export interface StreamResult<S extends DataSink> {
  readonly header: string[];
  readonly delimiter: string;
  readonly detected: boolean;
  readonly sink: S;
}

const HEAD_BYTES = 1024 * 1024 + 4;

/** Reads a CSV file in chunks. Throws E_FILE_NOT_FOUND, E_FILE_READ or E_CSV_*. */
export function streamCsvFile<S extends DataSink>(file: string, opts: StreamOptions, makeSink: (h: StreamHeader) => S): StreamResult<S> {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    throw fileError(e, file);
  }
  try {
    let size: number;
    try {
      const st = fstatSync(fd);
      if (st.isDirectory()) throw Object.assign(new Error('EISDIR'), { code: 'EISDIR' });
      size = st.size;
    } catch (e) {
      throw fileError(e, file);
    }
    const source: Source = {
      size,
      read(into, at, length, position) {
        try {
          return readSync(fd, into, at, length, position);
        } catch (e) {
          throw fileError(e, file);
        }
      },
    };
    return streamCsv(source, file, opts, makeSink);
  } finally {
    closeSync(fd);
  }
}

/** Reads CSV held in memory, through the same path as a file. */
export function streamCsvBuffer<S extends DataSink>(bytes: Buffer, name: string, opts: StreamOptions, makeSink: (h: StreamHeader) => S): StreamResult<S> {
  const source: Source = {
    size: bytes.length,
    read(into, at, length, position) {
      return bytes.copy(into, at, position, Math.min(bytes.length, position + length));
    },
  };
  return streamCsv(source, name, opts, makeSink);
}

function streamCsv<S extends DataSink>(src: Source, file: string, opts: StreamOptions, makeSink: (h: StreamHeader) => S): StreamResult<S> {
  const chunk = Math.max(1, opts.chunkSize ?? 1024 * 1024);
  // The first bytes decide the delimiter and are checked for header limits and UTF-16; the
  // records are then read from the start in chunks.
  const headBuf = Buffer.allocUnsafe(Math.min(HEAD_BYTES, Math.max(src.size, 4096)));
  let headLen = 0;
  for (let n = 1; n > 0 && headLen < headBuf.length; headLen += n) n = src.read(headBuf, headLen, headBuf.length - headLen, headLen);
  const head = headBuf.subarray(0, headLen);
  if (headLen >= 2 && ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff))) {
    throw utf16Error(file);
  }
  const bom = headLen >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf ? 3 : 0;
  const chosen = opts.delimiter !== undefined ? { delimiter: parseDelimiter(opts.delimiter), detected: false } : { delimiter: detectDelimiter(head.subarray(bom)), detected: true };
  const delim = chosen.delimiter.charCodeAt(0);
  checkHeaderSize(head, file, delim);

  let header: string[] | undefined;
  let sink: S | undefined;
  const headerSink: RecordSink = {
    record(b, fields, count, line) {
      if (header === undefined) {
        header = Array.from({ length: count }, (_, k) => fieldText(b, fields, k).trim());
        checkHeader(header, file);
        sink = makeSink({ header, ...chosen, expectRows: estimateRows(src.size, head) });
        return;
      }
      sink!.record(b, fields, count, line);
    },
  };
  const tok = new CsvTokenizer(file, delim, headerSink);

  const clock = opts.clock ?? (() => performance.now());
  const t0 = clock();
  let lastReport = t0;
  let reported = false;
  const report = (bytes: number, done: boolean): void => {
    const now = clock();
    if (!opts.onProgress || (!done && (now - t0 < 1000 || now - lastReport < 250)) || (done && !reported)) return;
    lastReport = now;
    reported = true;
    opts.onProgress({ rows: sink?.nRows ?? 0, bytes, totalBytes: src.size, seconds: (now - t0) / 1000, done });
  };

  let base = bom; // file offset of buf[0] (a byte-order mark is never read)
  let pos = 0; // bytes of buf the tokenizer consumed
  let checked = 0; // bytes of buf already checked for encoding
  let need = 0; // bytes wanted before the next attempt (an incomplete record waits for more)
  let buf = Buffer.allocUnsafe(2 * chunk + 16);
  let len = 0;
  for (;;) {
    // Keep the incomplete record, then read the next chunk after it.
    if (pos > 0) {
      buf.copyWithin(0, pos, len);
      len -= pos;
      checked -= pos;
      base += pos;
      pos = 0;
    }
    if (len + chunk > buf.length) {
      const bigger = Buffer.allocUnsafe(Math.max(2 * buf.length, len + chunk));
      buf.copy(bigger, 0, 0, len);
      buf = bigger;
    }
    const n = src.read(buf, len, chunk, base + len);
    const eof = n === 0;
    len += n;
    if (!eof && len < need) continue;
    const safe = eof ? len : lastAsciiEnd(buf, checked, len);
    if (safe > checked) {
      checkSegment(buf, checked, safe, base, file, src);
      checked = safe;
    }
    pos = tok.run(buf, 0, len, eof);
    report(base + pos, false);
    if (eof) break;
    // No complete record: wait for twice the bytes before trying again (linear, not quadratic).
    need = pos === 0 ? 2 * len : 0;
  }
  report(base + len, true);
  if (header === undefined) {
    throw new AutomlError(
      'E_CSV_EMPTY',
      tok.sawQuote ? `${file}: the file has no rows; expected a header row and at least one data row` : `${file}: the file is empty; expected a header row and at least one data row`,
      { file },
    );
  }
  return { header, delimiter: chosen.delimiter, detected: chosen.detected, sink: sink! };
}

/** Rows expected in the whole file, from the average line length of its first bytes. */
function estimateRows(size: number, head: Buffer): number {
  let lines = 0;
  for (let p = head.indexOf(0x0a); p >= 0; p = head.indexOf(0x0a, p + 1)) lines++;
  if (lines < 2 || head.length === 0) return 1024;
  return Math.min(100_000_000, Math.ceil((1.02 * size * lines) / head.length));
}

/** End of the checked region: just past the last ASCII byte, so no UTF-8 sequence is cut. */
function lastAsciiEnd(buf: Buffer, from: number, to: number): number {
  let p = to;
  while (p > from && buf[p - 1]! >= 0x80) p--;
  return p;
}

function checkSegment(buf: Buffer, from: number, to: number, base: number, file: string, src: Source): void {
  const seg = buf.subarray(from, to);
  if (seg.indexOf(0) < 0 && isUtf8(seg)) return;
  const bad = firstInvalidUtf8(seg);
  if (bad < 0) return;
  const offset = base + from + bad;
  throw encodingError(file, badByte(seg, bad), offset, lineOfOffset(src, offset), CONVERT_8BIT);
}

/** The line of a byte offset, reading the source again from the start (an error path only). */
function lineOfOffset(src: Source, offset: number): number {
  const b = Buffer.allocUnsafe(Math.min(offset, 1 << 20) + 1);
  let line = 1;
  let prevCr = false;
  for (let at = 0; at < offset; ) {
    const n = src.read(b, 0, Math.min(b.length, offset - at), at);
    if (n === 0) break;
    for (let i = 0; i < n; i++) {
      const c = b[i];
      // CRLF counts once, a lone CR or LF once.
      if (c === 0x0a) {
        if (!prevCr) line++;
        prevCr = false;
      } else if (c === 0x0d) {
        line++;
        prevCr = true;
      } else prevCr = false;
    }
    at += n;
  }
  return line;
}
