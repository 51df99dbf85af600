/**
 * The one L-BFGS (src/numeric/lbfgs.ts) in both of its uses: the learners' configuration
 * (strong-Wolfe line search, SciPy stopping rules, 10 pairs) and the GP sampler's (backtracking,
 * 8 pairs, ftol 1e-9). Each must minimise the classic hard cases the two former solvers
 * (src/models/fast/lbfgs.ts and src/samplers/gp/lbfgs.ts) handled.
 */
import { describe, expect, it } from 'vitest';
import { lbfgs, type LbfgsOptions, type Objective } from '../../src/numeric/lbfgs.js';
import { LbfgsMemory } from '../../src/numeric/quasi-newton.js';
import { createRng } from '../../src/util/rng.js';

const CONFIGS: [string, Omit<LbfgsOptions, 'maxIter' | 'gtol'>][] = [
  ['learners (Wolfe)', {}],
  ['GP (backtracking)', { ftol: 1e-9, memory: 8, lineSearch: 'backtracking' }],
];

/** Extended Rosenbrock: sum of 100 (x_{2i+1} - x_{2i}^2)^2 + (1 - x_{2i})^2; minimum 0 at all ones. */
const rosenbrock: Objective = (x, g) => {
  let f = 0;
  g.fill(0);
  for (let i = 0; i < x.length; i += 2) {
    const a = x[i + 1]! - x[i]! * x[i]!;
    const b = 1 - x[i]!;
    f += 100 * a * a + b * b;
    g[i] += -400 * a * x[i]! - 2 * b;
    g[i + 1] += 200 * a;
  }
  return f;
};

/**
 * 0.5 (x - c)' A (x - c) with A = Q diag(lambda) Q', Q a Householder reflection, eigenvalues
 * spread log-evenly over [1, cond]: ill-conditioned and not axis-aligned.
 */
function quadratic(d: number, cond: number, seed: number): { f: Objective; c: Float64Array; a: Float64Array } {
  const rng = createRng(seed);
  const v = Float64Array.from({ length: d }, () => rng.next() - 0.5);
  let vv = 0;
  for (const e of v) vv += e * e;
  const a = new Float64Array(d * d);
  for (let i = 0; i < d; i++) {
    for (let j = 0; j < d; j++) {
      let s = 0;
      for (let k = 0; k < d; k++) {
        const qik = (i === k ? 1 : 0) - (2 * v[i]! * v[k]!) / vv;
        const qjk = (j === k ? 1 : 0) - (2 * v[j]! * v[k]!) / vv;
        s += qik * cond ** (k / (d - 1)) * qjk;
      }
      a[i * d + j] = s;
    }
  }
  const c = Float64Array.from({ length: d }, () => rng.next() * 2 - 1);
  const f: Objective = (x, g) => {
    let val = 0;
    for (let i = 0; i < d; i++) {
      let s = 0;
      for (let j = 0; j < d; j++) s += a[i * d + j]! * (x[j]! - c[j]!);
      g[i] = s;
      val += 0.5 * (x[i]! - c[i]!) * s;
    }
    return val;
  };
  return { f, c, a };
}

