/**
 * Building a {@link Dataset} from a CSV file or in-memory rows: the whole input is checked first
 * (structure, encoding, target), then each feature column's type is inferred and useless columns
 * (all missing, constant, ID-like) are dropped with a note.
 */
import { basename, extname } from 'node:path';
import { AutomlError, show } from '../util/errors.js';
import { delimiterHint, delimiterName } from './csv-delimiter.js';
import { readCsvColumns } from './csv-load.js';
import type { StreamOptions } from './csv-stream.js';
import type { RawTable } from './target.js';
import { encodeTarget, findTarget, heldOf } from './target.js';
import type { ColumnSchema, Dataset, DatasetOptions, FeatureColumn } from './types.js';
import { dateSchemas, deriveDateValues, detectDates } from './dates.js';
import { collapseLevels, stringColumnDropReason } from './text-columns.js';
import type { Cell, InferredColumn } from './values.js';
import { closestName, inferColumn, isMissing, labelOf } from './values.js';

/**
 * True for column names that mark an identifier: `id`, `ID`, `uuid`, `guid`, `index`, `row_id`,
 * `customer_id`, `order-id`, `customerId`, `orderID` (but not `paid` or `valid`). Applied to
 * categorical and integer columns only.
 */
export function looksLikeIdName(name: string): boolean {
  return (
    /^(?:id|uuid|guid|index|row_?(?:id|num(?:ber)?))$/i.test(name) || /[_\s.-]id$/i.test(name) || /[a-z0-9](?:Id|ID)$/.test(name)
  );
}

/**
 * The row-counter rule applies from this many rows: in a handful of rows, a run of distinct
 * consecutive integers is as likely to be a real measurement as a counter.
 */
export const MIN_ROWS_FOR_COUNTER = 20;

/**
 * Loads a CSV file as a dataset. The whole file is read and checked before anything else happens.
 *
 * Inference rules (see also `values.ts` and `target.ts`):
 * - missing: empty, `NA`, `N/A`, `?`, `NaN`, `nan`, `null` (any case);
 * - numeric when every non-missing value is a number. Non-finite values (`inf`, `-Infinity`,
 *   `1e400`) do not make a column categorical: they are stored as missing and a note says so;
 * - boolean when every non-missing value is true/false, yes/no, y/n or t/f (0/1 stays numeric);
 * - categorical otherwise, with labels sorted by code point.
 * Before anything else, `ignore` columns are left out (unknown names and the target are errors).
 * Date columns (see `dates.ts` for the forms) become numeric features `<col>.year`, `.month`,
 * `.day`, `.weekday`, `.dayofyear`, plus `.hour` and `.minute` when times are written; the schema
 * records the derivation so new rows are converted the same way.
 * Dropped with a note: all-missing columns; constant columns (one value and no missing cells: a
 * column with one value plus missing cells is kept, its missingness can carry signal); and, unless
 * named in `keep`:
 * - free text: a string column where at least half the values hold whitespace, values average
 *   at least 4 words, and distinct values are at least max(20, 20% of the non-missing rows);
 * - ID-like: a string column with every value distinct, or (from 20 non-missing rows) more than
 *   90% distinct; an integer row counter (all distinct and consecutive, from
 *   `MIN_ROWS_FOR_COUNTER` rows); a string or integer column named like an ID
 *   (`looksLikeIdName`). All-distinct integers that are not consecutive are kept: amounts
 *   and measurements are often all distinct yet meaningful.
 * A string column with more than 50 levels keeps its 50 most frequent and groups the rest as one
 * `(rare labels)` level (see `text-columns.ts` for why this rather than frequency encoding), unless
 * named in `keep`, which takes a column as it is.
 * Rows repeating an earlier row are kept, with a note and `Dataset.duplicateOf`.
 *
 * @throws AutomlError E_FILE_NOT_FOUND, E_FILE_READ, E_CSV_*, E_TARGET, E_DATA
 */
