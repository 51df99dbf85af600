/**
 * Loading a CSV file into typed columns (see `csv-columns.ts`) exposed as a {@link RawTable}, the
 * form `buildDataset` reads. Used by `loadDataset`.
 */
import { ColumnStore } from './csv-columns.js';
import { noRows, raggedError } from './csv.js';
import type { StreamOptions } from './csv-stream.js';
import { streamCsvFile } from './csv-stream.js';
import type { RawTable } from './target.js';

/** A CSV file held as typed columns. */
export interface ColumnarCsv {
  readonly raw: RawTable;
  readonly delimiter: string;
  /** True when the delimiter was detected rather than given. */
  readonly detected: boolean;
  /** Bytes held by the column arrays (labels not counted). */
  readonly bytes: number;
}

/** Reads a CSV file into typed columns. Throws E_FILE_NOT_FOUND, E_FILE_READ or any E_CSV_* code. */
export function readCsvColumns(file: string, opts: StreamOptions = {}): ColumnarCsv {
  const r = streamCsvFile(file, opts, (h) => new ColumnStore(h.header.length, h.expectRows));
  const store = r.sink;
  if (store.ragged) throw raggedError(file, r.header, store.ragged, r.delimiter);
  if (store.nRows === 0) throw noRows(file);
  const raw: RawTable = {
    source: file,
    header: r.header,
    nRows: store.nRows,
    cell: (i, j) => store.cell(i, j),
    held: (j) => store.held(j),
    where: (i) => `line ${store.lineOf(i)}`,
  };
  return { raw, delimiter: r.delimiter, detected: r.detected, bytes: store.bytes() };
}
