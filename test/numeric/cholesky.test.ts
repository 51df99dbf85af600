/**
 * The one Cholesky (src/numeric/cholesky.ts) of ridge regression and the GP sampler: factor,
 * solves, inverse, and the jitter retries. The inverse test moved here from test/samplers/gp.test.ts.
 */
import { describe, expect, it } from 'vitest';
import { cholesky, choleskySolve, choleskyWithJitter, inverseFromCholesky, solveLower, solveUpperT } from '../../src/numeric/cholesky.js';
import { createRng } from '../../src/util/rng.js';

/** A random symmetric positive-definite n x n matrix B B' + n I. */
function spd(n: number, seed: number): Float64Array {
  const rng = createRng(seed);
  const b = Float64Array.from({ length: n * n }, () => rng.next() * 2 - 1);
  const a = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      let s = i === j ? n : 0;
      for (let k = 0; k < n; k++) s += b[i * n + k]! * b[j * n + k]!;
      a[i * n + j] = s;
    }
  }
  return a;
}

function matVec(a: Float64Array, n: number, x: Float64Array): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) for (let k = 0; k < n; k++) out[i] += a[i * n + k]! * x[k]!;
  return out;
}

describe('Cholesky', () => {
  it('inverts through the Cholesky factor', () => {
    const a = Float64Array.from([4, 2, 0.4, 2, 3, 0.5, 0.4, 0.5, 2]);
    const inv = inverseFromCholesky(choleskyWithJitter(a, 3)!, 3);
    for (let i = 0; i < 3; i++) {
      for (let j = 0; j < 3; j++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += a[i * 3 + k]! * inv[k * 3 + j]!;
        expect(s).toBeCloseTo(i === j ? 1 : 0, 10);
      }
    }
  });

  it('factors A = L L^T with L lower triangular, reading only the upper triangle of A', () => {
    const n = 9;
    const a = spd(n, 1);
    const upperOnly = a.slice();
    for (let i = 0; i < n; i++) for (let j = 0; j < i; j++) upperOnly[i * n + j] = NaN;
    const l = cholesky(upperOnly, n)!;
    expect(Array.from(l)).toEqual(Array.from(cholesky(a, n)!));
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        if (j > i) expect(l[i * n + j]).toBe(0);
        let s = 0;
        for (let k = 0; k < n; k++) s += l[i * n + k]! * l[j * n + k]!;
        expect(s).toBeCloseTo(a[i * n + j]!, 10);
      }
    }
  });

  it('adds the shift to the diagonal, as if it were part of A', () => {
    const n = 5;
    const a = spd(n, 2);
    const shifted = a.slice();
    for (let i = 0; i < n; i++) shifted[i * n + i] += 0.75;
    expect(Array.from(cholesky(a, n, 0.75)!)).toEqual(Array.from(cholesky(shifted, n)!));
  });

  it('solves A x = b, and the triangular solves invert L and L^T', () => {
    const n = 7;
    const a = spd(n, 3);
    const rng = createRng(4);
    const x = Float64Array.from({ length: n }, () => rng.next() * 4 - 2);
    const b = matVec(a, n, x);
    const l = cholesky(a, n)!;
    const got = choleskySolve(l, n, b);
    for (let i = 0; i < n; i++) expect(got[i]).toBeCloseTo(x[i]!, 10);
    const z = solveLower(l, n, b, new Float64Array(n));
    expect(Array.from(solveUpperT(l, n, z, new Float64Array(n)))).toEqual(Array.from(got));
  });

  it('refuses a matrix that is not positive definite, or not finite', () => {
    expect(cholesky(Float64Array.from([1, 2, 2, 1]), 2)).toBeNull();
    expect(cholesky(Float64Array.from([0, 0, 0, 1]), 2)).toBeNull();
    expect(cholesky(Float64Array.from([NaN, 0, 0, 1]), 2)).toBeNull();
  });

  it('with jitter: factors a singular PSD matrix (duplicate rows) with the smallest jitter that works', () => {
    // Rank 1: the jitter-free attempt fails, 1e-8 on the diagonal succeeds.
    const a = Float64Array.from([1, 1, 1, 1]);
    expect(cholesky(a, 2)).toBeNull();
    const l = choleskyWithJitter(a, 2)!;
    expect(Array.from(l)).toEqual(Array.from(cholesky(a, 2, 1e-8)!));
    // Ridge-style schedule: a fixed shift plus a scaled jitter, grown 100-fold.
    const r = choleskyWithJitter(Float64Array.from([0, 0, 0, 0]), 2, { shift: 0, first: 1e-10, growth: 100, attempts: 3 })!;
    expect(r[0]).toBeCloseTo(Math.sqrt(1e-10), 15);
    expect(choleskyWithJitter(Float64Array.from([-1, 0, 0, -1]), 2, { first: 1e-10, growth: 100, attempts: 3 })).toBeNull();
    expect(choleskyWithJitter(Float64Array.from([NaN, 0, 0, 1]), 2)).toBeNull();
  });
});
