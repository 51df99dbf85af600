/**
 * Date and date-time columns: recognising them at load time and turning each into numeric
 * features (year, month, day of month, day of week, day of year, and hour and minute when times
 * are written), the same way for training rows and for new rows at predict time.
 *
 * Accepted forms (a column must use one family throughout; missing cells are allowed):
 * - ISO: `2024-03-31`, `2024-03-31T14:05`, `2024-03-31T14:05:09`, with optional fraction of a
 *   second and a `Z` or `±hh:mm` offset, and `2024-03-31 14:05:09`;
 * - `2024/03/31` (year first);
 * - `31/03/2024` or `03/31/2024` (also with `.` or `-`): day-first or month-first, decided from the
 *   data only when some value rules the other order out (a first field above 12 means day-first, a
 *   second one above 12 month-first); when every value fits both orders the column is left as it is
 *   and a note says why.
 * Times are taken as written (wall-clock): an offset is accepted but not applied, so "14:05+02:00"
 * has hour 14. Day of week is 1 (Monday) to 7 (Sunday).
 */
import { show } from '../util/errors.js';
import type { ColumnSchema, DateDerivation, DatePart } from './types.js';
import type { Cell } from './values.js';
import { isMissing, labelOf } from './values.js';

/** Fields of one parsed date. */
export interface DateFields {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  /** Null when the value has no time. */
  readonly hour: number | null;
  readonly minute: number | null;
}

type Order = DateDerivation['order'];

const ISO_RE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const YMD_SLASH_RE = /^(\d{4})\/(\d{1,2})\/(\d{1,2})$/;
const XXY_RE = /^(\d{1,2})([/.-])(\d{1,2})\2(\d{4})$/;

/** Every part, in feature order; hour and minute only for columns with times. */
export const DATE_PARTS: readonly DatePart[] = ['year', 'month', 'day', 'weekday', 'dayofyear', 'hour', 'minute'];

function daysInMonth(y: number, m: number): number {
  return new Date(Date.UTC(y, m, 0)).getUTCDate();
}

function fields(y: number, m: number, d: number, hh: number | null, mm: number | null, ss: number | null): DateFields | undefined {
  if (m < 1 || m > 12 || d < 1 || d > daysInMonth(y, m)) return undefined;
  if (hh !== null && (hh > 23 || mm! > 59 || (ss !== null && ss > 60))) return undefined;
  return { year: y, month: m, day: d, hour: hh, minute: mm };
}

/** Parses one cell with a known field order (`ymd` also accepts only the year-first forms). */
export function parseDate(c: Cell, order: Order): DateFields | undefined {
  if (typeof c !== 'string') return undefined;
  const s = c.trim();
  let m = ISO_RE.exec(s);
  if (m) {
    const t = m[4] !== undefined;
    return fields(+m[1]!, +m[2]!, +m[3]!, t ? +m[4]! : null, t ? +m[5]! : null, m[6] !== undefined ? +m[6] : null);
  }
  m = YMD_SLASH_RE.exec(s);
  if (m) return fields(+m[1]!, +m[2]!, +m[3]!, null, null, null);
  m = XXY_RE.exec(s);
  if (m && order !== 'ymd') {
    const a = +m[1]!;
    const b = +m[3]!;
    return order === 'dmy' ? fields(+m[4]!, b, a, null, null, null) : fields(+m[4]!, a, b, null, null, null);
  }
  return undefined;
}

/** What {@link detectDates} found in a column. */
export type DateDetection =
  | { readonly kind: 'date'; readonly order: Order; readonly time: boolean }
  | { readonly kind: 'ambiguous'; readonly example: string }
  | { readonly kind: 'none' };

/**
 * Whether a column holds dates: every non-missing cell a string in one accepted family, at least
 * two distinct values, and (for day/month-first forms) an order the data settles.
 */
export function detectDates(cell: (i: number) => Cell, n: number): DateDetection {
  let family: 'ymd' | 'xxy' | null = null;
  let dayFirstPossible = true;
  let monthFirstPossible = true;
  let time = false;
  let count = 0;
  let first: string | null = null;
  let twoValues = false;
  for (let i = 0; i < n; i++) {
    const c = cell(i);
    if (isMissing(c)) continue;
    if (typeof c !== 'string') return { kind: 'none' };
    const s = c.trim();
    if (first === null) first = s;
    else if (s !== first) twoValues = true;
    count++;
    const iso = ISO_RE.exec(s);
    if (iso || YMD_SLASH_RE.test(s)) {
      if (family === 'xxy') return { kind: 'none' };
      family = 'ymd';
      if (parseDate(s, 'ymd') === undefined) return { kind: 'none' };
      if (iso && iso[4] !== undefined) time = true;
      continue;
    }
    const m = XXY_RE.exec(s);
    if (!m || family === 'ymd') return { kind: 'none' };
    family = 'xxy';
    if (dayFirstPossible && parseDate(s, 'dmy') === undefined) dayFirstPossible = false;
    if (monthFirstPossible && parseDate(s, 'mdy') === undefined) monthFirstPossible = false;
    if (!dayFirstPossible && !monthFirstPossible) return { kind: 'none' };
  }
  if (count === 0 || !twoValues || family === null) return { kind: 'none' };
  if (family === 'ymd') return { kind: 'date', order: 'ymd', time };
  if (dayFirstPossible && monthFirstPossible) return { kind: 'ambiguous', example: first! };
  return { kind: 'date', order: dayFirstPossible ? 'dmy' : 'mdy', time: false };
}

