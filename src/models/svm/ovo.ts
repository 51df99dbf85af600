/**
 * Exact multiclass SVC: one binary C-SVC per pair of classes (one-vs-one, as LIBSVM), solved by
 * SMO, and a compact model in LIBSVM's layout so that every pair's decision value reuses one
 * kernel evaluation per support vector:
 * - support vectors grouped by class (`nSV[c]` of class c, in training order);
 * - `coef` is (k - 1) x nSVtotal: for the pair (i, j), i < j, the coefficients y_t a_t of class i's
 *   vectors sit in row j - 1 and those of class j's vectors in row i (scikit-learn's `dual_coef_`);
 * - pair (i, j) decides f = sum y_t a_t K(x_t, x) - rho; f > 0 votes for class i.
 * Probability estimates fit one sigmoid per pair on out-of-fold decision values (five folds over a
 * seeded permutation, as LIBSVM's svm_binary_svc_probability).
 */
import type { Rng } from '../../util/rng.js';
import { checkAbort } from '../fast/common.js';
import { productABt } from './dense.js';
import { kernelFromDot, rowNorms, type KernelSpec } from './kernel.js';
import { KernelMatrix } from './kernel-matrix.js';
import { fitSigmoid, type Sigmoid } from './probability.js';
import { SvcQ } from './qmatrix.js';
import { solveSmo } from './smo.js';

/** Solver settings shared by every binary problem. */
export interface SmoSettings {
  readonly C: number;
  readonly tol: number;
  readonly shrinking: boolean;
  readonly cacheBytes: number;
  readonly maxIter: number;
  readonly signal?: AbortSignal;
  readonly model: string;
}

/** A fitted one-vs-one kernel model over k present classes. */
export interface OvoModel {
  readonly kernel: KernelSpec;
  readonly p: number;
  /** The present classes (indices of the pipeline's classes), increasing. */
  readonly labels: Int32Array;
  readonly nSV: Int32Array;
  /** Support vectors, nSVtotal x p row-major. */
  readonly SV: Float64Array;
  readonly coef: Float64Array;
  /** One offset per pair, pairs in order (0,1), (0,2), ..., (1,2), ... */
  readonly rho: Float64Array;
  /** One sigmoid per pair, or null without probability estimates. */
  readonly sigmoids: Sigmoid[] | null;
}

/** Per-pair diagnostics of a fit (not saved in model files). */
export interface OvoFitInfo {
  readonly dualObjective: number[];
  readonly iterations: number[];
  readonly converged: boolean[];
  /** Training rows that are support vectors, by class then row. */
  readonly support: Int32Array;
}

/** One binary problem: rows of class a (+1) then of class b (-1). */
function pairProblem(rowsA: Int32Array, rowsB: Int32Array): { rows: Int32Array; y: Int8Array } {
  const rows = new Int32Array(rowsA.length + rowsB.length);
  rows.set(rowsA, 0);
  rows.set(rowsB, rowsA.length);
  const y = new Int8Array(rows.length).fill(-1);
  y.fill(1, 0, rowsA.length);
  return { rows, y };
}

/** Solves one binary C-SVC over training rows `rows` with labels `y` and per-row bounds. */
function solveBinary(K: KernelMatrix, rows: Int32Array, y: Int8Array, Cs: Float64Array, s: SmoSettings, qBytes: number) {
  const p = new Float64Array(rows.length).fill(-1);
  return solveSmo({ Q: new SvcQ(K, rows, y, qBytes), p, y, C: Cs, eps: s.tol, shrinking: s.shrinking, maxIter: s.maxIter, signal: s.signal, model: s.model });
}

/** Out-of-fold decision values of one pair, then the sigmoid fitted to them. */
function pairSigmoid(K: KernelMatrix, rows: Int32Array, y: Int8Array, Cs: Float64Array, s: SmoSettings, qBytes: number, rng: Rng): Sigmoid {
  const l = rows.length;
  const folds = 5;
  const perm = Int32Array.from({ length: l }, (_, i) => i);
  for (let i = 0; i < l; i++) {
    const j = i + Math.floor(rng.next() * (l - i));
    const t = perm[i]!;
    perm[i] = perm[j]!;
    perm[j] = t;
  }
  const dec = new Float64Array(l);
  for (let f = 0; f < folds; f++) {
    const begin = Math.floor((f * l) / folds);
    const end = Math.floor(((f + 1) * l) / folds);
    const m = l - (end - begin);
    const trRows = new Int32Array(m);
    const trY = new Int8Array(m);
    const trC = new Float64Array(m);
    let pos = 0;
    let neg = 0;
    for (let t = 0, k = 0; t < l; t++) {
      if (t >= begin && t < end) continue;
      const v = perm[t]!;
      trRows[k] = rows[v]!;
      trY[k] = y[v]!;
      trC[k] = Cs[v]!;
      if (y[v] === 1) pos++;
      else neg++;
      k++;
    }
    if (pos === 0 || neg === 0) {
      // One class in this fold's training part: its decision is that class, or nothing at all.
      const v = pos > 0 ? 1 : neg > 0 ? -1 : 0;
      for (let t = begin; t < end; t++) dec[perm[t]!] = v;
      continue;
    }
    const sol = solveBinary(K, trRows, trY, trC, s, qBytes);
    for (let t = begin; t < end; t++) {
      const v = perm[t]!;
      const kv = K.get(rows[v]!);
      let sum = -sol.rho;
      for (let q = 0; q < m; q++) {
        const a = sol.alpha[q]!;
        if (a !== 0) sum += trY[q]! * a * kv[trRows[q]!]!;
      }
      dec[v] = sum;
    }
  }
  return fitSigmoid(dec, Array.from(y, (v) => v === 1));
}

