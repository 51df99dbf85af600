import { describe, expect, it } from 'vitest';
import {
  binomialUpperTail,
  chiSquaredHomogeneity,
  chiSquaredSf,
  jensenShannonDistance,
  kolmogorovSf,
  ksPValue,
  normalTwoSidedP,
  psi,
  regularizedGammaP,
  regularizedGammaQ,
} from '../../src/serving/stats.js';

/** Relative closeness, for values spanning many orders of magnitude. */
function close(actual: number, expected: number, rel: number): void {
  expect(Math.abs(actual - expected), `${actual} vs ${expected}`).toBeLessThanOrEqual(rel * Math.abs(expected));
}

// Reference values: SciPy 1.17 (scipy.stats.chi2.sf, scipy.special.gammaincc/gammainc,
// scipy.stats.kstwobign.sf, 2 * scipy.stats.norm.sf, scipy.stats.binom.sf,
// scipy.spatial.distance.jensenshannon), printed with python3 -c.
describe('regularised incomplete gamma and the chi-squared tail', () => {
  it('matches scipy.special.gammaincc / gammainc on both sides of a + 1', () => {
    const cases: [number, number, number, number][] = [
      [0.5, 0.1, 0.6547208460185768, 0.34527915398142317],
      [0.5, 2, 0.04550026389635857, 0.9544997361036415],
      [3, 1, 0.9196986029286058, 0.08030139707139418],
      [3, 10, 0.0027693957155115775, 0.9972306042844884],
      [10.5, 4, 0.9951442368223011, 0.004855763177698877],
      [50, 60, 0.08440668109369177, 0.9155933189063082],
    ];
    for (const [a, x, q, p] of cases) {
      close(regularizedGammaQ(a, x), q, 1e-12);
      close(regularizedGammaP(a, x), p, 1e-12);
    }
    expect(regularizedGammaQ(2, 0)).toBe(1);
    expect(regularizedGammaQ(-1, 1)).toBeNaN();
  });

  it('chi2.sf, down to tiny tails', () => {
    const cases: [number, number, number][] = [
      [3.84, 1, 0.05004352124870519],
      [0.5, 1, 0.47950012218695337],
      [10, 3, 0.01856613546304325],
      [50, 10, 2.669083424904495e-7],
      [100, 20, 1.2596084591660847e-12],
      [0.001, 2, 0.9995001249791693],
      [200, 5, 2.8406228986415534e-41],
      [7.5, 7, 0.37873690604821353],
    ];
    for (const [x, df, p] of cases) close(chiSquaredSf(x, df), p, 1e-10);
    expect(chiSquaredSf(0, 3)).toBe(1);
  });

  it('normal two-sided p-values', () => {
    const cases: [number, number][] = [[0, 1], [1, 0.31731050786291415], [1.96, 0.04999579029644087], [3, 0.0026997960632601866], [6, 1.973175290075389e-9]];
    for (const [z, p] of cases) close(normalTwoSidedP(z), p, 1e-10);
    close(normalTwoSidedP(-1.96), 0.04999579029644087, 1e-10);
  });

  it('binomial upper tail P(X >= k)', () => {
    const cases: [number, number, number, number][] = [
      [3, 100, 0.01, 0.07937320225218046],
      [10, 1000, 0.004, 0.008000267855521057],
      [1, 5, 0.5, 0.96875],
      [6, 50, 0.02, 0.0004782172142139082],
    ];
    for (const [k, m, p, tail] of cases) close(binomialUpperTail(k, m, p), tail, 1e-9);
    expect(binomialUpperTail(0, 10, 0.1)).toBe(1);
    expect(binomialUpperTail(11, 10, 0.1)).toBe(0);
  });
});

describe('Kolmogorov distribution', () => {
  it('kstwobign.sf on both series', () => {
    const cases: [number, number][] = [
      [0.2, 0.999999999999495],
      [0.5, 0.9639452436648751],
      [0.8, 0.5441424115741981],
      [1.0, 0.26999967167735456],
      [1.2, 0.11224966667072497],
      [1.36, 0.049485876755377876],
      [1.63, 0.009846364888486529],
      [2.5, 7.453306344157342e-6],
    ];
    for (const [l, p] of cases) close(kolmogorovSf(l), p, 1e-9);
    expect(kolmogorovSf(0)).toBe(1);
  });

  it("two-sample p-values with Stephens' correction stay within 10% of the exact ones", () => {
    // Exact P(D >= d) from scipy.stats._stats_py._attempt_exact_2kssamp (the method ks_2samp uses
    // for small samples); d is on the statistic's lattice, where the exact law has an atom, so the
    // continuous approximation runs a little low.
    const cases: [number, number, number, number][] = [
      [100, 50, 0.2, 0.13304666304580612],
      [200, 100, 0.15, 0.09623799195179213],
      [500, 200, 0.1, 0.10875600898029632],
      [1000, 300, 0.09, 0.04481244504141909],
      [60, 40, 0.3, 0.02254577544638676],
      [1000, 1000, 0.05, 0.16411447756429137],
    ];
    for (const [n, m, d, p] of cases) close(ksPValue(d, n, m), p, 0.1);
    expect(ksPValue(0, 10, 10)).toBe(1);
  });
});

describe('distances and the homogeneity test', () => {
  it('Jensen-Shannon distance as scipy.spatial.distance.jensenshannon (natural log)', () => {
    close(jensenShannonDistance([0.2, 0.8], [0.4, 0.6]), 0.15542604923619252, 1e-12);
    close(jensenShannonDistance([1, 2, 3, 0], [0, 2, 2, 4]), 0.5052453234932046, 1e-12);
    expect(jensenShannonDistance([1, 1], [2, 2])).toBe(0);
  });

  it('chi-squared homogeneity of a 2 x K table', () => {
    // scipy.stats.chi2_contingency([[30, 50, 20], [20, 60, 40]], correction=False): 7.8222..., dof 2, p 0.02002...
    const r = chiSquaredHomogeneity([30, 50, 20], [20, 60, 40]);
    expect(r.df).toBe(2);
    close(r.statistic, 7.822222222222223, 1e-12);
    close(r.pValue, 0.020018246204381352, 1e-9);
    // Bins empty on both sides are left out; one bin left is no test at all.
    expect(chiSquaredHomogeneity([5, 0, 5], [5, 0, 5]).df).toBe(1);
    expect(chiSquaredHomogeneity([5, 0], [7, 0]).pValue).toBe(1);
  });

  it('PSI with empty bins floored', () => {
    // Σ (c - r) ln(c / r): (0.3 - 0.5) ln(0.6) + (0.7 - 0.5) ln(1.4)
    close(psi([50, 50], [30, 70]), -0.2 * Math.log(0.6) + 0.2 * Math.log(1.4), 1e-12);
    expect(psi([1, 0], [1, 0])).toBe(0);
    expect(psi([1, 0], [0.5, 0.5])).toBeGreaterThan(2);
  });
});
