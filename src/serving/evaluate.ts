/**
 * Scores a saved model on new labelled data with every metric that fits its task, not only the one
 * the search optimised. Rows whose target is missing or unknown to the model are counted and
 * reported, never scored.
 */
import { AutomlError, show } from '../util/errors.js';
import { matrix, type Matrix, type Task } from '../models/estimator.js';
import {
  accuracy,
  balancedAccuracy,
  classScores,
  confusionMatrix,
  f1Macro,
  getMetric,
  logLoss,
  mae,
  r2,
  residualSummary,
  rmse,
  rocAuc,
  type ClassScores,
  type ResidualSummary,
} from '../evaluation/metrics.js';
import { closestName, isMissing, labelOf, parseNumber } from '../data/values.js';
import type { DecisionThreshold, FittedModel } from './model-file.js';
import { loadModel } from './model-file.js';
import { rawFromCsv, rawFromObjects, type RawRows } from './drift-input.js';

/** Options of {@link evaluateModel}. */
export interface EvaluateOptions {
  /** The column holding the true values; default the model's target. */
  readonly target?: string;
  /** CSV field delimiter of `data`; default: detected from the first lines. */
  readonly delimiter?: string;
}

/** Classification scores. */
export interface ClassificationEvaluation {
  /** The model's classes: the order of the confusion matrix and of `perClass`. */
  readonly classes: readonly string[];
  readonly accuracy: number;
  readonly balancedAccuracy: number;
  readonly f1Macro: number;
  /** Null when the model gives no probabilities. */
  readonly logLoss: number | null;
  /** Binary: AUC of the second class; multiclass: macro one-vs-rest over the classes present. Null when undefined (one class present). */
  readonly rocAuc: number | null;
  /** Rows: true class, columns: predicted class. */
  readonly confusion: readonly (readonly number[])[];
  readonly perClass: readonly (ClassScores & { readonly label: string })[];
  /** The decision threshold the predictions applied (binary models tuned out of fold), or null: the most probable class. */
  readonly threshold: DecisionThreshold | null;
}

/** Regression scores. */
export interface RegressionEvaluation {
  readonly r2: number;
  readonly rmse: number;
  readonly mae: number;
  /** Of y - ŷ (positive: the model predicted too low). */
  readonly residuals: ResidualSummary;
}

/** What {@link evaluateModel} reports. */
export interface EvaluationReport {
  readonly task: Task;
  readonly target: string;
  /** The metric the search optimised, on these rows (null if it cannot be computed here). */
  readonly metric: { readonly name: string; readonly value: number | null };
  readonly rows: {
    readonly total: number;
    /** Rows scored. */
    readonly used: number;
    readonly missingTarget: number;
    /** Classification: a class the model does not know; regression: not a finite number. */
    readonly unknownTarget: number;
    /** Up to 10 of those unknown values, most frequent first. */
    readonly unknownValues: readonly string[];
    /** Where the first skipped row is ("line 7"), or null. */
    readonly firstSkipped: string | null;
  };
  readonly classification: ClassificationEvaluation | null;
  readonly regression: RegressionEvaluation | null;
  /** What reading the rows noticed (ignored columns, unseen categories, skipped rows). */
  readonly notes: readonly string[];
}

/**
 * Scores `model` on labelled `data`.
 * @param model a model or a model file path
 * @param data a CSV path or rows (objects keyed by column name) with the model's input columns and the target
 * @throws AutomlError E_TARGET when the target column is absent, E_DATA when no row has a usable
 * target, E_PREDICT_COLUMNS naming missing input columns, any model-file or CSV error.
 */
