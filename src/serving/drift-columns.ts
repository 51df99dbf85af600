/**
 * Drift of one column (or of the model's predictions) against its training profile: the test or
 * distance Evidently would choose, PSI beside it, and the missing-share, out-of-range and unseen
 * category flags.
 */
import type { NumericSummary } from './profile.js';
import { binCounts, decileEdges, ksStatistic, referenceBinShares, wasserstein1 } from './quantiles.js';
import { binomialUpperTail, chiSquaredHomogeneity, jensenShannonDistance, ksPValue, normalTwoSidedP, psi } from './stats.js';

/** A drift test or distance. */
export type DriftMethod = 'ks' | 'chi-squared' | 'wasserstein' | 'jensen-shannon' | 'psi';

/** Thresholds and choices of a drift check (the defaults and why: `DRIFT_DEFAULTS` in drift.ts). */
export interface DriftSettings {
  /** Tests (KS, chi-squared) find drift when their p-value is below this. */
  readonly pValue: number;
  /** Distances (normalised Wasserstein, Jensen-Shannon) find drift from this value up. */
  readonly distance: number;
  /** PSI finds drift from this value up (when PSI is the method). */
  readonly psi: number;
  /** Samples with more values than this are "large": distances replace tests (see `sizeRule`). */
  readonly largeRows: number;
  /** Which sample must be large: the smaller of the two (`smaller`), or the training one alone (`reference`, Evidently's rule). */
  readonly sizeRule: 'smaller' | 'reference';
  /** The dataset drifts when at least this share of its columns drift. */
  readonly driftShare: number;
  /** A missing share is flagged when it moves by at least this much (and significantly). */
  readonly missingChange: number;
  /** Method for numeric columns; `auto` chooses by size. */
  readonly numericMethod: 'auto' | 'ks' | 'wasserstein' | 'psi';
  /** Method for categorical and boolean columns; `auto` chooses by size. */
  readonly categoricalMethod: 'auto' | 'chi-squared' | 'jensen-shannon' | 'psi';
}

/** True when the comparison counts as large: distances instead of tests. */
function isLarge(nRef: number, m: number, s: DriftSettings): boolean {
  return (s.sizeRule === 'reference' ? nRef : Math.min(nRef, m)) > s.largeRows;
}

/** The distribution comparison of one column. */
export interface DistributionResult {
  /** Null when there is nothing to compare (no non-missing value on one side). */
  readonly method: DriftMethod | null;
  /** KS D, chi-squared statistic, normalised Wasserstein distance, Jensen-Shannon distance or PSI. */
  readonly statistic: number | null;
  /** The tests' p-value (KS, chi-squared); null for distances. */
  readonly pValue: number | null;
  /** The p-value threshold (tests) or distance threshold the decision used. */
  readonly threshold: number;
  readonly drifted: boolean;
  /** PSI over training deciles (numbers) or categories, whatever the method. */
  readonly psi: number | null;
  /** Non-missing values compared: training, new. */
  readonly referenceRows: number;
  readonly rows: number;
}

/** Change of the share of missing values. */
export interface MissingChange {
  readonly reference: number;
  readonly current: number;
  /** Two-proportion z-test of the two shares. */
  readonly pValue: number;
  /** Significant (p below the p-value threshold) and at least `missingChange` apart. */
  readonly flagged: boolean;
}

/** New values outside the training range [min, max]. */
export interface OutOfRange {
  readonly below: number;
  readonly above: number;
  readonly share: number;
  /**
   * More than chance allows: with no drift, a new value falls outside the range of n training
   * values with probability 2/(n+1), so the count is tested against Binomial(m, 2/(n+1)).
   */
  readonly flagged: boolean;
}

/** New category labels the model never saw. */
export interface UnseenCategories {
  readonly count: number;
  readonly share: number;
  /** Up to 5 of them, most frequent first. */
  readonly examples: readonly string[];
  /** Any unseen label is flagged: the model encodes it as unknown. */
  readonly flagged: boolean;
}

function decide(method: DriftMethod, statistic: number, pValue: number | null, s: DriftSettings, nRef: number, m: number, psiValue: number | null): DistributionResult {
  const isTest = method === 'ks' || method === 'chi-squared';
  const threshold = isTest ? s.pValue : method === 'psi' ? s.psi : s.distance;
  const drifted = isTest ? pValue! < threshold : statistic >= threshold;
  return { method, statistic, pValue, threshold, drifted, psi: psiValue, referenceRows: nRef, rows: m };
}

function nothing(s: DriftSettings, nRef: number, m: number): DistributionResult {
  return { method: null, statistic: null, pValue: null, threshold: s.pValue, drifted: false, psi: null, referenceRows: nRef, rows: m };
}

