/**
 * Columns that describe rows rather than predict: `--groups <col>` (rows sharing a value belong
 * together: a patient, a customer) and `--time-column <col>` (when each row happened). Neither is
 * a feature; loading reads them aside, one value per kept row, and builds the dataset without them.
 */
import { basename, extname } from 'node:path';
import { AutomlError, show } from '../util/errors.js';
import { isMissing, parseNumber, type Cell, type Dataset, type LoadOptions } from '../data/index.js';
import { readCsvColumns } from '../data/csv-load.js';
import { buildDataset } from '../data/dataset.js';
import { encodeTarget, findTarget, type RawTable } from '../data/target.js';
import type { DatasetOptions } from '../data/types.js';

/** The role columns a search names (null: none). */
export interface RowRoleNames {
  readonly groups: string | null;
  readonly timeColumn: string | null;
}

/** The dataset without its role columns, and their values for each of its rows. */
export interface RoleData {
  readonly dataset: Dataset;
  /** A group code per dataset row (codes number the distinct labels in order of appearance). */
  readonly groups: Int32Array | null;
  /** The dataset's rows from earliest to latest (ties keep file order). */
  readonly timeOrder: Int32Array | null;
}

/** Loads `data` (a CSV path or rows) with its role columns read aside; see the file comment. */
export function loadWithRoles(data: string | readonly Record<string, unknown>[], o: DatasetOptions & LoadOptions, roles: RowRoleNames): RoleData {
  const raw = typeof data === 'string' ? readCsvColumns(data, { delimiter: o.delimiter, onProgress: o.onProgress }).raw : rowsTable(data, o.name ?? 'rows');
  const tj = findTarget(raw, o.target);
  const roleIndex = (name: string | null, flag: string): number => {
    if (name === null) return -1;
    const j = raw.header.indexOf(name);
    if (j < 0) throw new AutomlError('E_CONFIG', `${raw.source}: ${flag} ${show(name)} is not a column (columns: ${raw.header.map((h) => show(h)).join(', ')}); give one of them`, { file: raw.source, param: flag, value: name });
    if (j === tj) throw new AutomlError('E_CONFIG', `${flag} ${show(name)} is the target; give another column`, { param: flag, value: name });
    return j;
  };
  const gj = roleIndex(roles.groups, '--groups');
  const timej = roleIndex(roles.timeColumn, '--time-column');
  if (gj >= 0 && gj === timej) throw new AutomlError('E_CONFIG', `--groups and --time-column both name ${show(roles.groups)}; give two different columns`, { param: '--time-column', value: roles.timeColumn });
  // The rows the dataset keeps (those with a target), as loading decides them.
  const { keep } = encodeTarget(raw, tj, o.task, undefined);
  const drop = new Set([gj, timej].filter((j) => j >= 0));
  const cols = raw.header.map((_, j) => j).filter((j) => !drop.has(j));
  const view: RawTable = { source: raw.source, header: cols.map((j) => raw.header[j]!), nRows: raw.nRows, cell: (i, j) => raw.cell(i, cols[j]!), where: raw.where };
  const name = o.name ?? (typeof data === 'string' ? basename(data, extname(data)) : 'rows');
  const dataset = buildDataset(view, { ...o, name }, typeof data === 'string' ? data : undefined);
  return {
    dataset,
    groups: gj >= 0 ? groupCodes(raw, gj, keep) : null,
    timeOrder: timej >= 0 ? timeOrder(raw, timej, keep) : null,
  };
}

function rowsTable(rows: readonly Record<string, unknown>[], source: string): RawTable {
  const header: string[] = [];
  const seen = new Set<string>();
  for (const r of rows) for (const k of Object.keys(r)) if (!seen.has(k)) seen.add(k) && header.push(k);
  const cell = (i: number, j: number): Cell => {
    const v = rows[i]![header[j]!];
    if (typeof v === 'string') return v.trim();
    if (v === null || v === undefined || typeof v === 'number' || typeof v === 'boolean') return v;
    throw new AutomlError('E_DATA', `${source}: rows[${i}].${header[j]} is ${show(v)}, expected a string, number, boolean or null`, { file: source, row: i, column: header[j]!, value: v });
  };
  return { source, header, nRows: rows.length, cell, where: (i) => `rows[${i}]` };
}

function missingRole(raw: RawTable, j: number, row: number, flag: string): AutomlError {
  return new AutomlError('E_DATA', `${raw.source}: ${flag} column ${show(raw.header[j])} is missing at ${raw.where(row)}; every row needs one (fill it in or drop the row)`, { file: raw.source, column: raw.header[j]!, row });
}

function groupCodes(raw: RawTable, j: number, keep: Int32Array): Int32Array {
  const codes = new Int32Array(keep.length);
  const index = new Map<string, number>();
  for (let i = 0; i < keep.length; i++) {
    const c = raw.cell(keep[i]!, j);
    if (isMissing(c)) throw missingRole(raw, j, keep[i]!, '--groups');
    const label = typeof c === 'string' ? c : String(c);
    let k = index.get(label);
    if (k === undefined) index.set(label, (k = index.size));
    codes[i] = k;
  }
  return codes;
}

/** Rows ordered by the time column: numbers, or dates (anything Date.parse reads, e.g. ISO 8601). */
function timeOrder(raw: RawTable, j: number, keep: Int32Array): Int32Array {
  const t = new Float64Array(keep.length);
  let asNumbers = true;
  for (let i = 0; i < keep.length && asNumbers; i++) {
    const c = raw.cell(keep[i]!, j);
    if (isMissing(c)) throw missingRole(raw, j, keep[i]!, '--time-column');
    const v = parseNumber(c);
    if (v === undefined || !Number.isFinite(v)) asNumbers = false;
    else t[i] = v;
  }
  if (!asNumbers) {
    for (let i = 0; i < keep.length; i++) {
      const c = raw.cell(keep[i]!, j);
      if (isMissing(c)) throw missingRole(raw, j, keep[i]!, '--time-column');
      const v = Date.parse(String(c));
      if (!Number.isFinite(v)) {
        throw new AutomlError('E_DATA', `${raw.source}: --time-column ${show(raw.header[j])} has ${show(c)} at ${raw.where(keep[i]!)}, neither a number nor a date; use numbers or dates such as 2024-03-01`, { file: raw.source, column: raw.header[j]!, row: keep[i]!, value: c });
      }
      t[i] = v;
    }
  }
  return Int32Array.from(Array.from({ length: keep.length }, (_, i) => i).sort((a, b) => t[a]! - t[b]! || a - b));
}
