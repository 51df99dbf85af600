/**
 * The target column: finding it, inferring the task, encoding the values, and the checks that
 * must pass before any training starts (at least two classes, enough rows per class for CV).
 */
import { AutomlError, show } from '../util/errors.js';
import type { TargetInfo, Task } from './types.js';
import type { Cell, InferredColumn } from './values.js';
import type { HeldColumn } from './values.js';
import { closestName, compareLabels, inferColumn, isMissing, labelOf, parseNumber } from './values.js';

/** A raw table from any source: CSV records or in-memory rows. */
export interface RawTable {
  /** File path or display name, used to start every message. */
  readonly source: string;
  readonly header: readonly string[];
  readonly nRows: number;
  cell(row: number, col: number): Cell;
  /**
   * Optional fast path: column `col` as the reader holds it (plain decimals, or a dictionary of
   * texts; fresh arrays, one entry per row), or undefined (then the cells are read one by one).
   */
  held?(col: number): HeldColumn | undefined;
  /** Where a row came from, for messages: "line 7" or "rows[6]". */
  where(row: number): string;
}

/** Column `j` over the rows `keep` as the table holds it ({@link RawTable.held}), or undefined. */
export function heldOf(raw: RawTable, j: number, keep: Int32Array): HeldColumn | undefined {
  const all = raw.held?.(j);
  if (all === undefined) return undefined;
  const pick = <T extends Float64Array | Int32Array>(a: T, out: T): T => {
    if (keep.length === a.length) return a;
    for (let i = 0; i < keep.length; i++) out[i] = a[keep[i]!]!;
    return out;
  };
  return 'numbers' in all
    ? { numbers: pick(all.numbers, new Float64Array(keep.length)) }
    : { codes: pick(all.codes, new Int32Array(keep.length)), labels: all.labels };
}

/** Largest number of distinct integer values for which a numeric target is read as class labels. */
export const MAX_INTEGER_CLASSES = 20;

/**
 * Task inference rule. Non-numeric targets are classification. A numeric target is classification
 * when all its values are integers and it has few distinct values: at most
 * {@link MAX_INTEGER_CLASSES}, and at most max(3, 5% of the rows) so that a small integer-valued
 * quantity (counts, prices in whole units) on a large table stays regression; except a count-like
 * target ({@link isCountLike}), which is regression. Everything else is regression. `--task`
 * overrides the rule.
 */
export function inferTask(col: InferredColumn, nRows: number): Task {
  if (col.type !== 'numeric') return 'classification';
  const limit = Math.min(MAX_INTEGER_CLASSES, Math.max(3, Math.ceil(0.05 * nRows)));
  const few = col.integer && col.distinct >= 2 && col.distinct <= limit;
  return few && !isCountLike(col) ? 'classification' : 'regression';
}

/** Counts of each distinct value of a numeric column, in increasing value order. */
function valueCounts(col: InferredColumn): { value: number; count: number }[] {
  const counts = new Map<number, number>();
  for (const v of col.values as Float64Array) if (!Number.isNaN(v)) counts.set(v, (counts.get(v) ?? 0) + 1);
  return [...counts.entries()].map(([value, count]) => ({ value, count })).sort((a, b) => a.value - b.value);
}

/**
 * A count-like integer target: values 0 or more, at least 6 distinct, the most frequent value the
 * smallest, and the largest value rare (under 1% of rows and under 10 rows), like a number of
 * visits, claims or defects. As classes, its top values would have a row or two each (too few to
 * cross-validate, and each value's neighbours carry the signal), so it is read as a quantity.
 */
export function isCountLike(col: InferredColumn): boolean {
  if (col.type !== 'numeric' || !col.integer || col.distinct < 6) return false;
  const vc = valueCounts(col);
  const n = vc.reduce((a, b) => a + b.count, 0);
  const mode = vc.reduce((a, b) => (b.count > a.count ? b : a));
  const top = vc[vc.length - 1]!;
  return vc[0]!.value >= 0 && mode === vc[0] && top.count < 0.01 * n && top.count < 10;
}

