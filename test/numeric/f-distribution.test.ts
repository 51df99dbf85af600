/**
 * The F distribution's survival function and its building blocks (regularized incomplete beta,
 * log-gamma) against SciPy's values and closed forms. Moved from test/pipeline/selection-fdr.test.ts
 * with the code (src/pipeline/selection/f-dist.ts -> src/numeric/f-distribution.ts).
 */
import { describe, expect, it } from 'vitest';
import { fSurvival, logGamma, regularizedBeta } from '../../src/numeric/f-distribution.js';

// Reference values from scipy 1.17 (stats.f.sf, special.betainc, math.lgamma).
const F_SF: [number, number, number, number][] = [
  [4.964602743, 1, 10, 0.05000000001390006],
  [1.0, 1, 1, 0.5000000000000001],
  [0.5, 3, 7, 0.6940363875688137],
  [2.5, 5, 20, 0.06492704610094516],
  [10.0, 2, 100, 0.00010988481911717233],
  [3.2, 4, 437, 0.013147804749161008],
  [0.01, 1, 440, 0.9203898717045589],
  [25.0, 1, 440, 8.295036617971659e-7],
  [80.0, 1, 350, 2.2104085674721942e-17],
  [1.7, 9, 168, 0.092482278864204],
  [0.3, 1, 2, 0.6388424407426925],
  [150.0, 2, 3, 0.0009851853368415735],
  // Large samples (many rows): the continued fraction must still converge.
  [3, 1, 1e6, 0.08326482502421008],
  [1.2, 50, 1e6, 0.157249694346224],
  [0.9, 99, 200000, 0.7519199306535561],
  [5, 1, 5, 0.07558681842161241],
];
const BETA: [number, number, number, number][] = [
  [0.3, 0.5, 0.5, 0.36901011956554536],
  [0.9, 2.0, 3.0, 0.9963],
  [0.1, 10.0, 0.5, 1.8480273740563758e-11],
  [0.5, 200.0, 210.0, 0.6894852134274166],
  [0.999, 1.5, 50.0, 1.0],
];

describe('F distribution survival function', () => {
  it('matches known values to 1e-8 (and small p-values to 1e-9 relative)', () => {
    for (const [f, d1, d2, want] of F_SF) {
      const got = fSurvival(f, d1, d2);
      expect(Math.abs(got - want)).toBeLessThan(1e-8);
      if (want < 1e-3) expect(Math.abs(got / want - 1)).toBeLessThan(1e-9);
    }
    for (const [x, a, b, want] of BETA) expect(Math.abs(regularizedBeta(x, a, b) - want)).toBeLessThan(1e-8);
    for (const [x, want] of [[0.1, 2.2527126517342055], [0.5, 0.5723649429247004], [1, 0], [2.5, 0.2846828704729196], [10, 12.801827480081467], [100.5, 361.4355404677776]] as const) {
      expect(Math.abs(logGamma(x) - want)).toBeLessThan(1e-10 * Math.max(1, want));
    }
  });

  it('agrees with the closed forms for d1 = 2 and for (1, 1)', () => {
    for (const d2 of [1, 3, 10, 57, 400]) {
      for (const f of [0.05, 0.7, 1, 3.3, 12, 60]) {
        expect(Math.abs(fSurvival(f, 2, d2) - (1 + (2 * f) / d2) ** (-d2 / 2))).toBeLessThan(1e-12);
      }
    }
    for (const f of [0.01, 0.5, 1, 4, 100]) expect(Math.abs(fSurvival(f, 1, 1) - (1 - (2 / Math.PI) * Math.atan(Math.sqrt(f))))).toBeLessThan(1e-12);
  });

  it('edges: p 1 at F <= 0, 0 at +Infinity, NaN without degrees of freedom; monotone in F', () => {
    expect(fSurvival(0, 3, 10)).toBe(1);
    expect(fSurvival(Infinity, 3, 10)).toBe(0);
    expect(fSurvival(2, 0, 10)).toBeNaN();
    expect(fSurvival(NaN, 1, 10)).toBeNaN();
    let prev = 1;
    for (let f = 0.1; f < 50; f *= 1.3) {
      const p = fSurvival(f, 4, 30);
      expect(p).toBeLessThan(prev);
      prev = p;
    }
  });
});
