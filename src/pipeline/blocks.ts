/**
 * Row blocks for large matrices: a pipeline predicts (and, for a model with `fitBlocks`, fits) a
 * few thousand rows at a time instead of building the whole matrix, so a 1M-row prediction or a
 * naive Bayes fit holds one block (about {@link BLOCK_CELLS} values) rather than hundreds of MB.
 * Rows are independent in every prediction, so the results are the same.
 */

/** Values (rows x preprocessed columns) in one block: 2^21, 8 MB at float32. */
export const BLOCK_CELLS = 2 ** 21;

/** Fewest rows in a block (a very wide matrix still goes a few hundred rows at a time). */
export const MIN_BLOCK_ROWS = 64;

/**
 * The row positions `[start, end)` of consecutive blocks over `n` rows of `width` columns, each of
 * at most `cells` values (and at least {@link MIN_BLOCK_ROWS} rows).
 */
export function blockRanges(n: number, width: number, cells = BLOCK_CELLS): [number, number][] {
  const size = Math.max(MIN_BLOCK_ROWS, Math.floor(cells / Math.max(1, width)));
  const out: [number, number][] = [];
  for (let a = 0; a < n; a += size) out.push([a, Math.min(n, a + size)]);
  return out;
}

/** Rows `a..b-1` of `rows`, or those positions themselves when `rows` is omitted. */
export function blockRows(rows: Int32Array | undefined, a: number, b: number): Int32Array {
  if (rows) return rows.subarray(a, b);
  const out = new Int32Array(b - a);
  for (let i = 0; i < out.length; i++) out[i] = a + i;
  return out;
}
