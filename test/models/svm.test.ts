/** svm and svr: the estimator contract, parameters, the large-data path and behaviour. */
import { describe, expect, it } from 'vitest';
import { classificationData, describeEstimatorContract } from '../contracts/estimator-contract.js';
import { EXACT_ROW_LIMIT, Svc, Svr, svmSpec, svrSpec } from '../../src/models/svm/index.js';
import { useApprox } from '../../src/models/svm/params.js';
import { resolveGamma } from '../../src/models/svm/kernel.js';
import { isAutomlError } from '../../src/util/errors.js';
import { createRng } from '../../src/util/rng.js';
import type { Matrix } from '../../src/models/estimator.js';
import { accuracy, loadStandardised, r2, rowsOf } from './svm-data.js';

describeEstimatorContract(svmSpec, [
  { params: {}, task: 'classification' },
  { params: { kernel: 'poly', degree: 2, coef0: 1, C: 10 }, task: 'classification' },
  { params: { kernel: 'linear', C: 0.5 }, task: 'classification' },
  { params: { probability: true }, task: 'classification' },
  { params: { class_weight: 'balanced', gamma: 0.2 }, task: 'classification' },
  { params: { solver: 'approx', n_components: 50 }, task: 'classification' },
  { params: { solver: 'approx', approx: 'rff', n_components: 100, probability: true }, task: 'classification' },
  { params: { solver: 'approx', kernel: 'linear' }, task: 'classification' },
]);

describeEstimatorContract(svrSpec, [
  { params: {}, task: 'regression' },
  { params: { C: 100, epsilon: 0.01, gamma: 0.1 }, task: 'regression' },
  { params: { kernel: 'poly', degree: 2, coef0: 1, C: 10 }, task: 'regression' },
  { params: { solver: 'approx', n_components: 80, C: 100 }, task: 'regression' },
]);

/** Two interleaved noisy spirals-like rings: not linearly separable. */
function rings(n: number, seed: number): { X: Matrix; y: Float64Array } {
  const rng = createRng(`rings-${seed}`);
  const X = new Float64Array(n * 2);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 2;
    const r = (c === 0 ? 1 : 2) + rng.normal() * 0.25;
    const t = rng.next() * 2 * Math.PI;
    X[2 * i] = r * Math.cos(t);
    X[2 * i + 1] = r * Math.sin(t);
    y[i] = c;
  }
  return { X: { rows: n, cols: 2, data: X }, y };
}

function code(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    return isAutomlError(e) ? e.code : String(e);
  }
  return undefined;
}

describe('svm parameters', () => {
  const ctx = { task: 'classification' as const, nClasses: 2, seed: 0 };
  it('refuses unknown names and bad values with E_PARAM', () => {
    expect(code(() => svmSpec.create({ Cc: 1 }, ctx))).toBe('E_PARAM');
    expect(code(() => svmSpec.create({ C: 0 }, ctx))).toBe('E_PARAM');
    expect(code(() => svmSpec.create({ gamma: 'median' }, ctx))).toBe('E_PARAM');
    expect(code(() => svmSpec.create({ gamma: -1 }, ctx))).toBe('E_PARAM');
    expect(code(() => svmSpec.create({ kernel: 'sigmoid' }, ctx))).toBe('E_PARAM');
    expect(code(() => svmSpec.create({ kernel: 'poly', approx: 'rff' }, ctx))).toBe('E_PARAM');
    expect(code(() => svmSpec.create({}, { ...ctx, task: 'regression' }))).toBe('E_PARAM');
    expect(code(() => svrSpec.create({ epsilon: -0.1 }, { task: 'regression', nClasses: 0, seed: 0 }))).toBe('E_PARAM');
    expect(code(() => svrSpec.create({ probability: true }, { task: 'regression', nClasses: 0, seed: 0 }))).toBe('E_PARAM');
  });

  it("resolves gamma as scikit-learn: 'scale' = 1 / (p X.var()), 'auto' = 1 / p", () => {
    const X = { rows: 2, cols: 2, data: Float64Array.of(0, 2, 4, 6) };
    // Entries 0, 2, 4, 6: mean 3, variance 5.
    expect(resolveGamma('scale', X)).toBeCloseTo(1 / 10, 12);
    expect(resolveGamma('auto', X)).toBe(0.5);
    expect(resolveGamma(0.3, X)).toBe(0.3);
    expect(resolveGamma('scale', { rows: 2, cols: 2, data: new Float64Array(4).fill(7) })).toBe(0.5);
  });

  it(`chooses the approximate solver above ${EXACT_ROW_LIMIT} rows with solver 'auto'`, () => {
    expect(useApprox('auto', EXACT_ROW_LIMIT)).toBe(false);
    expect(useApprox('auto', EXACT_ROW_LIMIT + 1)).toBe(true);
    expect(useApprox('exact', 10 * EXACT_ROW_LIMIT)).toBe(false);
    expect(useApprox('approx', 10)).toBe(true);
  });
});