/** The note saying which task was inferred for target `name` and why, and how to choose the other. */
export function taskNote(name: string, col: InferredColumn, task: Task, nRows: number): string {
  const t = show(name);
  if (col.type === 'boolean') return `target ${t} holds true/false values: classification`;
  if (col.type !== 'numeric') return `target ${t} holds ${col.distinct} labels: classification`;
  const vc = valueCounts(col);
  const range = vc.length > 0 ? `${vc[0]!.value} to ${vc[vc.length - 1]!.value}` : '';
  if (task === 'classification') {
    const rare = vc.filter((x) => x.count < Math.max(5, 0.01 * nRows)).length;
    const doubt =
      col.distinct >= 10 || rare > 0
        ? ` (a guess: ${col.distinct >= 10 ? `${col.distinct} levels` : ''}${col.distinct >= 10 && rare > 0 ? ', ' : ''}${rare > 0 ? `${rare} of them with under ${Math.max(5, Math.ceil(0.01 * nRows))} rows` : ''} may mean a count or a score)`
        : '';
    return `target ${t} has ${col.distinct} integer values ${range}: classification${doubt}; pass --task regression to treat it as a number`;
  }
  if (col.integer && isCountLike(col)) {
    return `target ${t} has ${col.distinct} integer values ${range}, mostly the smallest and with rare large ones (count-like): regression; pass --task classification to treat each value as a class`;
  }
  return `target ${t} is numeric with ${col.distinct} distinct values (${range}): regression` + (col.integer && col.distinct <= 50 ? '; pass --task classification to treat each value as a class' : '');
}

/** Index of the target column, or an E_TARGET error listing the columns and the closest name. */
export function findTarget(raw: RawTable, target: string): number {
  const j = raw.header.indexOf(target);
  if (j >= 0) return j;
  const near = closestName(target, raw.header);
  const list = raw.header.map((h) => show(h)).join(', ');
  throw new AutomlError(
    'E_TARGET',
    `${raw.source}: no column named ${show(target)} to use as the target` +
      (near !== undefined ? `; did you mean ${show(near)}?` : '') +
      ` Available columns: ${list}`,
    { file: raw.source, column: target, suggestion: near },
  );
}

/** Result of {@link encodeTarget}: the target and the rows (indices into the raw table) it keeps. */
export interface EncodedTarget {
  readonly target: TargetInfo;
  /** Rows with a usable target value, ascending. */
  readonly keep: Int32Array;
  readonly notes: string[];
}

/**
 * Encodes the target column `j`: drops rows whose target is missing (with a note), infers or
 * applies the task, and for classification sorts the labels (numerically when they are numbers)
 * and checks class counts against `folds`.
 */
export function encodeTarget(raw: RawTable, j: number, task: Task | undefined, folds: number | undefined): EncodedTarget {
  const name = raw.header[j]!;
  const src = raw.source;
  const notes: string[] = [];
  const all = inferColumn((i) => raw.cell(i, j), raw.nRows, raw.held?.(j));
  const keepList: number[] = [];
  let firstDropped = -1;
  for (let i = 0; i < raw.nRows; i++) {
    const missing = all.type === 'numeric' ? Number.isNaN(all.values[i]!) : isMissing(raw.cell(i, j));
    if (missing) {
      if (firstDropped < 0) firstDropped = i;
    } else keepList.push(i);
  }
  if (keepList.length === 0) {
    throw new AutomlError('E_TARGET', `${src}: target column ${show(name)} has no values (every row is missing); choose another --target`, {
      file: src,
      column: name,
    });
  }
  const dropped = raw.nRows - keepList.length;
  if (dropped > 0) {
    notes.push(`dropped ${dropped} row${dropped > 1 ? 's' : ''} whose target ${show(name)} is missing (first at ${raw.where(firstDropped)})`);
  }
  const keep = Int32Array.from(keepList);
  const n = keep.length;
  const col = inferColumn((i) => raw.cell(keep[i]!, j), n, heldOf(raw, j, keep));
  const chosen = task ?? inferTask(col, n);
  if (task === undefined) notes.push(taskNote(name, col, chosen, n));

  if (chosen === 'regression') {
    if (col.type !== 'numeric') {
      const bad = firstNonNumber(raw, j, keep);
      throw new AutomlError(
        'E_TARGET',
        `${src}: target ${show(name)} is not numeric (e.g. ${show(bad.value)} at ${bad.where}), so it cannot be used for regression; use --task classification`,
        { file: src, column: name, value: bad.value },
      );
    }
    if (col.distinct < 2) throw singleClass(src, name, labelOf(raw.cell(keep[0]!, j)), 'value');
    return { target: { name, task: 'regression', values: col.values as Float64Array }, keep, notes };
  }

  const { classes, values } = col.type === 'categorical' ? { classes: col.categories!, values: Float64Array.from(col.values) } : classesOf(col, n, (i) => raw.cell(keep[i]!, j));
  if (classes.length < 2) throw singleClass(src, name, classes[0]!, 'class');
  const counts = new Array<number>(classes.length).fill(0);
  for (let i = 0; i < n; i++) counts[values[i]!]!++;
  if (folds !== undefined) checkClassCounts(src, name, classes, counts, folds, col.type === 'numeric');
  return { target: { name, task: 'classification', values, classes }, keep, notes };
}

