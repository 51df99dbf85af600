/**
 * Whole-dataset operations: row subsets (train/test splits), shared-memory copies for worker
 * threads, and content fingerprints.
 */
import { createHash } from 'node:crypto';
import { AutomlError, show } from '../util/errors.js';
import { readBytes } from './csv.js';
import type { Dataset, FeatureColumn, FeatureTable } from './types.js';

/**
 * A new dataset holding the given rows, in the given order (repeats allowed). Schemas, class
 * labels and notes are kept, so codes stay comparable with the parent's. `shared`: the arrays are
 * allocated in SharedArrayBuffers (as {@link toShared} would copy them, without the extra copy).
 * @throws AutomlError E_DATA when a row index is out of range.
 */
export function subsetRows(dataset: Dataset, rows: Int32Array, shared = false): Dataset {
  for (let k = 0; k < rows.length; k++) {
    const r = rows[k]!;
    if (!(r >= 0 && r < dataset.nRows)) {
      throw new AutomlError('E_DATA', `subsetRows: row index ${show(r)} at position ${k} is outside 0..${dataset.nRows - 1} of dataset ${show(dataset.name)}`, {
        row: r,
      });
    }
  }
  // Shared: one SharedArrayBuffer for every column (see sharedSlab).
  const slab = shared ? sharedSlab([...dataset.columns, dataset.target.values], rows.length) : null;
  const pick = <T extends FeatureColumn>(col: T, j: number): T => (slab ? gather(col, rows, slab[j] as T) : takeRows(col, rows));
  // Duplicate groups index the parent's rows: they do not carry over.
  const { duplicateOf: _groups, ...rest } = dataset;
  return {
    ...rest,
    nRows: rows.length,
    columns: dataset.columns.map(pick),
    target: { ...dataset.target, values: pick(dataset.target.values, dataset.columns.length) },
  };
}

/**
 * Empty arrays of `n` values, one per column of the same element type as `like`'s, as views into
 * one SharedArrayBuffer: one block for the whole shared table rather than one allocation per
 * column, for the reason the loader's columns are one block (csv-columns.ts, heldSlab). Views of
 * a shared block are safe to post: workers share the block, nothing is copied.
 */
function sharedSlab(like: readonly FeatureColumn[], n: number): FeatureColumn[] {
  const offsets: number[] = [];
  let bytes = 0;
  for (const c of like) {
    offsets.push(bytes);
    bytes += Math.ceil((n * c.BYTES_PER_ELEMENT) / 8) * 8;
  }
  const buf = new SharedArrayBuffer(bytes);
  return like.map((c, j) => (c instanceof Int32Array ? new Int32Array(buf, offsets[j], n) : new Float64Array(buf, offsets[j], n)));
}

function gather<T extends FeatureColumn>(col: T, rows: Int32Array, out: T): T {
  for (let k = 0; k < rows.length; k++) out[k] = col[rows[k]!]!;
  return out;
}

/** The values of `col` at `rows`, in that order, in a new array (over a SharedArrayBuffer when `shared`). */
export function takeRows<T extends FeatureColumn>(col: T, rows: Int32Array, shared = false): T {
  const bytes = rows.length * col.BYTES_PER_ELEMENT;
  const buf = shared ? new SharedArrayBuffer(bytes) : new ArrayBuffer(bytes);
  return gather(col, rows, (col instanceof Int32Array ? new Int32Array(buf) : new Float64Array(buf)) as T);
}

/** Copies an array into a SharedArrayBuffer of the same element type. */
function shareArray<T extends FeatureColumn>(a: T): T {
  const buf = new SharedArrayBuffer(a.byteLength);
  const out = (a instanceof Int32Array ? new Int32Array(buf) : new Float64Array(buf)) as T;
  out.set(a);
  return out;
}

/**
 * The same dataset with every column array (and the target values) copied into a
 * SharedArrayBuffer. The result is structured-clone safe: posting it to a worker thread shares the
 * memory instead of copying it. Treat it as read-only: every thread sees a write.
 */
export function toShared<T extends FeatureTable>(dataset: T): T {
  const out: FeatureTable = { ...dataset, columns: dataset.columns.map(shareArray) };
  if ('target' in dataset) {
    const d = dataset as unknown as Dataset;
    return { ...out, target: { ...d.target, values: shareArray(d.target.values) } } as unknown as T;
  }
  return out as T;
}

/** True when every array of the dataset is backed by a SharedArrayBuffer. */
export function isShared(dataset: FeatureTable): boolean {
  const cols: FeatureColumn[] = [...dataset.columns];
  if ('target' in dataset) cols.push((dataset as Dataset).target.values);
  return cols.every((c) => c.buffer instanceof SharedArrayBuffer);
}

/**
 * SHA-256 (hex) of a dataset's content, or of a file's bytes when given a path. The dataset form
 * covers the schema, the values and the target, not the name, file path or notes, so the same data
 * loaded from two places has one fingerprint.
 */
export function datasetFingerprint(source: Dataset | string): string {
  const h = createHash('sha256');
  if (typeof source === 'string') {
    h.update(readBytes(source));
    return h.digest('hex');
  }
  h.update(
    JSON.stringify({
      nRows: source.nRows,
      features: source.features,
      target: { name: source.target.name, task: source.target.task, classes: source.target.classes ?? null },
    }),
  );
  for (const col of source.columns) h.update(bytesOf(col));
  h.update(bytesOf(source.target.values));
  return h.digest('hex');
}

function bytesOf(a: FeatureColumn): Uint8Array {
  // Hash a copy's bytes: a view over a SharedArrayBuffer cannot be passed to hash.update directly.
  const copy = a instanceof Int32Array ? Int32Array.from(a) : Float64Array.from(a);
  return new Uint8Array(copy.buffer, 0, copy.byteLength);
}
