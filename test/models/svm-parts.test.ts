/** The SVM building blocks (row cache, Platt scaling, pairwise coupling) and model-file validation. */
import { describe, expect, it } from 'vitest';
import { RowCache } from '../../src/models/svm/cache.js';
import { couple, fitSigmoid, sigmoidProb } from '../../src/models/svm/probability.js';
import { svmSpec, svrSpec } from '../../src/models/svm/index.js';
import { KernelMatrix } from '../../src/models/svm/kernel-matrix.js';
import { SvcQ, SvrQ, type QMatrix } from '../../src/models/svm/qmatrix.js';
import { solveSmo } from '../../src/models/svm/smo.js';
import type { KernelKind } from '../../src/models/svm/kernel.js';
import type { EstimatorJSON } from '../../src/models/estimator.js';
import { isAutomlError } from '../../src/util/errors.js';
import { createRng } from '../../src/util/rng.js';
import { classificationData, regressionData } from '../contracts/estimator-contract.js';

describe('RowCache', () => {
  it('evicts the least recently used rows to stay within its budget', () => {
    // Budget of 2 full rows of 4 entries (the minimum it allows) = 32 bytes.
    const c = new RowCache(4, 0);
    c.get(0, 4);
    c.get(1, 4);
    c.get(0, 4);
    c.get(2, 4); // evicts 1, the least recently used
    c.get(0, 4);
    expect(c.filled).toBe(4);
    c.get(1, 4);
    expect(c.filled).toBe(0);
  });

  it('extends a row on demand, keeping the computed prefix', () => {
    const c = new RowCache(5, 1 << 20);
    const a = c.get(3, 2);
    a[0] = 7;
    a[1] = 8;
    const b = c.get(3, 5);
    expect(c.filled).toBe(2);
    expect(Array.from(b.subarray(0, 2))).toEqual([7, 8]);
  });

  it('keeps Q rows right through the swaps of shrinking', () => {
    const rng = createRng('qswap');
    const n = 30;
    const X = Float64Array.from({ length: n * 3 }, () => rng.normal());
    const K = new KernelMatrix({ kind: 'rbf', gamma: 0.4, degree: 3, coef0: 0 }, X, n, 3, 1 << 20);
    const rows = Int32Array.from({ length: n }, (_, i) => i);
    const y = Int8Array.from({ length: n }, (_, i) => (i % 3 === 0 ? -1 : 1));
    const Q = new SvcQ(K, rows, y, 1 << 20);
    const pos = Int32Array.from({ length: n }, (_, i) => i);
    const ys = Int8Array.from(y);
    for (let step = 0; step < 200; step++) {
      const i = Math.floor(rng.next() * n);
      const len = 1 + Math.floor(rng.next() * n);
      const row = Q.getQ(i, len);
      for (let k = 0; k < len; k++) expect(row[k]).toBe(ys[i]! * ys[k]! * K.get(pos[i]!)[pos[k]!]!);
      const a = Math.floor(rng.next() * n);
      const b = Math.floor(rng.next() * n);
      Q.swap(a, b);
      [pos[a], pos[b]] = [pos[b]!, pos[a]!];
      [ys[a], ys[b]] = [ys[b]!, ys[a]!];
      expect(Q.QD[a]).toBe(K.diag[pos[a]!]);
    }
  });
});

