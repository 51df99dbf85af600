/**
 * Rules for string columns with many distinct values: free text and identifiers are dropped (a
 * model cannot learn from one-hot columns that each hold one or two rows), and other
 * high-cardinality categoricals keep their most frequent levels plus one "other" level.
 *
 * Why top-K + other rather than frequency encoding: the column stays categorical, so every
 * encoding the search tries (one-hot, ordinal, rare grouping) still applies; the level list is
 * chosen from label counts only (no target), so it leaks nothing about the target into CV; and a
 * new row's label maps to a known level or to "other" by name, which the model file already
 * stores as categories. Frequency encoding would lose the identity of frequent levels whose counts
 * tie.
 */
import { show } from '../util/errors.js';
import { MISSING_CODE } from './types.js';
import type { InferredColumn } from './values.js';
import { compareLabels } from './values.js';

/** A categorical column is ID-like from this many non-missing rows when distinct values exceed {@link ID_DISTINCT_FRACTION} of them. */
export const MIN_ROWS_FOR_ID_RULE = 20;
/** Share of distinct values (over non-missing cells) above which a string column is ID-like. */
export const ID_DISTINCT_FRACTION = 0.9;
/** Free text: at least this share of non-missing values hold whitespace ... */
export const TEXT_SPACE_FRACTION = 0.5;
/** ... the values average at least this many words ... */
export const TEXT_MIN_WORDS = 4;
/** ... and distinct values are at least this share of non-missing cells (and at least {@link TEXT_MIN_DISTINCT}). */
export const TEXT_DISTINCT_FRACTION = 0.2;
export const TEXT_MIN_DISTINCT = 20;
/** Categorical columns with more levels keep the {@link MAX_LEVELS} most frequent plus an "other" level. */
export const MAX_LEVELS = 50;
/** Label of the level holding every rarer label (a suffix is added if a real label already has it). */
export const OTHER_LABEL = '(rare labels)';

/** Why a categorical column should be dropped, or undefined. `n` counts rows, `col` is the inferred column. */
export function stringColumnDropReason(col: InferredColumn, n: number, name: string): string | undefined {
  const present = n - col.missing;
  if (col.type !== 'categorical' || col.distinct < 2) return undefined;
  const keepHint = `; pass --keep ${show(name)} (API: keep) to use it anyway`;
  const labels = col.categories!;
  const text = textStats(col);
  if (
    text.spaced >= TEXT_SPACE_FRACTION * present &&
    text.words >= TEXT_MIN_WORDS * present &&
    col.distinct >= Math.max(TEXT_MIN_DISTINCT, TEXT_DISTINCT_FRACTION * present)
  ) {
    return `free text (${col.distinct} distinct values averaging ${(text.words / present).toFixed(1)} words, e.g. ${show(longest(labels), 60)}): one-hot columns of sentences teach a model nothing${keepHint}`;
  }
  if (col.distinct === present) return `ID-like (every value is distinct)${keepHint}`;
  if (present >= MIN_ROWS_FOR_ID_RULE && col.distinct > ID_DISTINCT_FRACTION * present) {
    return `ID-like (${col.distinct} distinct values in ${present} rows: over ${Math.round(ID_DISTINCT_FRACTION * 100)}% unique)${keepHint}`;
  }
  return undefined;
}

/** Rows with whitespace, and total words, over the non-missing cells (counted per row, through the codes). */
function textStats(col: InferredColumn): { spaced: number; words: number } {
  const labels = col.categories!;
  const wordsOf = labels.map((l) => (l.trim() === '' ? 0 : l.trim().split(/\s+/).length));
  let spaced = 0;
  let words = 0;
  for (const code of col.values as Int32Array) {
    if (code < 0) continue;
    const w = wordsOf[code]!;
    if (w > 1) spaced++;
    words += w;
  }
  return { spaced, words };
}

function longest(labels: readonly string[]): string {
  return labels.reduce((a, b) => (b.length > a.length ? b : a), '');
}

/**
 * For a categorical column with more than {@link MAX_LEVELS} levels: the column re-encoded with its
 * `MAX_LEVELS` most frequent labels (ties: label order) and one "other" level for the rest, and a
 * note; undefined when the column has few enough levels.
 */
export function collapseLevels(
  col: InferredColumn,
  name: string,
): { values: Int32Array; categories: string[]; other: string; note: string } | undefined {
  const labels = col.categories!;
  if (col.type !== 'categorical' || labels.length <= MAX_LEVELS) return undefined;
  const codes = col.values as Int32Array;
  const counts = new Array<number>(labels.length).fill(0);
  for (const c of codes) if (c >= 0) counts[c]!++;
  const byCount = labels.map((_, k) => k).sort((a, b) => counts[b]! - counts[a]! || a - b);
  const kept = byCount.slice(0, MAX_LEVELS).map((k) => labels[k]!);
  let other = OTHER_LABEL;
  while (labels.includes(other)) other += '_';
  const categories = [...kept, other].sort(compareLabels);
  const index = new Map(categories.map((l, k) => [l, k]));
  const otherCode = index.get(other)!;
  const remap = Int32Array.from(labels, (l) => index.get(l) ?? otherCode);
  const values = new Int32Array(codes.length);
  for (let i = 0; i < codes.length; i++) values[i] = codes[i] === MISSING_CODE ? MISSING_CODE : remap[codes[i]!]!;
  let rows = 0;
  for (const k of byCount.slice(MAX_LEVELS)) rows += counts[k]!;
  const note =
    `column ${show(name)}: ${labels.length} distinct labels; kept the ${MAX_LEVELS} most frequent as categories and grouped the other ` +
    `${labels.length - MAX_LEVELS} (${rows} rows) as ${show(other)}; new rows with a label outside the kept ones are read as ${show(other)}`;
  return { values, categories, other, note };
}
