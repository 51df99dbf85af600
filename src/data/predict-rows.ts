/**
 * Mapping new data onto a fitted schema, for `automl predict` and `automl serve`: the columns come
 * out in the schema's order with the schema's encodings, whatever order the input has.
 */
import { AutomlError, show } from '../util/errors.js';
import { parseCsv, readCsv, type CsvTable } from './csv.js';
import type { ColumnSchema, FeatureColumn, FeatureTable } from './types.js';
import { MISSING_CODE, UNSEEN_CODE } from './types.js';
import type { Cell } from './values.js';
import { closestName, isMissing, labelOf, parseBoolean, parseNumber } from './values.js';
import { inputName, withDerivedColumns } from './dates.js';

/**
 * Reads a CSV file of feature rows onto `schema` (usually a fitted pipeline's input schema).
 * Columns are matched by name; date features (`derived` in the schema) are computed from their
 * source column, missing (with a note) where a value is not a date in the training form; extra columns (the target among them, if present) are ignored and
 * listed in a note. Values that do not fit a column (text in a numeric column, non-finite
 * numbers, unknown boolean tokens) become missing with a note; categorical labels the schema does
 * not know get `UNSEEN_CODE`, also with a note.
 *
 * @throws AutomlError E_PREDICT_COLUMNS naming every schema column the file lacks, or any error of
 * `readCsv`.
 */
export function readFeatureRows(file: string, schema: readonly ColumnSchema[], opts: { readonly delimiter?: string } = {}): FeatureTable {
  return csvOntoSchema(readCsv(file, opts.delimiter !== undefined ? { delimiter: opts.delimiter } : {}), schema);
}

/**
 * Same as {@link readFeatureRows} for CSV bytes already in memory (standard input, for
 * `automl predict model.json -`); `source` names them in every message, e.g. `<stdin>`.
 */
export function parseFeatureRows(input: Buffer | string, source: string, schema: readonly ColumnSchema[], opts: { readonly delimiter?: string } = {}): FeatureTable {
  return csvOntoSchema(parseCsv(input, source, opts.delimiter !== undefined ? { delimiter: opts.delimiter } : {}), schema);
}

function csvOntoSchema(csv: CsvTable, schema: readonly ColumnSchema[]): FeatureTable {
  return mapOntoSchema(
    csv.file,
    csv.header,
    csv.rows.length,
    (i, j) => csv.rows[i]![j],
    (i) => `line ${csv.lineOf(i)}`,
    schema,
  );
}

/** Same as {@link readFeatureRows} for in-memory rows (objects keyed by column name). */
export function featureRowsFromObjects(rows: readonly Record<string, unknown>[], schema: readonly ColumnSchema[], source = 'rows'): FeatureTable {
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
  // In-memory rows may omit a key to mean "missing", so a schema column only has to appear in some row.
  return mapOntoSchema(
    source,
    header,
    rows.length,
    (i, j) => {
      const v = rows[i]![header[j]!];
      if (typeof v === 'string') return v.trim();
      return typeof v === 'number' || typeof v === 'boolean' ? v : null;
    },
    (i) => `rows[${i}]`,
    schema,
  );
}

function mapOntoSchema(
  source: string,
  inputHeader: readonly string[],
  n: number,
  inputCell: (i: number, j: number) => Cell,
  where: (i: number) => string,
  schema: readonly ColumnSchema[],
): FeatureTable {
  // Date features are computed from their source column and then read like any other column.
  const view = withDerivedColumns(inputHeader, n, inputCell, where, schema);
  const cell = view.cell as (i: number, j: number) => Cell;
  const header = inputHeader;
  const position = new Map(view.header.map((h, j) => [h, j]));
  const wantedNames = new Set(schema.map(inputName));
  const absent = [...new Set(schema.filter((c) => !position.has(c.name)).map(inputName))];
  if (absent.length > 0) {
    const hints = absent
      .map((a) => {
        const near = closestName(a, header.filter((h) => !wantedNames.has(h)), Math.max(2, Math.floor(a.length / 3)));
        return near !== undefined ? `${show(a)} (found ${show(near)}?)` : show(a);
      })
      .join(', ');
    throw new AutomlError(
      'E_PREDICT_COLUMNS',
      `${source}: missing column${absent.length > 1 ? 's' : ''} the model needs: ${hints}; the file must have the training data's feature columns (present: ${header.map((h) => show(h)).join(', ')})`,
      { file: source, columns: absent },
    );
  }
  const notes: string[] = view.notes();
  const extra = header.filter((h) => !wantedNames.has(h));
  if (extra.length > 0) notes.push(`ignored column${extra.length > 1 ? 's' : ''} not used by the model: ${extra.map((h) => show(h)).join(', ')}`);

  const columns: FeatureColumn[] = schema.map((c) => {
    const j = position.get(c.name)!;
    let bad = 0;
    let firstBad = -1;
    const flag = (i: number): void => {
      if (bad++ === 0) firstBad = i;
    };
    let out: FeatureColumn;
    if (c.type === 'categorical') {
      const index = new Map((c.categories ?? []).map((label, k) => [label, k]));
      // A column that kept its most frequent labels reads every other label as its "other" level.
      const otherCode = c.other !== undefined ? index.get(c.other) : undefined;
      const codes = new Int32Array(n);
      for (let i = 0; i < n; i++) {
        const v = cell(i, j);
        if (isMissing(v)) codes[i] = MISSING_CODE;
        else {
          const k = index.get(labelOf(v)) ?? otherCode;
          if (k === undefined) {
            codes[i] = UNSEEN_CODE;
            flag(i);
          } else codes[i] = k;
        }
      }
      out = codes;
      if (bad > 0) notes.push(`column ${show(c.name)}: ${bad} value${bad > 1 ? 's' : ''} not seen in training (first ${show(labelOf(cell(firstBad, j)))} at ${where(firstBad)}), encoded as unseen`);
    } else {
      const values = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const v = cell(i, j);
        if (isMissing(v)) {
          values[i] = NaN;
          continue;
        }
        const x = c.type === 'numeric' ? parseNumber(v) : parseBoolean(v);
        if (x === undefined || !Number.isFinite(x)) {
          values[i] = NaN;
          flag(i);
        } else values[i] = x;
      }
      out = values;
      if (bad > 0) {
        notes.push(`column ${show(c.name)}: ${bad} value${bad > 1 ? 's' : ''} that ${bad > 1 ? 'are' : 'is'} not ${c.type === 'numeric' ? 'a finite number' : 'true/false'} (first ${show(labelOf(cell(firstBad, j)))} at ${where(firstBad)}), treated as missing`);
      }
    }
    return out;
  });
  return { nRows: n, features: schema.map((c) => ({ ...c })), columns, notes };
}
