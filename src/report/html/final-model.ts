/**
 * The final-model part of the report: the model file scored on labelled held-out rows, with what
 * the charts need (confusion matrix, ROC and precision-recall curves, predicted against actual,
 * permutation importance, ensemble members, kept features). The held-out rows are a labelled CSV
 * the user gives, or they are recomputed from the study's stored settings exactly as the search
 * split them (same file, checked by fingerprint; same seed and test size).
 */
import { existsSync } from 'node:fs';
import { AutomlError, isAutomlError, messageOf } from '../../util/errors.js';
import { createRng } from '../../util/rng.js';
import { loadModel, type FittedModel } from '../../serving/model-file.js';
import { prepareData } from '../../automl/search.js';
import { readLabeledRows } from '../../automl/test-set.js';
import type { TabularSettings } from '../../automl/types.js';
import { subsetRows } from '../../data/index.js';
import type { FeatureTable } from '../../data/types.js';
import { getMetric, type Metric } from '../../evaluation/metrics.js';
import { argmaxRows } from '../../models/common.js';
import { matrix, type Matrix } from '../../models/estimator.js';
import type { StudyRecord } from '../../storage/storage.js';
import { curves, sample, type Curve } from './curves.js';

/** Labelled rows on the model's input schema. */
interface Labelled {
  readonly table: FeatureTable;
  /** Class indices into the model's classes, or regression targets. */
  readonly y: Float64Array;
  readonly source: string;
}

/** What the report shows about the final model. */
export interface FinalModelSection {
  readonly model: string;
  /** Where the labelled rows came from (a file, or the study's held-out split). */
  readonly data: string;
  readonly rows: number;
  readonly task: 'classification' | 'regression';
  readonly metric: string;
  readonly direction: 'maximize' | 'minimize';
  readonly score: number;
  readonly cvScore: number | null;
  readonly classes: readonly string[] | null;
  /** `confusion[t][p]`: rows of true class t predicted as p. */
  readonly confusion: number[][] | null;
  /** One-vs-rest curves (the positive class only when there are two classes). */
  readonly roc: Curve[] | null;
  readonly pr: Curve[] | null;
  /** Regression: a sample of at most 5,000 rows. */
  readonly actual: number[] | null;
  readonly predicted: number[] | null;
  /** Mean drop of the score when a column is shuffled (positive: the model relies on it), ± std over repeats. */
  readonly permutation: { readonly feature: string; readonly drop: number; readonly std: number }[];
  readonly permutationRows: number;
  readonly members: { readonly trial: number | null; readonly weight: number; readonly model: string; readonly columns: number }[];
  /** Input columns the model uses, and the training columns it does not (selection dropped them). */
  readonly kept: readonly string[];
  readonly dropped: readonly string[];
}

/** Options of `finalModelSection`. */
export interface FinalModelOptions {
  /** Model file; default `<study>.model.json` in the current folder when it exists. */
  readonly model?: string;
  /** Labelled CSV; default the study's held-out rows recomputed from its settings. */
  readonly data?: string;
  /** Permutation repeats. Default 5. */
  readonly repeats?: number;
  /** Rows used for permutation importance (a seeded sample). Default 2,000. */
  readonly maxRows?: number;
  readonly seed?: number;
}

/**
 * The final-model section, or a note saying why there is none (no model file, data missing or
 * changed). Errors in the user's explicit `model`/`data` arguments are thrown, not noted.
 */
export function finalModelSection(study: StudyRecord, o: FinalModelOptions = {}): { section: FinalModelSection | null; note: string | null } {
  const modelPath = o.model ?? `${study.name}.model.json`;
  if (!o.model && !existsSync(modelPath)) return { section: null, note: `no model file: ${modelPath} does not exist here; give --model <model.json> to show the final model` };
  const model = loadModel(modelPath);
  let rows: Labelled | { note: string };
  try {
    rows = o.data ? fromFile(model, o.data) : fromSettings(model, study);
  } catch (e) {
    if (o.data || !isAutomlError(e)) throw e;
    rows = { note: `the study's data could not be read again (${messageOf(e)}); give --data <labelled.csv>` };
  }
  if ('note' in rows) return { section: null, note: `final model ${modelPath}: ${rows.note}` };
  return { section: evaluate(model, modelPath, rows, o), note: null };
}

function fromFile(model: FittedModel, file: string): Labelled {
  const target = { name: model.target, task: model.task, values: new Float64Array(0), ...(model.classes ? { classes: model.classes } : {}) };
  const t = readLabeledRows(file, model.info.features, target);
  return { table: t.table, y: t.y, source: file };
}

function fromSettings(model: FittedModel, study: StudyRecord): Labelled | { note: string } {
  const s = study.settings as Partial<TabularSettings>;
  if (s.kind !== 'automl.tabular' || typeof s.data !== 'string') return { note: 'the study was not made by `automl search` on a CSV file; give --data <labelled.csv>' };
  if (!existsSync(s.data)) return { note: `the study's data ${s.data} is missing; give --data <labelled.csv>` };
  if (s.test && !existsSync(s.test)) return { note: `the study's test file ${s.test} is missing; give --data <labelled.csv>` };
  const prep = prepareData({ data: s.data, target: s.target!, task: s.task, cv: s.cv ?? 5, testSize: s.testSize ?? 0.2, seed: study.seed, ...(s.test ? { test: s.test } : {}), holdout: s.holdout ?? null, ...(s.groups ? { groups: s.groups } : {}), ...(s.timeColumn ? { timeColumn: s.timeColumn } : {}) });
  if (s.fingerprint && prep.fingerprint !== s.fingerprint) return { note: `${s.data} changed since the search (its fingerprint differs); give --data <labelled.csv>` };
  if (prep.testSet) return { table: prep.testSet.table, y: prep.testSet.y, source: s.test! };
  const held = prep.holdoutRows!;
  const sub = subsetRows(prep.dataset, held);
  const byName = new Map(sub.features.map((f, j) => [f.name, j]));
  const table: FeatureTable = { nRows: sub.nRows, features: model.info.features, columns: model.info.features.map((f) => sub.columns[byName.get(f.name)!]!), notes: [] };
  // The dataset's class order is the model's (both sorted from the same file); map by label anyway.
  const classes = prep.dataset.target.classes;
  const y = classes ? Float64Array.from(sub.target.values, (k) => model.classes!.indexOf(classes[k]!)) : sub.target.values;
  return { table, y, source: `${s.data} (the ${held.length} rows held out by the search)` };
}