describe('kernel rows', () => {
  const data = (seed: string, n: number, p: number) => {
    const rng = createRng(seed);
    return { rng, X: Float64Array.from({ length: n * p }, () => rng.normal()) };
  };
  const spec = (kind: KernelKind) => ({ kind, gamma: 0.3, degree: 3, coef0: 1 });

  it('a matrix kept whole (entries copied across the diagonal) has the rows computed afresh', () => {
    // 90 x 25 computes its products in WebAssembly, 40 x 3 in JavaScript.
    for (const [n, p, kind] of [[40, 3, 'rbf'], [90, 25, 'rbf'], [50, 4, 'poly'], [90, 25, 'linear']] as const) {
      const { rng, X } = data(`whole-${n}-${kind}`, n, p);
      const whole = new KernelMatrix(spec(kind), X, n, p, 1 << 20);
      const fresh = new KernelMatrix(spec(kind), X, n, p, 0);
      for (let step = 0; step < 3 * n; step++) {
        const r = Math.floor(rng.next() * n);
        expect(Array.from(whole.get(r))).toEqual(Array.from(fresh.get(r)));
      }
      whole.dispose();
      fresh.dispose();
    }
  });

  it('the SMO solver reaches the same SVR solution from kernel rows as from Q rows, through the swaps of shrinking', () => {
    class CountingSvrQ extends SvrQ {
      swaps = 0;
      override swap(i: number, j: number): void {
        this.swaps++;
        super.swap(i, j);
      }
    }
    for (const [n, p, kind] of [[60, 3, 'rbf'], [80, 30, 'poly'], [70, 2, 'linear']] as const) {
      const { rng, X } = data(`smo-rows-${n}-${kind}`, n, p);
      const lin = new Float64Array(2 * n);
      const sign = new Int8Array(2 * n);
      for (let i = 0; i < n; i++) {
        const z = Math.sin(2 * X[i * p]!) + 0.3 * rng.normal();
        lin[i] = 0.05 - z;
        lin[i + n] = 0.05 + z;
        sign[i] = 1;
        sign[i + n] = -1;
      }
      const prob = { p: lin, y: sign, C: new Float64Array(2 * n).fill(10), eps: 1e-5, shrinking: true, maxIter: -1, model: 'svr' };
      const rowsQ = new CountingSvrQ(new KernelMatrix(spec(kind), X, n, p, 1 << 20));
      const q = new SvrQ(new KernelMatrix(spec(kind), X, n, p, 1 << 20));
      // The same Q without kernelRow: the solver's Q-row path.
      const plain: QMatrix = { size: q.size, QD: q.QD, getQ: (i, len) => q.getQ(i, len), swap: (i, j) => q.swap(i, j) };
      const a = solveSmo({ ...prob, Q: rowsQ });
      const b = solveSmo({ ...prob, Q: plain });
      expect(rowsQ.swaps).toBeGreaterThan(0);
      expect(a.iterations).toBe(b.iterations);
      expect(a.obj).toBe(b.obj);
      expect(a.rho).toBe(b.rho);
      expect(Array.from(a.alpha)).toEqual(Array.from(b.alpha));
    }
  });
});

describe('Platt scaling and pairwise coupling', () => {
  it('recovers the sigmoid that generated the labels', () => {
    const rng = createRng('platt');
    const f: number[] = [];
    const pos: boolean[] = [];
    for (let i = 0; i < 20000; i++) {
      const v = rng.normal() * 2;
      f.push(v);
      pos.push(rng.next() < 1 / (1 + Math.exp(-1.5 * v + 0.5)));
    }
    const s = fitSigmoid(f, pos);
    expect(s.A).toBeCloseTo(-1.5, 1);
    expect(s.B).toBeCloseTo(0.5, 1);
    expect(sigmoidProb(s, 1000)).toBeGreaterThan(0.999);
    expect(sigmoidProb(s, -1000)).toBeLessThan(0.001);
  });

  it('coupling returns p when the pairwise probabilities are consistent with p', () => {
    const p = [0.5, 0.3, 0.15, 0.05];
    const k = p.length;
    const r = new Float64Array(k * k);
    for (let i = 0; i < k; i++) for (let j = 0; j < k; j++) if (i !== j) r[i * k + j] = p[i]! / (p[i]! + p[j]!);
    const out = new Float64Array(k);
    couple(r, k, out, 0, new Float64Array(k * k + k));
    // The fixed-point sweep stops at a residual of 0.005 / k (LIBSVM's tolerance).
    for (let i = 0; i < k; i++) expect(Math.abs(out[i]! - p[i]!)).toBeLessThan(2e-3);
  });

  it('two classes take the pairwise probability as is', () => {
    const out = new Float64Array(2);
    couple(Float64Array.of(0, 0.8, 0.2, 0), 2, out, 0, new Float64Array(6));
    expect(Array.from(out)).toEqual([0.8, 0.2]);
  });
});

function loadCode(load: (j: EstimatorJSON) => unknown, json: unknown): { code?: string; path?: unknown } {
  try {
    load(json as EstimatorJSON);
  } catch (e) {
    if (isAutomlError(e)) return { code: e.code, path: e.details.path };
    throw e;
  }
  return {};
}

/** A deep copy with one field replaced by `edit`. */
function edited(json: EstimatorJSON, edit: (state: Record<string, any>) => void): EstimatorJSON {
  const copy = JSON.parse(JSON.stringify(json)) as EstimatorJSON;
  edit(copy.state as Record<string, any>);
  return copy;
}