export function loadDataset(file: string, opts: DatasetOptions & LoadOptions): Dataset {
  const { onProgress, chunkSize, clock, delimiter } = opts;
  const csv = readCsvColumns(file, { delimiter, onProgress, chunkSize, clock });
  let ds: Dataset;
  try {
    ds = buildDataset(csv.raw, { ...opts, name: opts.name ?? basename(file, extname(file)) }, file);
  } catch (e) {
    const hint = delimiterHint(csv.raw.header, csv.delimiter);
    if (hint && e instanceof AutomlError) throw new AutomlError(e.code, `${e.message}; ${hint}`, e.details, { cause: e });
    throw e;
  }
  if (csv.delimiter === ',') return ds;
  return { ...ds, notes: [`fields separated by ${delimiterName(csv.delimiter)}${csv.detected ? ' (detected; --delimiter sets another)' : ''}`, ...ds.notes] };
}

/**
 * Options of {@link loadDataset} beyond the dataset's: how the file is read. `onProgress` is called
 * with the rows and bytes read so far when a load runs longer than a second (about every 250 ms,
 * and once at the end); `chunkSize` is the bytes read at a time (default 1 MiB).
 */
export type LoadOptions = Pick<StreamOptions, 'onProgress' | 'chunkSize' | 'clock'>;

/**
 * Builds a dataset from in-memory rows (objects keyed by column name) with the same rules as
 * {@link loadDataset}. Values may be strings (parsed like CSV cells), numbers, booleans, or
 * null/undefined (missing); a key absent from a row is missing. Columns are ordered by first
 * appearance.
 */
export function datasetFromRows(rows: readonly Record<string, unknown>[], opts: DatasetOptions): Dataset {
  const source = opts.name ?? 'rows';
  if (rows.length === 0) throw new AutomlError('E_DATA', `${source}: no rows given; pass at least one row`, { file: source });
  const header: string[] = [];
  const seen = new Set<string>();
  for (const r of rows) {
    for (const k of Object.keys(r)) {
      if (!seen.has(k)) {
        seen.add(k);
        header.push(k);
      }
    }
  }
  // Check every value before inferring anything, so a bad cell is reported whatever the column.
  const cells: Cell[][] = rows.map((r, i) => header.map((h) => toCell(r[h], source, i, h)));
  const raw: RawTable = {
    source,
    header,
    nRows: rows.length,
    cell: (i, j) => cells[i]![j],
    where: (i) => `rows[${i}]`,
  };
  return buildDataset(raw, { ...opts, name: source }, undefined);
}

function toCell(v: unknown, source: string, i: number, column: string): Cell {
  // Strings are trimmed like unquoted CSV values.
  if (typeof v === 'string') return v.trim();
  if (v === null || v === undefined || typeof v === 'number' || typeof v === 'boolean') return v;
  throw new AutomlError(
    'E_DATA',
    `${source}: rows[${i}].${column} is ${show(v)}, expected a string, number, boolean or null`,
    { file: source, row: i, column, value: v },
  );
}

