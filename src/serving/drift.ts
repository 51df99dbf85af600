/**
 * Data drift: new rows against the training profile stored in the model file, column by column,
 * and the model's predictions on them against its out-of-fold predictions.
 *
 * Methods and defaults follow Evidently's documented data drift preset:
 * - numbers: two-sample Kolmogorov-Smirnov test on small samples (at most 1000 values), else the
 *   Wasserstein distance divided by the training standard deviation; numeric columns with at most
 *   5 distinct training values are compared as categories;
 * - categories (and booleans): chi-squared test on small samples, else the Jensen-Shannon distance;
 * - tests drift at p < 0.05 (95% confidence), distances at >= 0.1;
 * - the dataset drifts when at least half of its columns drift.
 * PSI is reported for every column beside the chosen method. Every threshold is settable.
 *
 * One departure, settable back (`sizeRule: 'reference'`): Evidently calls a comparison large when
 * the training (reference) sample has more than 1000 rows, whatever the new sample's size. A
 * distance does not shrink with the sample, and on a small new sample its noise alone crosses
 * 0.1: with 2000 training rows and 100 new rows drawn from the very same distribution, that rule
 * flagged a normal column in 78% of 200 seeded samples and the dataset in 27% (with 200 new rows:
 * 38% and up to 6%; test/serving/drift.test.ts). So both samples must be large here (the smaller
 * one above 1000 rows); below that, the tests, whose p-values account for both sample sizes,
 * decide (dataset false alarms 2-3% in the same runs). A server's sliding window of recent
 * requests is that case.
 * The chi-squared test is a two-sample test of homogeneity (training counts against new counts),
 * not a goodness-of-fit test against the training shares, so a small training sample's own noise
 * is accounted for; for two categories it equals Evidently's two-proportion z-test.
 */
import { AutomlError, show } from '../util/errors.js';
import type { FittedModel } from './model-file.js';
import { loadModel } from './model-file.js';
import type { ColumnProfile, NumericSummary, PredictionProfile, TrainingProfile } from './profile.js';
import { requireProfile } from './model-profile.js';
import { binnedDrift, missingChange, numericDrift, outOfRange, unseenCategories } from './drift-columns.js';
import type { DistributionResult, DriftMethod, DriftSettings, MissingChange, OutOfRange, UnseenCategories } from './drift-columns.js';
import { columnPositions, rawFromCsv, rawFromObjects, readColumn, type RawRows } from './drift-input.js';
import { withDerivedColumns } from '../data/dates.js';

export type { DistributionResult, DriftMethod, DriftSettings, MissingChange, OutOfRange, UnseenCategories };

/** Evidently's defaults (see the module comment), and ours for what Evidently does not define. */
export const DRIFT_DEFAULTS: DriftSettings = Object.freeze({
  /** Tests (KS, chi-squared) drift when p < 0.05: 95% confidence. */
  pValue: 0.05,
  /** Distances (normalised Wasserstein, Jensen-Shannon) drift when >= 0.1. */
  distance: 0.1,
  /** PSI drifts when >= 0.1 (used when PSI is the chosen method). */
  psi: 0.1,
  /** Samples with more values than this use distances instead of tests. */
  largeRows: 1000,
  /** Both samples must be large (Evidently: the training one alone; see the module comment). */
  sizeRule: 'smaller',
  /** The dataset drifts when at least this share of its columns drift. */
  driftShare: 0.5,
  /** A missing share is flagged when it moves by at least this much (and significantly). */
  missingChange: 0.05,
  numericMethod: 'auto',
  categoricalMethod: 'auto',
});

/** Options of {@link checkDrift}: any {@link DriftSettings} field, plus what to compare. */
export interface DriftOptions extends Partial<DriftSettings> {
  /** Compare the model's predictions too (default true; needs a model, not a bare profile). */
  readonly predictions?: boolean;
  /**
   * Predictions already made on these rows (the server's window), in row order: labels or values,
   * and class probabilities keyed by label. Without them the model predicts the rows.
   */
  readonly predicted?: { readonly values: readonly (string | number)[]; readonly proba?: readonly Record<string, number>[] };
  /** CSV field delimiter of `data`; default: detected from the first lines. */
  readonly delimiter?: string;
}

