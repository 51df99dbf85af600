/**
 * Scoring metrics, following scikit-learn's definitions (sklearn.metrics): accuracy_score,
 * balanced_accuracy_score, f1_score(average='macro'), roc_auc_score (binary, and
 * multi_class='ovr' with average='macro'), log_loss, r2_score, root_mean_squared_error and
 * mean_absolute_error. Labels are class indices 0..k-1 stored as float64.
 */
import { AutomlError, show } from '../util/errors.js';
import type { Task } from '../data/types.js';
import type { Matrix } from '../models/estimator.js';

/** A scoring function with the metadata the search needs. */
export interface Metric {
  /** Stable snake_case name, used in configs and `--metric`. */
  readonly name: string;
  readonly direction: 'maximize' | 'minimize';
  readonly tasks: readonly Task[];
  /** True when `score` needs class probabilities (`proba`) rather than predicted labels. */
  readonly needsProba: boolean;
  /**
   * Scores predictions. `pred` holds predicted labels (classification) or values (regression);
   * `proba` is rows x nClasses, required when `needsProba`.
   * @throws AutomlError('E_DATA') on mismatched lengths or when the metric is undefined for the data.
   */
  score(yTrue: Float64Array, pred: Float64Array, proba?: Matrix, nClasses?: number): number;
}

/** Probabilities are clipped to [EPS, 1 - EPS] before taking logs, so one confident mistake costs ~34.5, not Infinity. */
export const LOG_LOSS_EPS = 1e-15;

function checkLengths(name: string, yTrue: Float64Array, pred: Float64Array): void {
  if (yTrue.length !== pred.length) {
    throw new AutomlError('E_DATA', `metric ${name}: yTrue has ${yTrue.length} values but predictions have ${pred.length}`, { metric: name });
  }
  if (yTrue.length === 0) throw new AutomlError('E_DATA', `metric ${name}: no rows to score`, { metric: name });
}

function needProba(name: string, yTrue: Float64Array, proba: Matrix | undefined): Matrix {
  if (!proba) throw new AutomlError('E_DATA', `metric ${name} needs class probabilities; the model must implement predictProba`, { metric: name });
  if (proba.rows !== yTrue.length) {
    throw new AutomlError('E_DATA', `metric ${name}: probabilities have ${proba.rows} rows for ${yTrue.length} labels`, { metric: name });
  }
  for (let i = 0; i < yTrue.length; i++) {
    const c = yTrue[i]!;
    if (!Number.isInteger(c) || c < 0 || c >= proba.cols) {
      throw new AutomlError('E_DATA', `metric ${name}: label ${show(c)} at row ${i} is not a class index in 0..${proba.cols - 1}`, { metric: name, row: i, value: c });
    }
  }
  return proba;
}

/** Per-class counts of true positives, false positives and false negatives. */
function confusionCounts(yTrue: Float64Array, pred: Float64Array): Map<number, { tp: number; fp: number; fn: number; support: number }> {
  const m = new Map<number, { tp: number; fp: number; fn: number; support: number }>();
  const get = (c: number) => {
    let e = m.get(c);
    if (!e) m.set(c, (e = { tp: 0, fp: 0, fn: 0, support: 0 }));
    return e;
  };
  for (let i = 0; i < yTrue.length; i++) {
    const t = get(yTrue[i]!);
    t.support++;
    if (yTrue[i] === pred[i]) t.tp++;
    else {
      t.fn++;
      get(pred[i]!).fp++;
    }
  }
  return m;
}

/**
 * Area under the ROC curve of scores for a binary target, by the rank-sum (Mann-Whitney U)
 * formula with tied scores given their average rank. Returns NaN when one class is absent.
 */
export function binaryAuc(isPositive: ArrayLike<boolean>, score: ArrayLike<number>): number {
  const n = score.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[a]! - score[b]!);
  let rankSumPos = 0;
  let nPos = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    while (j + 1 < n && score[order[j + 1]!] === score[order[i]!]) j++;
    const avgRank = (i + j) / 2 + 1;
    for (let m = i; m <= j; m++) if (isPositive[order[m]!]) {
      rankSumPos += avgRank;
      nPos++;
    }
    i = j + 1;
  }
  const nNeg = n - nPos;
  if (nPos === 0 || nNeg === 0) return NaN;
  return (rankSumPos - (nPos * (nPos + 1)) / 2) / (nPos * nNeg);
}

const CLS: readonly Task[] = ['classification'];
const REG: readonly Task[] = ['regression'];

/** Fraction of labels predicted exactly. */
export const accuracy: Metric = {
  name: 'accuracy',
  direction: 'maximize',
  tasks: CLS,
  needsProba: false,
  score(yTrue, pred) {
    checkLengths('accuracy', yTrue, pred);
    let ok = 0;
    for (let i = 0; i < yTrue.length; i++) if (yTrue[i] === pred[i]) ok++;
    return ok / yTrue.length;
  },
};