/** Builds a dataset from any raw table: target first (it decides which rows stay), then features. */
export function buildDataset(raw: RawTable, opts: DatasetOptions & { name: string }, file: string | undefined): Dataset {
  if (opts.folds !== undefined && (!Number.isInteger(opts.folds) || opts.folds < 2)) {
    throw new AutomlError('E_CONFIG', `folds must be an integer of at least 2, got ${show(opts.folds)}`, { param: 'folds', value: opts.folds });
  }
  const tj = findTarget(raw, opts.target);
  const ignored = namedColumns(raw, opts.ignore, 'ignore', opts.target);
  const kept = namedColumns(raw, opts.keep, 'keep', opts.target);
  const { target, keep, notes } = encodeTarget(raw, tj, opts.task, opts.folds);
  if (ignored.size > 0) notes.unshift(`ignored column${ignored.size > 1 ? 's' : ''} ${[...ignored].map((h) => show(h)).join(', ')} (--ignore)`);
  const n = keep.length;
  const features: ColumnSchema[] = [];
  const columns: FeatureColumn[] = [];
  const taken = new Set(raw.header);

  for (let j = 0; j < raw.header.length; j++) {
    const name = raw.header[j]!;
    if (j === tj || ignored.has(name)) continue;
    const cell = (i: number): Cell => raw.cell(keep[i]!, j);
    const col = inferColumn(cell, n, heldOf(raw, j, keep));
    if (col.type === 'categorical') {
      const dates = detectDates(cell, n);
      if (dates.kind === 'date') {
        const all = dateSchemas(name, dates.order, dates.time, taken);
        const derived = deriveDateValues(all, cell, n).values;
        // A part that is the same on every row (one year, midnight everywhere) carries nothing: left out.
        const useful = all.map((_, k) => k).filter((k) => !isConstantColumn(derived[k]!));
        const schemas = useful.map((k) => all[k]!);
        useful.forEach((k) => (features.push(all[k]!), columns.push(derived[k]!), taken.add(all[k]!.name)));
        const form = dates.order === 'ymd' ? '' : dates.order === 'dmy' ? ', day first' : ', month first';
        const constant = all.filter((_, k) => !useful.includes(k)).map((s) => s.name.slice(name.length));
        notes.push(
          `column ${show(name)} holds dates${dates.time ? ' with times' : ''}${form}: replaced by numeric features ${schemas.map((s) => s.name.slice(name.length)).join(', ')}` +
            (constant.length > 0 ? ` (${constant.join(', ')} left out: the same on every row)` : ''),
        );
        continue;
      }
      if (dates.kind === 'ambiguous') {
        notes.push(`column ${show(name)} looks like dates but every value reads both day-first and month-first (e.g. ${show(dates.example)}); kept as categories: write the dates as YYYY-MM-DD to get date features`);
      }
    }
    const drop = dropReason(name, col, n, cell, kept.has(name));
    if (drop !== undefined) {
      notes.push(`dropped column ${show(name)}: ${drop}`);
      continue;
    }
    if (col.nonFinite > 0) {
      const first = keep[col.firstNonFinite]!;
      notes.push(
        `column ${show(name)}: ${col.nonFinite} non-finite value${col.nonFinite > 1 ? 's' : ''} (first ${show(labelOf(raw.cell(first, j)))} at ${raw.where(first)}) treated as missing`,
      );
    }
    const collapsed = col.type === 'categorical' && !kept.has(name) ? collapseLevels(col, name) : undefined;
    if (collapsed !== undefined) {
      notes.push(collapsed.note);
      features.push({ name, type: 'categorical', categories: collapsed.categories, other: collapsed.other });
      columns.push(collapsed.values);
      continue;
    }
    features.push(col.type === 'categorical' ? { name, type: col.type, categories: col.categories! } : { name, type: col.type });
    columns.push(col.values);
  }
  if (features.length === 0) {
    throw new AutomlError(
      'E_DATA',
      `${raw.source}: no usable feature columns besides the target ${show(target.name)}` +
        (notes.length > 0 ? ` (${notes.join('; ')})` : '') +
        '; add feature columns',
      { file: raw.source },
    );
  }
  const dup = duplicates(columns, target.values, (i) => raw.where(keep[i]!));
  if (dup !== undefined) notes.push(dup.note);
  return {
    name: opts.name,
    ...(file !== undefined ? { file } : {}),
    nRows: n,
    features,
    columns,
    target,
    notes,
    ...(dup !== undefined ? { duplicateOf: dup.duplicateOf } : {}),
  };
}

/**
 * The columns an `ignore` or `keep` option names, checked: each must be a column of the table
 * (else E_CONFIG with the closest name) and none the target.
 */
function namedColumns(raw: RawTable, names: readonly string[] | undefined, param: 'ignore' | 'keep', target: string): Set<string> {
  const out = new Set<string>();
  for (const name of names ?? []) {
    if (name === target) {
      throw new AutomlError('E_CONFIG', `${raw.source}: --${param} names the target column ${show(name)}; remove it from --${param} (choose another --target to leave this column out)`, { file: raw.source, param, column: name });
    }
    if (!raw.header.includes(name)) {
      const near = closestName(name, raw.header.filter((h) => h !== target));
      throw new AutomlError(
        'E_CONFIG',
        `${raw.source}: --${param} names ${show(name)}, which is not a column` + (near !== undefined ? `; did you mean ${show(near)}?` : '') + ` Columns: ${raw.header.map((h) => show(h)).join(', ')}`,
        { file: raw.source, param, column: name, suggestion: near },
      );
    }
    out.add(name);
  }
  return out;
}

