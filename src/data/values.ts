/**
 * Cell-level rules: which values count as missing, what parses as a number or a boolean, and
 * per-column type inference. Shared by CSV loading, in-memory rows and predict-time mapping so
 * the three always agree.
 */
import type { ColumnType } from './types.js';
import { MISSING_CODE } from './types.js';

/** A raw cell: a CSV string, or a value from an in-memory row. */
export type Cell = string | number | boolean | null | undefined;

/** Strings (compared case-insensitively, after trimming) that mean "missing". */
export const MISSING_TOKENS: readonly string[] = ['', 'na', 'n/a', '?', 'nan', 'null'];
const MISSING = new Set(MISSING_TOKENS);

const NUMBER_RE = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const INFINITY_RE = /^[+-]?(?:inf|infinity)$/i;
const TRUE_TOKENS = new Set(['true', 'yes', 'y', 't']);
const FALSE_TOKENS = new Set(['false', 'no', 'n', 'f']);

/** True when a cell is missing: null, undefined, NaN, or one of {@link MISSING_TOKENS}. */
export function isMissing(c: Cell): boolean {
  if (c === null || c === undefined) return true;
  if (typeof c === 'number') return Number.isNaN(c);
  if (typeof c === 'boolean') return false;
  const n = c.length;
  if (n === 0) return true;
  // Hot path (every cell of every column): avoid allocating unless the string could be a token.
  if (c.charCodeAt(0) <= 32 || c.charCodeAt(n - 1) <= 32) return MISSING.has(c.trim().toLowerCase());
  return n <= 4 && MISSING.has(c.toLowerCase());
}

/**
 * The number a non-missing cell denotes, or undefined when it is not a number. Infinity tokens
 * (`inf`, `-Infinity`) and overflowing literals (`1e400`) return ±Infinity so that callers can
 * treat them as missing and say so.
 */
