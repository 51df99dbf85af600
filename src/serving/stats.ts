/**
 * The distributions behind the drift tests, written here rather than taken from a statistics
 * package: the Kolmogorov distribution (two-sample KS p-values), the chi-squared survival function
 * through the regularised incomplete gamma function, the normal tail (for proportion tests) and the
 * binomial tail. Reference values in test/serving/stats.test.ts come from SciPy.
 */
import { logGamma, regularizedBeta } from '../numeric/f-distribution.js';

const MAX_TERMS = 10_000;
const EPS = 1e-15;
const TINY = 1e-300;

/** Series of P(a, x), converging fast for x < a + 1 (Numerical Recipes' gser, written anew). */
function gammaSeries(a: number, x: number): number {
  let term = 1 / a;
  let sum = term;
  for (let n = 1; n < MAX_TERMS; n++) {
    term *= x / (a + n);
    sum += term;
    if (Math.abs(term) < Math.abs(sum) * EPS) break;
  }
  return sum * Math.exp(-x + a * Math.log(x) - logGamma(a));
}

/** Continued fraction of Q(a, x) by the modified Lentz method, converging fast for x >= a + 1. */
function gammaFraction(a: number, x: number): number {
  let b = x + 1 - a;
  let c = 1 / TINY;
  let d = 1 / b;
  let h = d;
  for (let i = 1; i < MAX_TERMS; i++) {
    const an = -i * (i - a);
    b += 2;
    d = an * d + b;
    if (Math.abs(d) < TINY) d = TINY;
    c = b + an / c;
    if (Math.abs(c) < TINY) c = TINY;
    d = 1 / d;
    const delta = d * c;
    h *= delta;
    if (Math.abs(delta - 1) < EPS) break;
  }
  return Math.exp(-x + a * Math.log(x) - logGamma(a)) * h;
}

/**
 * Regularised upper incomplete gamma Q(a, x) = Γ(a, x) / Γ(a) for a > 0, x >= 0 (NaN outside).
 * Each side is computed directly (not as 1 - the other), so small tails keep their precision.
 */
export function regularizedGammaQ(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) return NaN;
  if (x === 0) return 1;
  if (x === Infinity) return 0;
  return x < a + 1 ? 1 - gammaSeries(a, x) : gammaFraction(a, x);
}

/** Regularised lower incomplete gamma P(a, x) = 1 - Q(a, x). */
export function regularizedGammaP(a: number, x: number): number {
  if (!(a > 0) || !(x >= 0)) return NaN;
  if (x === 0) return 0;
  if (x === Infinity) return 1;
  return x < a + 1 ? gammaSeries(a, x) : 1 - gammaFraction(a, x);
}

/** P(X >= x) for X chi-squared with `df` degrees of freedom: Q(df/2, x/2). */
export function chiSquaredSf(x: number, df: number): number {
  if (!(df > 0) || Number.isNaN(x)) return NaN;
  if (x <= 0) return 1;
  return regularizedGammaQ(df / 2, x / 2);
}

/** P(|Z| >= z) for a standard normal Z: erfc(|z| / √2) = Q(1/2, z² / 2). */
export function normalTwoSidedP(z: number): number {
  if (Number.isNaN(z)) return NaN;
  return regularizedGammaQ(0.5, (z * z) / 2);
}

/**
 * Survival function of the Kolmogorov distribution, P(K > λ) = 2 Σ_{j>=1} (-1)^{j-1} exp(-2 j² λ²).
 * For small λ that alternating series converges slowly, so the equivalent theta-function form
 * 1 - (√(2π)/λ) Σ_{j>=1} exp(-(2j-1)² π² / (8 λ²)) is used there instead.
 */
export function kolmogorovSf(lambda: number): number {
  if (Number.isNaN(lambda)) return NaN;
  if (lambda <= 0) return 1;
  if (lambda < 1) {
    let s = 0;
    for (let j = 1; j < 50; j++) {
      const t = Math.exp(-((2 * j - 1) ** 2) * Math.PI * Math.PI / (8 * lambda * lambda));
      s += t;
      if (t < 1e-17) break;
    }
    return Math.min(1, Math.max(0, 1 - (Math.sqrt(2 * Math.PI) / lambda) * s));
  }
  let s = 0;
  for (let j = 1; j < 100; j++) {
    const t = Math.exp(-2 * j * j * lambda * lambda);
    s += j % 2 === 1 ? t : -t;
    if (t < 1e-17) break;
  }
  return Math.min(1, Math.max(0, 2 * s));
}