/** Mean per-class recall over the classes present in yTrue (robust to class imbalance). */
export const balancedAccuracy: Metric = {
  name: 'balanced_accuracy',
  direction: 'maximize',
  tasks: CLS,
  needsProba: false,
  score(yTrue, pred) {
    checkLengths('balanced_accuracy', yTrue, pred);
    let sum = 0;
    let classes = 0;
    for (const e of confusionCounts(yTrue, pred).values()) {
      if (e.support === 0) continue;
      sum += e.tp / e.support;
      classes++;
    }
    return sum / classes;
  },
};

/**
 * Unweighted mean of per-class F1 = 2TP / (2TP + FP + FN) over every class that occurs in yTrue
 * or in the predictions (scikit-learn's default label set).
 */
export const f1Macro: Metric = {
  name: 'f1_macro',
  direction: 'maximize',
  tasks: CLS,
  needsProba: false,
  score(yTrue, pred) {
    checkLengths('f1_macro', yTrue, pred);
    let sum = 0;
    const counts = confusionCounts(yTrue, pred);
    for (const e of counts.values()) sum += (2 * e.tp) / (2 * e.tp + e.fp + e.fn);
    return sum / counts.size;
  },
};

/**
 * ROC AUC. Binary (2 probability columns): AUC of P(class 1). Multiclass: one-vs-rest AUC per
 * class, averaged without weights over the classes present in yTrue; a class absent from this
 * fold has no positives, its AUC is undefined and it is left out (scikit-learn raises instead).
 * @throws AutomlError('E_DATA') when yTrue holds a single class (AUC is undefined).
 */
export const rocAuc: Metric = {
  name: 'roc_auc',
  direction: 'maximize',
  tasks: CLS,
  needsProba: true,
  score(yTrue, pred, proba) {
    checkLengths('roc_auc', yTrue, pred);
    const P = needProba('roc_auc', yTrue, proba);
    const k = P.cols;
    const col = (c: number) => Float64Array.from({ length: P.rows }, (_, i) => P.data[i * k + c]!);
    const present = new Set(yTrue);
    if (present.size < 2) {
      throw new AutomlError('E_DATA', `metric roc_auc is undefined when the true labels hold a single class (${show([...present][0])}); use stratified folds`, {
        metric: 'roc_auc',
      });
    }
    if (k === 2) return binaryAuc(Array.from(yTrue, (v) => v === 1), col(1));
    let sum = 0;
    let used = 0;
    for (let c = 0; c < k; c++) {
      if (!present.has(c)) continue;
      sum += binaryAuc(Array.from(yTrue, (v) => v === c), col(c));
      used++;
    }
    return sum / used;
  },
};

/** Mean negative log-likelihood of the true class, probabilities clipped to [1e-15, 1 - 1e-15]. */
export const logLoss: Metric = {
  name: 'log_loss',
  direction: 'minimize',
  tasks: CLS,
  needsProba: true,
  score(yTrue, pred, proba) {
    checkLengths('log_loss', yTrue, pred);
    const P = needProba('log_loss', yTrue, proba);
    let sum = 0;
    for (let i = 0; i < yTrue.length; i++) {
      const p = P.data[i * P.cols + yTrue[i]!]!;
      sum -= Math.log(Math.min(Math.max(p, LOG_LOSS_EPS), 1 - LOG_LOSS_EPS));
    }
    return sum / yTrue.length;
  },
};

/**
 * Coefficient of determination 1 - SS_res / SS_tot. When yTrue is constant (SS_tot = 0) it is
 * 1 for a perfect prediction and 0 otherwise, as scikit-learn's force_finite default.
 */
export const r2: Metric = {
  name: 'r2',
  direction: 'maximize',
  tasks: REG,
  needsProba: false,
  score(yTrue, pred) {
    checkLengths('r2', yTrue, pred);
    let mean = 0;
    for (const v of yTrue) mean += v;
    mean /= yTrue.length;
    let ssRes = 0;
    let ssTot = 0;
    for (let i = 0; i < yTrue.length; i++) {
      ssRes += (yTrue[i]! - pred[i]!) ** 2;
      ssTot += (yTrue[i]! - mean) ** 2;
    }
    if (ssTot === 0) return ssRes === 0 ? 1 : 0;
    return 1 - ssRes / ssTot;
  },
};

/** Root mean squared error. */
export const rmse: Metric = {
  name: 'rmse',
  direction: 'minimize',
  tasks: REG,
  needsProba: false,
  score(yTrue, pred) {
    checkLengths('rmse', yTrue, pred);
    let s = 0;
    for (let i = 0; i < yTrue.length; i++) s += (yTrue[i]! - pred[i]!) ** 2;
    return Math.sqrt(s / yTrue.length);
  },
};

/** Mean absolute error. */
export const mae: Metric = {
  name: 'mae',
  direction: 'minimize',
  tasks: REG,
  needsProba: false,
  score(yTrue, pred) {
    checkLengths('mae', yTrue, pred);
    let s = 0;
    for (let i = 0; i < yTrue.length; i++) s += Math.abs(yTrue[i]! - pred[i]!);
    return s / yTrue.length;
  },
};

/** Every built-in metric, by name. */
export const METRICS: Readonly<Record<string, Metric>> = Object.freeze(
  Object.fromEntries([accuracy, balancedAccuracy, f1Macro, rocAuc, logLoss, r2, rmse, mae].map((m) => [m.name, m])),
);

