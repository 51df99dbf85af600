/**
 * Encoded rows back to plain row objects (keyed by column name), for the functions that take rows
 * as users give them: `checkDriftRows` on a server's window, `evaluateModel` on a holdout held as
 * a FeatureTable. Numbers stay numbers, booleans become true/false, category codes their labels.
 */
import { MISSING_CODE, UNSEEN_CODE, type FeatureTable } from '../data/types.js';

/**
 * The label given to a categorical cell stored as unseen (`UNSEEN_CODE`): the original label
 * is gone, and this one cannot be a category of the schema, so it is read as unseen again.
 */
export const UNSEEN_LABEL = '\u0000unseen';

/**
 * The rows of `table` (or only those at `rows`) as objects; a missing cell is null.
 * @param rows row indices to take, in that order (default all)
 */
export function tableRows(table: FeatureTable, rows?: ArrayLike<number>): Record<string, unknown>[] {
  const n = rows ? rows.length : table.nRows;
  const out: Record<string, unknown>[] = new Array(n);
  for (let i = 0; i < n; i++) out[i] = {};
  table.features.forEach((f, j) => {
    const col = table.columns[j]!;
    const categories = f.categories ?? [];
    for (let i = 0; i < n; i++) {
      const v = col[rows ? rows[i]! : i]!;
      let cell: unknown;
      if (f.type === 'categorical') cell = v === MISSING_CODE ? null : v === UNSEEN_CODE ? UNSEEN_LABEL : (categories[v] ?? UNSEEN_LABEL);
      else if (Number.isNaN(v)) cell = null;
      else cell = f.type === 'boolean' ? v !== 0 : v;
      out[i]![f.name] = cell;
    }
  });
  return out;
}
