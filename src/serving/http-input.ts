/**
 * Request bodies of `POST /invocations` mapped onto a model's input schema, in the shapes MLflow's
 * scoring server accepts: `dataframe_split`, `dataframe_records`, `instances` / `inputs` (JSON)
 * and CSV with a header row. Every problem is an {@link HttpInputError} naming the row and column.
 *
 * Cell rules are `src/data`'s (`isMissing`, `parseNumber`, `parseBoolean`), so a request reads
 * like a CSV file: null, `""`, `"NA"`, `"NaN"`, `"null"`, `"?"` are missing; `"Infinity"`, `"inf"`
 * and overflowing literals (`1e400`) are missing too, as the CSV loader stores non-finite numbers.
 * Where `automl predict` turns a value that is not a number into missing with a note, the server
 * refuses it: an HTTP client has no notes channel, and a silent missing value would hide its bug.
 */
import { parseCsv } from '../data/csv.js';
import type { ColumnSchema, FeatureColumn, FeatureTable } from '../data/types.js';
import { MISSING_CODE, UNSEEN_CODE } from '../data/types.js';
import { closestName, isMissing, labelOf, parseBoolean, parseNumber } from '../data/values.js';
import { isAutomlError, show } from '../util/errors.js';
import { readCoverage } from './model-file.js';
import { inputName, withDerivedColumns } from '../data/dates.js';

/** MLflow-style error codes the server answers with. */
export type HttpErrorCode = 'BAD_REQUEST' | 'RESOURCE_LIMIT_EXCEEDED' | 'ENDPOINT_NOT_FOUND' | 'TEMPORARILY_UNAVAILABLE' | 'INTERNAL_ERROR';

/** A request the server refuses: the HTTP status and the JSON body `{ error_code, message, row?, column? }`. */
export class HttpInputError extends Error {
  override readonly name = 'HttpInputError';
  constructor(
    readonly status: number,
    readonly errorCode: HttpErrorCode,
    message: string,
    /** 0-based data row the problem is in, when there is one. */
    readonly row?: number,
    /** Column name the problem is in, when there is one. */
    readonly column?: string,
  ) {
    super(message);
  }

  /** The response body. */
  body(): { error_code: HttpErrorCode; message: string; row?: number; column?: string } {
    return { error_code: this.errorCode, message: this.message, ...(this.row !== undefined ? { row: this.row } : {}), ...(this.column !== undefined ? { column: this.column } : {}) };
  }
}

/** Size limits of one request, beyond the body size that Fastify enforces. */
export interface InputLimits {
  readonly maxRows: number;
  readonly maxColumns: number;
}

/** A request mapped onto the schema. */
export interface ParsedInput {
  readonly table: FeatureTable;
  /** The `params` object of a JSON request (MLflow 2), or {} */
  readonly params: Readonly<Record<string, unknown>>;
  readonly format: 'dataframe_split' | 'dataframe_records' | 'instances' | 'inputs' | 'csv';
  /** Categorical cells holding a label not seen in training (encoded as unseen, not refused). */
  readonly unseen: number;
  /** Numeric cells holding an infinity (read as missing). */
  readonly nonFinite: number;
}

/** Rows as the parser found them, before they are mapped onto the schema. */
interface RowSource {
  readonly n: number;
  readonly header: readonly string[];
  cell(i: number, j: number): unknown;
  /** Where row i is, for messages: `dataframe_split.data[3]`, `line 5`. */
  where(i: number): string;
}

const FORMAT_KEYS = ['dataframe_split', 'dataframe_records', 'instances', 'inputs'] as const;
const bad = (message: string, row?: number, column?: string): HttpInputError => new HttpInputError(400, 'BAD_REQUEST', message, row, column);
const tooLarge = (message: string): HttpInputError => new HttpInputError(413, 'RESOURCE_LIMIT_EXCEEDED', message);

