import { describe, expect, it } from 'vitest';
import { describeSamplerContract } from '../contracts/sampler-contract.js';
import { GpSampler } from '../../src/samplers/gp.js';
import { createSampler } from '../../src/samplers/index.js';
import { negLogPosterior, Posterior } from '../../src/samplers/gp/kernel.js';
import { lbfgs } from '../../src/numeric/lbfgs.js';
import { logH, normCdf } from '../../src/samplers/tpe/normal.js';
import { float, space } from '../../src/space/index.js';
import { createRng } from '../../src/util/rng.js';
import { isAutomlError } from '../../src/util/errors.js';
import { ask, branin, drive, record } from './helpers.js';

describeSamplerContract('gp', () => new GpSampler({ nStartupTrials: 4, nCandidates: 48, restarts: 1 }));

describe('GpSampler', () => {
  it('converges on a 1-d quadratic', () => {
    const sp = space({ x: float(-2, 2) });
    const { best } = drive(new GpSampler({ nStartupTrials: 4 }), sp, (p) => ((p.x as number) - 0.7) ** 2, 1, 16);
    expect(best.at(-1)!).toBeLessThan(1e-4);
  });

  it('gets close to the Branin optimum (0.398) in 30 trials', () => {
    const sp = space({ x0: float(-5, 10), x1: float(0, 15) });
    const { best } = drive(new GpSampler(), sp, branin, 2, 30);
    expect(best.at(-1)!).toBeLessThan(0.45);
  });

  it('is deterministic given seed and history', () => {
    const sp = space({ x: float(0, 1), y: float(0, 1) });
    const f = (p: Record<string, unknown>): number => ((p.x as number) - 0.2) ** 2 + ((p.y as number) - 0.9) ** 2;
    const a = drive(new GpSampler({ nStartupTrials: 4 }), sp, f, 5, 12).history.map((t) => t.params);
    const b = drive(new GpSampler({ nStartupTrials: 4 }), sp, f, 5, 12).history.map((t) => t.params);
    expect(b).toEqual(a);
  });

  it('moves away from a RUNNING trial (constant liar)', () => {
    const sp = space({ x: float(0, 1) });
    const { history } = drive(new GpSampler({ nStartupTrials: 4 }), sp, (p) => ((p.x as number) - 0.3) ** 2, 3, 10);
    const first = ask(new GpSampler({ nStartupTrials: 4 }), sp, 3, 10, history)!;
    const second = ask(new GpSampler({ nStartupTrials: 4 }), sp, 3, 11, [...history, record(10, first, null, 'RUNNING')])!;
    expect(Math.abs((second.x as number) - (first.x as number))).toBeGreaterThan(1e-3);
  });

  it('rejects bad options with E_CONFIG and is registered as "gp"', () => {
    let err: unknown;
    try {
      new GpSampler({ maxPoints: 1 });
    } catch (e) {
      err = e;
    }
    expect(isAutomlError(err, 'E_CONFIG')).toBe(true);
    expect(createSampler('gp').name).toBe('gp');
  });
});

describe('GP numerics', () => {
  const rng = createRng(4);
  const n = 12;
  const d = 3;
  const x = Float64Array.from({ length: n * d }, () => rng.next());
  const y = Float64Array.from({ length: n }, (_, i) => Math.sin(3 * x[i * d]!) + x[i * d + 1]!);
  const prior = { mean: new Float64Array(d + 2), sd: new Float64Array(d + 2).fill(2) };

  it('has an analytic gradient that matches finite differences', () => {
    const theta = Float64Array.from([-0.7, 0.1, 0.4, 0.2, -4]);
    const g = new Float64Array(d + 2);
    const f0 = negLogPosterior({ n, d, x }, y, prior, theta, g);
    for (let k = 0; k < d + 2; k++) {
      const t = theta.slice();
      t[k] += 1e-6;
      const f1 = negLogPosterior({ n, d, x }, y, prior, t, new Float64Array(d + 2));
      expect((f1 - f0) / 1e-6).toBeCloseTo(g[k]!, 3);
    }
  });

  it('L-BFGS lowers the objective, and the fitted posterior interpolates the data', () => {
    const f = (t: Float64Array, g: Float64Array): number => negLogPosterior({ n, d, x }, y, prior, t, g);
    const t0 = new Float64Array(d + 2).fill(0);
    const start = f(t0, new Float64Array(d + 2));
    const { x: theta, f: value } = lbfgs(f, t0, { maxIter: 50, gtol: 1e-5, ftol: 1e-9, memory: 8, lineSearch: 'backtracking' });
    expect(value).toBeLessThan(start);
    const post = Posterior.fit({ n, d, x }, y, theta)!;
    const p = post.predict(x.subarray(0, d));
    expect(p.mean).toBeCloseTo(y[0]!, 1);
    expect(p.sd).toBeLessThan(0.2);
  });

  it('computes log EI stably far into the tail', () => {
    for (const z of [-0.5, 0, 1, 3]) {
      const direct = Math.exp(-0.5 * z * z) / Math.sqrt(2 * Math.PI) + z * normCdf(z);
      expect(logH(z)).toBeCloseTo(Math.log(direct), 5);
    }
    // Monotone and finite where the direct formula underflows to log(0).
    let prev = logH(-1);
    for (const z of [-5, -10, -30, -60, -200]) {
      const v = logH(z);
      expect(Number.isFinite(v)).toBe(true);
      expect(v).toBeLessThan(prev);
      prev = v;
    }
  });
});