/**
 * Compares binned counts (categories, or the values of a discrete numeric column): chi-squared
 * test of homogeneity on small samples, Jensen-Shannon distance on large ones.
 */
export function binnedDrift(reference: readonly number[], current: readonly number[], s: DriftSettings): DistributionResult {
  const nRef = reference.reduce((a, b) => a + b, 0);
  const m = current.reduce((a, b) => a + b, 0);
  if (nRef === 0 || m === 0) return nothing(s, nRef, m);
  const p = psi(reference, current);
  const method = s.categoricalMethod === 'auto' ? (isLarge(nRef, m, s) ? 'jensen-shannon' : 'chi-squared') : s.categoricalMethod;
  if (method === 'psi') return decide('psi', p, null, s, nRef, m, p);
  if (method === 'jensen-shannon') return decide(method, jensenShannonDistance(reference, current), null, s, nRef, m, p);
  const chi = chiSquaredHomogeneity(reference, current);
  return decide('chi-squared', chi.statistic, chi.pValue, s, nRef, m, p);
}

/**
 * Compares new numeric values with a training summary. Columns whose profile lists at most 5
 * distinct values are compared as categories (their values, plus one bin for any other value)
 * when the method is `auto`;
 * the rest by the two-sample KS test against the profile's quantiles on small samples, and on
 * large ones by the Wasserstein distance divided by the training standard deviation (at least
 * 0.001), as Evidently normalises it.
 */
export function numericDrift(ref: NumericSummary, levels: readonly number[], values: Float64Array, s: DriftSettings): DistributionResult {
  const nRef = ref.n - ref.missing;
  const sorted = Float64Array.from(values).sort();
  const m = sorted.length;
  if (nRef === 0 || m === 0) return nothing(s, nRef, m);
  // Few distinct values: compared as categories, unless a numeric method was asked for.
  if (ref.distinct && s.numericMethod === 'auto') {
    const known = ref.distinct.map((d) => d.value);
    const cur = new Array<number>(known.length + 1).fill(0);
    for (const v of sorted) {
      const k = known.indexOf(v);
      cur[k < 0 ? known.length : k]!++;
    }
    return binnedDrift([...ref.distinct.map((d) => d.count), 0], cur, s);
  }
  const q = { levels, values: ref.quantiles };
  const edges = decileEdges(q);
  const p = psi(referenceBinShares(q, edges), binCounts(sorted, edges));
  const method = s.numericMethod === 'auto' ? (isLarge(nRef, m, s) ? 'wasserstein' : 'ks') : s.numericMethod;
  if (method === 'psi') return decide('psi', p, null, s, nRef, m, p);
  if (method === 'wasserstein') return decide(method, wasserstein1(q, sorted) / Math.max(ref.sd ?? 0, 0.001), null, s, nRef, m, p);
  const d = ksStatistic(q, sorted);
  return decide('ks', d, ksPValue(d, nRef, m), s, nRef, m, p);
}

/** Missing shares of training (`refMissing` of `refRows`) and new data (`missing` of `rows`). */
export function missingChange(refMissing: number, refRows: number, missing: number, rows: number, s: DriftSettings): MissingChange {
  const reference = refRows > 0 ? refMissing / refRows : 0;
  const current = rows > 0 ? missing / rows : 0;
  const pooled = (refMissing + missing) / Math.max(1, refRows + rows);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / Math.max(1, refRows) + 1 / Math.max(1, rows)));
  const pValue = se > 0 ? normalTwoSidedP((current - reference) / se) : 1;
  return { reference, current, pValue, flagged: pValue < s.pValue && Math.abs(current - reference) >= s.missingChange };
}

/** New values outside the training range. */
export function outOfRange(ref: NumericSummary, values: Float64Array, s: DriftSettings): OutOfRange | null {
  if (ref.min === null || ref.max === null) return null;
  let below = 0;
  let above = 0;
  for (const v of values) {
    if (v < ref.min) below++;
    else if (v > ref.max) above++;
  }
  const m = values.length;
  const nRef = ref.n - ref.missing;
  const flagged = below + above > 0 && binomialUpperTail(below + above, m, 2 / (nRef + 1)) < s.pValue;
  return { below, above, share: m > 0 ? (below + above) / m : 0, flagged };
}

/** Labels not in `known`, counted from label counts of the new data. */
export function unseenCategories(counts: ReadonlyMap<string, number>, known: (label: string) => boolean, nonMissing: number): UnseenCategories {
  const unseen = [...counts].filter(([l]) => !known(l)).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  const count = unseen.reduce((sum, [, c]) => sum + c, 0);
  return { count, share: nonMissing > 0 ? count / nonMissing : 0, examples: unseen.slice(0, 5).map(([l]) => l), flagged: count > 0 };
}