/** What a JSON value is, in words, without serialising it (it may be nested 100,000 deep). */
function kindOf(v: unknown): string {
  if (Array.isArray(v)) return 'an array';
  if (v === null) return 'null';
  if (typeof v === 'object') return 'an object';
  return typeof v === 'string' ? show(v, 40) : String(v);
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Maps a parsed JSON body onto `schema`.
 * @throws HttpInputError 400 for a body of the wrong shape or a cell of the wrong type, 413 past `limits`.
 */
export function parseJsonInput(body: unknown, schema: readonly ColumnSchema[], limits: InputLimits): ParsedInput {
  if (!isPlainObject(body)) {
    throw bad(`expected a JSON object with one of the keys ${FORMAT_KEYS.join(', ')}, got ${kindOf(body)}`);
  }
  const keys = Object.keys(body);
  const unknown = keys.filter((k) => k !== 'params' && !(FORMAT_KEYS as readonly string[]).includes(k));
  if (unknown.length > 0) throw bad(`unknown key${unknown.length > 1 ? 's' : ''} ${unknown.slice(0, 5).map((k) => show(k, 40)).join(', ')} in the request; known keys: ${FORMAT_KEYS.join(', ')}, params`);
  const formats = FORMAT_KEYS.filter((k) => k in body);
  if (formats.length !== 1) {
    throw bad(formats.length === 0 ? `the request has no input: give one of ${FORMAT_KEYS.join(', ')}` : `give only one of ${formats.join(', ')} in a request`);
  }
  const format = formats[0]!;
  let params: Record<string, unknown> = {};
  if (body.params !== undefined) {
    if (!isPlainObject(body.params)) throw bad(`params must be an object like {"proba": true}, got ${kindOf(body.params)}`);
    params = body.params;
  }
  const value = body[format];
  const source =
    format === 'dataframe_split' ? splitSource(value, limits) : format === 'dataframe_records' ? recordsSource(value, format, limits) : instancesSource(value, format, schema, limits);
  return { ...toTable(source, schema, limits), params, format };
}

/**
 * Maps a CSV body (header row first) onto `schema`.
 * @throws HttpInputError 400 naming the line for a malformed CSV or a cell of the wrong type, 413 past `limits`.
 */
export function parseCsvInput(body: Buffer | string, schema: readonly ColumnSchema[], limits: InputLimits): ParsedInput {
  let csv;
  try {
    csv = parseCsv(body, 'request body');
  } catch (e) {
    if (isAutomlError(e)) throw bad(e.message, typeof e.details.row === 'number' ? e.details.row : undefined);
    throw e;
  }
  checkWidth(csv.header.length, limits);
  const source: RowSource = { n: csv.rows.length, header: csv.header, cell: (i, j) => csv.rows[i]![j], where: (i) => `line ${csv.lineOf(i)}` };
  return { ...toTable(source, schema, limits), params: {}, format: 'csv' };
}

function checkRows(n: number, limits: InputLimits): void {
  if (n === 0) throw bad('the request has no rows');
  if (n > limits.maxRows) throw tooLarge(`the request has ${n} rows, more than the limit of ${limits.maxRows} per request (--max-rows); split it`);
}

function checkWidth(n: number, limits: InputLimits): void {
  if (n > limits.maxColumns) throw tooLarge(`the request has ${n} columns, more than the limit of ${limits.maxColumns} (--max-columns); send only the columns the model needs (GET /metadata lists them)`);
}

function splitSource(v: unknown, limits: InputLimits): RowSource {
  if (!isPlainObject(v)) throw bad(`dataframe_split must be an object {"columns": [...], "data": [[...], ...]}, got ${kindOf(v)}`);
  for (const k of Object.keys(v)) if (k !== 'columns' && k !== 'data' && k !== 'index') throw bad(`dataframe_split has an unknown key ${show(k, 40)}; known keys: columns, data, index`);
  const { columns, data } = v;
  if (!Array.isArray(columns)) throw bad(`dataframe_split.columns must be an array of column names, got ${kindOf(columns)}`);
  checkWidth(columns.length, limits);
  const seen = new Set<string>();
  columns.forEach((c, j) => {
    if (typeof c !== 'string') throw bad(`dataframe_split.columns[${j}] must be a column name (a string), got ${kindOf(c)}`);
    if (seen.has(c)) throw bad(`dataframe_split.columns names ${show(c, 40)} twice`, undefined, c);
    seen.add(c);
  });
  if (!Array.isArray(data)) throw bad(`dataframe_split.data must be an array of rows, got ${kindOf(data)}`);
  checkRows(data.length, limits);
  for (let i = 0; i < data.length; i++) {
    const row: unknown = data[i];
    if (!Array.isArray(row)) throw bad(`row ${i} (dataframe_split.data[${i}]) must be an array of ${columns.length} values, got ${kindOf(row)}`, i);
    if (row.length !== columns.length) throw bad(`row ${i} (dataframe_split.data[${i}]) has ${row.length} values, expected ${columns.length} like dataframe_split.columns`, i);
  }
  const rows = data as unknown[][];
  return { n: rows.length, header: columns as string[], cell: (i, j) => rows[i]![j], where: (i) => `dataframe_split.data[${i}]` };
}

/** Rows as objects keyed by column; a key absent from a record is a missing value (as pandas reads records). */
function recordsSource(v: unknown, key: string, limits: InputLimits): RowSource {
  if (!Array.isArray(v)) throw bad(`${key} must be an array of objects {"column": value, ...}, got ${kindOf(v)}`);
  checkRows(v.length, limits);
  const header: string[] = [];
  const position = new Map<string, number>();
  for (let i = 0; i < v.length; i++) {
    const r: unknown = v[i];
    if (!isPlainObject(r)) throw bad(`row ${i} (${key}[${i}]) must be an object {"column": value, ...}, got ${kindOf(r)}`, i);
    for (const k in r) {
      if (!position.has(k)) {
        position.set(k, header.length);
        header.push(k);
        checkWidth(header.length, limits);
      }
    }
  }
  const rows = v as Record<string, unknown>[];
  // Own keys only: a record without a "constructor" key must not read Object.prototype's.
  const cell = (i: number, j: number): unknown => {
    const r = rows[i]!;
    const k = header[j]!;
    return Object.hasOwn(r, k) ? r[k] : undefined;
  };
  return { n: rows.length, header, cell, where: (i) => `${key}[${i}]` };
}

/**
 * `instances` / `inputs` (MLflow's TF-serving style): records, rows of values in the model's
 * column order, scalars for a one-column model, or one object of columns {"col": [values]}.
 */
function instancesSource(v: unknown, key: string, schema: readonly ColumnSchema[], limits: InputLimits): RowSource {
  if (isPlainObject(v)) return columnarSource(v, key, limits);
  if (!Array.isArray(v)) throw bad(`${key} must be an array of rows or an object of columns, got ${kindOf(v)}`);
  checkRows(v.length, limits);
  const first: unknown = v[0];
  if (isPlainObject(first)) return recordsSource(v, key, limits);
  const names = schema.map((c) => c.name);
  if (Array.isArray(first)) {
    for (let i = 0; i < v.length; i++) {
      const row: unknown = v[i];
      if (!Array.isArray(row)) throw bad(`row ${i} (${key}[${i}]) must be an array like ${key}[0], got ${kindOf(row)}`, i);
      if (row.length !== names.length) {
        throw bad(`row ${i} (${key}[${i}]) has ${row.length} values, expected ${names.length}: rows given as arrays hold every input column in the model's order (${names.slice(0, 10).map((n) => show(n, 30)).join(', ')}${names.length > 10 ? ', ...' : ''}; see GET /metadata)`, i);
      }
    }
    const rows = v as unknown[][];
    return { n: rows.length, header: names, cell: (i, j) => rows[i]![j], where: (i) => `${key}[${i}]` };
  }
  if (names.length !== 1) throw bad(`${key}[0] is a single value, but the model needs ${names.length} columns: send objects {"column": value} or arrays in the model's column order`, 0);
  return { n: v.length, header: names, cell: (i) => v[i], where: (i) => `${key}[${i}]` };
}

function columnarSource(v: Record<string, unknown>, key: string, limits: InputLimits): RowSource {
  const header = Object.keys(v);
  checkWidth(header.length, limits);
  if (header.length === 0) throw bad(`${key} is an empty object: it has no columns`);
  const cols = header.map((h) => {
    const c = v[h];
    if (!Array.isArray(c)) throw bad(`${key}.${h} must be an array of the column's values, got ${kindOf(c)}`, undefined, h);
    return c as unknown[];
  });
  const n = cols[0]!.length;
  checkRows(n, limits);
  cols.forEach((c, j) => {
    if (c.length !== n) throw bad(`${key}.${header[j]} has ${c.length} values, but ${key}.${header[0]} has ${n}: every column needs one value per row`, undefined, header[j]);
  });
  return { n, header, cell: (i, j) => cols[j]![i], where: (i) => `row ${i}` };
}

/** Maps rows onto the schema: columns by name, cells by the column's type; extra columns are ignored. */
function toTable(input: RowSource, schema: readonly ColumnSchema[], limits: InputLimits): { table: FeatureTable; unseen: number; nonFinite: number } {
  checkRows(input.n, limits);
  // Date features are computed from their source column (NaN where a value is not a date).
  const view = withDerivedColumns(input.header, input.n, input.cell, input.where, schema);
  const src: RowSource = { ...input, header: view.header, cell: view.cell };
  const position = new Map<string, number>();
  src.header.forEach((h, j) => position.set(h, j));
  const absent = [...new Set(schema.filter((c) => !position.has(c.name)).map(inputName))];
  if (absent.length > 0) {
    const wanted = new Set(schema.map(inputName));
    const others = src.header.filter((h) => !wanted.has(h));
    const hints = absent.slice(0, 20).map((a) => {
      const near = others.length <= 1000 ? closestName(a, others, Math.max(2, Math.floor(a.length / 3))) : undefined;
      return near !== undefined ? `${show(a, 40)} (found ${show(near, 40)}?)` : show(a, 40);
    });
    throw bad(`missing column${absent.length > 1 ? 's' : ''} the model needs: ${hints.join(', ')}${absent.length > 20 ? `, and ${absent.length - 20} more` : ''}`, undefined, absent[0]);
  }
  let unseen = 0;
  let nonFinite = 0;
  const n = src.n;
  const columns: FeatureColumn[] = schema.map((c) => {
    const j = position.get(c.name)!;
    const refuse = (i: number, v: unknown, expected: string): HttpInputError =>
      bad(`row ${i} (${src.where(i)}), column ${show(c.name, 40)}: expected ${expected}, got ${kindOf(v)}`, i, c.name);
    if (c.type === 'categorical') {
      const index = new Map((c.categories ?? []).map((label, k) => [label, k]));
      const otherCode = c.other !== undefined ? index.get(c.other) : undefined;
      const codes = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        let v = src.cell(i, j);
        if (typeof v === 'string') v = v.trim();
        else if (v !== null && v !== undefined && typeof v !== 'number' && typeof v !== 'boolean') throw refuse(i, v, 'a category label');
        if (isMissing(v as string | number | boolean | null | undefined)) codes[i] = MISSING_CODE;
        else {
          const k = index.get(labelOf(v as string | number | boolean)) ?? otherCode;
          if (k === undefined) unseen++;
          codes[i] = k ?? UNSEEN_CODE;
        }
      }
      return codes;
    }
    const numeric = c.type === 'numeric';
    const values = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const v = src.cell(i, j);
      if (v === null || v === undefined) {
        values[i] = NaN;
        continue;
      }
      if (typeof v === 'object') throw refuse(i, v, numeric ? 'a number' : 'true or false');
      if (numeric && typeof v === 'boolean') throw refuse(i, v, 'a number');
      if (isMissing(v as string | number)) {
        values[i] = NaN;
        continue;
      }
      const x = numeric ? parseNumber(v as string | number) : parseBoolean(v as string | boolean);
      if (x === undefined) throw refuse(i, v, numeric ? 'a number' : 'true or false (or yes/no, y/n, t/f)');
      if (Number.isFinite(x)) values[i] = x;
      else {
        values[i] = NaN;
        nonFinite++;
      }
    }
    return values;
  });
  return { table: { nRows: n, features: schema.map((c) => ({ ...c })), columns, notes: [] }, unseen, nonFinite };
}

