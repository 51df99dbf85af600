/**
 * Seeded row and column sampling used by the fast tree learners.
 */
import type { Matrix } from '../estimator.js';
import type { Rng } from '../../util/rng.js';

/**
 * Moves a uniform random subset of size `m` to the front of `a` (partial Fisher-Yates) and
 * returns `a`; the rest of `a` keeps the other elements.
 */
export function sampleFront<T extends Uint32Array | Int32Array>(a: T, m: number, rng: Rng): T {
  const n = a.length;
  for (let i = 0; i < m && i < n - 1; i++) {
    const j = i + Math.floor(rng.next() * (n - i));
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
  return a;
}

/** `m` distinct features out of `p`, sorted ascending (so histogram passes walk memory in order). */
export function sampleFeatures(p: number, m: number, rng: Rng, scratch: Int32Array): Int32Array {
  if (m >= p) {
    for (let i = 0; i < p; i++) scratch[i] = i;
    return scratch.subarray(0, p);
  }
  for (let i = 0; i < p; i++) scratch[i] = i;
  sampleFront(scratch, m, rng);
  return scratch.subarray(0, m).sort();
}

/**
 * Splits rows 0..n-1 into train and validation parts, stratified by class when `nClasses > 0`
 * (each class keeps at least one training row). Both parts are returned sorted.
 */
export function holdOut(y: Float64Array, nClasses: number, fraction: number, rng: Rng): { train: Uint32Array; val: Uint32Array } {
  const n = y.length;
  const groups: number[][] = [];
  if (nClasses > 0) {
    for (let c = 0; c < nClasses; c++) groups.push([]);
    for (let i = 0; i < n; i++) groups[y[i]!]!.push(i);
  } else {
    groups.push(Array.from({ length: n }, (_, i) => i));
  }
  const train: number[] = [];
  const val: number[] = [];
  for (const g of groups) {
    rng.shuffle(g);
    const k = Math.min(Math.round(g.length * fraction), g.length - 1);
    for (let i = 0; i < g.length; i++) (i < k ? val : train).push(g[i]!);
  }
  return { train: Uint32Array.from(train).sort(), val: Uint32Array.from(val).sort() };
}

/** Copies the given rows of `X` into a new matrix. */
export function takeRows(X: Matrix, rows: Uint32Array): Matrix {
  const p = X.cols;
  const out = new Float64Array(rows.length * p);
  for (let i = 0; i < rows.length; i++) out.set(X.data.subarray(rows[i]! * p, rows[i]! * p + p), i * p);
  return { rows: rows.length, cols: p, data: out };
}

/** The given entries of `y`. */
export function takeValues(y: Float64Array, rows: Uint32Array): Float64Array {
  const out = new Float64Array(rows.length);
  for (let i = 0; i < rows.length; i++) out[i] = y[rows[i]!]!;
  return out;
}

/**
 * Writes a uniform random subset of `m` of the rows 0..n-1 to `out[0..m)` in ascending order,
 * followed by the remaining rows (also ascending), in one pass (selection sampling).
 */
export function sampleSorted(out: Uint32Array, n: number, m: number, rng: Rng): Uint32Array {
  let need = m;
  let w = 0;
  let rest = m;
  for (let i = 0; i < n; i++) {
    if (rng.next() * (n - i) < need) {
      out[w++] = i;
      need--;
    } else {
      out[rest++] = i;
    }
  }
  return out;
}