export function parseNumber(c: Cell): number | undefined {
  if (typeof c === 'number') return c;
  if (typeof c !== 'string') return undefined;
  const s = c.trim();
  if (NUMBER_RE.test(s)) return Number(s);
  if (INFINITY_RE.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  return undefined;
}

/** 1 or 0 for a boolean cell (true/false, yes/no, y/n, t/f in any case), else undefined. */
export function parseBoolean(c: Cell): 0 | 1 | undefined {
  if (typeof c === 'boolean') return c ? 1 : 0;
  if (typeof c !== 'string') return undefined;
  const s = c.trim().toLowerCase();
  if (TRUE_TOKENS.has(s)) return 1;
  if (FALSE_TOKENS.has(s)) return 0;
  return undefined;
}

/**
 * The label of a non-missing cell in a categorical column. Strings are taken as they are: the
 * CSV reader has already trimmed unquoted values (quoted ones keep their spaces on purpose), and
 * in-memory strings are trimmed on the way in.
 */
export function labelOf(c: Cell): string {
  return typeof c === 'string' ? c : String(c);
}

/** Sorts strings by code point: the same order on every machine and locale. */
export function compareLabels(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A column after type inference, with its values encoded. */
export interface InferredColumn {
  readonly type: ColumnType;
  /** Encoded as described by `FeatureColumn`. */
  readonly values: Float64Array | Int32Array;
  /** Categorical only: sorted labels. */
  readonly categories?: string[];
  /** Number of missing cells (including non-finite numbers). */
  readonly missing: number;
  /** Number of distinct non-missing values. */
  readonly distinct: number;
  /** Numeric only: count of non-finite values (inf, 1e400) stored as missing, and the first one's row. */
  readonly nonFinite: number;
  readonly firstNonFinite: number;
  /** Numeric only: true when every non-missing value is an integer. */
  readonly integer: boolean;
  /** Numeric only: true when the values are all distinct and form a run min, min+1, ..., max (a row counter). */
  readonly consecutive: boolean;
}

/**
 * Infers a column's type from its cells and encodes it. Numeric when every non-missing cell is a
 * number (infinities included, stored as missing); boolean when every one is a boolean token
 * (`0`/`1` are numbers, so a 0/1 column is numeric); categorical otherwise.
 */
export function inferColumn(cell: (i: number) => Cell, n: number, held?: HeldColumn): InferredColumn {
  // A column the reader already holds as numbers or as a dictionary needs no per-cell pass.
  if (held !== undefined) return 'numbers' in held ? numericColumn(held.numbers) : inferFromLabels(held.codes, held.labels);
  // Speculative single pass: most columns are numeric, so parse while checking and only fall
  // back to the other types when a cell is not a number.
  const values = new Float64Array(n);
  let i = 0;
  for (; i < n; i++) {
    const c = cell(i);
    if (isMissing(c)) {
      values[i] = NaN;
      continue;
    }
    const v = parseNumber(c);
    if (v === undefined) break;
    values[i] = v;
  }
  if (i === n) return numericColumn(values);
  let boolean = true;
  for (let k = 0; k < n && boolean; k++) {
    const c = cell(k);
    if (!isMissing(c) && parseBoolean(c) === undefined) boolean = false;
  }
  return boolean ? booleanColumn(cell, n) : categoricalColumn(cell, n);
}

/**
 * A column as a reader may already hold it: every non-missing cell a plain decimal (missing: NaN),
 * or codes into a dictionary of the cells' texts (missing: -1, no missing token in `labels`).
 * The arrays are fresh: inference may change them.
 */
export type HeldColumn = { readonly numbers: Float64Array } | { readonly codes: Int32Array; readonly labels: readonly string[] };

/** Each used label parsed by `parse` (unused ones 0), or null as soon as one does not parse. */
function parseEach(labels: readonly string[], used: Uint8Array, parse: (c: Cell) => number | undefined): Float64Array | null {
  const out = new Float64Array(labels.length);
  for (let k = 0; k < labels.length; k++) {
    if (used[k] === 0) continue;
    const v = parse(labels[k]);
    if (v === undefined) return null;
    out[k] = v;
  }
  return out;
}

/**
 * {@link inferColumn} on a dictionary-coded column: the same rules, applied once per distinct text
 * (only the texts that occur in `codes`) instead of once per cell.
 */
function inferFromLabels(codes: Int32Array, labels: readonly string[]): InferredColumn {
  const n = codes.length;
  const used = new Uint8Array(labels.length);
  for (let i = 0; i < n; i++) if (codes[i]! >= 0) used[codes[i]!] = 1;
  const asNumbers = parseEach(labels, used, parseNumber);
  if (asNumbers) {
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) values[i] = codes[i]! < 0 ? NaN : asNumbers[codes[i]!]!;
    return numericColumn(values);
  }
  const asBooleans = parseEach(labels, used, parseBoolean);
  let missing = 0;
  if (asBooleans) {
    const values = new Float64Array(n);
    let ones = 0;
    for (let i = 0; i < n; i++) {
      const c = codes[i]!;
      if (c < 0) {
        values[i] = NaN;
        missing++;
      } else ones += values[i] = asBooleans[c]!;
    }
    const distinct = (ones > 0 ? 1 : 0) + (n - missing - ones > 0 ? 1 : 0);
    return { type: 'boolean', values, missing, distinct, nonFinite: 0, firstNonFinite: -1, integer: true, consecutive: false };
  }
  const categories = labels.filter((_, k) => used[k] === 1).sort(compareLabels);
  const rank = new Map(categories.map((c, k) => [c, k]));
  const remap = Int32Array.from(labels, (l, k) => (used[k] === 1 ? rank.get(l)! : MISSING_CODE));
  for (let i = 0; i < n; i++) {
    const c = codes[i]!;
    if (c < 0) {
      codes[i] = MISSING_CODE;
      missing++;
    } else codes[i] = remap[c]!;
  }
  return { type: 'categorical', values: codes, categories, missing, distinct: categories.length, nonFinite: 0, firstNonFinite: -1, integer: false, consecutive: false };
}

/**
 * Finishes a parsed numeric column (in place): infinities become missing, statistics are gathered.
 * The distinct count needs a sort of the column, so it is counted when first read (the target's
 * rules and the row-counter rule read it; most feature columns never do).
 */
function numericColumn(values: Float64Array): InferredColumn {
  const n = values.length;
  let missing = 0;
  let nonFinite = 0;
  let firstNonFinite = -1;
  let integer = true;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (v !== v) missing++;
    else if (v === Infinity || v === -Infinity) {
      values[i] = NaN;
      missing++;
      if (nonFinite++ === 0) firstNonFinite = i;
    } else {
      // Normalise -0 so that 0 and -0 are one value everywhere (distinct counts, class labels).
      if (v === 0) values[i] = 0;
      if (integer && !Number.isInteger(v)) integer = false;
      if (v < min) min = v;
      if (v > max) max = v;
    }
  }
  const present = n - missing;
  let distinct = present === 0 ? 0 : min === max ? 1 : -1;
  const countDistinct = (): number => {
    if (distinct >= 0) return distinct;
    // Counting distinct values on a sorted copy is faster than a Set for large columns.
    const sorted = new Float64Array(present);
    let k = 0;
    for (let i = 0; i < n; i++) if (values[i] === values[i]) sorted[k++] = values[i]!;
    sorted.sort();
    distinct = 1;
    for (let t = 1; t < sorted.length; t++) if (sorted[t] !== sorted[t - 1]) distinct++;
    return distinct;
  };
  // A row counter: integers spanning exactly as many values as there are rows, all distinct.
  const consecutive = integer && present > 0 && max - min === present - 1 && countDistinct() === present;
  return {
    type: 'numeric',
    values,
    missing,
    get distinct() {
      return countDistinct();
    },
    nonFinite,
    firstNonFinite,
    integer,
    consecutive,
  };
}