describe('svm behaviour', () => {
  it('decision_function has scikit-learn signs: positive means the second class of two', () => {
    const d = loadStandardised('breast-cancer.csv', true);
    const m = svmSpec.create({}, { task: 'classification', nClasses: 2, seed: 0 }) as Svc;
    m.fit(d.X, d.y);
    const f = m.decisionFunction(d.X);
    const pred = m.predict(d.X);
    expect(f.cols).toBe(1);
    for (let i = 0; i < d.X.rows; i++) expect(pred[i]).toBe(f.data[i]! > 0 ? 1 : 0);
  });

  it('Platt probabilities (out of fold) are calibrated better than the raw logistic ones', () => {
    const d = loadStandardised('breast-cancer.csv', true);
    const test = Array.from({ length: d.X.rows }, (_, i) => i).filter((i) => i % 3 === 0);
    const train = Array.from({ length: d.X.rows }, (_, i) => i).filter((i) => i % 3 !== 0);
    const Xtr = rowsOf(d.X, train);
    const ytr = Float64Array.from(train, (i) => d.y[i]!);
    const Xte = rowsOf(d.X, test);
    const yte = Float64Array.from(test, (i) => d.y[i]!);
    const logLoss = (probability: boolean): number => {
      const m = svmSpec.create({ probability }, { task: 'classification', nClasses: 2, seed: 3 });
      m.fit(Xtr, ytr);
      const P = m.predictProba!(Xte).data;
      return -yte.reduce((s, y, i) => s + Math.log(Math.max(P[i * 2 + y]!, 1e-15)), 0) / yte.length;
    };
    const platt = logLoss(true);
    expect(platt).toBeLessThan(0.15);
    expect(platt).toBeLessThan(logLoss(false));
  });

  it('multiclass probabilities couple the pairs: rows sum to 1 and mostly agree with the votes', () => {
    const d = loadStandardised('wine.csv', true);
    const m = svmSpec.create({ probability: true }, { task: 'classification', nClasses: 3, seed: 1 });
    m.fit(d.X, d.y);
    const P = m.predictProba!(d.X);
    const pred = m.predict(d.X);
    let agree = 0;
    for (let i = 0; i < P.rows; i++) {
      const row = Array.from(P.data.subarray(i * 3, i * 3 + 3));
      expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
      if (row.indexOf(Math.max(...row)) === pred[i]) agree++;
    }
    expect(agree / P.rows).toBeGreaterThan(0.97);
  });

  it('balanced class weights raise the recall of a rare class', () => {
    const rng = createRng('imbalanced');
    const n = 400;
    const X = new Float64Array(n * 2);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = i % 10 === 0 ? 1 : 0;
      X[2 * i] = rng.normal() + (y[i] ? 1.2 : 0);
      X[2 * i + 1] = rng.normal();
    }
    const recall = (cw: string): number => {
      const m = svmSpec.create({ class_weight: cw }, { task: 'classification', nClasses: 2, seed: 0 });
      m.fit({ rows: n, cols: 2, data: X }, y);
      const p = m.predict({ rows: n, cols: 2, data: X });
      let hit = 0;
      for (let i = 0; i < n; i++) if (y[i] === 1 && p[i] === 1) hit++;
      return hit / 40;
    };
    expect(recall('balanced')).toBeGreaterThan(recall('none') + 0.2);
  });

  it('the approximate solver (Nyström or Fourier features) stays close to the exact one', () => {
    const train = rings(1500, 1);
    const test = rings(600, 2);
    const acc = (params: Record<string, unknown>): number => {
      const m = svmSpec.create({ C: 10, gamma: 1, ...params }, { task: 'classification', nClasses: 2, seed: 0 }) as Svc;
      m.fit(train.X, train.y);
      expect(m.solver).toBe(params.solver);
      return accuracy(m.predict(test.X), test.y);
    };
    const exact = acc({ solver: 'exact' });
    expect(exact).toBeGreaterThan(0.9);
    expect(acc({ solver: 'approx', n_components: 100 })).toBeGreaterThan(exact - 0.02);
    expect(acc({ solver: 'approx', approx: 'rff', n_components: 300 })).toBeGreaterThan(exact - 0.03);
  });

  it(`'auto' fits above ${EXACT_ROW_LIMIT} rows with the approximation and records it in the model`, () => {
    const train = rings(EXACT_ROW_LIMIT + 1, 3);
    const m = svmSpec.create({ C: 10, gamma: 1, n_components: 60 }, { task: 'classification', nClasses: 2, seed: 0 }) as Svc;
    m.fit(train.X, train.y);
    expect(m.solver).toBe('approx');
    const json = m.toJSON();
    expect((json.state as { solver: string }).solver).toBe('approx');
    expect(accuracy(m.predict(rings(500, 4).X), rings(500, 4).y)).toBeGreaterThan(0.9);
  });

  it('an iteration cap stops the solve and says so', () => {
    const d = loadStandardised('ionosphere.csv', true);
    const m = svmSpec.create({ max_iter: 5, C: 100 }, { task: 'classification', nClasses: 2, seed: 0 }) as Svc;
    m.fit(d.X, d.y);
    const info = m.fitInfo!;
    if (info.solver !== 'exact') throw new Error('expected the exact solver');
    expect(info.iterations[0]).toBe(5);
    expect(info.converged[0]).toBe(false);
  });

  it('an aborted signal stops the fit with E_ABORTED', () => {
    const d = classificationData();
    const ac = new AbortController();
    ac.abort();
    const m = svmSpec.create({}, { task: 'classification', nClasses: 3, seed: 0, signal: ac.signal });
    expect(code(() => m.fit(d.Xtrain, d.ytrain))).toBe('E_ABORTED');
  });
});

