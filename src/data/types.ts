/**
 * The in-memory dataset: plain data with typed column arrays, safe to post to a worker thread
 * (structured clone) and, after `toShared`, shared between threads without copying.
 */

/**
 * Supervised task kind. Declared here, at the bottom of the training side, because a dataset's
 * target already has one; models, pipelines and metrics take it from here.
 */
export type Task = 'classification' | 'regression';

/** How a feature column is stored and encoded. */
export type ColumnType = 'numeric' | 'categorical' | 'boolean';

/** Code stored in a categorical column for a missing value. */
export const MISSING_CODE = -1;
/** Code stored in a categorical column for a value that is not in `categories` (seen only at predict time). */
export const UNSEEN_CODE = -2;

/** One feature column's schema. */
export interface ColumnSchema {
  readonly name: string;
  readonly type: ColumnType;
  /** Categorical only: the category labels, sorted; a stored code indexes this list. */
  readonly categories?: readonly string[];
  /**
   * Categorical only: the label in `categories` that stands for every label outside the list (a
   * high-cardinality column keeps its most frequent levels); new rows map unknown labels onto it.
   */
  readonly other?: string;
  /** Set when the column is computed from another input column (a date part): new rows derive it the same way. */
  readonly derived?: DateDerivation;
}

/** A part of a date or date-time that becomes a numeric feature. */
export type DatePart = 'year' | 'month' | 'day' | 'weekday' | 'dayofyear' | 'hour' | 'minute';

/** How a numeric feature is derived from a date column of the input. */
export interface DateDerivation {
  readonly kind: 'date';
  /** The input column holding the dates. */
  readonly from: string;
  readonly part: DatePart;
  /** Field order of dates written with slashes: `ymd` (also every ISO form), `dmy` or `mdy`. */
  readonly order: 'ymd' | 'dmy' | 'mdy';
}

/**
 * A feature column's values, chosen by the schema's type:
 * - numeric, boolean: Float64Array, NaN for missing (boolean holds 0/1);
 * - categorical: Int32Array of indices into `categories`, {@link MISSING_CODE} for missing and
 *   `UNSEEN_CODE` for a label the schema does not know.
 * Arrays may be backed by a SharedArrayBuffer; nobody writes into a dataset's arrays.
 */
export type FeatureColumn = Float64Array | Int32Array;

/** Feature columns without a target: what predict-time input maps onto. */
export interface FeatureTable {
  readonly nRows: number;
  /** One schema per column, in column order. */
  readonly features: readonly ColumnSchema[];
  /** `columns[j]` holds the values of `features[j]`, `nRows` long. */
  readonly columns: readonly FeatureColumn[];
  /** Human-readable notes about what loading did (dropped columns, unseen labels, ...). */
  readonly notes: readonly string[];
}

/** The target column of a dataset. */
export interface TargetInfo {
  readonly name: string;
  readonly task: Task;
  /** Classification: class indices 0..classes.length-1; regression: the target values. Never NaN. */
  readonly values: Float64Array;
  /** Classification only: the class labels, in a stable sorted order (numeric labels numerically). */
  readonly classes?: readonly string[];
}

/** A supervised dataset: feature columns plus an encoded target. */
export interface Dataset extends FeatureTable {
  /** Display name (the file's base name without extension by default). */
  readonly name: string;
  /** Source path when loaded from a file. */
  readonly file?: string;
  readonly target: TargetInfo;
  /**
   * Present when some rows are exact copies of an earlier row (every kept feature and the target):
   * `duplicateOf[i]` is the index of the first row of row i's group, or -1 for a row that repeats
   * no earlier one. A splitter can keep each group in one fold (copies split across training and
   * validation inflate CV scores). Indices are this dataset's rows: `subsetRows` drops it.
   */
  readonly duplicateOf?: Int32Array;
}

/** Options for `loadDataset` and `datasetFromRows`. */
export interface DatasetOptions {
  /** Name of the target column (exact, case-sensitive). */
  readonly target: string;
  /** Forces the task instead of inferring it from the target's values. */
  readonly task?: Task;
  /**
   * Number of cross-validation folds the dataset will be used with. When given, each class must
   * have at least this many rows (classification), otherwise loading fails with E_TARGET.
   */
  readonly folds?: number;
  /** Display name; defaults to the file's base name, or "rows" for in-memory data. */
  readonly name?: string;
  /** CSV field delimiter (`,` `;` `\t` `|`); detected from the first lines when absent. */
  readonly delimiter?: string;
  /** Columns left out before anything else (exact names; the target cannot be one). */
  readonly ignore?: readonly string[];
  /**
   * Columns taken as they are (exact names): kept even when the ID-like or free-text rules would drop
   * them, and with every level even past 50. All-missing and constant columns are still dropped.
   */
  readonly keep?: readonly string[];
}
