/**
 * linear_regression and elastic_net: the estimator contract, agreement with scikit-learn 1.2.1
 * (LinearRegression, ElasticNet(alpha=0.5, l1_ratio=0.7)) on the standardised diabetes data
 * (target unscaled), collinear and constant columns, and model-file validation.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { describeEstimatorContract } from '../contracts/estimator-contract.js';
import { LinearRegression, linearRegressionSpec } from '../../src/models/linear-regression.js';
import { ElasticNet, coordinateDescent, coordinateDescentGram, elasticNetSpec } from '../../src/models/linear-elastic-net.js';
import { spaceFromJSON } from '../../src/space/json.js';
import { getModel } from '../../src/models/registry.js';
import type { EstimatorJSON, Matrix } from '../../src/models/estimator.js';
import { isAutomlError } from '../../src/util/errors.js';
import { createRng } from '../../src/util/rng.js';
import { loadStandardised } from './svm-data.js';

describeEstimatorContract(linearRegressionSpec, [
  { params: {}, task: 'regression' },
  { params: { fit_intercept: false }, task: 'regression' },
]);
describeEstimatorContract(elasticNetSpec, [
  { params: { alpha: 0.01 }, task: 'regression' },
  { params: { alpha: 0.05, l1_ratio: 1 }, task: 'regression' },
  { params: { alpha: 0.01, l1_ratio: 0, selection: 'random' }, task: 'regression' },
]);

const ctx = { task: 'regression' as const, nClasses: 0, seed: 0 };

describe('linear models match scikit-learn on diabetes', () => {
  const d = loadStandardised('diabetes-progression.csv', false, false);
  it('ordinary least squares: coefficients and intercept', () => {
    const m = linearRegressionSpec.create({}, ctx) as LinearRegression;
    m.fit(d.X, d.y);
    const ref = [-0.476121, -11.406867, 24.726549, 15.429404, -37.679953, 22.676163, 4.806138, 8.422039, 35.734446, 3.216674];
    const { w, b, rank } = m.coefficients;
    ref.forEach((v, j) => expect(w[j]).toBeCloseTo(v, 5));
    expect(b).toBeCloseTo(152.1334841628959, 8);
    expect(rank).toBe(10);
  });

  it('elastic net (alpha 0.5, l1_ratio 0.7): coefficients, intercept and coordinate passes', () => {
    const m = elasticNetSpec.create({ alpha: 0.5, l1_ratio: 0.7 }, ctx) as ElasticNet;
    m.fit(d.X, d.y);
    const ref = [0, -8.687398, 22.399708, 13.676651, -2.291254, -3.351876, -9.243139, 4.792417, 19.825251, 4.212497];
    const { w, b, iterations, converged } = m.coefficients;
    ref.forEach((v, j) => expect(Math.abs(w[j]! - v)).toBeLessThan(1e-3));
    expect(b).toBeCloseTo(152.1334841628959, 8);
    expect(iterations).toBe(20);
    expect(converged).toBe(true);
  });
});

function withColumns(X: Matrix, extra: (row: Float64Array | Float32Array) => number[]): Matrix {
  const add = extra(X.data.subarray(0, X.cols)).length;
  const p = X.cols + add;
  const data = new Float64Array(X.rows * p);
  for (let i = 0; i < X.rows; i++) {
    const row = X.data.subarray(i * X.cols, (i + 1) * X.cols);
    data.set(row, i * p);
    data.set(extra(row), i * p + X.cols);
  }
  return { rows: X.rows, cols: p, data };
}

describe('linear_regression with collinear columns', () => {
  const d = loadStandardised('diabetes-progression.csv', false, false);
  const base = linearRegressionSpec.create({}, ctx);
  base.fit(d.X, d.y);
  const want = base.predict(d.X);

  it('a duplicated column, a linear combination and a constant column give the same fit, rank 10', () => {
    const X2 = withColumns(d.X, (r) => [r[2]!, r[0]! - 2 * r[5]!, 3]);
    const m = linearRegressionSpec.create({}, ctx) as LinearRegression;
    m.fit(X2, d.y);
    expect(m.coefficients.rank).toBe(10);
    const got = m.predict(X2);
    for (let i = 0; i < got.length; i++) expect(got[i]).toBeCloseTo(want[i]!, 6);
  });

  it('more columns than rows: interpolates the training rows', () => {
    const rng = createRng('wide');
    const n = 20;
    const p = 50;
    const X = { rows: n, cols: p, data: Float64Array.from({ length: n * p }, () => rng.normal()) };
    const y = Float64Array.from({ length: n }, () => rng.normal());
    const m = linearRegressionSpec.create({}, ctx) as LinearRegression;
    m.fit(X, y);
    expect(m.coefficients.rank).toBe(n - 1);
    const pred = m.predict(X);
    for (let i = 0; i < n; i++) expect(pred[i]).toBeCloseTo(y[i]!, 6);
  });
});

describe('elastic_net behaviour', () => {
  const d = loadStandardised('diabetes-progression.csv', false, false);
  it('a large alpha sets every coefficient to zero and predicts the mean', () => {
    const m = elasticNetSpec.create({ alpha: 1e6, l1_ratio: 1 }, ctx) as ElasticNet;
    m.fit(d.X, d.y);
    expect(Array.from(m.coefficients.w).every((v) => v === 0)).toBe(true);
    const mean = d.y.reduce((a, b) => a + b, 0) / d.y.length;
    expect(m.predict(d.X)[0]).toBeCloseTo(mean, 8);
  });

  it('random selection is seeded and reaches the cyclic solution', () => {
    const fit = (params: Record<string, unknown>, seed: number): Float64Array => {
      const m = elasticNetSpec.create({ alpha: 0.1, tol: 1e-8, ...params }, { ...ctx, seed }) as ElasticNet;
      m.fit(d.X, d.y);
      return m.coefficients.w;
    };
    const cyclic = fit({}, 0);
    const a = fit({ selection: 'random' }, 4);
    expect(Array.from(fit({ selection: 'random' }, 4))).toEqual(Array.from(a));
    for (let j = 0; j < a.length; j++) expect(Math.abs(a[j]! - cyclic[j]!)).toBeLessThan(1e-3);
  });

  it('the Gram form (more rows than columns) and the residual form reach the same coefficients', () => {
    const n = d.X.rows;
    const p = d.X.cols;
    const Xc = new Float64Array(n * p);
    const mean = new Float64Array(p);
    for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) mean[j] = mean[j]! + d.X.data[i * p + j]! / n;
    for (let i = 0; i < n; i++) for (let j = 0; j < p; j++) Xc[j * n + i] = d.X.data[i * p + j]! - mean[j]!;
    const my = d.y.reduce((a, b) => a + b, 0) / n;
    const yc = Float64Array.from(d.y, (v) => v - my);
    const G = new Float64Array(p * p);
    const c = new Float64Array(p);
    for (let j = 0; j < p; j++) {
      for (let k = 0; k < p; k++) for (let i = 0; i < n; i++) G[j * p + k] = G[j * p + k]! + Xc[j * n + i]! * Xc[k * n + i]!;
      for (let i = 0; i < n; i++) c[j] = c[j]! + Xc[j * n + i]! * yc[i]!;
    }
    const yy = yc.reduce((a, v) => a + v * v, 0);
    const opt = { maxIter: 1000, tol: 1e-10, random: false, seed: 0 };
    const a = coordinateDescent(Xc, n, p, yc, 0.3 * 0.7 * n, 0.3 * 0.3 * n, opt);
    const b = coordinateDescentGram(G, c, yy, p, 0.3 * 0.7 * n, 0.3 * 0.3 * n, opt);
    expect(a.converged && b.converged).toBe(true);
    for (let j = 0; j < p; j++) expect(b.w[j]).toBeCloseTo(a.w[j]!, 6);
  });

  it('refuses alpha 0 (use linear_regression) and l1_ratio outside [0, 1]', () => {
    for (const p of [{ alpha: 0 }, { l1_ratio: 1.5 }, { selection: 'greedy' }]) {
      let err: unknown;
      try {
        elasticNetSpec.create(p, ctx);
      } catch (e) {
        err = e;
      }
      expect(isAutomlError(err, 'E_PARAM')).toBe(true);
    }
  });
});

describe('linear model files and spaces', () => {
  const d = loadStandardised('cpu.csv', false, false);
  it('load refuses a wrong weight count, a non-finite intercept and unknown keys, naming the path', () => {
    for (const spec of [linearRegressionSpec, elasticNetSpec]) {
      const m = spec.create({}, ctx);
      m.fit(d.X, d.y);
      const j = m.toJSON();
      const bad = (edit: (s: Record<string, any>) => void): unknown => {
        const c = JSON.parse(JSON.stringify(j)) as EstimatorJSON;
        edit(c.state as Record<string, any>);
        try {
          spec.load(c);
        } catch (e) {
          return isAutomlError(e, 'E_MODEL_FILE') ? e.details.path : e;
        }
        return 'loaded';
      };
      expect(bad((s) => s.w.pop())).toBe('state.w');
      expect(bad((s) => (s.b = 'Infinity'))).toBe('state.b');
      expect(bad((s) => (s.other = 1))).toBe('state.other');
      expect(bad((s) => (s.nFeatures = 0))).toBe('state.nFeatures');
    }
  });

  it('the search-space files parse and their corners are valid parameters', () => {
    for (const name of ['svm', 'svr', 'gaussian_process', 'linear_regression', 'elastic_net']) {
      const file = new URL(`../../search-spaces/${name}.json`, import.meta.url);
      const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { type: string; low?: number; high?: number; choices?: unknown[] }>;
      const dims = Object.entries(json).filter(([k]) => !k.startsWith('$'));
      if (dims.length > 0) expect(() => spaceFromJSON(json, file.pathname)).not.toThrow();
      const spec = getModel(name);
      const task = spec.tasks[0]!;
      for (const pick of [0, 1]) {
        const params: Record<string, unknown> = {};
        for (const [k, dim] of dims) params[k] = dim.type === 'categorical' ? dim.choices![pick === 0 ? 0 : dim.choices!.length - 1] : pick === 0 ? dim.low : dim.high;
        expect(() => spec.create(params, { task, nClasses: task === 'classification' ? 2 : 0, seed: 0 }), `${name} ${JSON.stringify(params)}`).not.toThrow();
      }
    }
  });
});
