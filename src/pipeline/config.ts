/**
 * Preprocessing configuration: plain data whose fields are search-space dimensions (snake_case,
 * as they appear in search-space files and trial params).
 */
import { AutomlError, show } from '../util/errors.js';

/** Numeric imputation strategy (statistic of the training rows). */
export type Imputation = 'mean' | 'median' | 'most_frequent';
/** How a missing categorical value is filled: its own "(missing)" level, or the most frequent label. */
export type CategoricalImputation = 'constant' | 'most_frequent';
/** Categorical encoding: one 0/1 column per category, or one column of integer codes (for trees). */
export type Encoding = 'onehot' | 'ordinal';
/** Scaling of numeric columns. */
export type Scaler = 'standard' | 'minmax' | 'robust' | 'none';

/** Preprocessing choices for one pipeline. */
export interface PreprocessConfig {
  /** Fill value for missing numeric and boolean cells. Default `mean`. */
  readonly imputation: Imputation;
  /** Add a 0/1 `<name>_missing` column for each column that had missing values in training. Default false. */
  readonly missing_indicator: boolean;
  /** Default `onehot`. */
  readonly encoding: Encoding;
  /** Applied to numeric columns only (not booleans, indicators or encoded categories). Default `standard`. */
  readonly scaler: Scaler;
  /**
   * Categories seen in fewer than this many training rows are grouped into one `(other)` level.
   * An integer count (not a fraction); 0 or 1 disables grouping. Default 1.
   */
  readonly min_frequency?: number;
  /** Default `constant` (missing becomes its own level). */
  readonly categorical_imputation?: CategoricalImputation;
}

/** The defaults, used for any field a partial config leaves out. */
export const DEFAULT_PREPROCESS: Readonly<Required<PreprocessConfig>> = Object.freeze({
  imputation: 'mean',
  missing_indicator: false,
  encoding: 'onehot',
  scaler: 'standard',
  min_frequency: 1,
  categorical_imputation: 'constant',
});

const CHOICES = {
  imputation: ['mean', 'median', 'most_frequent'],
  encoding: ['onehot', 'ordinal'],
  scaler: ['standard', 'minmax', 'robust', 'none'],
  categorical_imputation: ['constant', 'most_frequent'],
} as const;

/**
 * Fills defaults into a partial config and checks every field.
 * @throws AutomlError E_PARAM naming the parameter and its value, or an unknown key.
 */
export function resolvePreprocessConfig(partial: Partial<PreprocessConfig> = {}): Required<PreprocessConfig> {
  const known = Object.keys(DEFAULT_PREPROCESS);
  for (const key of Object.keys(partial)) {
    if (!known.includes(key)) {
      throw new AutomlError('E_PARAM', `preprocess.${key}: unknown preprocessing parameter; known: ${known.join(', ')}`, { param: `preprocess.${key}` });
    }
  }
  const c = { ...DEFAULT_PREPROCESS, ...stripUndefined(partial) };
  for (const key of Object.keys(CHOICES) as (keyof typeof CHOICES)[]) {
    const allowed: readonly string[] = CHOICES[key];
    if (!allowed.includes(c[key] as string)) {
      throw new AutomlError('E_PARAM', `preprocess.${key} is ${show(c[key])}; expected one of ${allowed.join(', ')}`, {
        param: `preprocess.${key}`,
        value: c[key],
      });
    }
  }
  if (typeof c.missing_indicator !== 'boolean') {
    throw new AutomlError('E_PARAM', `preprocess.missing_indicator is ${show(c.missing_indicator)}; expected true or false`, {
      param: 'preprocess.missing_indicator',
      value: c.missing_indicator,
    });
  }
  if (typeof c.min_frequency !== 'number' || !Number.isInteger(c.min_frequency) || c.min_frequency < 0) {
    throw new AutomlError('E_PARAM', `preprocess.min_frequency is ${show(c.min_frequency)}; expected a whole number of rows, 0 or more`, {
      param: 'preprocess.min_frequency',
      value: c.min_frequency,
    });
  }
  return c;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