describe('lbfgs', () => {
  for (const [name, cfg] of CONFIGS) {
    describe(name, () => {
      it('minimises the 2-d Rosenbrock function from (-1.2, 1)', () => {
        const res = lbfgs(rosenbrock, Float64Array.of(-1.2, 1), { maxIter: 500, gtol: 1e-8, ...cfg });
        expect(res.converged).toBe(true);
        expect(res.f).toBeLessThan(1e-10);
        for (const v of res.x) expect(v).toBeCloseTo(1, 4);
      });

      it('minimises the 10-d extended Rosenbrock function', () => {
        const x0 = Float64Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? -1.2 : 1));
        const res = lbfgs(rosenbrock, x0, { maxIter: 1000, gtol: 1e-8, ...cfg });
        expect(res.f).toBeLessThan(1e-10);
        for (const v of res.x) expect(v).toBeCloseTo(1, 4);
        expect(Array.from(x0)).toEqual([-1.2, 1, -1.2, 1, -1.2, 1, -1.2, 1, -1.2, 1]);
      });

      it('minimises an ill-conditioned quadratic (condition number 1e4, rotated)', () => {
        const { f, c } = quadratic(20, 1e4, 5);
        const res = lbfgs(f, new Float64Array(20), { maxIter: 1000, gtol: 1e-9, ...cfg, ftol: 0 });
        expect(res.converged).toBe(true);
        for (let i = 0; i < 20; i++) expect(res.x[i]).toBeCloseTo(c[i]!, 6);
      });

      it('stays inside the domain of an objective that is +Infinity outside a box', () => {
        // Minimum at 0.6 on every axis; the first unit-length step along -g lands at x_3 ~ 1.44,
        // outside |x| < 1, so the line search must back off from +Infinity.
        const w = [1, 30, 500];
        const f: Objective = (x, g) => {
          if (x.some((v) => Math.abs(v) >= 1)) return Infinity;
          let s = 0;
          for (let i = 0; i < x.length; i++) {
            s += w[i]! * (x[i]! - 0.6) ** 2;
            g[i] = 2 * w[i]! * (x[i]! - 0.6);
          }
          return s;
        };
        const res = lbfgs(f, Float64Array.of(-0.5, 0, 0.5), { maxIter: 200, gtol: 1e-10, ...cfg, ftol: 0 });
        expect(Number.isFinite(res.f)).toBe(true);
        for (const v of res.x) expect(v).toBeCloseTo(0.6, 8);
      });

      it('stops at maxIter (not converged), at once when the start is stationary, and returns a non-finite start as is', () => {
        const capped = lbfgs(rosenbrock, Float64Array.of(-1.2, 1), { maxIter: 3, gtol: 1e-8, ...cfg });
        expect(capped.iterations).toBe(3);
        expect(capped.converged).toBe(false);
        const at = lbfgs(rosenbrock, Float64Array.of(1, 1), { maxIter: 10, gtol: 1e-8, ...cfg });
        expect(at).toMatchObject({ iterations: 0, converged: true, f: 0 });
        const bad = lbfgs(() => NaN, Float64Array.of(1), { maxIter: 10, gtol: 1e-8, ...cfg });
        expect(bad.iterations).toBe(0);
        expect(bad.converged).toBe(false);
        expect(bad.f).toBeNaN();
      });

      it('stops on a small relative decrease (ftol) before gtol is met', () => {
        const loose = lbfgs(rosenbrock, Float64Array.of(-1.2, 1), { maxIter: 500, gtol: 0, ...cfg, ftol: 1e-3 });
        const tight = lbfgs(rosenbrock, Float64Array.of(-1.2, 1), { maxIter: 500, gtol: 0, ...cfg, ftol: 1e-12 });
        expect(loose.converged).toBe(true);
        expect(loose.iterations).toBeLessThan(tight.iterations);
      });

      it('calls onIteration before each iteration; throwing from it aborts', () => {
        const seen: number[] = [];
        lbfgs(rosenbrock, Float64Array.of(-1.2, 1), { maxIter: 4, gtol: 1e-8, ...cfg, onIteration: (i) => void seen.push(i) });
        expect(seen).toEqual([0, 1, 2, 3]);
        const abort = (i: number): void => {
          if (i === 2) throw new Error('stop');
        };
        expect(() => lbfgs(rosenbrock, Float64Array.of(-1.2, 1), { maxIter: 10, gtol: 1e-8, ...cfg, onIteration: abort })).toThrow('stop');
      });
    });
  }
});

describe('LbfgsMemory', () => {
  it('drops a pair without positive curvature and keeps the stored ones intact', () => {
    const d = 3;
    const full = new LbfgsMemory(2, d);
    const pairs: [number[], number[]][] = [
      [[1, 0, 0], [2, 0.1, 0]],
      [[0, 1, 0], [0.1, 3, 0.2]],
    ];
    for (const [s, y] of pairs) full.update(new Float64Array(d), Float64Array.from(s), new Float64Array(d), Float64Array.from(y));
    const g = Float64Array.of(0.3, -1, 2);
    const before = new Float64Array(d);
    full.direction(g, before);
    // s'y < 0: rejected; it must not overwrite the oldest pair of the full memory.
    full.update(new Float64Array(d), Float64Array.of(0, 0, 1), new Float64Array(d), Float64Array.of(0, 0, -1));
    const after = new Float64Array(d);
    full.direction(g, after);
    expect(Array.from(after)).toEqual(Array.from(before));
    full.reset();
    full.direction(g, after);
    // Empty memory: steepest descent, shortened to unit length.
    const norm = Math.hypot(...g);
    for (let i = 0; i < d; i++) expect(after[i]).toBeCloseTo(-g[i]! / norm, 12);
  });
});
