/**
 * Whether the rows a search cross-validates can make `folds` folds: at least `folds` rows, and for
 * classification (stratified folds) at least `folds` rows of every class. Checked on the rows left
 * after the test hold-out, so the `--cv` it suggests is one that works.
 */
import { AutomlError } from '../util/errors.js';
import type { Dataset } from './types.js';
import { classesShort, regressionHint } from './target.js';

/**
 * Throws E_DATA (too few rows) or E_TARGET (a class with too few rows) when `rows` of `dataset`
 * cannot make `folds` cross-validation folds; the message suggests the largest `--cv` that works.
 * `heldOut` is the number of test rows held out of the file (0 when a test file is used).
 */
export function checkFoldsFit(dataset: Dataset, rows: Int32Array, folds: number, heldOut: number): void {
  const src = dataset.file ?? dataset.name;
  const after = heldOut > 0 ? ` (after holding out ${heldOut} test rows)` : '';
  const smallerTest = heldOut > 0 ? ', or hold out fewer rows with a smaller --test-size' : '';
  const classes = dataset.target.classes;
  // Classification: the class counts bound the folds more tightly than the row count.
  if (rows.length < folds && !(dataset.target.task === 'classification' && classes)) {
    const advice = rows.length >= 2 ? `use --cv ${rows.length} or smaller${smallerTest}` : 'add rows';
    throw new AutomlError('E_DATA', `${src}: ${rows.length} rows are left for the search${after}, fewer than the ${folds} cross-validation folds; ${advice}`, {
      file: dataset.file,
      param: 'cv',
      value: folds,
      rows: rows.length,
    });
  }
  if (dataset.target.task !== 'classification' || !classes) return;
  const counts = new Array<number>(classes.length).fill(0);
  for (const r of rows) counts[dataset.target.values[r]!]!++;
  const short = classesShort(classes, counts, folds, true);
  if (!short) return;
  const { small, listed, fewest } = short;
  const advice =
    fewest >= 2
      ? `use --cv ${fewest} or smaller${smallerTest}, or add rows of that class`
      : `add rows of that class or remove its rows${smallerTest} (stratified CV needs at least 2 rows per class)`;
  const numeric = classes.every((c) => c.trim() !== '' && Number.isFinite(Number(c)));
  const hint = numeric ? regressionHint(dataset.target.name) : '';
  throw new AutomlError('E_TARGET', `${src}: class ${listed} left for the search${after}, fewer than the ${folds} cross-validation folds; ${advice}${hint}`, {
    file: dataset.file,
    column: dataset.target.name,
    value: small[0]!.c,
    folds,
  });
}
