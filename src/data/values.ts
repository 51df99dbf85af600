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
  return MISSING.has(c.trim().toLowerCase());
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
export function inferColumn(cell: (i: number) => Cell, n: number): InferredColumn {
  let numeric = true;
  let boolean = true;
  for (let i = 0; i < n && (numeric || boolean); i++) {
    const c = cell(i);
    if (isMissing(c)) continue;
    if (numeric && parseNumber(c) === undefined) numeric = false;
    if (boolean && parseBoolean(c) === undefined) boolean = false;
  }
  if (numeric) return numericColumn(cell, n);
  if (boolean) return booleanColumn(cell, n);
  return categoricalColumn(cell, n);
}

function numericColumn(cell: (i: number) => Cell, n: number): InferredColumn {
  const values = new Float64Array(n);
  let missing = 0;
  let nonFinite = 0;
  let firstNonFinite = -1;
  let integer = true;
  const seen = new Set<number>();
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const c = cell(i);
    const v = isMissing(c) ? NaN : parseNumber(c)!;
    if (Number.isNaN(v)) {
      values[i] = NaN;
      missing++;
    } else if (!Number.isFinite(v)) {
      values[i] = NaN;
      missing++;
      if (nonFinite++ === 0) firstNonFinite = i;
    } else {
      // Normalise -0 so that 0 and -0 are one value everywhere (distinct counts, class labels).
      const x = v === 0 ? 0 : v;
      values[i] = x;
      seen.add(x);
      if (!Number.isInteger(x)) integer = false;
      if (x < min) min = x;
      if (x > max) max = x;
    }
  }
  const distinct = seen.size;
  const consecutive = integer && distinct > 0 && distinct === n - missing && max - min === distinct - 1;
  return { type: 'numeric', values, missing, distinct, nonFinite, firstNonFinite, integer, consecutive };
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

function categoricalColumn(cell: (i: number) => Cell, n: number): InferredColumn {
  const labels: (string | null)[] = new Array(n);
  const set = new Set<string>();
  let missing = 0;
  for (let i = 0; i < n; i++) {
    const c = cell(i);
    if (isMissing(c)) {
      labels[i] = null;
      missing++;
    } else {
      const l = labelOf(c);
      labels[i] = l;
      set.add(l);
    }
  }
  const categories = [...set].sort(compareLabels);
  const index = new Map(categories.map((c, k) => [c, k]));
  const values = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const l = labels[i];
    values[i] = l === null ? MISSING_CODE : index.get(l)!;
  }
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
