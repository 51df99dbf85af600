/** Plain-text building blocks of every report: tables, durations, numbers, CSV cells. */

/** Formats a score with 4 significant decimals (or exponent for tiny/huge magnitudes). */
export function fmtScore(v: number | null | undefined): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '-';
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(3);
  return v.toFixed(4);
}

/** Formats milliseconds as `850ms`, `12.3s`, `4m05s`, `1h02m`. */
export function fmtDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '-';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(Math.floor(s % 60)).padStart(2, '0')}s`;
  return `${Math.floor(m / 60)}h${String(m % 60).padStart(2, '0')}m`;
}

/** A compact `k=v k=v` rendering of hyperparameters. */
export function fmtParams(params: Readonly<Record<string, unknown>>, max = 4): string {
  const parts = Object.entries(params).map(([k, v]) => `${k}=${typeof v === 'number' ? fmtNumber(v) : String(v)}`);
  return parts.length > max ? `${parts.slice(0, max).join(' ')} …` : parts.join(' ');
}

function fmtNumber(v: number): string {
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(2) : String(Number(v.toPrecision(3)));
}

/**
 * Left-aligned text table with a header row. With `maxWidth` (a terminal's columns), each line is
 * cut to that many columns with `…`: the last column (hyperparameters, the longest) goes first.
 */
export function table(header: readonly string[], rows: readonly (readonly string[])[], maxWidth?: number): string {
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => (r[j] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, j) => (j === cells.length - 1 ? c : c.padEnd(widths[j]!))).join('  ').trimEnd();
  const lines = [line(header), ...rows.map(line)];
  return (maxWidth === undefined ? lines : lines.map((l) => truncateToWidth(l, maxWidth))).join('\n');
}

/**
 * A table for a terminal `width` columns wide: while its lines are too long and the columns before
 * the last leave it fewer than `lastMin` columns, the columns `droppable` name (in that order) are
 * left out; then the lines are cut to the width (see {@link table}). Without `width`, the whole table.
 */
export function fitTable(header: readonly string[], rows: readonly (readonly string[])[], width: number | undefined, droppable: readonly string[], lastMin = 24): string {
  if (width === undefined) return table(header, rows);
  let keep = header.map((_, j) => j);
  const widthOf = (cols: readonly number[]): number => cols.reduce((s, j) => s + Math.max(header[j]!.length, ...rows.map((r) => (r[j] ?? '').length)) + 2, 0);
  for (const name of droppable) {
    const last = keep[keep.length - 1]!;
    const full = widthOf(keep) - 2;
    if (full <= width || widthOf(keep.slice(0, -1)) + lastMin <= width) break;
    const j = header.indexOf(name);
    if (j >= 0 && j !== last) keep = keep.filter((k) => k !== j);
  }
  return table(
    keep.map((j) => header[j]!),
    rows.map((r) => keep.map((j) => r[j] ?? '')),
    width,
  );
}

/** ANSI escape sequences (colours, cursor moves): they take no room on the screen. */
const ANSI_ESCAPE = /\x1b\[[0-?]*[ -/]*[@-~]/g;
/** The same, matched only where it starts (`lastIndex`). */
const ANSI_AT = /\x1b\[[0-?]*[ -/]*[@-~]/y;

/** The text without its ANSI escape sequences. */
export function stripAnsi(s: string): string {
  return s.replace(ANSI_ESCAPE, '');
}

/** Columns one code point takes on a terminal: 0 for combining marks and controls, 2 for East Asian wide and emoji, else 1. */
function charWidth(cp: number): number {
  if (cp < 0x20 || (cp >= 0x7f && cp < 0xa0) || (cp >= 0x300 && cp < 0x370) || cp === 0x200b || cp === 0x200d || (cp >= 0xfe00 && cp <= 0xfe0f)) return 0;
  const wide =
    (cp >= 0x1100 && cp <= 0x115f) ||
    (cp >= 0x2e80 && cp <= 0xa4cf && cp !== 0x303f) ||
    (cp >= 0xac00 && cp <= 0xd7a3) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0xfe30 && cp <= 0xfe4f) ||
    (cp >= 0xff00 && cp <= 0xff60) ||
    (cp >= 0xffe0 && cp <= 0xffe6) ||
    (cp >= 0x1f300 && cp <= 0x1faff) ||
    (cp >= 0x20000 && cp <= 0x3fffd);
  return wide ? 2 : 1;
}

/** How many terminal columns `s` takes (ANSI escapes take none). */
export function displayWidth(s: string): number {
  let w = 0;
  for (const ch of stripAnsi(s)) w += charWidth(ch.codePointAt(0)!);
  return w;
}

/**
 * `s` cut to at most `width` terminal columns, ending in `…` when cut; ANSI escapes are kept (and
 * a reset added after a cut, so a colour does not run on). Never wraps on a terminal that wide.
 */
export function truncateToWidth(s: string, width: number): string {
  if (displayWidth(s) <= width) return s;
  if (width <= 0) return '';
  let out = '';
  let used = 0;
  let styled = false;
  let i = 0;
  while (i < s.length) {
    ANSI_AT.lastIndex = i;
    const esc = s[i] === '\x1b' ? ANSI_AT.exec(s) : null;
    if (esc) {
      out += esc[0];
      styled = true;
      i += esc[0].length;
      continue;
    }
    const cp = s.codePointAt(i)!;
    const w = charWidth(cp);
    if (used + w > width - 1) break;
    out += String.fromCodePoint(cp);
    used += w;
    i += cp > 0xffff ? 2 : 1;
  }
  return `${out}…${styled ? '\x1b[0m' : ''}`;
}

/**
 * Plain text wrapped at spaces to lines of at most `width` terminal columns (a word longer than
 * that is cut); a leading indent is kept, and continuation lines are indented two spaces more.
 * Without `width`, the text as it is.
 */
export function wrapToWidth(text: string, width: number | undefined): string {
  if (width === undefined || displayWidth(text) <= width) return text;
  const max = Math.max(10, width);
  const indent = /^ */.exec(text)![0];
  const more = `${indent}  `;
  const lines: string[] = [];
  let line = indent;
  for (const word of text.slice(indent.length).split(' ')) {
    const fresh = line === indent || line === more;
    const next = fresh ? line + word : `${line} ${word}`;
    if (displayWidth(next) <= max || fresh) line = next;
    else {
      lines.push(line);
      line = more + word;
    }
  }
  lines.push(line);
  return lines.map((l) => truncateToWidth(l, max)).join('\n');
}

/** One CSV field, quoted when it must be (RFC 4180). */
export function csvField(v: unknown): string {
  const s = v === null || v === undefined ? '' : typeof v === 'number' && !Number.isFinite(v) ? '' : String(v);
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

/** A CSV document from a header and rows. */
export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return [header.map(csvField).join(','), ...rows.map((r) => r.map(csvField).join(','))].join('\n') + '\n';
}