/** Scores `model` on labelled rows: the metric, and the predictions the charts need. */
function predictAll(model: FittedModel, table: FeatureTable): { pred: Float64Array; proba: Matrix | null } {
  if (model.task === 'regression') return { pred: Float64Array.from(model.predict(table) as number[]), proba: null };
  const classes = model.classes!;
  const rows = model.predictProba(table);
  const proba = matrix(rows.length, classes.length);
  rows.forEach((r, i) => classes.forEach((c, k) => (proba.data[i * classes.length + k] = r[c]!)));
  return { pred: argmaxRows(proba), proba };
}

function scoreOf(metric: Metric, y: Float64Array, p: { pred: Float64Array; proba: Matrix | null }, k: number): number {
  return metric.score(y, p.pred, p.proba ?? undefined, k);
}

function evaluate(model: FittedModel, path: string, rows: Labelled, o: FinalModelOptions): FinalModelSection {
  const metric = getMetric(model.info.metric, model.task);
  const k = model.classes?.length ?? 0;
  const { table, y } = rows;
  if (table.nRows === 0) throw new AutomlError('E_DATA', `${rows.source}: no labelled rows to score the model on`, { file: rows.source });
  const all = predictAll(model, table);
  const score = scoreOf(metric, y, all, k);
  let confusion: number[][] | null = null;
  let roc: Curve[] | null = null;
  let pr: Curve[] | null = null;
  let actual: number[] | null = null;
  let predicted: number[] | null = null;
  if (model.task === 'classification') {
    confusion = Array.from({ length: k }, () => new Array<number>(k).fill(0));
    for (let i = 0; i < y.length; i++) confusion[y[i]!]![all.pred[i]!]!++;
    const c = curves(y, all.proba!, model.classes!);
    roc = c.roc;
    pr = c.pr;
  } else {
    const idx = sample(y.length, 5000, createRng(`report/${o.seed ?? 0}/scatter`));
    actual = idx.map((i) => y[i]!);
    predicted = idx.map((i) => all.pred[i]!);
  }
  const perm = permutationImportance(model, table, y, metric, k, o);
  const trainCols = new Set<string>();
  for (const m of model.members) for (const c of m.pipeline.preprocessor.inputSchema) trainCols.add(c.name);
  const kept = model.features;
  return {
    model: path,
    data: rows.source,
    rows: table.nRows,
    task: model.task,
    metric: metric.name,
    direction: metric.direction,
    score,
    cvScore: model.info.cvScore,
    classes: model.classes,
    confusion,
    roc,
    pr,
    actual,
    predicted,
    permutation: perm.items,
    permutationRows: perm.rows,
    members: model.members.map((m) => ({ trial: m.trial, weight: m.weight, model: m.pipeline.toJSON().config.model.type, columns: m.pipeline.requiredColumns.length })),
    kept,
    dropped: [...trainCols].filter((c) => !kept.includes(c)),
  };
}

/**
 * Permutation importance (Breiman 2001; scikit-learn's permutation_importance): each input column
 * is shuffled in turn, `repeats` times with seeded shuffles, on a sample of the rows; the drop of
 * the score (sign-adjusted so that positive always means worse) is the column's importance.
 */
function permutationImportance(model: FittedModel, table: FeatureTable, y: Float64Array, metric: Metric, k: number, o: FinalModelOptions) {
  const repeats = o.repeats ?? 5;
  const rng = createRng(`report/${o.seed ?? 0}/permutation`);
  const idx = Int32Array.from(sample(table.nRows, o.maxRows ?? 2000, rng));
  const sub: FeatureTable = { ...table, nRows: idx.length, columns: table.columns.map((c) => pick(c, idx)) };
  const ySub = Float64Array.from(idx, (i) => y[i]!);
  const base = scoreOf(metric, ySub, predictAll(model, sub), k);
  const sign = metric.direction === 'maximize' ? 1 : -1;
  const items = sub.features.map((f, j) => {
    const drops: number[] = [];
    for (let r = 0; r < repeats; r++) {
      const order = rng.shuffle(Array.from({ length: sub.nRows }, (_, i) => i));
      const columns = sub.columns.slice();
      columns[j] = pick(sub.columns[j]!, Int32Array.from(order));
      drops.push(sign * (base - scoreOf(metric, ySub, predictAll(model, { ...sub, columns }), k)));
    }
    const mean = drops.reduce((a, b) => a + b, 0) / repeats;
    const std = Math.sqrt(drops.reduce((a, b) => a + (b - mean) ** 2, 0) / repeats);
    return { feature: f.name, drop: mean, std };
  });
  items.sort((a, b) => b.drop - a.drop);
  return { items, rows: sub.nRows };
}

function pick<T extends Float64Array | Int32Array>(col: T, idx: Int32Array): T {
  const out = new (col.constructor as { new (n: number): T })(idx.length);
  for (let i = 0; i < idx.length; i++) out[i] = col[idx[i]!]!;
  return out;
}