describe('svm and svr model files', () => {
  const d = classificationData();
  const exact = svmSpec.create({ probability: true }, { task: 'classification', nClasses: 3, seed: 0 });
  exact.fit(d.Xtrain, d.ytrain);
  const ej = exact.toJSON();
  const approx = svmSpec.create({ solver: 'approx', n_components: 20 }, { task: 'classification', nClasses: 3, seed: 0 });
  approx.fit(d.Xtrain, d.ytrain);
  const aj = approx.toJSON();

  const cases: [string, EstimatorJSON, string][] = [
    ['an unknown state key', edited(ej, (s) => (s.extra = 1)), 'state.extra'],
    ['a missing key', edited(ej, (s) => delete s.model), 'state.model'],
    ['a support-vector array of the wrong length', edited(ej, (s) => s.model.SV.pop()), 'state.model.SV'],
    ['a non-finite coefficient', edited(ej, (s) => (s.model.coef[0] = 'NaN')), 'state.model.coef[0]'],
    ['labels out of order', edited(ej, (s) => (s.model.labels = [0, 2, 1])), 'state.model.labels[2]'],
    ['a label beyond nClasses', edited(ej, (s) => (s.model.labels = [0, 1, 3])), 'state.model.labels[2]'],
    ['support-vector counts that disagree with the labels', edited(ej, (s) => s.model.nSV.pop()), 'state.model.nSV'],
    ['a wrong number of sigmoids', edited(ej, (s) => s.model.sigmoids.A.pop()), 'state.model.sigmoids.A'],
    ['a kernel other than params.kernel', edited(ej, (s) => (s.model.kernel.kind = 'linear')), 'state.model.kernel.kind'],
    ['a zero gamma', edited(ej, (s) => (s.model.kernel.gamma = 0)), 'state.model.kernel.gamma'],
    ['an unknown solver', edited(ej, (s) => (s.solver = 'magic')), 'state.solver'],
    ['a fractional feature count', edited(ej, (s) => (s.nFeatures = 2.5)), 'state.nFeatures'],
    ['an output count that disagrees with the classes', edited(aj, (s) => (s.model.outputs = 1)), 'state.model.outputs'],
    ['a Nyström factor of the wrong size', edited(aj, (s) => s.model.map.M.pop()), 'state.model.map.M'],
    ['an unknown map kind', edited(aj, (s) => (s.model.map.kind = 'wavelet')), 'state.model.map.kind'],
  ];
  for (const [what, json, path] of cases) {
    it(`svm load refuses ${what} (E_MODEL_FILE at ${path})`, () => {
      expect(loadCode((j) => svmSpec.load(j), json)).toEqual({ code: 'E_MODEL_FILE', path });
    });
  }

  it('svm load refuses bad params as E_MODEL_FILE', () => {
    expect(loadCode((j) => svmSpec.load(j), { ...ej, params: { ...ej.params, C: -1 } }).code).toBe('E_MODEL_FILE');
  });

  it('svr load validates its state the same way', () => {
    const r = regressionData();
    const m = svrSpec.create({}, { task: 'regression', nClasses: 0, seed: 0 });
    m.fit(r.Xtrain, r.ytrain);
    const j = m.toJSON();
    expect(loadCode((x) => svrSpec.load(x), edited(j, (s) => s.model.coef.push(1))).path).toBe('state.model.SV');
    expect(loadCode((x) => svrSpec.load(x), edited(j, (s) => (s.yScale = 0))).path).toBe('state.yScale');
    expect(loadCode((x) => svrSpec.load(x), edited(j, (s) => (s.model.rho = null))).path).toBe('state.model.rho');
    expect(loadCode((x) => svrSpec.load(x), edited(j, (s) => (s.surprise = true))).path).toBe('state.surprise');
  });
});

describe('svm inside a pipeline model file', () => {
  it('a class count that disagrees with the pipeline labels is refused with its JSON path', async () => {
    const { loadDataset } = await import('../../src/data/index.js');
    const { Pipeline, loadPipeline } = await import('../../src/pipeline/index.js');
    const { getModel } = await import('../../src/models/registry.js');
    const iris = loadDataset('datasets/iris.csv', { target: 'species' });
    const rows = Int32Array.from({ length: iris.nRows }, (_, i) => i);
    const p = await new Pipeline(getModel).fit(iris, rows, { preprocess: { scaler: 'standard' }, model: { type: 'svm', C: 1 } }, { seed: 1 });
    const json = JSON.parse(JSON.stringify(p.toJSON())) as { estimator: { state: { nClasses: number } } };
    expect(() => loadPipeline(json, getModel)).not.toThrow();
    json.estimator.state.nClasses = 4;
    let err: unknown;
    try {
      loadPipeline(json, getModel);
    } catch (e) {
      err = e;
    }
    expect(isAutomlError(err, 'E_MODEL_FILE')).toBe(true);
    expect((err as { details: { path: string } }).details.path).toBe('$.estimator.state.nClasses');
  });
});