/**
 * Two-sided p-value of the two-sample Kolmogorov-Smirnov statistic `d` for samples of sizes `n`
 * and `m`: the Kolmogorov distribution at λ = (√e + 0.12 + 0.11/√e) d with e = nm/(n+m), Stephens'
 * (1970) correction that makes the asymptotic law accurate from e of about 4 upward.
 */
export function ksPValue(d: number, n: number, m: number): number {
  if (!(n > 0) || !(m > 0) || Number.isNaN(d)) return NaN;
  if (d <= 0) return 1;
  const en = Math.sqrt((n * m) / (n + m));
  return kolmogorovSf((en + 0.12 + 0.11 / en) * Math.min(d, 1));
}

/** P(X >= k) for X ~ Binomial(m, p): the regularised incomplete beta I_p(k, m - k + 1). */
export function binomialUpperTail(k: number, m: number, p: number): number {
  if (k <= 0) return 1;
  if (k > m) return 0;
  if (p <= 0) return 0;
  if (p >= 1) return 1;
  return regularizedBeta(p, k, m - k + 1);
}

/**
 * Chi-squared test of homogeneity of two count vectors over the same bins (a 2 x K contingency
 * table). Bins empty in both samples are left out. Returns the statistic, its degrees of freedom
 * (K' - 1 for the K' bins used) and the p-value; NaN when either sample is empty.
 */
export function chiSquaredHomogeneity(a: readonly number[], b: readonly number[]): { statistic: number; df: number; pValue: number } {
  let na = 0;
  let nb = 0;
  for (let k = 0; k < a.length; k++) (na += a[k]!), (nb += b[k]!);
  if (!(na > 0) || !(nb > 0)) return { statistic: NaN, df: 0, pValue: NaN };
  const total = na + nb;
  let stat = 0;
  let bins = 0;
  for (let k = 0; k < a.length; k++) {
    const col = a[k]! + b[k]!;
    if (col <= 0) continue;
    bins++;
    const ea = (na * col) / total;
    const eb = (nb * col) / total;
    stat += (a[k]! - ea) ** 2 / ea + (b[k]! - eb) ** 2 / eb;
  }
  const df = bins - 1;
  if (df < 1) return { statistic: 0, df: 0, pValue: 1 };
  return { statistic: stat, df, pValue: chiSquaredSf(stat, df) };
}

/**
 * Jensen-Shannon distance (the square root of the divergence, natural logarithm, so at most
 * √ln 2 ≈ 0.833) between two distributions given as non-negative weights over the same bins,
 * each normalised to sum to 1: SciPy's `scipy.spatial.distance.jensenshannon`, which Evidently uses.
 */
export function jensenShannonDistance(p: readonly number[], q: readonly number[]): number {
  const sp = p.reduce((s, x) => s + x, 0);
  const sq = q.reduce((s, x) => s + x, 0);
  if (!(sp > 0) || !(sq > 0)) return NaN;
  let js = 0;
  for (let k = 0; k < p.length; k++) {
    const a = p[k]! / sp;
    const b = q[k]! / sq;
    const mid = (a + b) / 2;
    if (a > 0) js += 0.5 * a * Math.log(a / mid);
    if (b > 0) js += 0.5 * b * Math.log(b / mid);
  }
  return Math.sqrt(Math.max(0, js));
}

/** Share given to an empty bin in {@link psi}, so that a bin empty on one side costs a finite amount. */
export const PSI_EMPTY_SHARE = 1e-4;

/**
 * Population stability index Σ (q - p) ln(q / p) over bins, from weights (normalised here);
 * empty bins count as {@link PSI_EMPTY_SHARE}. Common reading: < 0.1 stable, 0.1-0.25 some
 * shift, > 0.25 a large shift.
 */
export function psi(reference: readonly number[], current: readonly number[]): number {
  const sr = reference.reduce((s, x) => s + x, 0);
  const sc = current.reduce((s, x) => s + x, 0);
  if (!(sr > 0) || !(sc > 0)) return NaN;
  let out = 0;
  for (let k = 0; k < reference.length; k++) {
    const r = Math.max(reference[k]! / sr, PSI_EMPTY_SHARE);
    const c = Math.max(current[k]! / sc, PSI_EMPTY_SHARE);
    out += (c - r) * Math.log(c / r);
  }
  return out;
}