/**
 * Fits every pair of the present classes.
 * @param byClass training rows of each present class, in training order
 * @param weight C multiplier of each present class
 */
export function trainOvo(X: Float64Array, n: number, p: number, kernel: KernelSpec, labels: Int32Array, byClass: Int32Array[], weight: Float64Array, s: SmoSettings, probability: boolean, rng: Rng): { model: OvoModel; info: OvoFitInfo } {
  const k = labels.length;
  // Several problems share kernel rows (pairs of classes, probability folds): half the budget
  // caches them, half each problem's rows of Q. A lone problem caches its Q rows only.
  const shared = k > 2 || probability;
  const K = new KernelMatrix(kernel, X, n, p, shared ? s.cacheBytes / 2 : 0);
  const qBytes = shared ? s.cacheBytes / 2 : s.cacheBytes;
  const pairs = (k * (k - 1)) / 2;
  const rho = new Float64Array(pairs);
  const sigmoids: Sigmoid[] | null = probability ? [] : null;
  const info = { dualObjective: [] as number[], iterations: [] as number[], converged: [] as boolean[] };
  // alphaOf[pair] holds the pair's a_t, aligned with [class i rows, class j rows].
  const alphaOf: Float64Array[] = [];
  const isSV = new Uint8Array(n);
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) {
      checkAbort(s.model, s.signal);
      const { rows, y } = pairProblem(byClass[i]!, byClass[j]!);
      const Cs = new Float64Array(rows.length);
      for (let t = 0; t < rows.length; t++) Cs[t] = s.C * (y[t] === 1 ? weight[i]! : weight[j]!);
      if (sigmoids) sigmoids.push(pairSigmoid(K, rows, y, Cs, s, qBytes, rng));
      const sol = solveBinary(K, rows, y, Cs, s, qBytes);
      rho[alphaOf.length] = sol.rho;
      alphaOf.push(sol.alpha);
      info.dualObjective.push(sol.obj);
      info.iterations.push(sol.iterations);
      info.converged.push(sol.converged);
      for (let t = 0; t < rows.length; t++) if (sol.alpha[t]! > 0) isSV[rows[t]!] = 1;
    }
  }
  K.dispose();
  // Support vectors grouped by class; position of each training row in that list.
  const nSV = new Int32Array(k);
  const start = new Int32Array(k);
  const svPos = new Int32Array(n).fill(-1);
  let total = 0;
  const support: number[] = [];
  for (let c = 0; c < k; c++) {
    start[c] = total;
    for (const r of byClass[c]!) {
      if (!isSV[r]) continue;
      svPos[r] = total++;
      support.push(r);
      nSV[c]!++;
    }
  }
  const SV = new Float64Array(total * p);
  support.forEach((r, t) => SV.set(X.subarray(r * p, r * p + p), t * p));
  const coef = new Float64Array(Math.max(k - 1, 0) * total);
  let pair = 0;
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) {
      const a = alphaOf[pair++]!;
      const ri = byClass[i]!;
      const rj = byClass[j]!;
      for (let t = 0; t < ri.length; t++) if (a[t]! > 0) coef[(j - 1) * total + svPos[ri[t]!]!] = a[t]!;
      for (let t = 0; t < rj.length; t++) if (a[ri.length + t]! > 0) coef[i * total + svPos[rj[t]!]!] = -a[ri.length + t]!;
    }
  }
  return { model: { kernel, p, labels, nSV, SV, coef, rho, sigmoids }, info: { ...info, support: Int32Array.from(support) } };
}

/** Rows of test data per block of kernel values. */
const BLOCK = 256;

/** Decision values of every pair for rows x p inputs: rows x pairs, row-major. */
export function ovoDecision(m: OvoModel, Z: Float64Array, rows: number): Float64Array {
  const k = m.labels.length;
  const pairs = (k * (k - 1)) / 2;
  const out = new Float64Array(rows * pairs);
  const total = m.SV.length / m.p;
  if (pairs === 0) return out;
  const norms = rowNorms(m.SV, total, m.p);
  const start = new Int32Array(k);
  for (let c = 1; c < k; c++) start[c] = start[c - 1]! + m.nSV[c - 1]!;
  for (let r0 = 0; r0 < rows; r0 += BLOCK) {
    const count = Math.min(BLOCK, rows - r0);
    const block = Z.subarray(r0 * m.p, (r0 + count) * m.p);
    productABt(block, count, m.SV, total, m.p, (s0, c2, D) => {
      for (let a = 0; a < c2; a++) {
        const o = (s0 + a) * m.p;
        let nz = 0;
        for (let t = 0; t < m.p; t++) nz += block[o + t]! * block[o + t]!;
        const kv = D.subarray(a * total, (a + 1) * total);
        for (let t = 0; t < total; t++) kv[t] = kernelFromDot(m.kernel, kv[t]!, nz, norms[t]!);
        let pair = 0;
        const dst = (r0 + s0 + a) * pairs;
        for (let i = 0; i < k; i++) {
          for (let j = i + 1; j < k; j++) {
            let sum = 0;
            const ci = (j - 1) * total;
            for (let t = start[i]!, e = t + m.nSV[i]!; t < e; t++) sum += m.coef[ci + t]! * kv[t]!;
            const cj = i * total;
            for (let t = start[j]!, e = t + m.nSV[j]!; t < e; t++) sum += m.coef[cj + t]! * kv[t]!;
            out[dst + pair] = sum - m.rho[pair]!;
            pair++;
          }
        }
      }
    });
  }
  return out;
}