/** The value of one part of a parsed date (NaN for hour/minute of a value without a time). */
export function datePart(f: DateFields, part: DatePart): number {
  switch (part) {
    case 'year':
      return f.year;
    case 'month':
      return f.month;
    case 'day':
      return f.day;
    case 'weekday': {
      const w = new Date(Date.UTC(f.year, f.month - 1, f.day)).getUTCDay();
      return w === 0 ? 7 : w;
    }
    case 'dayofyear':
      return Math.round((Date.UTC(f.year, f.month - 1, f.day) - Date.UTC(f.year, 0, 1)) / 86_400_000) + 1;
    case 'hour':
      return f.hour ?? NaN;
    case 'minute':
      return f.minute ?? NaN;
  }
}

/** Schemas of the numeric features derived from date column `name` (names `<name>.<part>`, made unique against `taken`). */
export function dateSchemas(name: string, order: Order, time: boolean, taken: ReadonlySet<string>): ColumnSchema[] {
  const parts = DATE_PARTS.filter((p) => time || (p !== 'hour' && p !== 'minute'));
  return parts.map((part) => {
    let fname = `${name}.${part}`;
    while (taken.has(fname)) fname += '_';
    return { name: fname, type: 'numeric', derived: { kind: 'date', from: name, part, order } };
  });
}

/** Values of the derived columns `schemas` (all from one source column), NaN where the cell is missing or not a date. */
export function deriveDateValues(
  schemas: readonly ColumnSchema[],
  cell: (i: number) => Cell,
  n: number,
): { values: Float64Array[]; bad: number; firstBad: number } {
  const order = schemas[0]!.derived!.order;
  const values = schemas.map(() => new Float64Array(n));
  let bad = 0;
  let firstBad = -1;
  for (let i = 0; i < n; i++) {
    const c = cell(i);
    const f = isMissing(c) ? undefined : parseDate(typeof c === 'string' ? c : labelOf(c), order);
    if (f === undefined && !isMissing(c) && bad++ === 0) firstBad = i;
    for (let k = 0; k < schemas.length; k++) values[k]![i] = f === undefined ? NaN : datePart(f, schemas[k]!.derived!.part);
  }
  return { values, bad, firstBad };
}

/** What is wrong with a stored derivation (read from a model file), or undefined when it is valid. */
export function derivationProblem(v: unknown): string | undefined {
  const expected = `{ "kind": "date", "from": <column>, "part": one of ${DATE_PARTS.join(', ')}, "order": ymd, dmy or mdy }`;
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return expected;
  const o = v as Record<string, unknown>;
  const keys = Object.keys(o).sort().join(',');
  if (keys !== 'from,kind,order,part') return expected;
  if (o.kind !== 'date' || typeof o.from !== 'string' || !DATE_PARTS.includes(o.part as DatePart)) return expected;
  if (o.order !== 'ymd' && o.order !== 'dmy' && o.order !== 'mdy') return expected;
  return undefined;
}

/** The name of the input column a schema column is read from (its date source, or itself). */
export function inputName(c: ColumnSchema): string {
  return c.derived?.from ?? c.name;
}

/**
 * A view of a raw input with the derived date columns of `schema` appended (computed once per
 * source column, on first use), so code that reads columns by name reads them like any other.
 * `notes()` lists the source columns holding values that are not dates in the training form.
 */
export function withDerivedColumns(
  header: readonly string[],
  n: number,
  cell: (i: number, j: number) => unknown,
  where: (i: number) => string,
  schema: readonly ColumnSchema[],
): { header: string[]; cell: (i: number, j: number) => unknown; notes: () => string[] } {
  const derived = schema.filter((c) => c.derived !== undefined && header.includes(c.derived.from));
  if (derived.length === 0) return { header: [...header], cell, notes: () => [] };
  const out = [...header, ...derived.map((c) => c.name)];
  const cache = new Map<string, { values: Map<string, Float64Array>; bad: number; firstBad: number; j: number }>();
  const compute = (from: string): { values: Map<string, Float64Array>; bad: number; firstBad: number; j: number } => {
    let hit = cache.get(from);
    if (hit === undefined) {
      const group = derived.filter((c) => c.derived!.from === from);
      const j = header.indexOf(from);
      const r = deriveDateValues(group, (i) => toCell(cell(i, j)), n);
      hit = { values: new Map(group.map((c, k) => [c.name, r.values[k]!])), bad: r.bad, firstBad: r.firstBad, j };
      cache.set(from, hit);
    }
    return hit;
  };
  return {
    header: out,
    cell: (i, j) => {
      if (j < header.length) return cell(i, j);
      const c = derived[j - header.length]!;
      return compute(c.derived!.from).values.get(c.name)![i];
    },
    notes: () => {
      const notes: string[] = [];
      for (const from of new Set(derived.map((c) => c.derived!.from))) {
        const r = compute(from);
        if (r.bad > 0) {
          notes.push(
            `column ${show(from)}: ${r.bad} value${r.bad > 1 ? 's' : ''} that ${r.bad > 1 ? 'are' : 'is'} not a date in the training data's form (first ${show(String(cell(r.firstBad, r.j)))} at ${where(r.firstBad)}); its date features are missing there`,
          );
        }
      }
      return notes;
    },
  };
}

function toCell(v: unknown): Cell {
  return typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean' ? v : null;
}
