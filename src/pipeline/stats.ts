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

/**
 * Most frequent value of ascending-sorted values; ties go to the smallest value so the result does
 * not depend on row order. 0 when empty.
 */
export function modeSorted(sorted: Float64Array): number {
  let best = 0;
  let bestCount = 0;
  let run = 0;
  for (let i = 0; i < sorted.length; i++) {
    run = i > 0 && sorted[i] === sorted[i - 1] ? run + 1 : 1;
    // Strictly greater: an equal count later in the order is a larger value and loses the tie.
    if (run > bestCount) {
      bestCount = run;
      best = sorted[i]!;
    }
  }
  return best;
}

/** `sorted` (ascending) with `copies` copies of `value` inserted in order. */
export function insertSorted(sorted: Float64Array, value: number, copies: number): Float64Array {
  if (copies === 0) return sorted;
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  const out = new Float64Array(sorted.length + copies);
  out.set(sorted.subarray(0, lo));
  out.fill(value, lo, lo + copies);
  out.set(sorted.subarray(lo), lo + copies);
  return out;
}

/** A scale that is effectively zero (a constant column, up to rounding) is replaced by 1. */
export function safeScale(scale: number, center: number): number {
  return !Number.isFinite(scale) || scale <= 1e-12 * Math.abs(center) || scale === 0 ? 1 : scale;
}