/** The drift of one input column. */
export interface ColumnDrift extends DistributionResult {
  readonly column: string;
  readonly type: ColumnProfile['type'];
  readonly missing: MissingChange;
  /** Numeric columns: new values outside the training range. */
  readonly outOfRange: OutOfRange | null;
  /** Categorical and boolean columns: labels the training data did not have. */
  readonly unseen: UnseenCategories | null;
  /** Values that do not parse as the column's type, counted as missing. */
  readonly invalid: number;
}

/** Drift of the model's predictions against its training (out-of-fold) predictions. */
export interface PredictionDrift {
  readonly source: PredictionProfile['source'];
  /** Predicted labels (classification) or values (regression). */
  readonly output: DistributionResult;
  /** Predicted probability per profiled class (classification); reported, not counted in `drifted`. */
  readonly proba: readonly (DistributionResult & { readonly label: string })[];
  readonly drifted: boolean;
}

/** What {@link checkDrift} finds. */
export interface DriftReport {
  /** New rows checked. */
  readonly rows: number;
  /** Training rows the profile was made from. */
  readonly referenceRows: number;
  readonly settings: DriftSettings;
  readonly columns: readonly ColumnDrift[];
  /** Input columns drifted, of all, and whether that share reaches `driftShare`. */
  readonly dataset: { readonly columns: number; readonly driftedColumns: number; readonly share: number; readonly drifted: boolean };
  /** Null when not asked for, or when checking a bare profile or one without predictions. */
  readonly predictions: PredictionDrift | null;
  /** Columns flagged for a missing-share change, out-of-range values or unseen categories. */
  readonly flags: readonly string[];
  readonly notes: readonly string[];
}

/** Checks and completes settings. @throws AutomlError E_USAGE naming a bad setting. */
export function driftSettings(options: Partial<DriftSettings> = {}): DriftSettings {
  const s = { ...DRIFT_DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) } as DriftSettings;
  const fraction = (k: keyof DriftSettings, v: number, lowOpen = true): void => {
    if (!(typeof v === 'number' && (lowOpen ? v > 0 : v >= 0) && v <= 1)) throw new AutomlError('E_USAGE', `drift setting ${k} must be a number in ${lowOpen ? '(0' : '[0'}, 1], got ${show(v)}`, { param: k, value: v });
  };
  fraction('pValue', s.pValue);
  fraction('driftShare', s.driftShare);
  fraction('missingChange', s.missingChange, false);
  for (const k of ['distance', 'psi'] as const) if (!(typeof s[k] === 'number' && s[k] > 0 && Number.isFinite(s[k]))) throw new AutomlError('E_USAGE', `drift setting ${k} must be a positive number, got ${show(s[k])}`, { param: k, value: s[k] });
  if (!(Number.isInteger(s.largeRows) && s.largeRows >= 0)) throw new AutomlError('E_USAGE', `drift setting largeRows must be an integer >= 0, got ${show(s.largeRows)}`, { param: 'largeRows', value: s.largeRows });
  if (s.sizeRule !== 'smaller' && s.sizeRule !== 'reference') throw new AutomlError('E_USAGE', `drift setting sizeRule must be smaller or reference, got ${show(s.sizeRule)}`, { param: 'sizeRule', value: s.sizeRule });
  if (!['auto', 'ks', 'wasserstein', 'psi'].includes(s.numericMethod)) throw new AutomlError('E_USAGE', `drift setting numericMethod must be auto, ks, wasserstein or psi, got ${show(s.numericMethod)}`, { param: 'numericMethod', value: s.numericMethod });
  if (!['auto', 'chi-squared', 'jensen-shannon', 'psi'].includes(s.categoricalMethod)) throw new AutomlError('E_USAGE', `drift setting categoricalMethod must be auto, chi-squared, jensen-shannon or psi, got ${show(s.categoricalMethod)}`, { param: 'categoricalMethod', value: s.categoricalMethod });
  return Object.freeze(s);
}

