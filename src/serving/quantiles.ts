/**
 * The numeric distribution a training profile keeps: quantiles of the training values at a fixed
 * grid of levels (every percentile, plus 0.1%, 0.2%, 0.5% and their mirror images in the tails),
 * and what drift checks compute from them against a new sample.
 *
 * Why quantiles and not a histogram: the quantiles are the training CDF sampled at fixed
 * probabilities, so one array of about a hundred numbers serves every comparison: a CDF for the
 * Kolmogorov-Smirnov statistic, the quantile function for the Wasserstein distance, and deciles
 * for PSI bins, with no bin-width choice and no outlier stretching the bins. Knot k is the type-1
 * (inverse empirical CDF) quantile: the smallest training value x with F_n(x) >= p_k, so every
 * knot is a real value and ties (discrete columns) show as repeated knots. The extra tail levels
 * are there for skewed columns: on a lognormal column the top percentile alone spans a third of
 * the range, and interpolating across it cost the Wasserstein distance 0.07 training standard
 * deviations with percentiles only.
 *
 * The approximation: the profile's CDF F̂ interpolates linearly between knots. Between knots k
 * and k+1 the true empirical CDF F_n lies in [p_k, p_{k+1}), and F̂ stays in that interval too,
 * so |F̂(x) - F_n(x)| <= 0.01 (the widest step of the grid) everywhere. The KS statistic against F̂
 * is therefore within 0.01 of the exact two-sample statistic on the raw training rows
 * (test/serving/quantiles.test.ts checks it against an exact computation; on continuous data it
 * stayed below 0.005). Against the KS critical value (1.36 √((n+m)/nm), 0.12 for 150 new rows)
 * that is small; PSI and Wasserstein inherit the same interpolation.
 */

/** The levels (probabilities) at which a profile keeps quantiles: 0, 0.001, 0.002, 0.005, 0.01, ..., 0.99, 0.995, 0.998, 0.999, 1. */
export const QUANTILE_LEVELS: readonly number[] = Object.freeze([
  0, 0.001, 0.002, 0.005,
  ...Array.from({ length: 99 }, (_, i) => (i + 1) / 100),
  0.995, 0.998, 0.999, 1,
]);

/** Quantile values at known levels: ascending levels from 0 to 1, non-decreasing values. */
export interface Knots {
  readonly levels: readonly number[];
  readonly values: readonly number[];
}

/** Type-1 quantiles of ascending finite values at each level (empty in, empty out). */
export function quantileKnots(sorted: ArrayLike<number>, levels: readonly number[] = QUANTILE_LEVELS): number[] {
  const n = sorted.length;
  if (n === 0) return [];
  return levels.map((p) => {
    // Smallest rank r (1-based) with r/n >= p; the levels have at most 3 decimals, so n*p is off an
    // integer by a multiple of 0.001 or not at all, and the tolerance only absorbs rounding.
    const r = Math.max(1, Math.ceil(n * p - 1e-6));
    return sorted[Math.min(n, r) - 1]!;
  });
}

/** Largest index k with v[k] <= x (v ascending), or -1. */
function lastAtMost(v: readonly number[], x: number): number {
  let lo = 0;
  let hi = v.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (v[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

/** Largest index k with v[k] < x (v ascending), or -1. */
function lastBelow(v: readonly number[], x: number): number {
  let lo = 0;
  let hi = v.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (v[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo - 1;
}

function interpolate(k: Knots, i: number, x: number): number {
  const { levels: p, values: v } = k;
  return p[i]! + ((x - v[i]!) / (v[i + 1]! - v[i]!)) * (p[i + 1]! - p[i]!);
}

/** The profile's CDF F̂(x) = P(X <= x), from its knots (right-continuous). */
export function cdfAt(k: Knots, x: number): number {
  const v = k.values;
  if (x < v[0]!) return 0;
  if (x >= v[v.length - 1]!) return 1;
  return interpolate(k, lastAtMost(v, x), x);
}

/** The left limit F̂(x-) = P(X < x), from the knots. */
export function cdfBefore(k: Knots, x: number): number {
  const v = k.values;
  if (x <= v[0]!) return 0;
  if (x > v[v.length - 1]!) return 1;
  return interpolate(k, lastBelow(v, x), x);
}

/**
 * The Kolmogorov-Smirnov statistic sup |F̂(x) - G_m(x)| between the profile's CDF and the
 * empirical CDF of `sorted` (ascending, finite, non-empty). The supremum is reached at a sample
 * value, from the left or the right, because G_m is flat between them and F̂ is monotone.
 */
export function ksStatistic(k: Knots, sorted: ArrayLike<number>): number {
  const m = sorted.length;
  let d = 0;
  for (let i = 0; i < m; ) {
    const v = sorted[i]!;
    let j = i;
    while (j < m && sorted[j] === v) j++;
    d = Math.max(d, Math.abs(cdfBefore(k, v) - i / m), Math.abs(cdfAt(k, v) - j / m));
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
export function wasserstein1(k: Knots, sorted: ArrayLike<number>): number {
  const q = k.values;
  const m = sorted.length;
  const points: number[] = [];
  let i = 0;
  let j = 0;
  while (i < m || j < q.length) {
    const next = j >= q.length || (i < m && sorted[i]! < q[j]!) ? sorted[i++]! : q[j++]!;
    if (points.length === 0 || points[points.length - 1] !== next) points.push(next);
  }
  let total = 0;
  let below = 0;
  for (let p = 0; p + 1 < points.length; p++) {
    const a = points[p]!;
    const b = points[p + 1]!;
    while (below < m && sorted[below]! <= a) below++;
    total += absLinearIntegral(cdfAt(k, a), cdfBefore(k, b), below / m, b - a);
  }
  return total;
}

/** PSI bin edges: the distinct training deciles (the knots nearest 10%, ..., 90%). */
export function decileEdges(k: Knots): number[] {
  const edges: number[] = [];
  for (let d = 1; d < 10; d++) {
    let best = 0;
    k.levels.forEach((p, i) => {
      if (Math.abs(p - d / 10) < Math.abs(k.levels[best]! - d / 10)) best = i;
    });
    const v = k.values[best]!;
    if (edges.length === 0 || edges[edges.length - 1]! < v) edges.push(v);
  }
  return edges;
}

/** Training shares of the bins (-inf, e1], (e1, e2], ..., (e_last, inf), from the knots. */
export function referenceBinShares(k: Knots, edges: readonly number[]): number[] {
  const out: number[] = [];
  let prev = 0;
  for (const e of edges) {
    const f = cdfAt(k, e);
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
