/**
 * The preprocessor: imputation, missing indicators, categorical encoding (with rare-category
 * grouping) and scaling, fitted on training rows only and applied to any rows. Output is the dense
 * matrix models take.
 *
 * Per source column, in dataset order, the outputs are:
 * - numeric:  `age` (imputed, then scaled), then `age_missing` when indicators are on and the
 *   column had missing values in the training rows;
 * - boolean:  `flag` (0/1, imputed, never scaled), then `flag_missing` likewise;
 * - categorical, onehot: `color=red` per category seen in training (at least `min_frequency`
 *   times), `color=(other)` when some categories were rarer, `color=(missing)` when missing cells
 *   were in training and `categorical_imputation` is `constant`, then `color_missing` when
 *   indicators are on with `most_frequent`. A category never seen in training rows (at predict
 *   time, or only in validation rows) gives all zeros;
 * - categorical, ordinal: `color` holding the category's rank among the kept categories, the
 *   next rank for `(other)`, and -1 for missing (`constant`) or unseen; plus `color_missing` as above.
 * Scaling never touches booleans, indicators or encoded categories: they are already on a 0/1 or
 * code scale, and scaling one-hot columns would only blur their meaning.
 */
import type { ColumnSchema, FeatureTable } from '../data/types.js';
import type { Matrix, MatrixPrecision } from '../models/estimator.js';
import { zeroMatrix } from '../models/estimator.js';
import { AutomlError, show } from '../util/errors.js';
import type { Encoding, PreprocessConfig } from './config.js';
import { resolvePreprocessConfig } from './config.js';
import { insertSorted, mean, modeSorted, quantileSorted, safeScale } from './stats.js';

/** Fitted state for a numeric or boolean source column. */
export interface NumericPlan {
  readonly kind: 'numeric';
  readonly source: string;
  readonly sourceType: 'numeric' | 'boolean';
  /** Value written for a missing cell (before scaling). */
  readonly fill: number;
  /** Emit `<source>_missing`. */
  readonly indicator: boolean;
  /** Output is (value - center) / scale. */
  readonly center: number;
  readonly scale: number;
}

/** Fitted state for a categorical source column. */
export interface CategoricalPlan {
  readonly kind: 'categorical';
  readonly source: string;
  readonly encoding: Encoding;
  /** Categories seen at least `min_frequency` times in training, in schema order. */
  readonly levels: readonly string[];
  /** Categories seen in training but fewer than `min_frequency` times: one `(other)` level. */
  readonly other: readonly string[];
  /** Onehot only: emit a `(missing)` column. */
  readonly missingLevel: boolean;
  /** Label used for missing cells (`most_frequent`), or null. */
  readonly fill: string | null;
  /** Emit `<source>_missing`. */
  readonly indicator: boolean;
}

/** Fitted state of one source column. */
export type ColumnPlan = NumericPlan | CategoricalPlan;

/** Serialised preprocessor (see {@link Preprocessor.toJSON}). */
export interface PreprocessorJSON {
  readonly format: 'automl.preprocessor';
  readonly version: 1;
  readonly config: Required<PreprocessConfig>;
  readonly inputs: readonly ColumnSchema[];
  readonly plans: readonly ColumnPlan[];
}

/** Label of the grouped rare-category column. */
export const OTHER_LEVEL = '(other)';
/** Label of the missing-category column. */
export const MISSING_LEVEL = '(missing)';

/**
 * A fitted preprocessor. Immutable after construction; `transform` is safe to call from several
 * places at once and never writes into the table it reads.
 */
export class Preprocessor {
  /** Output column names, one per matrix column. */
  readonly outputNames: readonly string[];

  /** Use {@link fitPreprocessor} or {@link loadPreprocessor}; this only assembles fitted state. */
  constructor(
    readonly config: Required<PreprocessConfig>,
    /** Schemas of the source columns it reads (categories as in the training dataset). */
    readonly inputSchema: readonly ColumnSchema[],
    readonly plans: readonly ColumnPlan[],
  ) {
    this.outputNames = plans.flatMap(outputNamesOf);
  }

  /** Names of the source columns `transform` needs. */
  get inputColumns(): string[] {
    return this.inputSchema.map((c) => c.name);
  }

