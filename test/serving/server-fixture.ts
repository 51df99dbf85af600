/**
 * Models for the serving tests, fitted in-process in a fraction of a second: iris (numeric,
 * three classes), a mixed-type classification (numeric, categorical, boolean columns) and a
 * regression.
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { datasetFromRows, loadDataset } from '../../src/data/index.js';
import type { Dataset } from '../../src/data/index.js';
import { getModel } from '../../src/models/registry.js';
import { Pipeline } from '../../src/pipeline/index.js';
import { FittedModel } from '../../src/serving/model-file.js';
import { createRng } from '../../src/util/rng.js';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const DATA = (f: string): string => join(ROOT, 'datasets', f);

/** Fits one pipeline on every row of `ds` and wraps it as a model file would. */
export async function fitModel(ds: Dataset, model: Record<string, unknown>, metric = 'accuracy'): Promise<FittedModel> {
  const rows = Int32Array.from({ length: ds.nRows }, (_, i) => i);
  const p = await new Pipeline(getModel).fit(ds, rows, { model: model as { type: string } }, { seed: 0 });
  return new FittedModel(p, {
    study: 'test',
    trial: 3,
    task: ds.target.task,
    target: ds.target.name,
    classes: ds.target.classes ? [...ds.target.classes] : null,
    metric,
    cvScore: 0.95,
    testScore: 0.9,
    features: p.requiredSchema,
  });
}

/** Iris with logistic regression. */
export function irisModel(): Promise<FittedModel> {
  return fitModel(loadDataset(DATA('iris.csv'), { target: 'species' }), { type: 'logistic_regression' });
}

/** 200 seeded rows: `size` (numeric), `color` (categorical), `member` (boolean), class `buy`. */
export function mixedRows(): Record<string, unknown>[] {
  const rng = createRng(7);
  const colors = ['red', 'green', 'blue'];
  return Array.from({ length: 200 }, () => {
    const size = Math.round(rng.next() * 100) / 10;
    const color = colors[rng.int(0, 2)]!;
    const member = rng.next() < 0.5;
    const score = size / 10 + (color === 'red' ? 0.5 : 0) + (member ? 0.4 : 0) + rng.normal() * 0.2;
    return { size, color, member: member ? 'yes' : 'no', buy: score > 0.9 ? 'yes_buy' : 'no_buy' };
  });
}

/** A classification on numeric, categorical and boolean columns. */
export function mixedModel(): Promise<FittedModel> {
  return fitModel(datasetFromRows(mixedRows(), { target: 'buy' }), { type: 'decision_tree' });
}

/** cpu.csv regression with ridge. */
export function regressionModel(): Promise<FittedModel> {
  return fitModel(loadDataset(DATA('cpu.csv'), { target: 'class' }), { type: 'ridge' }, 'r2');
}

/** k-nearest neighbours on breast-cancer: predictions cost O(training rows) each, slow enough to watch a batch in flight. */
export function slowModel(): Promise<FittedModel> {
  return fitModel(loadDataset(DATA('breast-cancer.csv'), { target: 'diagnosis' }), { type: 'knn' });
}

/** `n` rows for `model` copied round-robin from a CSV's rows (objects keyed by column). */
export function rowsFrom(file: string, model: FittedModel, n: number): unknown[][] {
  const ds = loadDataset(file, { target: model.target });
  const names = model.features;
  const cols = names.map((name) => ds.columns[ds.features.findIndex((f) => f.name === name)]!);
  return Array.from({ length: n }, (_, i) => cols.map((c) => c[i % ds.nRows]!));
}

/** 60 rows of y = 50 + 10 sin(x) + a small wobble, x in [0, 6]: data for a Gaussian process. */
export function waveRows(): Record<string, unknown>[] {
  return Array.from({ length: 60 }, (_, i) => {
    const x = (6 * i) / 59;
    return { x, y: 50 + 10 * Math.sin(x) + 0.5 * Math.cos(7 * i) };
  });
}