/** Reads the `proba` flag from the query string or `params` (MLflow clients cannot add flags otherwise). */
export function wantsProba(query: unknown, params: Readonly<Record<string, unknown>>): boolean {
  const q = isPlainObject(query) ? query.proba : undefined;
  const flag = (v: unknown, where: string): boolean => {
    if (v === undefined) return false;
    if (v === true || v === 'true' || v === '1' || v === '') return true;
    if (v === false || v === 'false' || v === '0') return false;
    throw bad(`${where} must be true or false, got ${kindOf(v)}`);
  };
  return flag(q, 'the query parameter proba') || flag(params.proba, 'params.proba');
}

/**
 * Reads the `interval` request from the query string (`?interval=0.9`, `?interval` alone for 0.95)
 * or `params` (`"interval": 0.9` or `true`): the coverage of the prediction interval asked for, or
 * null when none is.
 */
export function wantsInterval(query: unknown, params: Readonly<Record<string, unknown>>): number | null {
  const read = (v: unknown, where: string): number | null => {
    if (v === undefined || v === false || v === 'false') return null;
    if (v === true || v === '' || v === 'true') return 0.95;
    const c = readCoverage(v);
    if (c === null) throw bad(`${where} must be the share of the predictive distribution to cover, between 0 and 1 (e.g. 0.9), or true for 0.95; got ${kindOf(v)}`);
    return c;
  };
  return read(isPlainObject(query) ? query.interval : undefined, 'the query parameter interval') ?? read(params.interval, 'params.interval');
}