export function evaluateModel(model: FittedModel | string, data: string | readonly Record<string, unknown>[], options: EvaluateOptions = {}): EvaluationReport {
  const m = typeof model === 'string' ? loadModel(model) : model;
  const raw = typeof data === 'string' ? rawFromCsv(data, options.delimiter) : rawFromObjects(data);
  const target = options.target ?? m.target;
  const j = raw.header.indexOf(target);
  if (j < 0) {
    const near = closestName(target, [...raw.header]);
    throw new AutomlError('E_TARGET', `${raw.source}: no column ${show(target)} with the true values to score against${near !== undefined ? `; did you mean ${show(near)}?` : ''} (present: ${raw.header.map((h) => show(h)).join(', ')})`, {
      file: raw.source,
      column: target,
    });
  }
  const { keep, y, rows } = readTarget(m, raw, j);
  if (keep.length === 0) {
    throw new AutomlError('E_DATA', `${raw.source}: no row has a usable value in ${show(target)} (${rows.missingTarget} missing, ${rows.unknownTarget} unknown${rows.unknownValues.length ? `, e.g. ${show(rows.unknownValues[0])}` : ''}); nothing to score`, { file: raw.source, column: target });
  }
  const table = m.table(data, options.delimiter !== undefined ? { delimiter: options.delimiter } : {});
  const notes = [...table.notes.filter((n) => !n.startsWith('ignored column'))];
  if (rows.used < rows.total) notes.push(`${rows.total - rows.used} row${rows.total - rows.used === 1 ? '' : 's'} not scored: ${rows.missingTarget} with a missing target, ${rows.unknownTarget} with an unknown one (first at ${rows.firstSkipped})`);
  const predicted = m.predict(table);
  const pick = <T>(a: readonly T[]): T[] => Array.from(keep, (i) => a[i]!);
  let metricValue: number | null = null;
  const score = (pred: Float64Array, proba?: Matrix, k?: number): void => {
    try {
      metricValue = getMetric(m.info.metric, m.task).score(y, pred, proba, k);
    } catch {
      metricValue = null;
    }
  };
  if (m.task === 'regression') {
    const pred = Float64Array.from(pick(predicted as number[]));
    score(pred);
    return { task: m.task, target, metric: { name: m.info.metric, value: metricValue }, rows, classification: null, regression: { r2: r2.score(y, pred), rmse: rmse.score(y, pred), mae: mae.score(y, pred), residuals: residualSummary(y, pred) }, notes };
  }
  const classes = m.classes!;
  const k = classes.length;
  const index = new Map(classes.map((c, i) => [c, i]));
  const pred = Float64Array.from(pick(predicted), (label) => index.get(String(label))!);
  let proba: Matrix | undefined;
  try {
    const p = m.predictProba(table);
    proba = matrix(keep.length, k);
    keep.forEach((row, i) => classes.forEach((c, cIdx) => (proba!.data[i * k + cIdx] = p[row]![c]!)));
  } catch {
    notes.push('the model gives no class probabilities: no log loss or ROC AUC');
  }
  score(pred, proba, k);
  const confusion = confusionMatrix(y, pred, k);
  let auc: number | null = null;
  if (proba) {
    const present = new Set(y).size;
    if (present < 2) notes.push('ROC AUC is undefined: the scored rows hold a single class');
    else {
      auc = rocAuc.score(y, pred, proba, k);
      if (k > 2 && present < k) notes.push(`ROC AUC averages the ${present} classes present of ${k}`);
    }
  }
  return {
    task: m.task,
    target,
    metric: { name: m.info.metric, value: metricValue },
    rows,
    classification: {
      classes,
      accuracy: accuracy.score(y, pred),
      balancedAccuracy: balancedAccuracy.score(y, pred),
      f1Macro: f1Macro.score(y, pred),
      logLoss: proba ? logLoss.score(y, pred, proba, k) : null,
      rocAuc: auc,
      confusion,
      perClass: classScores(confusion).map((s, c) => ({ label: classes[c]!, ...s })),
      threshold: m.threshold,
    },
    regression: null,
    notes,
  };
}

/** The true values of the rows that have a usable one (class indices or numbers). */
function readTarget(m: FittedModel, raw: RawRows, j: number): { keep: number[]; y: Float64Array; rows: EvaluationReport['rows'] } {
  const keep: number[] = [];
  const y: number[] = [];
  let missing = 0;
  let firstSkipped: string | null = null;
  const unknown = new Map<string, number>();
  const index = m.classes ? new Map(m.classes.map((c, i) => [c, i])) : null;
  for (let i = 0; i < raw.nRows; i++) {
    const c = raw.cell(i, j);
    let v: number | undefined;
    if (isMissing(c)) missing++;
    else if (index) {
      // Numeric class labels were stored as String(number): "1.0" in new data is class "1".
      const x = parseNumber(c);
      v = index.get(labelOf(c)) ?? (x !== undefined && Number.isFinite(x) ? index.get(String(x)) : undefined);
    } else {
      const x = parseNumber(c);
      v = x !== undefined && Number.isFinite(x) ? x : undefined;
    }
    if (v === undefined) {
      firstSkipped ??= raw.where(i);
      if (!isMissing(c)) unknown.set(labelOf(c), (unknown.get(labelOf(c)) ?? 0) + 1);
      continue;
    }
    keep.push(i);
    y.push(v);
  }
  const unknownTarget = [...unknown.values()].reduce((s, x) => s + x, 0);
  const unknownValues = [...unknown].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, 10).map(([l]) => l);
  return { keep, y: Float64Array.from(y), rows: { total: raw.nRows, used: keep.length, missingTarget: missing, unknownTarget, unknownValues, firstSkipped } };
}