  /**
   * Encodes rows of `table` (all rows when `rows` is omitted) into a rows x outputNames.length
   * matrix, stored at `precision` (float64 unless a pipeline trained at float32 asks). Columns are
   * found by name, so the table may hold extra columns in any order.
   * @throws AutomlError E_PREDICT_COLUMNS when a needed column is absent, E_DATA when its type differs.
   */
  transform(table: FeatureTable, rows?: Int32Array, precision: MatrixPrecision = 'float64'): Matrix {
    const idx = rows ?? allRows(table.nRows);
    const out = zeroMatrix(idx.length, this.outputNames.length, precision);
    const byName = new Map(table.features.map((f, j) => [f.name, j]));
    const absent = this.inputSchema.filter((c) => !byName.has(c.name)).map((c) => show(c.name));
    if (absent.length > 0) {
      throw new AutomlError('E_PREDICT_COLUMNS', `the data lacks column${absent.length > 1 ? 's' : ''} the preprocessor needs: ${absent.join(', ')}`, {
        columns: absent,
      });
    }
    let offset = 0;
    for (const plan of this.plans) {
      const j = byName.get(plan.source)!;
      const schema = table.features[j]!;
      const col = table.columns[j]!;
      const expected = plan.kind === 'numeric' ? plan.sourceType : 'categorical';
      if (schema.type !== expected || (expected === 'categorical') !== col instanceof Int32Array) {
        throw new AutomlError('E_DATA', `column ${show(plan.source)} is ${schema.type} in this data but was ${expected} in training`, {
          column: plan.source,
          value: schema.type,
        });
      }
      if (plan.kind === 'numeric') writeNumeric(plan, col as Float64Array, idx, out, offset);
      else writeCategorical(plan, schema, col as Int32Array, idx, out, offset);
      offset += outputNamesOf(plan).length;
    }
    return out;
  }

  /** Plain-data form; {@link loadPreprocessor} restores an identical transform. */
  toJSON(): PreprocessorJSON {
    return {
      format: 'automl.preprocessor',
      version: 1,
      config: { ...this.config },
      // Only what the preprocessor reads back: how a column was derived (a date part) or its
      // "other" level belong to the model file's input schema, not to the pipeline.
      inputs: this.inputSchema.map((c) => ({ name: c.name, type: c.type, ...(c.categories ? { categories: [...c.categories] } : {}) })),
      plans: this.plans.map((p) => structuredClone(p)),
    };
  }
}

/**
 * Fits a preprocessor on `trainRows` of `dataset`: every statistic (fill values, category counts,
 * scaler centres and scales) comes from those rows only, so validation rows never leak in.
 * @throws AutomlError E_DATA when `trainRows` is empty; E_PARAM for a bad config.
 */
export function fitPreprocessor(dataset: FeatureTable, trainRows: Int32Array, config: Partial<PreprocessConfig> = {}): Preprocessor {
  const cfg = resolvePreprocessConfig(config);
  if (trainRows.length === 0) throw new AutomlError('E_DATA', 'fitPreprocessor: no training rows given', {});
  // Two scratch arrays for every numeric column (its known values, a sorted copy): on a million
  // rows one pair per column left ~300 MB of garbage per fit for the collector to find.
  const scratch = { known: new Float64Array(trainRows.length), sorted: new Float64Array(0) };
  const plans = dataset.features.map((f, j): ColumnPlan => {
    const col = dataset.columns[j]!;
    return f.type === 'categorical'
      ? fitCategorical(f, col as Int32Array, trainRows, cfg)
      : fitNumeric(f.name, f.type, col as Float64Array, trainRows, cfg, scratch);
  });
  return new Preprocessor(cfg, dataset.features.map((f) => ({ ...f })), plans);
}

function fitNumeric(
  source: string,
  sourceType: 'numeric' | 'boolean',
  col: Float64Array,
  rows: Int32Array,
  cfg: Required<PreprocessConfig>,
  scratch: { known: Float64Array; sorted: Float64Array },
): NumericPlan {
  // This runs once per column per fold per trial, so it avoids per-value allocation and sorts at most once.
  const buf = scratch.known;
  let m = 0;
  for (let i = 0; i < rows.length; i++) {
    const v = col[rows[i]!]!;
    if (!Number.isNaN(v)) buf[m++] = v;
  }
  const known = buf.subarray(0, m);
  const missing = rows.length - m;
  let sortedCache: Float64Array | undefined;
  const sorted = (): Float64Array => {
    if (sortedCache) return sortedCache;
    if (scratch.sorted.length < m) scratch.sorted = new Float64Array(buf.length);
    sortedCache = scratch.sorted.subarray(0, m);
    sortedCache.set(known);
    return sortedCache.sort();
  };
  // A column with no training values still gets a fill (0) so the output shape never depends on the fold.
  const fill =
    m === 0 ? 0 : cfg.imputation === 'mean' ? mean(known) : cfg.imputation === 'median' ? quantileSorted(sorted(), 0.5) : modeSorted(sorted());
  let center = 0;
  let scale = 1;
  // Scaler statistics describe the imputed training column, as an impute-then-scale pipeline would.
  const n = rows.length;
  if (sourceType === 'numeric' && cfg.scaler === 'standard') {
    center = (mean(known) * m + fill * missing) / n;
    let ss = missing * (fill - center) * (fill - center);
    for (let i = 0; i < m; i++) ss += (known[i]! - center) * (known[i]! - center);
    scale = safeScale(Math.sqrt(ss / n), center);
  } else if (sourceType === 'numeric' && cfg.scaler === 'minmax') {
    let lo = missing > 0 ? fill : Infinity;
    let hi = missing > 0 ? fill : -Infinity;
    for (let i = 0; i < m; i++) {
      if (known[i]! < lo) lo = known[i]!;
      if (known[i]! > hi) hi = known[i]!;
    }
    center = lo;
    scale = safeScale(hi - lo, lo);
  } else if (sourceType === 'numeric' && cfg.scaler === 'robust') {
    const imputed = insertSorted(sorted(), fill, missing);
    center = quantileSorted(imputed, 0.5);
    scale = safeScale(quantileSorted(imputed, 0.75) - quantileSorted(imputed, 0.25), center);
  }
  return { kind: 'numeric', source, sourceType, fill, indicator: cfg.missing_indicator && missing > 0, center, scale };
}