describe('svr behaviour', () => {
  it('scale_target makes the fit independent of the target units', () => {
    const d = loadStandardised('diabetes-progression.csv', false);
    const fit = (scale: number): Float64Array => {
      const m = svrSpec.create({ C: 3 }, { task: 'regression', nClasses: 0, seed: 0 });
      m.fit(d.X, Float64Array.from(d.y, (v) => v * scale + 40));
      return m.predict(d.X).map((v) => (v - 40) / scale);
    };
    const a = fit(1);
    const b = fit(1000);
    // The same problem up to rounding, solved to the SMO tolerance (1e-3).
    for (let i = 0; i < a.length; i++) expect(Math.abs(b[i]! - a[i]!)).toBeLessThan(2e-3);
  });

  it('the approximate solver reaches the exact R^2 within 0.02 on a smooth function', () => {
    const make = (n: number, seed: number): { X: Matrix; y: Float64Array } => {
      const rng = createRng(`smooth-${seed}`);
      const X = Float64Array.from({ length: n * 3 }, () => rng.normal());
      const y = Float64Array.from({ length: n }, (_, i) => Math.sin(2 * X[3 * i]!) + X[3 * i + 1]! ** 2 / 2 + 0.1 * rng.normal());
      return { X: { rows: n, cols: 3, data: X }, y };
    };
    const train = make(1500, 1);
    const test = make(500, 2);
    const score = (params: Record<string, unknown>): number => {
      const m = svrSpec.create({ C: 10, gamma: 0.5, epsilon: 0.05, ...params }, { task: 'regression', nClasses: 0, seed: 0 }) as Svr;
      m.fit(train.X, train.y);
      expect(m.solver).toBe(params.solver);
      return r2(m.predict(test.X), test.y);
    };
    const exact = score({ solver: 'exact' });
    expect(exact).toBeGreaterThan(0.9);
    expect(score({ solver: 'approx', n_components: 200 })).toBeGreaterThan(exact - 0.02);
  });
});
