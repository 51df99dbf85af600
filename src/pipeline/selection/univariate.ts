/**
 * Univariate F statistics over a row-major matrix: one score per column, higher is more
 * informative. A constant column (or one that explains nothing) scores 0 rather than NaN, so
 * ranking never has to special-case it.
 */
import type { Matrix } from '../../models/estimator.js';

/**
 * One-way ANOVA F per column: between-class mean square over within-class mean square.
 * `y` holds class indices 0..nClasses-1. A column that separates the classes perfectly (zero
 * within-class variance, non-zero between) scores +Infinity.
 */
export function anovaF(X: Matrix, y: Float64Array, nClasses: number): Float64Array {
  const { rows: n, cols: p, data } = X;
  const K = Math.max(nClasses, 1);
  const count = new Float64Array(K);
  for (let i = 0; i < n; i++) count[y[i]!]!++;
  const present = count.reduce((a, c) => a + (c > 0 ? 1 : 0), 0);
  const sum = new Float64Array(K * p);
  const total = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    const o = y[i]! * p;
    const r = i * p;
    for (let j = 0; j < p; j++) {
      sum[o + j] += data[r + j]!;
      total[j] += data[r + j]!;
    }
  }
  // Within-class sums of squares from deviations about the class means (two passes: stable).
  const ssw = new Float64Array(p);
  for (let i = 0; i < n; i++) {
    const c = y[i]!;
    const o = c * p;
    const r = i * p;
    const inv = 1 / count[c]!;
    for (let j = 0; j < p; j++) {
      const d = data[r + j]! - sum[o + j]! * inv;
      ssw[j] += d * d;
    }
  }
  const out = new Float64Array(p);
  const dfb = present - 1;
  const dfw = n - present;
  if (dfb < 1 || dfw < 1) return out;
  for (let j = 0; j < p; j++) {
    const grand = total[j]! / n;
    let ssb = 0;
    for (let c = 0; c < K; c++) {
      if (count[c] === 0) continue;
      const d = sum[c * p + j]! / count[c]! - grand;
      ssb += count[c]! * d * d;
    }
    out[j] = scoreRatio(ssb / dfb, ssw[j]! / dfw, Math.abs(grand));
  }
  return out;
}

/**
 * F statistic of a univariate linear regression of y on each column: r^2 / (1 - r^2) * (n - 2),
 * a monotone function of |corr(x, y)|.
 */
export function fRegression(X: Matrix, y: Float64Array): Float64Array {
  const { rows: n, cols: p, data } = X;
  const out = new Float64Array(p);
  if (n < 3) return out;
  let ym = 0;
  for (let i = 0; i < n; i++) ym += y[i]!;
  ym /= n;
  const mean = new Float64Array(p);
  for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) mean[j] += data[i * p + j]!;
  for (let j = 0; j < p; j++) mean[j]! /= n;
  const sxy = new Float64Array(p);
  const sxx = new Float64Array(p);
  let syy = 0;
  for (let i = 0; i < n; i++) {
    const dy = y[i]! - ym;
    syy += dy * dy;
    const r = i * p;
    for (let j = 0; j < p; j++) {
      const dx = data[r + j]! - mean[j]!;
      sxy[j] += dx * dy;
      sxx[j] += dx * dx;
    }
  }
  for (let j = 0; j < p; j++) {
    if (!(sxx[j]! > 1e-24 * Math.max(1, mean[j]! * mean[j]!) * n) || !(syy > 0)) continue;
    const r2 = Math.min(1, (sxy[j]! * sxy[j]!) / (sxx[j]! * syy));
    out[j] = scoreRatio(r2 * (n - 2), 1 - r2, 0);
  }
  return out;
}

/** a / b with 0 for "no signal" and Infinity for a perfect fit, robust to rounding noise. */
function scoreRatio(a: number, b: number, scale: number): number {
  const tiny = 1e-24 * Math.max(1, scale * scale);
  if (!(a > tiny)) return 0;
  if (!(b > tiny)) return Infinity;
  return a / b;
}