function fitCategorical(f: ColumnSchema, col: Int32Array, rows: Int32Array, cfg: Required<PreprocessConfig>): CategoricalPlan {
  const categories = f.categories ?? [];
  const counts = new Array<number>(categories.length).fill(0);
  let missing = 0;
  for (const r of rows) {
    const c = col[r]!;
    if (c >= 0) counts[c]!++;
    else if (c === -1) missing++;
  }
  const threshold = Math.max(1, cfg.min_frequency);
  const levels = categories.filter((_, k) => counts[k]! >= threshold);
  const other = categories.filter((_, k) => counts[k]! > 0 && counts[k]! < threshold);
  let fill: string | null = null;
  if (cfg.categorical_imputation === 'most_frequent') {
    let best = -1;
    counts.forEach((n, k) => {
      if (n > 0 && (best < 0 || n > counts[best]!)) best = k;
    });
    fill = best >= 0 ? categories[best]! : null;
  }
  const constant = cfg.categorical_imputation === 'constant';
  return {
    kind: 'categorical',
    source: f.name,
    encoding: cfg.encoding,
    levels,
    other,
    missingLevel: cfg.encoding === 'onehot' && constant && missing > 0,
    fill,
    // With a constant fill the missing level (onehot) or the -1 code (ordinal) already says "missing".
    indicator: cfg.missing_indicator && !constant && missing > 0,
  };
}

/** Output column names of one plan, in matrix order. */
export function outputNamesOf(plan: ColumnPlan): string[] {
  const names: string[] = [];
  if (plan.kind === 'numeric' || plan.encoding === 'ordinal') names.push(plan.source);
  else {
    for (const l of plan.levels) names.push(`${plan.source}=${l}`);
    if (plan.other.length > 0) names.push(`${plan.source}=${OTHER_LEVEL}`);
    if (plan.missingLevel) names.push(`${plan.source}=${MISSING_LEVEL}`);
  }
  if (plan.indicator) names.push(`${plan.source}_missing`);
  return names;
}

function writeNumeric(plan: NumericPlan, col: Float64Array, rows: Int32Array, out: Matrix, offset: number): void {
  const { data, cols } = out;
  const inv = 1 / plan.scale;
  for (let i = 0; i < rows.length; i++) {
    const v = col[rows[i]!]!;
    const missing = Number.isNaN(v);
    data[i * cols + offset] = ((missing ? plan.fill : v) - plan.center) * inv;
    if (plan.indicator) data[i * cols + offset + 1] = missing ? 1 : 0;
  }
}

function writeCategorical(plan: CategoricalPlan, schema: ColumnSchema, col: Int32Array, rows: Int32Array, out: Matrix, offset: number): void {
  const { data, cols } = out;
  const nLevels = plan.levels.length;
  const otherSlot = plan.other.length > 0 ? nLevels : -1;
  const slotOfLabel = new Map<string, number>(plan.levels.map((l, k) => [l, k]));
  for (const l of plan.other) slotOfLabel.set(l, otherSlot);
  // Map this table's codes to output slots by label, so a table with another category list still works.
  const slotOfCode = Int32Array.from(schema.categories ?? [], (l) => slotOfLabel.get(l) ?? -1);
  const fillSlot = plan.fill === null ? -1 : (slotOfLabel.get(plan.fill) ?? -1);
  const ordinal = plan.encoding === 'ordinal';
  const missingCol = plan.missingLevel ? nLevels + (otherSlot >= 0 ? 1 : 0) : -1;
  const width = ordinal ? 1 : nLevels + (otherSlot >= 0 ? 1 : 0) + (plan.missingLevel ? 1 : 0);
  for (let i = 0; i < rows.length; i++) {
    const code = col[rows[i]!]!;
    const missing = code === -1;
    const slot = code >= 0 ? (slotOfCode[code] ?? -1) : missing ? fillSlot : -1;
    const base = i * cols + offset;
    if (ordinal) data[base] = slot;
    else if (slot >= 0) data[base + slot] = 1;
    else if (missing && missingCol >= 0) data[base + missingCol] = 1;
    if (plan.indicator) data[base + width] = missing ? 1 : 0;
  }
}

function allRows(n: number): Int32Array {
  const r = new Int32Array(n);
  for (let i = 0; i < n; i++) r[i] = i;
  return r;
}
