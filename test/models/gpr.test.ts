/**
 * gaussian_process: the estimator contract, the likelihood gradient, agreement with scikit-learn
 * 1.2.1's GaussianProcessRegressor (ConstantKernel(1) * RBF or Matern(nu=2.5) with length scale
 * sqrt(p) + WhiteKernel(0.1), normalize_y, no restarts) on standardised bundled data, the
 * predictive standard deviation, the row cap and model-file validation.
 */
import { describe, expect, it } from 'vitest';
import { describeEstimatorContract, regressionData } from '../contracts/estimator-contract.js';
import { GaussianProcessRegressor, gaussianProcessSpec } from '../../src/models/gpr/index.js';
import { gpProblem, negLogLikelihood, type GpKernel } from '../../src/models/gpr/objective.js';
import type { EstimatorJSON } from '../../src/models/estimator.js';
import { isAutomlError } from '../../src/util/errors.js';
import { createRng } from '../../src/util/rng.js';
import { loadStandardised, r2 } from './svm-data.js';

describeEstimatorContract(gaussianProcessSpec, [
  { params: { n_restarts: 0 }, task: 'regression' },
  { params: { kernel: 'matern52', ard: true, n_restarts: 1 }, task: 'regression' },
]);

const ctx = { task: 'regression' as const, nClasses: 0, seed: 0 };

describe('gaussian_process likelihood', () => {
  const cases: [GpKernel, boolean][] = [
    ['rbf', false],
    ['matern52', false],
    ['rbf', true],
    ['matern52', true],
  ];
  for (const [kind, ard] of cases) {
    it(`${kind}${ard ? ' ARD' : ''}: the analytic gradient matches central differences`, () => {
      const rng = createRng(`grad-${kind}-${ard}`);
      const n = 40;
      const p = 3;
      const X = Float64Array.from({ length: n * p }, () => rng.normal());
      const y = Float64Array.from({ length: n }, (_, i) => Math.sin(X[i * p]!) + 0.2 * rng.normal());
      const prob = gpProblem(kind, X, n, p, y, 1e-10, ard);
      const q = ard ? p : 1;
      const theta = Float64Array.from({ length: q + 2 }, (_, j) => (j === 0 ? 0.3 : j === q + 1 ? Math.log(0.05) : 0.2 + 0.1 * j));
      const g = new Float64Array(q + 2);
      negLogLikelihood(prob, theta, g);
      const h = 1e-5;
      for (let j = 0; j < theta.length; j++) {
        const up = theta.slice();
        const down = theta.slice();
        up[j] = up[j]! + h;
        down[j] = down[j]! - h;
        const fd = (negLogLikelihood(prob, up, new Float64Array(q + 2)) - negLogLikelihood(prob, down, new Float64Array(q + 2))) / (2 * h);
        expect(g[j]).toBeCloseTo(fd, 4);
      }
    });
  }
});

describe('gaussian_process matches scikit-learn', () => {
  // [dataset, kernel, ard, log marginal likelihood, amplitude (sd), length scales, noise, training R^2]
  const cases: [string, GpKernel, boolean, number, number, number[], number, number][] = [
    ['cpu.csv', 'rbf', false, 9.932717636932978, 2.82, [4.32], 0.026, 0.978856],
    ['cpu.csv', 'matern52', false, 13.056740424667822, 2.93, [6.51], 0.0235, 0.981878],
    ['diabetes-progression.csv', 'rbf', false, -485.7432633379726, 1.12, [6.23], 0.469, 0.556223],
  ];
  for (const [file, kernel, ard, lml, amp, ls, noise, score] of cases) {
    it(`${file} ${kernel}: the same optimum (log marginal likelihood ${lml.toFixed(4)})`, () => {
      const d = loadStandardised(file, false, false);
      const m = gaussianProcessSpec.create({ kernel, ard, n_restarts: 0 }, ctx) as GaussianProcessRegressor;
      m.fit(d.X, d.y);
      const k = m.kernel;
      expect(Math.abs(k.logMarginalLikelihood - lml)).toBeLessThan(1e-6 * Math.max(1, Math.abs(lml)));
      // Reference values as scikit-learn prints them (three significant digits).
      expect(Math.abs(Math.sqrt(k.amplitude) - amp) / amp).toBeLessThan(0.01);
      ls.forEach((v, i) => expect(Math.abs(k.lengthScales[i]! - v) / v).toBeLessThan(0.01));
      expect(Math.abs(k.noise - noise) / noise).toBeLessThan(0.02);
      expect(Math.abs(r2(m.predict(d.X), d.y) - score)).toBeLessThan(1e-4);
    });
  }
});

