/**
 * The training profile stored in a model file (version 3 on): for each input column its type,
 * missing share and a compact distribution, plus the distribution of the model's out-of-fold
 * predictions, so that `automl drift` and the server's drift window need no training data.
 * Numeric distributions are quantiles at fixed levels (see quantiles.ts for why); categories keep
 * the 50 most frequent labels with counts and one "other" count.
 */
import { AutomlError } from '../util/errors.js';
import type { ColumnSchema, FeatureTable } from '../data/types.js';
import { MISSING_CODE } from '../data/types.js';
import { quantileKnots, QUANTILE_LEVELS } from './quantiles.js';

export { QUANTILE_LEVELS };

/** Categories kept by name per column; the rest are counted together as "other". */
export const PROFILE_TOP_CATEGORIES = 50;
/**
 * Numeric columns with at most this many distinct values also keep every value's count, and drift
 * checks treat them as categories (as Evidently does for numeric columns with few unique values).
 */
export const PROFILE_DISCRETE_MAX = 5;

/** A numeric distribution: counts, moments and the training quantiles. */
export interface NumericSummary {
  /** Rows profiled, missing ones included. */
  readonly n: number;
  readonly missing: number;
  /** Null when every value is missing (then `quantiles` is empty). */
  readonly min: number | null;
  readonly max: number | null;
  readonly mean: number | null;
  /** Population standard deviation (ddof 0, as NumPy's std that Evidently normalises by). */
  readonly sd: number | null;
  /** Type-1 quantiles of the non-missing values, one per level of the profile's `quantileLevels`. */
  readonly quantiles: readonly number[];
  /** Every distinct value with its count, when there are at most `PROFILE_DISCRETE_MAX`; else null. */
  readonly distinct: readonly { readonly value: number; readonly count: number }[] | null;
}

/** Profile of a numeric input column. */
export interface NumericColumnProfile extends NumericSummary {
  readonly name: string;
  readonly type: 'numeric';
}

/** A label with its count. */
export interface LabelCount {
  readonly label: string;
  readonly count: number;
}

/** Profile of a categorical or boolean input column (boolean labels are "false" and "true"). */
export interface CategoricalColumnProfile {
  readonly name: string;
  readonly type: 'categorical' | 'boolean';
  readonly n: number;
  readonly missing: number;
  /** Distinct labels among the non-missing values. */
  readonly categories: number;
  /** The `PROFILE_TOP_CATEGORIES` most frequent labels, most frequent first (ties by label). */
  readonly top: readonly LabelCount[];
  /** Non-missing rows whose label is not in `top`. */
  readonly other: number;
}

/** Profile of one input column. */
export type ColumnProfile = NumericColumnProfile | CategoricalColumnProfile;

/**
 * Where a profile's predictions come from: `out-of-fold` (each row predicted by pipelines that
 * did not train on it, as during the search's cross-validation: what the model's predictions on
 * new data should look like) or `in-sample` (the final model on the rows it was fit on, used when
 * no out-of-fold predictions were kept; sharper than predictions on new data, so prediction drift
 * against it leans towards false alarms on probabilities).
 */
export type PredictionSource = 'out-of-fold' | 'in-sample';

/** Distribution of a classifier's predictions on the training rows. */
export interface ClassPredictionProfile {
  readonly task: 'classification';
  readonly source: PredictionSource;
  readonly n: number;
  /** Predicted labels: every class, in the model's class order. */
  readonly labels: readonly LabelCount[];
  /** Distribution of the predicted probability: of the positive (second) class for two classes, else of each class. */
  readonly proba: readonly { readonly label: string; readonly values: NumericSummary }[];
}

/** Distribution of a regressor's predictions on the training rows. */
export interface RegressionPredictionProfile {
  readonly task: 'regression';
  readonly source: PredictionSource;
  readonly values: NumericSummary;
}

/** Distribution of the model's predictions on the training rows. */
export type PredictionProfile = ClassPredictionProfile | RegressionPredictionProfile;

/** What the model saw in training, kept in the model file for drift checks. */
export interface TrainingProfile {
  /** Training rows profiled: the searched rows (not the held-out ones), an evenly spaced 100,000 of them when more. */
  readonly rows: number;
  /** The probabilities at which every numeric summary keeps quantiles ({@link QUANTILE_LEVELS} when written). */
  readonly quantileLevels: readonly number[];
  /** One entry per model input column, in the model's column order. */
  readonly columns: readonly ColumnProfile[];
  readonly predictions: PredictionProfile | null;
}