/** Names of the metrics valid for `task` (all when omitted). */
export function metricNames(task?: Task): string[] {
  return Object.values(METRICS)
    .filter((m) => task === undefined || m.tasks.includes(task))
    .map((m) => m.name);
}

/**
 * The metric called `name`; with `task`, it must also apply to that task.
 * @throws AutomlError('E_CONFIG') listing the valid names (for the task when given).
 */
export function getMetric(name: string, task?: Task): Metric {
  const m = Object.prototype.hasOwnProperty.call(METRICS, name) ? METRICS[name] : undefined;
  if (!m || (task !== undefined && !m.tasks.includes(task))) {
    const why = m ? `does not apply to ${task}` : 'is unknown';
    throw new AutomlError('E_CONFIG', `metric ${show(name)} ${why}; valid metrics${task ? ` for ${task}` : ''}: ${metricNames(task).join(', ')}`, {
      param: 'metric',
      value: name,
    });
  }
  return m;
}

/** The default metric of a task: accuracy for classification, r2 for regression. */
export function defaultMetric(task: Task): Metric {
  return task === 'classification' ? accuracy : r2;
}

/**
 * Confusion matrix: entry [t][p] counts rows of true class t predicted as class p, for class
 * indices 0..nClasses-1 (scikit-learn's confusion_matrix with labels = range(nClasses)).
 * @throws AutomlError('E_DATA') on mismatched lengths or a label outside 0..nClasses-1.
 */
export function confusionMatrix(yTrue: Float64Array, pred: Float64Array, nClasses: number): number[][] {
  checkLengths('confusion_matrix', yTrue, pred);
  const m = Array.from({ length: nClasses }, () => new Array<number>(nClasses).fill(0));
  for (let i = 0; i < yTrue.length; i++) {
    const t = yTrue[i]!;
    const p = pred[i]!;
    for (const [what, c] of [['label', t], ['prediction', p]] as const) {
      if (!Number.isInteger(c) || c < 0 || c >= nClasses) {
        throw new AutomlError('E_DATA', `confusion matrix: ${what} ${show(c)} at row ${i} is not a class index in 0..${nClasses - 1}`, { row: i, value: c });
      }
    }
    m[t]![p]!++;
  }
  return m;
}

/** Precision, recall, F1 and support of one class. */
export interface ClassScores {
  readonly precision: number;
  readonly recall: number;
  readonly f1: number;
  /** Rows whose true class it is. */
  readonly support: number;
}

/**
 * Per-class precision TP/(TP+FP), recall TP/(TP+FN) and F1 2TP/(2TP+FP+FN) from a confusion
 * matrix (rows true, columns predicted); a ratio whose denominator is 0 is 0, as scikit-learn's
 * classification_report with its default zero_division.
 */
export function classScores(confusion: readonly (readonly number[])[]): ClassScores[] {
  const k = confusion.length;
  return confusion.map((row, c) => {
    const tp = row[c]!;
    const support = row.reduce((s, x) => s + x, 0);
    let predicted = 0;
    for (let t = 0; t < k; t++) predicted += confusion[t]![c]!;
    const fp = predicted - tp;
    const fn = support - tp;
    const ratio = (a: number, b: number): number => (b > 0 ? a / b : 0);
    return { precision: ratio(tp, tp + fp), recall: ratio(tp, tp + fn), f1: ratio(2 * tp, 2 * tp + fp + fn), support };
  });
}

/** Summary of regression residuals y - ŷ. */
export interface ResidualSummary {
  readonly mean: number;
  /** Standard deviation with n - 1 in the denominator (0 for one row). */
  readonly sd: number;
  /** Quantiles 5, 25, 50, 75 and 95% by linear interpolation (NumPy's default method). */
  readonly quantiles: { readonly p5: number; readonly p25: number; readonly p50: number; readonly p75: number; readonly p95: number };
  readonly maxAbs: number;
}

/** Residuals y - ŷ summarised: mean, sd, quantiles and the largest absolute residual. */
export function residualSummary(yTrue: Float64Array, pred: Float64Array): ResidualSummary {
  checkLengths('residuals', yTrue, pred);
  const n = yTrue.length;
  const r = Float64Array.from(yTrue, (y, i) => y - pred[i]!).sort();
  let mean = 0;
  for (const v of r) mean += v;
  mean /= n;
  let ss = 0;
  for (const v of r) ss += (v - mean) ** 2;
  const at = (p: number): number => {
    const h = (n - 1) * p;
    const lo = Math.floor(h);
    return r[lo]! + (h - lo) * ((r[Math.min(lo + 1, n - 1)] ?? r[lo]!) - r[lo]!);
  };
  return {
    mean,
    sd: n > 1 ? Math.sqrt(ss / (n - 1)) : 0,
    quantiles: { p5: at(0.05), p25: at(0.25), p50: at(0.5), p75: at(0.75), p95: at(0.95) },
    maxAbs: Math.max(Math.abs(r[0]!), Math.abs(r[n - 1]!)),
  };
}
