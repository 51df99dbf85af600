/**
 * Bundled datasets (datasets/*.csv, numeric features, last column the target) standardised the
 * way bench/learners/svm-check.mjs does it: features and, for regression, the target to mean 0 and
 * population standard deviation 1. Shared by the SVM, GP and linear-model tests.
 */
import { readFileSync } from 'node:fs';
import type { Matrix } from '../../src/models/estimator.js';

/** A standardised dataset. */
export interface Standardised {
  X: Matrix;
  y: Float64Array;
  nClasses: number;
}

/** Reads datasets/<file>, standardises it, maps class labels (sorted) to 0..k-1. */
export function loadStandardised(file: string, classification: boolean, scaleTarget = true): Standardised {
  const text = readFileSync(new URL(`../../datasets/${file}`, import.meta.url), 'utf8').trim();
  const rows = text.split(/\r?\n/).slice(1).map((l) => l.split(','));
  const p = rows[0]!.length - 1;
  const n = rows.length;
  const X = new Float64Array(n * p);
  rows.forEach((r, i) => {
    for (let j = 0; j < p; j++) X[i * p + j] = Number(r[j]);
  });
  for (let j = 0; j < p; j++) {
    let m = 0;
    for (let i = 0; i < n; i++) m += X[i * p + j]!;
    m /= n;
    let v = 0;
    for (let i = 0; i < n; i++) v += (X[i * p + j]! - m) ** 2;
    const sd = Math.sqrt(v / n) || 1;
    for (let i = 0; i < n; i++) X[i * p + j] = (X[i * p + j]! - m) / sd;
  }
  const raw = rows.map((r) => r[p]!);
  if (classification) {
    const labels = [...new Set(raw)].sort();
    return { X: { rows: n, cols: p, data: X }, y: Float64Array.from(raw, (v) => labels.indexOf(v)), nClasses: labels.length };
  }
  const y = Float64Array.from(raw, Number);
  if (scaleTarget) {
    const m = y.reduce((a, b) => a + b, 0) / n;
    const sd = Math.sqrt(y.reduce((a, b) => a + (b - m) ** 2, 0) / n) || 1;
    for (let i = 0; i < n; i++) y[i] = (y[i]! - m) / sd;
  }
  return { X: { rows: n, cols: p, data: X }, y, nClasses: 0 };
}

/** Fraction of equal entries. */
export function accuracy(pred: Float64Array, y: Float64Array): number {
  let ok = 0;
  for (let i = 0; i < y.length; i++) if (pred[i] === y[i]) ok++;
  return ok / y.length;
}

/** Coefficient of determination. */
export function r2(pred: Float64Array, y: Float64Array): number {
  const m = y.reduce((a, b) => a + b, 0) / y.length;
  let ss = 0;
  let st = 0;
  for (let i = 0; i < y.length; i++) {
    ss += (y[i]! - pred[i]!) ** 2;
    st += (y[i]! - m) ** 2;
  }
  return 1 - ss / st;
}

/** Rows `idx` of a matrix. */
export function rowsOf(X: Matrix, idx: ArrayLike<number>): Matrix {
  const p = X.cols;
  const data = new Float64Array(idx.length * p);
  for (let i = 0; i < idx.length; i++) data.set(X.data.subarray(idx[i]! * p, idx[i]! * p + p), i * p);
  return { rows: idx.length, cols: p, data };
}