function booleanColumn(cell: (i: number) => Cell, n: number): InferredColumn {
  const values = new Float64Array(n);
  let missing = 0;
  let ones = 0;
  for (let i = 0; i < n; i++) {
    const c = cell(i);
    if (isMissing(c)) {
      values[i] = NaN;
      missing++;
    } else {
      values[i] = parseBoolean(c)!;
      ones += values[i]!;
    }
  }
  const distinct = (ones > 0 ? 1 : 0) + (n - missing - ones > 0 ? 1 : 0);
  return { type: 'boolean', values, missing, distinct, nonFinite: 0, firstNonFinite: -1, integer: true, consecutive: false };
}

/** Encodes a column as categorical, labels sorted by code point. Exported for target encoding. */
export function categoricalColumn(cell: (i: number) => Cell, n: number): InferredColumn {
  // Codes are first given in order of appearance, then remapped to sorted order.
  const seen = new Map<string, number>();
  const values = new Int32Array(n);
  let missing = 0;
  for (let i = 0; i < n; i++) {
    const c = cell(i);
    if (isMissing(c)) {
      values[i] = MISSING_CODE;
      missing++;
      continue;
    }
    const l = labelOf(c);
    let code = seen.get(l);
    if (code === undefined) {
      code = seen.size;
      seen.set(l, code);
    }
    values[i] = code;
  }
  const byAppearance = [...seen.keys()];
  const categories = [...byAppearance].sort(compareLabels);
  const rank = new Map(categories.map((c, k) => [c, k]));
  const remap = Int32Array.from(byAppearance, (l) => rank.get(l)!);
  for (let i = 0; i < n; i++) if (values[i]! >= 0) values[i] = remap[values[i]!]!;
  // An all-distinct column counts as unique; the caller decides whether that makes it an ID.
  return {
    type: 'categorical',
    values,
    categories,
    missing,
    distinct: categories.length,
    nonFinite: 0,
    firstNonFinite: -1,
    integer: false,
    consecutive: false,
  };
}

/** Edit distance between two strings (case-insensitive), for "did you mean" suggestions. */
export function editDistance(a: string, b: string): number {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  for (let i = 1; i <= x.length; i++) {
    const cur = [i];
    for (let j = 1; j <= y.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (x[i - 1] === y[j - 1] ? 0 : 1));
    }
    prev = cur;
  }
  return prev[y.length]!;
}

/**
 * The candidate closest to `name` by edit distance (first wins ties), or undefined when there is
 * none within `maxDistance`.
 */
export function closestName(name: string, candidates: readonly string[], maxDistance = Infinity): string | undefined {
  let best: string | undefined;
  let bestD = maxDistance + 1;
  for (const c of candidates) {
    const d = editDistance(name, c);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best;
}
