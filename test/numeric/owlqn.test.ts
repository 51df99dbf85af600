/**
 * OWL-QN (src/numeric/owlqn.ts, moved from src/models/fast/owlqn.ts) on problems with a known
 * L1 solution; the learner-level tests (test/models/fast/logistic-l1.test.ts) cover real fits.
 */
import { describe, expect, it } from 'vitest';
import type { Objective } from '../../src/numeric/lbfgs.js';
import { owlqn } from '../../src/numeric/owlqn.js';

/** 0.5 sum w_i (x_i - c_i)^2: with an L1 penalty lam the minimiser is soft thresholding of c by lam / w. */
function separable(w: number[], c: number[]): Objective {
  return (x, g) => {
    let f = 0;
    for (let i = 0; i < x.length; i++) {
      const r = x[i]! - c[i]!;
      f += 0.5 * w[i]! * r * r;
      g[i] = w[i]! * r;
    }
    return f;
  };
}

describe('owlqn', () => {
  it('finds the soft-thresholded minimiser, with exact zeros, and leaves unpenalised coordinates free', () => {
    const w = [1, 4, 0.5, 10, 2, 1];
    const c = [3, -0.2, 0.4, -2, 0.05, -5];
    const lam = 0.5;
    // The last coordinate (an intercept, say) is not penalised: m = 5.
    const res = owlqn(separable(w, c), new Float64Array(6), 5, lam, { maxIter: 200, gtol: 1e-10 });
    expect(res.converged).toBe(true);
    for (let i = 0; i < 5; i++) {
      const want = Math.sign(c[i]!) * Math.max(Math.abs(c[i]!) - lam / w[i]!, 0);
      if (want === 0) expect(res.x[i]).toBe(0);
      else expect(res.x[i]).toBeCloseTo(want, 6);
    }
    expect(res.x[5]).toBeCloseTo(-5, 6);
    // The result's f includes the L1 term.
    let l1 = 0;
    for (let i = 0; i < 5; i++) l1 += Math.abs(res.x[i]!);
    expect(res.f).toBeCloseTo(separable(w, c)(res.x, new Float64Array(6)) + lam * l1, 12);
  });

  it('with lam = 0 solves the smooth problem, and stops at maxIter otherwise', () => {
    const f = separable([1, 100], [1, -1]);
    const res = owlqn(f, new Float64Array(2), 2, 0, { maxIter: 100, gtol: 1e-10 });
    expect(res.x[0]).toBeCloseTo(1, 8);
    expect(res.x[1]).toBeCloseTo(-1, 8);
    const capped = owlqn(f, new Float64Array(2), 2, 0.1, { maxIter: 1, gtol: 1e-12 });
    expect(capped.iterations).toBe(1);
    expect(capped.converged).toBe(false);
  });

  it('returns at once when the start is optimal (all-zero weights under a strong penalty)', () => {
    const res = owlqn(separable([1, 1], [0.1, -0.1]), new Float64Array(2), 2, 1, { maxIter: 50, gtol: 1e-8 });
    expect(res).toMatchObject({ iterations: 0, converged: true });
    expect(Array.from(res.x)).toEqual([0, 0]);
  });
});
