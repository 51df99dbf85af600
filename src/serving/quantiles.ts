/**
 * The numeric distribution a training profile keeps: 101 quantiles (percentiles 0..100) of the
 * training values, and what drift checks compute from them against a new sample.
 *
 * Why quantiles and not a histogram: the quantiles are the training CDF sampled at fixed
 * probabilities, so one array of 101 numbers serves every comparison: a CDF for the
 * Kolmogorov-Smirnov statistic, the quantile function for the Wasserstein distance, and deciles
 * for PSI bins, with no bin-width choice and no outlier stretching the bins. Knot k is the type-1
 * (inverse empirical CDF) quantile: the smallest training value x with F_n(x) >= k/100, so every
 * knot is a real value and ties (discrete columns) show as repeated knots.
 *
 * The approximation: the profile's CDF F̂ interpolates linearly between knots. Between knots k
 * and k+1 the true empirical CDF F_n lies in [k/100, (k+1)/100), and F̂ stays in that interval
 * too, so |F̂(x) - F_n(x)| <= 0.01 everywhere. The KS statistic against F̂ is therefore within
 * 0.01 of the exact two-sample statistic on the raw training rows (test/serving/quantiles.test.ts
 * checks it against an exact computation; on continuous data it stayed below 0.005). Against the
 * KS critical value (1.36 √((n+m)/nm), 0.12 for 150 new rows) that is small; PSI and Wasserstein
 * inherit the same interpolation, which costs most inside the outer percentiles of heavy tails.
 */

/** Quantiles a profile stores per numeric column: percentiles 0, 1, ..., 100. */
export const PROFILE_QUANTILES = 101;

/** Type-1 quantiles at probabilities k/(count-1), k = 0..count-1, of ascending finite values (empty in, empty out). */
export function quantileKnots(sorted: ArrayLike<number>, count = PROFILE_QUANTILES): number[] {
  const n = sorted.length;
  if (n === 0) return [];
  const out = new Array<number>(count);
  for (let k = 0; k < count; k++) {
    // Smallest rank r (1-based) with r/n >= k/(count-1); integer arithmetic avoids 0.07 * 100 = 7.000000000000001.
    const r = Math.max(1, Math.ceil((n * k) / (count - 1) - 1e-9));
    out[k] = sorted[Math.min(n, r) - 1]!;
  }
  return out;
}

/** Largest index k with q[k] <= x (q ascending), or -1. */
function lastAtMost(q: readonly number[], x: number): number {
  let lo = 0;
  let hi = q.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (q[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** Largest index k with q[k] < x (q ascending), or -1. */
function lastBelow(q: readonly number[], x: number): number {
  let lo = 0;
  let hi = q.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (q[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

function interpolate(q: readonly number[], k: number, x: number): number {
  const last = q.length - 1;
  const span = q[k + 1]! - q[k]!;
  return (k + (span > 0 ? (x - q[k]!) / span : 1)) / last;
}

/** The profile's CDF F̂(x) = P(X <= x), from its knots (right-continuous). */
export function cdfAt(q: readonly number[], x: number): number {
  const last = q.length - 1;
  if (x < q[0]!) return 0;
  if (x >= q[last]!) return 1;
  return interpolate(q, lastAtMost(q, x), x);
}

/** The left limit F̂(x-) = P(X < x), from the knots. */
export function cdfBefore(q: readonly number[], x: number): number {
  const last = q.length - 1;
  if (x <= q[0]!) return 0;
  if (x > q[last]!) return 1;
  return interpolate(q, lastBelow(q, x), x);
}

/**
 * The Kolmogorov-Smirnov statistic sup |F̂(x) - G_m(x)| between the profile's CDF and the
 * empirical CDF of `sorted` (ascending, finite, non-empty). The supremum is reached at a sample
 * value, from the left or the right, because G_m is flat between them and F̂ is monotone.
 */
export function ksStatistic(q: readonly number[], sorted: ArrayLike<number>): number {
  const m = sorted.length;
  let d = 0;
  for (let i = 0; i < m; ) {
    const v = sorted[i]!;
    let j = i;
    while (j < m && sorted[j] === v) j++;
    d = Math.max(d, Math.abs(cdfBefore(q, v) - i / m), Math.abs(cdfAt(q, v) - j / m));
    i = j;
  }
  return d;
}

/** ∫ |f(x) - c| dx over [a, b] for f linear from fa to fb. */
function absLinearIntegral(fa: number, fb: number, c: number, width: number): number {
  const u = fa - c;
  const v = fb - c;
  if (u * v >= 0) return ((Math.abs(u) + Math.abs(v)) / 2) * width;
  return ((u * u + v * v) / (2 * Math.abs(v - u))) * width;
}

/**
 * Wasserstein-1 distance ∫ |F̂(x) - G_m(x)| dx between the profile's distribution and the sample
 * `sorted` (ascending, finite, non-empty), computed exactly for the piecewise-linear F̂ against the
 * step function G_m.
 */
export function wasserstein1(q: readonly number[], sorted: ArrayLike<number>): number {
  const m = sorted.length;
  const points: number[] = [];
  let i = 0;
  let k = 0;
  while (i < m || k < q.length) {
    const next = k >= q.length || (i < m && sorted[i]! < q[k]!) ? sorted[i++]! : q[k++]!;
    if (points.length === 0 || points[points.length - 1] !== next) points.push(next);
  }
  let total = 0;
  let below = 0;
  for (let p = 0; p + 1 < points.length; p++) {
    const a = points[p]!;
    const b = points[p + 1]!;
    while (below < m && sorted[below]! <= a) below++;
    total += absLinearIntegral(cdfAt(q, a), cdfBefore(q, b), below / m, b - a);
  }
  return total;
}

/** PSI bin edges: the distinct training deciles (knots 10, 20, ..., 90). */
export function decileEdges(q: readonly number[]): number[] {
  const last = q.length - 1;
  const edges: number[] = [];
  for (let d = 1; d < 10; d++) {
    const v = q[Math.round((d * last) / 10)]!;
    if (edges.length === 0 || edges[edges.length - 1]! < v) edges.push(v);
  }
  return edges;
}

/** Training shares of the bins (-inf, e1], (e1, e2], ..., (e_last, inf), from the knots. */
export function referenceBinShares(q: readonly number[], edges: readonly number[]): number[] {
  const out: number[] = [];
  let prev = 0;
  for (const e of edges) {
    const f = cdfAt(q, e);
    out.push(Math.max(0, f - prev));
    prev = f;
  }
  out.push(Math.max(0, 1 - prev));
  return out;
}

/** Counts of `values` in the bins of {@link referenceBinShares}. */
export function binCounts(values: ArrayLike<number>, edges: readonly number[]): number[] {
  const out = new Array<number>(edges.length + 1).fill(0);
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    // First edge >= v: the bin (e_{k-1}, e_k] holding v.
    let lo = 0;
    let hi = edges.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (edges[mid]! < v) lo = mid + 1;
      else hi = mid;
    }
    out[lo]!++;
  }
  return out;
}
