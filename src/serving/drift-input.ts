/**
 * New data for a drift check, read column by column from a CSV file or in-memory rows with the
 * same cell rules as training and `predict` (missing tokens, number and boolean parsing), but
 * keeping the raw labels, so unseen categories can be named.
 */
import { AutomlError, show } from '../util/errors.js';
import { readCsv } from '../data/csv.js';
import type { ColumnType } from '../data/types.js';
import { isMissing, parseBoolean, parseNumber, type Cell } from '../data/values.js';
import { labelOf } from '../data/values.js';

/** A rectangular view of new data. */
export interface RawRows {
  /** File path or "rows", for messages. */
  readonly source: string;
  readonly header: readonly string[];
  readonly nRows: number;
  cell(row: number, col: number): Cell;
  /** Where a row came from, for messages: "line 7" or "rows[6]". */
  where(row: number): string;
}

/** Reads a CSV file (any E_FILE_* or E_CSV_* error of the reader). */
export function rawFromCsv(file: string, delimiter?: string): RawRows {
  const csv = readCsv(file, delimiter !== undefined ? { delimiter } : {});
  return { source: file, header: csv.header, nRows: csv.rows.length, cell: (i, j) => csv.rows[i]![j], where: (i) => `line ${csv.lineOf(i)}` };
}

/**
 * In-memory rows (objects keyed by column name): a key absent from a row, null, or a value that is
 * neither string, number nor boolean counts as missing; strings are trimmed, as `predict` does.
 */
export function rawFromObjects(rows: readonly Record<string, unknown>[], source = 'rows'): RawRows {
  const header: string[] = [];
  const seen = new Set<string>();
  for (const r of rows) {
    for (const k of Object.keys(r)) {
      if (!seen.has(k)) (seen.add(k), header.push(k));
    }
  }
  return {
    source,
    header,
    nRows: rows.length,
    cell: (i, j) => {
      const v = rows[i]![header[j]!];
      if (typeof v === 'string') return v.trim();
      return typeof v === 'number' || typeof v === 'boolean' ? v : null;
    },
    where: (i) => `${source}[${i}]`,
  };
}

/**
 * Positions of `names` in the data's header.
 * @throws AutomlError E_PREDICT_COLUMNS naming every column the data lacks.
 */
export function columnPositions(raw: RawRows, names: readonly string[]): number[] {
  const position = new Map(raw.header.map((h, j) => [h, j]));
  const absent = names.filter((n) => !position.has(n));
  if (absent.length > 0) {
    throw new AutomlError(
      'E_PREDICT_COLUMNS',
      `${raw.source}: missing column${absent.length > 1 ? 's' : ''} the model was trained on: ${absent.map((a) => show(a)).join(', ')} (present: ${raw.header.map((h) => show(h)).join(', ')})`,
      { file: raw.source, columns: absent },
    );
  }
  return names.map((n) => position.get(n)!);
}

/** A numeric column's new values. */
export interface NumericValues {
  readonly kind: 'numeric';
  /** The finite values, in row order. */
  readonly values: Float64Array;
  /** Missing cells, plus the invalid ones. */
  readonly missing: number;
  /** Cells that are not a finite number (counted as missing, as `predict` treats them). */
  readonly invalid: number;
}

/** A categorical or boolean column's new labels. */
export interface LabelValues {
  readonly kind: 'labels';
  readonly counts: Map<string, number>;
  readonly nonMissing: number;
  readonly missing: number;
  /** Boolean columns: cells that are not true/false tokens (counted as missing). */
  readonly invalid: number;
}

/** Reads column `j` as a column of the given training type. */
export function readColumn(raw: RawRows, j: number, type: ColumnType): NumericValues | LabelValues {
  const n = raw.nRows;
  let missing = 0;
  let invalid = 0;
  if (type === 'numeric') {
    const values: number[] = [];
    for (let i = 0; i < n; i++) {
      const c = raw.cell(i, j);
      if (isMissing(c)) {
        missing++;
        continue;
      }
      const x = parseNumber(c);
      if (x === undefined || !Number.isFinite(x)) (invalid++, missing++);
      else values.push(x);
    }
    return { kind: 'numeric', values: Float64Array.from(values), missing, invalid };
  }
  const counts = new Map<string, number>();
  for (let i = 0; i < n; i++) {
    const c = raw.cell(i, j);
    if (isMissing(c)) {
      missing++;
      continue;
    }
    let label: string;
    if (type === 'boolean') {
      const b = parseBoolean(c);
      if (b === undefined) {
        invalid++;
        missing++;
        continue;
      }
      label = b === 1 ? 'true' : 'false';
    } else label = labelOf(c);
    counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  return { kind: 'labels', counts, nonMissing: n - missing, missing, invalid };
}