function isModel(x: unknown): x is FittedModel {
  return typeof x === 'object' && x !== null && 'members' in x && 'info' in x;
}

/**
 * Checks new data for drift against a model's training profile (or a bare profile: then without
 * prediction drift, and categories outside the profile's top 50 cannot be told from unseen ones).
 *
 * @param source a model, a model file path, or a profile
 * @param data a CSV path or rows (objects keyed by column name); extra columns are ignored
 * @throws AutomlError E_MODEL_FILE when the model has no profile (a file older than version 3),
 * E_PREDICT_COLUMNS naming missing columns, E_USAGE for bad settings, any CSV reading error.
 */
export function checkDrift(source: FittedModel | TrainingProfile | string, data: string | readonly Record<string, unknown>[], options: DriftOptions = {}): DriftReport {
  const model = typeof source === 'string' ? loadModel(source) : isModel(source) ? source : null;
  const profile = model ? requireProfile(model, typeof source === 'string' ? source : 'the model') : (source as TrainingProfile);
  const settings = driftSettings(options);
  const input = typeof data === 'string' ? rawFromCsv(data, options.delimiter) : rawFromObjects(data);
  // A model's date features are computed from their source column, as predict does.
  const view = model ? withDerivedColumns(input.header, input.nRows, input.cell, input.where, model.info.features) : null;
  const raw: RawRows = view ? { ...input, header: view.header, cell: view.cell as RawRows['cell'] } : input;
  const notes: string[] = view ? view.notes() : [];
  if (raw.nRows === 0) throw new AutomlError('E_DATA', `${raw.source}: no rows to check for drift`, { file: raw.source });
  const positions = columnPositions(raw, profile.columns.map((c) => c.name));
  const columns = profile.columns.map((c, k) => columnDrift(c, profile.quantileLevels, raw, positions[k]!, settings, model));
  const driftedColumns = columns.filter((c) => c.drifted).length;
  const share = columns.length > 0 ? driftedColumns / columns.length : 0;
  let predictions: PredictionDrift | null = null;
  if (options.predictions !== false && model && profile.predictions) predictions = predictionDrift(profile.predictions, profile.quantileLevels, model, data, raw, settings, options.predicted, options.delimiter);
  else if (options.predictions !== false && model && !profile.predictions) notes.push('the profile holds no predictions: prediction drift not checked');
  if (raw.nRows < 30) notes.push(`only ${raw.nRows} new rows: the tests have little power on so few`);
  const flags = columns.flatMap((c) => [
    ...(c.missing.flagged ? [`${c.column}: missing share ${pct(c.missing.reference)} -> ${pct(c.missing.current)}`] : []),
    ...(c.outOfRange?.flagged ? [`${c.column}: ${pct(c.outOfRange.share)} of values outside the training range`] : []),
    ...(c.unseen?.flagged ? [`${c.column}: ${c.unseen.count} value${c.unseen.count === 1 ? '' : 's'} of categories not seen in training (${c.unseen.examples.map((e) => show(e)).join(', ')})`] : []),
  ]);
  return {
    rows: raw.nRows,
    referenceRows: profile.rows,
    settings,
    columns,
    dataset: { columns: columns.length, driftedColumns, share, drifted: columns.length > 0 && share >= settings.driftShare },
    predictions,
    flags,
    notes,
  };
}

/**
 * {@link checkDrift} on rows in memory, for a server's sliding window of recent requests: the same
 * tests and settings. Pass `options.predicted` with the predictions already made on those rows to
 * avoid predicting them again.
 */
