/**
 * CSV for spreadsheets: a cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is
 * read as a formula by Excel, LibreOffice and Google Sheets, so a class label such as
 * `=HYPERLINK(...)` taken from a user's data would run when the file is opened (CSV injection).
 * Such cells get a leading single quote, as OWASP recommends; numbers (`-1.5`, `+3`, `-2e-3`) are
 * left alone, since a negative number is not a formula.
 */
import { toCsv } from './format.js';

const FORMULA_START = /^[=+\-@\t\r]/;
const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A cell a spreadsheet will not evaluate: text starting like a formula gets a leading `'`; other values are unchanged. */
export function spreadsheetSafe(v: unknown): unknown {
  if (typeof v !== 'string' || !FORMULA_START.test(v) || NUMBER.test(v)) return v;
  return `'${v}`;
}

/** {@link toCsv} with every header and cell passed through {@link spreadsheetSafe}. */
export function toSafeCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return toCsv(
    header.map((h) => spreadsheetSafe(h) as string),
    rows.map((r) => r.map(spreadsheetSafe)),
  );
}
