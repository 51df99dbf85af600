/**
 * Column statistics used by imputation and scaling, computed over training values only.
 * Inputs are finite numbers (missing values already removed or imputed).
 */

/** Arithmetic mean; 0 for an empty input. */
export function mean(xs: Float64Array): number {
  if (xs.length === 0) return 0;
  let s = 0;
  for (const x of xs) s += x;
  return s / xs.length;
}

/** Population standard deviation (divides by n, as scikit-learn's StandardScaler does). */
export function std(xs: Float64Array, m = mean(xs)): number {
  if (xs.length === 0) return 0;
  let s = 0;
  for (const x of xs) s += (x - m) * (x - m);
  return Math.sqrt(s / xs.length);
}

/**
 * Quantile `p` in [0, 1] of ascending-sorted values by linear interpolation between order
 * statistics (position p * (n - 1)); 0 for an empty input.
 */
export function quantileSorted(sorted: Float64Array, p: number): number {
  const n = sorted.length;
  if (n === 0) return 0;
  const pos = p * (n - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(lo + 1, n - 1);
  return sorted[lo]! + (pos - lo) * (sorted[hi]! - sorted[lo]!);
}

/** Most frequent value; ties go to the smallest value so the result does not depend on row order. 0 when empty. */
export function mode(xs: Float64Array): number {
  const counts = new Map<number, number>();
  for (const x of xs) counts.set(x, (counts.get(x) ?? 0) + 1);
  let best = 0;
  let bestCount = 0;
  for (const [v, c] of counts) {
    if (c > bestCount || (c === bestCount && v < best)) {
      best = v;
      bestCount = c;
    }
  }
  return best;
}

/** A scale that is effectively zero (a constant column, up to rounding) is replaced by 1. */
export function safeScale(scale: number, center: number): number {
  return !Number.isFinite(scale) || scale <= 1e-12 * Math.abs(center) || scale === 0 ? 1 : scale;
}