function singleClass(src: string, name: string, only: string, what: string): AutomlError {
  return new AutomlError(
    'E_TARGET',
    `${src}: target ${show(name)} has a single ${what} (${show(only)} in every row with a target); a model needs at least two to learn from — check the --target column`,
    { file: src, column: name, value: only },
  );
}

/**
 * The classes with fewer than `folds` rows (classes with none left out), listed for a message
 * ("'a' has 2 rows, 'b' has 1 row and 3 more"), and the fewest rows among them; null when none.
 */
export function classesShort(
  classes: readonly string[],
  counts: readonly number[],
  folds: number,
  skipEmpty = false,
): { small: { c: string; n: number }[]; listed: string; fewest: number } | null {
  const small = classes.map((c, k) => ({ c, n: counts[k]! })).filter((x) => x.n < folds && !(skipEmpty && x.n === 0));
  if (small.length === 0) return null;
  const listed =
    small
      .slice(0, 5)
      .map((x) => `${show(x.c)} has ${x.n} row${x.n === 1 ? '' : 's'}`)
      .join(', ') + (small.length > 5 ? ` and ${small.length - 5} more` : '');
  return { small, listed, fewest: Math.min(...small.map((x) => x.n)) };
}

function checkClassCounts(src: string, name: string, classes: string[], counts: number[], folds: number, numericLabels: boolean): void {
  const short = classesShort(classes, counts, folds);
  if (!short) return;
  const { small, listed, fewest: minCount } = short;
  const advice =
    minCount >= 2
      ? `use --cv ${minCount} or smaller, or add rows of that class`
      : 'remove the rows of that class or add more rows of it (stratified CV needs at least 2 rows per class)';
  throw new AutomlError(
    'E_TARGET',
    `${src}: target ${show(name)}: class ${listed}, fewer than the ${folds} cross-validation folds; ${advice}` + (numericLabels ? regressionHint(name) : ''),
    { file: src, column: name, folds, classes: small.map((x) => x.c) },
  );
}

/** Advice added when a numeric target read as classes fails a class check: it may be a quantity. */
export function regressionHint(name: string): string {
  return `; if ${show(name)} is a quantity (a count or a score) rather than a label, pass --task regression (API: task: 'regression')`;
}

/** Class labels (numbers sorted numerically, booleans by their text) and each row's class index. */
function classesOf(col: InferredColumn, n: number, cell: (i: number) => Cell): { classes: string[]; values: Float64Array } {
  const labels: string[] = new Array(n);
  for (let i = 0; i < n; i++) labels[i] = col.type === 'numeric' ? String(col.values[i]) : labelOf(cell(i));
  const classes = [...new Set(labels)];
  if (col.type === 'numeric') classes.sort((a, b) => Number(a) - Number(b));
  else classes.sort(compareLabels);
  const index = new Map(classes.map((c, k) => [c, k]));
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = index.get(labels[i]!)!;
  return { classes, values };
}

function firstNonNumber(raw: RawTable, j: number, keep: Int32Array): { value: Cell; where: string } {
  for (const i of keep) {
    const c = raw.cell(i, j);
    if (parseNumber(c) === undefined) {
      return { value: c, where: raw.where(i) };
    }
  }
  return { value: raw.cell(keep[0]!, j), where: raw.where(keep[0]!) };
}
