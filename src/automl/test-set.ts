/**
 * A labelled test set read onto the training schema: features encoded exactly like the training
 * data (same categories, same column order) and the target mapped onto the training classes.
 */
import { AutomlError, show } from '../util/errors.js';
import { readCsv, featureRowsFromObjects, isMissing, parseNumber } from '../data/index.js';
import type { ColumnSchema, FeatureTable, TargetInfo } from '../data/types.js';

/** Test rows: features on the training schema and the encoded target. */
export interface LabeledTable {
  readonly source: string;
  readonly table: FeatureTable;
  /** Class indices of the training classes (classification) or values (regression). */
  readonly y: Float64Array;
  /** Rows dropped because their target was missing. */
  readonly dropped: number;
}

/**
 * Reads a labelled CSV (or rows) for scoring a model trained on `schema` / `target`.
 * @throws AutomlError E_TARGET when the target column is absent or holds a class the training data
 * never had; E_PREDICT_COLUMNS when feature columns are missing; any CSV error.
 */
export function readLabeledRows(data: string | readonly Record<string, unknown>[], schema: readonly ColumnSchema[], target: TargetInfo, delimiter?: string): LabeledTable {
  const source = typeof data === 'string' ? data : 'test rows';
  let header: string[];
  let records: { values: Record<string, unknown>; where: string }[];
  if (typeof data === 'string') {
    const csv = readCsv(data, delimiter !== undefined ? { delimiter } : {});
    header = csv.header;
    records = csv.rows.map((r, i) => ({ values: Object.fromEntries(header.map((h, j) => [h, r[j]])), where: `line ${csv.lineOf(i)}` }));
  } else {
    header = [...new Set(data.flatMap((r) => Object.keys(r)))];
    records = data.map((r, i) => ({ values: r, where: `rows[${i}]` }));
  }
  if (!header.includes(target.name)) {
    throw new AutomlError('E_TARGET', `${source}: no target column ${show(target.name)}; columns: ${header.join(', ')}`, { file: source, column: target.name });
  }
  const kept: Record<string, unknown>[] = [];
  const y: number[] = [];
  let dropped = 0;
  const classIndex = new Map<string, number>();
  target.classes?.forEach((c, i) => classIndex.set(c, i));
  for (const rec of records) {
    const cell = rec.values[target.name];
    if (isMissing(cell as never)) {
      dropped++;
      continue;
    }
    if (target.task === 'classification') {
      const label = String(cell).trim();
      let k = classIndex.get(label);
      if (k === undefined) {
        // "1.0" in the test file and "1" in training are the same class.
        const num = parseNumber(label);
        if (num !== undefined) k = target.classes!.findIndex((c) => parseNumber(c) === num);
      }
      if (k === undefined || k < 0) {
        throw new AutomlError('E_TARGET', `${source}: ${rec.where}: target ${show(label)} is not a class of the training data (${target.classes!.map((c) => show(c)).join(', ')})`, { file: source, column: target.name, value: label });
      }
      y.push(k);
    } else {
      const v = parseNumber(cell as never);
      if (v === undefined || !Number.isFinite(v)) {
        throw new AutomlError('E_TARGET', `${source}: ${rec.where}: target ${show(cell)} is not a finite number`, { file: source, column: target.name, value: cell });
      }
      y.push(v);
    }
    kept.push(rec.values);
  }
  if (kept.length === 0) throw new AutomlError('E_TARGET', `${source}: no row has a target value`, { file: source });
  return { source, table: featureRowsFromObjects(kept, schema, source), y: Float64Array.from(y), dropped };
}
