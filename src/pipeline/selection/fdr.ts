/**
 * False-discovery-rate selection: univariate F-test p-values and the Benjamini-Hochberg step-up
 * rule. Unlike a top-k or fraction filter, the number of kept columns follows the evidence: with
 * 100 noise columns beside 10 real ones it keeps about the real ones, without a count to tune.
 */
import { fSurvival } from '../../numeric/f-distribution.js';

/**
 * p-values of F statistics with (d1, d2) degrees of freedom; F = +Infinity (a perfect fit) has p 0,
 * F = 0 (no signal) p 1. Degrees of freedom below 1 (too few rows or classes) give p 1 for every
 * column: no evidence.
 */
export function fPValues(scores: Float64Array, d1: number, d2: number): Float64Array {
  if (!(d1 >= 1) || !(d2 >= 1)) return new Float64Array(scores.length).fill(1);
  return scores.map((f) => {
    const p = fSurvival(f, d1, d2);
    return Number.isNaN(p) ? 1 : Math.min(1, Math.max(0, p));
  });
}

/**
 * Benjamini-Hochberg at level `alpha`: with the m p-values sorted ascending p(1) <= ... <= p(m), the
 * number of discoveries is the largest i with p(i) <= i alpha / m (0 if none). Those i smallest
 * p-values are the columns to keep.
 */
export function benjaminiHochbergCount(pValues: ArrayLike<number>, alpha: number): number {
  const m = pValues.length;
  const sorted = Float64Array.from(pValues).sort();
  for (let i = m; i >= 1; i--) if (sorted[i - 1]! <= (i * alpha) / m) return i;
  return 0;
}

/** Degrees of freedom of the univariate F tests the FDR filter runs on `n` rows. */
export function fTestDof(task: 'classification' | 'regression', n: number, y: Float64Array, nClasses: number): { d1: number; d2: number } {
  if (task === 'regression') return { d1: 1, d2: n - 2 };
  // ANOVA over the classes present in these rows: a fold may miss a rare class.
  const seen = new Uint8Array(Math.max(1, nClasses));
  let k = 0;
  for (let i = 0; i < n; i++) {
    const c = y[i]!;
    if (!seen[c]) {
      seen[c] = 1;
      k++;
    }
  }
  return { d1: k - 1, d2: n - k };
}
