/**
 * The WebAssembly product kernel and the JavaScript kernels it stands in for agree: odd shapes
 * (every tail path of the 2 x 2 blocks and of the f64x2 pairs), the multinomial loss and
 * gradient through either path, and whole ridge / logistic fits with WebAssembly turned off.
 */
import { describe, expect, it } from 'vitest';
import { AbtWorkspace } from '../../../src/models/fast/abt-wasm.js';
import { logisticRegressionSpec, ridgeSpec } from '../../../src/models/fast/index.js';
import { softmaxLoss, softmaxScratch } from '../../../src/models/fast/logistic-kernels.js';
import { createRng } from '../../../src/util/rng.js';

function randomArray(n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  return Float64Array.from({ length: n }, () => rng.next() * 2 - 1);
}

describe('AbtWorkspace (WebAssembly C = A B\')', () => {
  for (const [ma, mb, len] of [
    [3, 5, 7],
    [4, 2, 8],
    [1, 1, 1],
    [6, 3, 2],
  ] as const) {
    it(`${ma} x ${len} times (${mb} x ${len})' matches a plain loop`, () => {
      const ws = AbtWorkspace.create(ma * len + mb * len + ma * mb);
      expect(ws).not.toBeNull();
      const A = randomArray(ma * len, 1);
      const B = randomArray(mb * len, 2);
      ws!.f64.set(A, 0);
      ws!.f64.set(B, ma * len);
      const c = ma * len + mb * len;
      ws!.f64.fill(NaN, c, c + ma * mb);
      ws!.abt(0, ma, ma * len, mb, len, c);
      for (let i = 0; i < ma; i++) {
        for (let k = 0; k < mb; k++) {
          let s = 0;
          for (let t = 0; t < len; t++) s += A[i * len + t]! * B[k * len + t]!;
          expect(ws!.f64[c + i * mb + k]).toBeCloseTo(s, 12);
        }
      }
    });
  }
});

describe('softmaxLoss: WebAssembly and JavaScript paths', () => {
  for (const [n, p, K] of [
    [37, 9, 5],
    [40, 8, 4],
  ] as const) {
    it(`n=${n}, p=${p}, K=${K}: same loss and gradient`, () => {
      const d = randomArray(n * p, 3);
      const rng = createRng(4);
      const y = Int32Array.from({ length: n }, () => Math.floor(rng.next() * K));
      const w = randomArray(K * p + K, 5);
      const viaWasm = softmaxScratch(d, n, p, K);
      expect(viaWasm.ws).not.toBeNull();
      const js = { XT: Float64Array.from(viaWasm.XT!), z: new Float64Array(n * K), R: new Float64Array(K * n), ws: null };
      for (const fi of [true, false]) {
        const g1 = new Float64Array(K * p + K);
        const g2 = new Float64Array(K * p + K);
        const l1 = softmaxLoss(d, n, p, K, y, w, g1, fi, viaWasm);
        const l2 = softmaxLoss(d, n, p, K, y, w, g2, fi, js);
        expect(l1).toBeCloseTo(l2, 10);
        for (let j = 0; j < g1.length; j++) expect(g1[j]).toBeCloseTo(g2[j]!, 10);
        // In place (no transposed copy: what a float32 matrix gets), the gradient over the rows.
        const g3 = new Float64Array(K * p + K);
        const l3 = softmaxLoss(d, n, p, K, y, w, g3, fi, { XT: null, z: new Float64Array(n * K), R: new Float64Array(K * n), ws: null });
        expect(l3).toBeCloseTo(l1, 10);
        for (let j = 0; j < g1.length; j++) expect(g3[j]).toBeCloseTo(g1[j]!, 10);
      }
    });
  }
});

describe('learners without WebAssembly (the JavaScript fallback)', () => {
  it('ridge and multinomial logistic regression fit the same models either way', () => {
    const n = 203;
    const p = 7;
    const X = { rows: n, cols: p, data: randomArray(n * p, 6) };
    const rng = createRng(7);
    const yr = Float64Array.from({ length: n }, (_, i) => X.data[i * p]! - 2 * X.data[i * p + 3]! + rng.next());
    const yc = Float64Array.from({ length: n }, (_, i) => (X.data[i * p]! > 0.3 ? 2 : X.data[i * p + 1]! > 0 ? 1 : 0));
    const fit = (): { ridge: Float64Array; logistic: Float64Array } => {
      const r = ridgeSpec.create({ alpha: 0.5 }, { task: 'regression', nClasses: 0, seed: 0 });
      r.fit(X, yr);
      const l = logisticRegressionSpec.create({ C: 2 }, { task: 'classification', nClasses: 3, seed: 0 });
      l.fit(X, yc);
      return { ridge: r.predict(X), logistic: Float64Array.from(l.predictProba!(X).data) };
    };
    const withWasm = fit();
    AbtWorkspace.enabled = false;
    try {
      const without = fit();
      for (let i = 0; i < n; i++) expect(without.ridge[i]).toBeCloseTo(withWasm.ridge[i]!, 9);
      for (let i = 0; i < without.logistic.length; i++) expect(without.logistic[i]).toBeCloseTo(withWasm.logistic[i]!, 6);
    } finally {
      AbtWorkspace.enabled = true;
    }
  });
});