describe('gaussian_process predictions', () => {
  const rng = createRng('gp-1d');
  const n = 60;
  const X = Float64Array.from({ length: n }, () => rng.next() * 4 - 2);
  const y = Float64Array.from(X, (x) => Math.sin(2 * x) + 0.05 * rng.normal());
  const m = gaussianProcessSpec.create({}, ctx) as GaussianProcessRegressor;
  m.fit({ rows: n, cols: 1, data: X }, y);

  it('the standard deviation is small inside the data, grows away from it, and includes the noise', () => {
    const T = { rows: 3, cols: 1, data: Float64Array.of(0, 4, 20) };
    const { mean, std } = m.predictWithStd(T);
    expect(Array.from(mean)).toEqual(Array.from(m.predict(T)));
    expect(Array.from(std)).toEqual(Array.from(m.predictStd(T)));
    expect(std[0]).toBeLessThan(0.1);
    expect(std[1]).toBeGreaterThan(2 * std[0]!);
    expect(std[2]).toBeGreaterThan(std[1]!);
    const { amplitude, noise } = m.kernel;
    const sdY = Math.sqrt(y.reduce((a, v) => a + v * v, 0) / n - (y.reduce((a, v) => a + v, 0) / n) ** 2);
    // Far from the data the predictive variance returns to the prior: amplitude plus noise.
    expect(std[2]).toBeCloseTo(Math.sqrt(amplitude + noise) * sdY, 3);
    expect(std[0]).toBeGreaterThan(Math.sqrt(noise) * sdY * 0.99);
  });

  it('a loaded model predicts the same mean and standard deviation (the factor is rebuilt)', () => {
    const loaded = gaussianProcessSpec.load(JSON.parse(JSON.stringify(m.toJSON())) as EstimatorJSON) as GaussianProcessRegressor;
    const T = { rows: 4, cols: 1, data: Float64Array.of(-1.5, 0.2, 1.9, 3) };
    const a = m.predictWithStd(T);
    const b = loaded.predictWithStd(T);
    for (let i = 0; i < 4; i++) {
      expect(b.mean[i]).toBeCloseTo(a.mean[i]!, 10);
      expect(b.std[i]).toBeCloseTo(a.std[i]!, 8);
    }
  });

  it('above max_rows it fits a seeded subsample and records the rows it saw', () => {
    const d = regressionData(3, 300);
    const fit = (): GaussianProcessRegressor => {
      const g = gaussianProcessSpec.create({ max_rows: 100, n_restarts: 0 }, { ...ctx, seed: 9 }) as GaussianProcessRegressor;
      g.fit(d.Xtrain, d.ytrain);
      return g;
    };
    const a = fit();
    expect(a.kernel.rows).toBe(100);
    expect(a.kernel.rowsSeen).toBe(300);
    expect(Array.from(fit().predict(d.Xtest))).toEqual(Array.from(a.predict(d.Xtest)));
    expect(r2(a.predict(d.Xtest), d.ytest)).toBeGreaterThan(0.9);
  });
});

describe('gaussian_process parameters and model files', () => {
  it('refuses bad parameters with E_PARAM', () => {
    for (const p of [{ kernel: 'periodic' }, { max_rows: 100000 }, { n_restarts: -1 }, { ard: 'yes' }, { alpha: -1 }]) {
      let err: unknown;
      try {
        gaussianProcessSpec.create(p, ctx);
      } catch (e) {
        err = e;
      }
      expect(isAutomlError(err, 'E_PARAM'), JSON.stringify(p)).toBe(true);
    }
  });

  it('load refuses bad state fields naming the path', () => {
    const d = regressionData();
    const m = gaussianProcessSpec.create({ n_restarts: 0 }, ctx);
    m.fit(d.Xtrain, d.ytrain);
    const j = m.toJSON();
    const bad = (edit: (s: Record<string, any>) => void): unknown => {
      const c = JSON.parse(JSON.stringify(j)) as EstimatorJSON;
      edit(c.state as Record<string, any>);
      try {
        gaussianProcessSpec.load(c);
      } catch (e) {
        return isAutomlError(e, 'E_MODEL_FILE') ? e.details.path : e;
      }
      return 'loaded';
    };
    expect(bad((s) => s.X.pop())).toBe('state.X');
    expect(bad((s) => s.alpha.pop())).toBe('state.alpha');
    expect(bad((s) => (s.theta[0] = 40))).toBe('state.theta[0]');
    expect(bad((s) => s.theta.push(0))).toBe('state.theta');
    expect(bad((s) => (s.nRows = 5000))).toBe('state.nRows');
    expect(bad((s) => (s.rowsSeen = 3))).toBe('state.rowsSeen');
    expect(bad((s) => (s.extra = 0))).toBe('state.extra');
  });
});