export function checkDriftRows(source: FittedModel | TrainingProfile, rows: readonly Record<string, unknown>[], options: DriftOptions = {}): DriftReport {
  return checkDrift(source, rows, options);
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

function columnDrift(c: ColumnProfile, levels: readonly number[], raw: RawRows, j: number, s: DriftSettings, model: FittedModel | null): ColumnDrift {
  const read = readColumn(raw, j, c.type);
  const missing = missingChange(c.missing, c.n, read.missing, raw.nRows, s);
  if (c.type === 'numeric') {
    const values = read.kind === 'numeric' ? read.values : new Float64Array(0);
    const result = numericDrift(c, levels, values, s);
    return { column: c.name, type: c.type, ...withEmpty(result, missing), missing, outOfRange: outOfRange(c, values, s), unseen: null, invalid: read.invalid };
  }
  if (read.kind !== 'labels') throw new AutomlError('E_INTERNAL', `drift: column ${c.name} read as numbers`);
  // Known labels: the model's categories when there is a model; else the profile's (complete only when nothing fell into "other").
  const schema = model?.info.features.find((f) => f.name === c.name);
  const top = new Set(c.top.map((t) => t.label));
  const knownSet = c.type === 'boolean' ? new Set(['true', 'false']) : schema?.categories ? new Set(schema.categories) : null;
  // A column that kept its most frequent labels reads every other label as its "other" level: none is unseen.
  const known = (l: string): boolean => schema?.other !== undefined || (knownSet ? knownSet.has(l) : top.has(l) || c.other > 0);
  const unseen = unseenCategories(read.counts, known, read.nonMissing);
  // Bins: the top labels, "other" (known labels outside the top), "unseen".
  const cur = new Array<number>(c.top.length + 2).fill(0);
  const index = new Map(c.top.map((t, k) => [t.label, k]));
  for (const [label, n] of read.counts) cur[index.get(label) ?? (known(label) ? c.top.length : c.top.length + 1)]! += n;
  const result = binnedDrift([...c.top.map((t) => t.count), c.other, 0], cur, s);
  return { column: c.name, type: c.type, ...withEmpty(result, missing), missing, outOfRange: null, unseen, invalid: read.invalid };
}

/** A column with no value left to compare drifts when its missing share did. */
function withEmpty(r: DistributionResult, missing: MissingChange): DistributionResult {
  return r.method === null && r.rows === 0 && missing.flagged ? { ...r, drifted: true } : r;
}

function predictionDrift(
  p: PredictionProfile,
  levels: readonly number[],
  model: FittedModel,
  data: string | readonly Record<string, unknown>[],
  raw: RawRows,
  s: DriftSettings,
  predicted: DriftOptions['predicted'],
  delimiter: string | undefined,
): PredictionDrift {
  const needProba = p.task === 'classification';
  let values = predicted?.values;
  let proba = predicted?.proba;
  if (!values || (needProba && !proba)) {
    const table = model.table(data, delimiter !== undefined ? { delimiter } : {});
    values = model.predict(table);
    if (needProba) proba = model.predictProba(table);
  }
  if (values.length !== raw.nRows) throw new AutomlError('E_USAGE', `drift: ${values.length} predictions for ${raw.nRows} rows`, { param: 'predicted' });
  if (p.task === 'regression') {
    const output = numericDrift(p.values, levels, Float64Array.from(values as number[]).filter(Number.isFinite), s);
    return { source: p.source, output, proba: [], drifted: output.drifted };
  }
  const index = new Map(p.labels.map((l, k) => [l.label, k]));
  const cur = new Array<number>(p.labels.length + 1).fill(0);
  for (const v of values) cur[index.get(String(v)) ?? p.labels.length]!++;
  const output = binnedDrift([...p.labels.map((l) => l.count), 0], cur, s);
  const probaDrift = p.proba.map((c) => ({ label: c.label, ...numericDrift(c.values as NumericSummary, levels, Float64Array.from(proba!, (r) => r[c.label] ?? NaN).filter(Number.isFinite), s) }));
  return { source: p.source, output, proba: probaDrift, drifted: output.drifted };
}