/** Why a feature column is dropped, or undefined. `keep` (the user asked for it) skips the ID-like and free-text rules. */
/** True when every value of a derived column is the same number (missing values count as a value). */
function isConstantColumn(values: ArrayLike<number>): boolean {
  for (let i = 1; i < values.length; i++) if (!Object.is(values[i], values[0])) return false;
  return true;
}

/** True when every non-missing value of the column is the same (without counting distinct values of a numeric column). */
function singleValued(col: InferredColumn): boolean {
  if (col.type !== 'numeric') return col.distinct === 1;
  let first = NaN;
  for (const v of col.values) {
    if (v !== v) continue;
    if (first !== first) first = v;
    else if (v !== first) return false;
  }
  return first === first;
}

function dropReason(name: string, col: InferredColumn, n: number, cell: (i: number) => Cell, keep: boolean): string | undefined {
  if (col.missing === n) return 'every value is missing';
  if (col.missing === 0 && singleValued(col)) {
    for (let i = 0; i < n; i++) {
      const c = cell(i);
      if (!isMissing(c)) return `constant (every row is ${show(labelOf(c))})`;
    }
  }
  if (keep) return undefined;
  const hint = `; pass --keep ${show(name)} (API: keep) to use it anyway`;
  const idType = col.type === 'categorical' || (col.type === 'numeric' && col.integer);
  if (idType && looksLikeIdName(name)) return `ID-like (named like an identifier)${hint}`;
  const text = stringColumnDropReason(col, n, name);
  if (text !== undefined) return text;
  if (col.type === 'numeric' && col.consecutive && n >= MIN_ROWS_FOR_COUNTER) return `ID-like (distinct consecutive integers, a row counter)${hint}`;
  return undefined;
}

/**
 * Rows identical to an earlier row in every kept feature and the target: a note and, per row, the
 * first row of its group ({@link Dataset.duplicateOf}). Rows are hashed from their encoded values
 * (no per-row strings: this runs on every load) and hash collisions are confirmed value by value.
 */
function duplicates(
  columns: readonly FeatureColumn[],
  target: Float64Array,
  where: (i: number) => string,
): { note: string; duplicateOf: Int32Array } | undefined {
  const n = target.length;
  const all = [...columns, target];
  const f64 = new Float64Array(1);
  const u32 = new Uint32Array(f64.buffer);
  // Column by column, so each column is read in order.
  const hashes = new Int32Array(n).fill(0x811c9dc5 | 0);
  for (const col of all) {
    for (let i = 0; i < n; i++) {
      const v = col[i]!;
      // NaN has many bit patterns; give every missing value the same one.
      f64[0] = v !== v ? NaN : v;
      let h = Math.imul(hashes[i]! ^ u32[0]!, 0x01000193);
      h = Math.imul(h ^ u32[1]!, 0x01000193);
      hashes[i] = h;
    }
  }
  const same = (a: number, b: number): boolean => all.every((col) => Object.is(col[a], col[b]));
  // Open addressing over the rows seen so far (slot: row + 1, 0 empty); a row equal to a stored
  // one is a duplicate and is not stored itself.
  let size = 16;
  while (size < 2 * n) size *= 2;
  const slots = new Int32Array(size);
  const mask = size - 1;
  const duplicateOf = new Int32Array(n).fill(-1);
  let count = 0;
  let example = '';
  for (let i = 0; i < n; i++) {
    const h = hashes[i]!;
    let k = h & mask;
    let prev = -1;
    for (; slots[k] !== 0; k = (k + 1) & mask) {
      const r = slots[k]! - 1;
      if (hashes[r] === h && same(r, i)) {
        prev = r;
        break;
      }
    }
    if (prev < 0) slots[k] = i + 1;
    else {
      duplicateOf[i] = prev;
      if (count++ === 0) example = `${where(i)} repeats ${where(prev)}`;
    }
  }
  if (count === 0) return undefined;
  const note =
    `${count} row${count > 1 ? 's' : ''} duplicate${count > 1 ? '' : 's'} an earlier row (e.g. ${example}); kept. ` +
    'Cross-validation may put copies of one row in both training and validation folds, which makes CV scores look better than ' +
    'they are: remove the copies from the file if they are not real repeated observations';
  return { note, duplicateOf };
}
