/**
 * Tiny CSV reader for the fast-learner tests (numeric features only; string targets become class
 * indices in sorted order), so these tests do not depend on the data loader.
 */
import { readFileSync } from 'node:fs';
import type { Matrix } from '../../../src/models/estimator.js';

/** A loaded dataset. */
export interface Loaded {
  X: Matrix;
  y: Float64Array;
  nClasses: number;
}

/** Reads `/work/shared/datasets/<name>.csv`; `classification` maps target labels to 0..k-1. */
export function loadCsv(name: string, classification: boolean): Loaded {
  const text = readFileSync(`/work/shared/datasets/${name}.csv`, 'utf8').trim();
  const lines = text.split(/\r?\n/).slice(1);
  const rows = lines.map((l) => l.split(','));
  const p = rows[0]!.length - 1;
  const data = new Float64Array(rows.length * p);
  rows.forEach((r, i) => {
    for (let j = 0; j < p; j++) data[i * p + j] = r[j] === '' ? NaN : Number(r[j]);
  });
  const labels = rows.map((r) => r[p]!);
  let y: Float64Array;
  let nClasses = 0;
  if (classification) {
    const uniq = [...new Set(labels)].sort();
    nClasses = uniq.length;
    y = Float64Array.from(labels, (l) => uniq.indexOf(l));
  } else {
    y = Float64Array.from(labels, Number);
  }
  return { X: { rows: rows.length, cols: p, data }, y, nClasses };
}

/** A deterministic train/test split: every `k`-th row (offset `offset`) is a test row. */
export function splitEvery(d: Loaded, k = 4, offset = 0): { train: Loaded; test: Loaded } {
  const p = d.X.cols;
  const pick = (test: boolean): Loaded => {
    const idx: number[] = [];
    for (let i = 0; i < d.X.rows; i++) if ((i % k === offset) === test) idx.push(i);
    const data = new Float64Array(idx.length * p);
    idx.forEach((r, i) => data.set(d.X.data.subarray(r * p, r * p + p), i * p));
    return { X: { rows: idx.length, cols: p, data }, y: Float64Array.from(idx, (r) => d.y[r]!), nClasses: d.nClasses };
  };
  return { train: pick(false), test: pick(true) };
}

/** Share of equal entries. */
export function accuracy(pred: Float64Array, y: Float64Array): number {
  let ok = 0;
  for (let i = 0; i < y.length; i++) if (pred[i] === y[i]) ok++;
  return ok / y.length;
}

/** Coefficient of determination. */
export function r2(pred: Float64Array, y: Float64Array): number {
  let m = 0;
  for (const v of y) m += v;
  m /= y.length;
  let ss = 0;
  let st = 0;
  for (let i = 0; i < y.length; i++) {
    ss += (y[i]! - pred[i]!) ** 2;
    st += (y[i]! - m) ** 2;
  }
  return 1 - ss / st;
}

/** Standardises both sets with the training rows' mean and population sd, in place (as the references in bench/learners do). */
export function standardise(train: Loaded, test: Loaded): void {
  const p = train.X.cols;
  for (let j = 0; j < p; j++) {
    let m = 0;
    for (let i = 0; i < train.X.rows; i++) m += train.X.data[i * p + j]!;
    m /= train.X.rows;
    let v = 0;
    for (let i = 0; i < train.X.rows; i++) v += (train.X.data[i * p + j]! - m) ** 2;
    const sd = Math.sqrt(v / train.X.rows) || 1;
    for (const M of [train.X, test.X]) for (let i = 0; i < M.rows; i++) M.data[i * p + j] = (M.data[i * p + j]! - m) / sd;
  }
}
