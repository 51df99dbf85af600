/**
 * A byte-level CSV tokenizer that reads records out of a buffer without making a string per
 * field: each complete record is handed to a sink as (start, end, flags) triples into the
 * buffer, and the sink decides what to decode. It stops at the first incomplete record, so a
 * caller can refill the buffer and resume (streaming in chunks).
 *
 * Rules (the same as the csv-parse options the reader used before: trim, skip empty lines, any
 * of CRLF / LF / CR as a line end): leading spaces, tabs (unless tab is the delimiter) and form
 * feeds of a field are skipped; an unquoted field loses its trailing whitespace; a quoted field
 * is kept as written, `""` inside it is one quote, and only whitespace may follow its closing
 * quote; a quote inside an unquoted field is an error; empty lines are skipped.
 */
import { AutomlError } from '../util/errors.js';

/** Field flag: the field was quoted. */
export const F_QUOTED = 1;
/** Field flag: a quoted field holding `""` (to unescape). */
export const F_ESCAPED = 2;
/** Field flag: the field holds a byte >= 0x80 (decode as UTF-8, not as ASCII). */
export const F_HIGH = 4;

/** Receives each complete record. `fields` holds `count` triples (start, end, flags). */
export interface RecordSink {
  record(buf: Buffer, fields: Int32Array, count: number, line: number): void;
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const TAB = 0x09;
const FF = 0x0c;

const bufSlice = Buffer.prototype as unknown as { latin1Slice(this: Buffer, s: number, e: number): string; utf8Slice(this: Buffer, s: number, e: number): string };

/** The text of field `k` of a record, as the old reader produced it. */
export function fieldText(buf: Buffer, fields: Int32Array, k: number): string {
  const s = fields[3 * k]!;
  const e = fields[3 * k + 1]!;
  const flags = fields[3 * k + 2]!;
  if (s === e) return '';
  if ((flags & F_HIGH) === 0) {
    const t = bufSlice.latin1Slice.call(buf, s, e);
    return (flags & F_ESCAPED) !== 0 ? t.replaceAll('""', '"') : t;
  }
  const t = bufSlice.utf8Slice.call(buf, s, e);
  if ((flags & F_QUOTED) !== 0) return (flags & F_ESCAPED) !== 0 ? t.replaceAll('""', '"') : t;
  // Unquoted values are trimmed like String.prototype.trimEnd (Unicode spaces included).
  return t.trimEnd();
}

/** Where the tokenizer stopped, and what it saw. */
export class CsvTokenizer {
  /** 1-based line the next record starts on. */
  line = 1;
  /** True once any quote character was seen (tells "empty file" from "only blank records"). */
  sawQuote = false;
  private fields = new Int32Array(3 * 64);

  constructor(
    private readonly file: string,
    private readonly delim: number,
    private readonly sink: RecordSink,
  ) {}

  /**
   * Emits every complete record in buf[pos, end) and returns the offset of the first byte not
   * consumed (the start of an incomplete record). With `final`, the end of the buffer ends the
   * last record and an open quote is an error.
   */
  run(buf: Buffer, pos: number, end: number, final: boolean): number {
    const delim = this.delim;
    for (;;) {
      const recStart = pos;
      const recLine = this.line;
      let line = recLine;
      let endLine = recLine;
      let nf = 0;
      let fields = this.fields;
      // One record.
      for (;;) {
        let c = 0;
        while (pos < end && ((c = buf[pos]!) === SP || c === FF || (c === TAB && delim !== TAB))) pos++;
        if (pos >= end && !final) return this.stop(recStart, recLine);
        let fs: number;
        let fe: number;
        let flags = 0;
        if (pos < end && buf[pos] === QUOTE) {
          this.sawQuote = true;
          flags = F_QUOTED;
          pos++;
          fs = pos;
          for (;;) {
            if (pos >= end) {
              if (!final) return this.stop(recStart, recLine);
              throw unterminated(this.file, recLine, line - (end > 0 && (buf[end - 1] === LF || buf[end - 1] === CR) ? 1 : 0));
            }
            c = buf[pos]!;
            if (c === QUOTE) {
              if (pos + 1 >= end && !final) return this.stop(recStart, recLine);
              if (buf[pos + 1] === QUOTE) {
                flags |= F_ESCAPED;
                pos += 2;
                continue;
              }
              break;
            }
            if (c >= 0x80) flags |= F_HIGH;
            else if (c === LF) line++;
            else if (c === CR) {
              if (pos + 1 >= end && !final) return this.stop(recStart, recLine);
              if (buf[pos + 1] !== LF) line++;
            }
            pos++;
          }
          fe = pos;
          pos++;
          // Only whitespace may follow a closing quote.
          const after = pos;
          while (pos < end && ((c = buf[pos]!) === SP || c === FF || (c === TAB && delim !== TAB))) pos++;
          if (pos < end && (c = buf[pos]!) !== delim && c !== LF && c !== CR) {
            const what = pos === after ? JSON.stringify(String.fromCharCode(c)) : 'spaces and then more text';
            throw badQuote(this.file, line, `the closing quote of field ${nf + 1} is followed by ${what}`);
          }
          if (pos >= end && !final) return this.stop(recStart, recLine);
        } else {
          fs = pos;
          while (pos < end && (c = buf[pos]!) !== delim && c !== LF && c !== CR) {
            if (c === QUOTE) {
              throw badQuote(this.file, line, `a quote inside unquoted field ${nf + 1} (${JSON.stringify(buf.toString('utf8', fs, Math.min(pos + 1, fs + 40)))})`);
            }
            if (c >= 0x80) flags |= F_HIGH;
            pos++;
          }
          if (pos >= end && !final) return this.stop(recStart, recLine);
          fe = pos;
          while (fe > fs && ((c = buf[fe - 1]!) === SP || (c >= TAB && c <= CR))) fe--;
        }
        if (3 * nf + 3 > fields.length) {
          const grown = new Int32Array(fields.length * 2);
          grown.set(fields);
          this.fields = fields = grown;
        }
        fields[3 * nf] = fs;
        fields[3 * nf + 1] = fe;
        fields[3 * nf + 2] = flags;
        nf++;
        if (pos < end && buf[pos] === delim) {
          pos++;
          continue;
        }
        // A line end or the end of the input ends the record.
        endLine = line;
        if (pos < end) {
          if (buf[pos] === CR) {
            if (pos + 1 >= end && !final) return this.stop(recStart, recLine);
            pos += buf[pos + 1] === LF ? 2 : 1;
          } else pos++;
          line++;
        }
        break;
      }
      this.line = line;
      // Blank lines (and a lone "") are not records.
      if (!(nf === 1 && fields[0] === fields[1])) this.sink.record(buf, fields, nf, endLine);
      if (pos >= end) return pos;
    }
  }

  private stop(recStart: number, recLine: number): number {
    this.line = recLine;
    return recStart;
  }
}

function unterminated(file: string, start: number, last: number): AutomlError {
  return new AutomlError(
    'E_CSV_PARSE',
    `${file}: unterminated quoted field in the record starting at line ${start} (still open at end of file, line ${Math.max(start, last)}); close the quote or double any quote inside the field ("")`,
    { file, row: start },
  );
}

function badQuote(file: string, line: number, detail: string): AutomlError {
  return new AutomlError(
    'E_CSV_PARSE',
    `${file}: cannot parse CSV at line ${line}: ${detail}; quote fields containing the delimiter or quotes, and write a quote inside a quoted field as ""`,
    { file, row: line },
  );
}