/** Summary of numeric values (NaN = missing). */
export function numericSummary(values: ArrayLike<number>): NumericSummary {
  const n = values.length;
  const finite: number[] = [];
  for (let i = 0; i < n; i++) if (Number.isFinite(values[i]!)) finite.push(values[i]!);
  const sorted = Float64Array.from(finite).sort();
  const k = sorted.length;
  if (k === 0) return { n, missing: n, min: null, max: null, mean: null, sd: null, quantiles: [], distinct: null };
  let mean = 0;
  for (const v of sorted) mean += v;
  mean /= k;
  let ss = 0;
  for (const v of sorted) ss += (v - mean) ** 2;
  const distinct: { value: number; count: number }[] = [];
  for (let i = 0; i < k && distinct.length <= PROFILE_DISCRETE_MAX; ) {
    let j = i;
    while (j < k && sorted[j] === sorted[i]) j++;
    distinct.push({ value: sorted[i]!, count: j - i });
    i = j;
  }
  return {
    n,
    missing: n - k,
    min: sorted[0]!,
    max: sorted[k - 1]!,
    mean,
    sd: Math.sqrt(ss / k),
    quantiles: quantileKnots(sorted),
    distinct: distinct.length <= PROFILE_DISCRETE_MAX ? distinct : null,
  };
}

/** Top labels and the rest, from counts per label. */
export function topLabels(counts: ReadonlyMap<string, number>): { categories: number; top: LabelCount[]; other: number } {
  const all = [...counts].filter(([, c]) => c > 0).map(([label, count]) => ({ label, count }));
  all.sort((a, b) => b.count - a.count || (a.label < b.label ? -1 : a.label > b.label ? 1 : 0));
  const top = all.slice(0, PROFILE_TOP_CATEGORIES);
  const other = all.slice(PROFILE_TOP_CATEGORIES).reduce((s, x) => s + x.count, 0);
  return { categories: all.length, top, other };
}

/** Profile of one column of `table` (found by name) under `schema`. */
export function columnProfile(table: FeatureTable, schema: ColumnSchema): ColumnProfile {
  const j = table.features.findIndex((f) => f.name === schema.name);
  if (j < 0) throw new AutomlError('E_INTERNAL', `profile: the training rows have no column ${schema.name}`);
  const col = table.columns[j]!;
  const n = table.nRows;
  if (schema.type === 'numeric') return { name: schema.name, type: 'numeric', ...numericSummary(col) };
  const counts = new Map<string, number>();
  let missing = 0;
  const labels = table.features[j]!.categories ?? [];
  for (let i = 0; i < n; i++) {
    const v = col[i]!;
    let label: string | undefined;
    if (schema.type === 'boolean') label = Number.isNaN(v) ? undefined : v === 1 ? 'true' : 'false';
    else label = v === MISSING_CODE ? undefined : labels[v];
    if (label === undefined) missing++;
    else counts.set(label, (counts.get(label) ?? 0) + 1);
  }
  return { name: schema.name, type: schema.type, n, missing, ...topLabels(counts) };
}

/** A profile of `table`'s columns under `schema`, without predictions (for data alone). */
export function tableProfile(table: FeatureTable, schema: readonly ColumnSchema[]): TrainingProfile {
  return { rows: table.nRows, quantileLevels: QUANTILE_LEVELS, columns: schema.map((f) => columnProfile(table, f)), predictions: null };
}

/**
 * The prediction profile from the model's predictions on the training rows: class probabilities
 * (rows x classes, row-major) or values.
 */
export function predictionProfile(classes: readonly string[] | null, data: Float64Array, rows: number, source: PredictionSource): PredictionProfile {
  if (classes === null) return { task: 'regression', source, values: numericSummary(data) };
  const k = classes.length;
  const labelCounts = new Array<number>(k).fill(0);
  for (let i = 0; i < rows; i++) {
    let best = 0;
    for (let c = 1; c < k; c++) if (data[i * k + c]! > data[i * k + best]!) best = c;
    labelCounts[best]!++;
  }
  const wanted = k === 2 ? [1] : classes.map((_, c) => c);
  const proba = wanted.map((c) => {
    // Float sums of weighted members can land a hair outside [0, 1].
    const col = Float64Array.from({ length: rows }, (_, i) => Math.min(1, Math.max(0, data[i * k + c]!)));
    return { label: classes[c]!, values: numericSummary(col) };
  });
  return { task: 'classification', source, n: rows, labels: classes.map((label, c) => ({ label, count: labelCounts[c]! })), proba };
}

