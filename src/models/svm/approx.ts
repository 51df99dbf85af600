/**
 * The large-data path of `svm` and `svr`: a kernel feature map (features.ts) and a linear SVM by
 * dual coordinate descent (dcd.ts) on the mapped rows. Multiclass classification is one-vs-rest
 * here (one weight vector per class, as LIBLINEAR), since a linear model per pair buys nothing
 * once the map is explicit. Probabilities: one Platt sigmoid per output, fitted on out-of-fold
 * decision values (five folds, seeded), like the exact path.
 */
import type { Rng } from '../../util/rng.js';
import { checkAbort } from '../fast/common.js';
import { dcdClassify, dcdRegress, type DcdProblem } from './dcd.js';
import { FourierMap, IdentityMap, NystroemMap, type ApproxKind, type FeatureMap } from './features.js';
import { dotRows, type KernelSpec } from './kernel.js';
import { fitSigmoid, type Sigmoid } from './probability.js';

/** Tolerance of the coordinate-descent solvers (projected-gradient spread / relative violation). */
const DCD_EPS = 0.01;
/** Pass cap of the coordinate-descent solvers. */
const DCD_MAX_EPOCHS = 1000;

/** A fitted linear model over a feature map. */
export interface ApproxModel {
  readonly map: FeatureMap;
  /** Outputs x width weights: one output for two classes (positive = first class) or regression, else one per class. */
  readonly W: Float64Array;
  readonly outputs: number;
  /** One sigmoid per output (classification with probability estimates), else null. */
  readonly sigmoids: Sigmoid[] | null;
}

/** Settings of an approximate fit. */
export interface ApproxSettings {
  readonly kernel: KernelSpec;
  readonly approx: ApproxKind;
  readonly components: number;
  readonly C: number;
  readonly signal?: AbortSignal;
  readonly model: string;
}

/** The feature map for a kernel: the identity for linear, else Nyström or Fourier features. */
export function fitMap(s: ApproxSettings, X: Float64Array, n: number, p: number, rng: Rng): FeatureMap {
  checkAbort(s.model, s.signal);
  if (s.kernel.kind === 'linear') return new IdentityMap(p);
  if (s.approx === 'rff') return FourierMap.fit(s.kernel.gamma, p, s.components, rng);
  return NystroemMap.fit(s.kernel, X, n, p, s.components, rng);
}

function subset(Z: Float64Array, d: number, rows: Int32Array): Float64Array {
  const out = new Float64Array(rows.length * d);
  for (let i = 0; i < rows.length; i++) out.set(Z.subarray(rows[i]! * d, rows[i]! * d + d), i * d);
  return out;
}

/** Fits the classification outputs on rows `rows` of Z; `cls[i]` is row i's present-class position. */
function fitOutputs(Z: Float64Array, d: number, rows: Int32Array, cls: Int32Array, k: number, Cs: Float64Array, s: ApproxSettings, rng: Rng): Float64Array {
  const outputs = k === 2 ? 1 : k;
  const Zs = subset(Z, d, rows);
  const Cr = Float64Array.from(rows, (r) => Cs[r]!);
  const W = new Float64Array(outputs * d);
  const prob: DcdProblem = { Z: Zs, n: rows.length, d, C: Cr, eps: DCD_EPS, maxEpochs: DCD_MAX_EPOCHS, rng, signal: s.signal, model: s.model };
  for (let o = 0; o < outputs; o++) {
    const y = Int8Array.from(rows, (r) => (cls[r] === o ? 1 : -1));
    W.set(dcdClassify(prob, y).w, o * d);
  }
  return W;
}

/** Decision values (rows x outputs) of mapped rows. */
export function linearScores(W: Float64Array, outputs: number, Z: Float64Array, rows: number, d: number): Float64Array {
  const out = new Float64Array(rows * outputs);
  for (let i = 0; i < rows; i++) for (let o = 0; o < outputs; o++) out[i * outputs + o] = dotRows(W, o * d, Z, i * d, d);
  return out;
}

/** Seeded five-fold assignment: fold of each of n rows. */
function folds(n: number, rng: Rng): Int32Array {
  const perm = Int32Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    const t = perm[i]!;
    perm[i] = perm[j]!;
    perm[j] = t;
  }
  const fold = new Int32Array(n);
  for (let t = 0; t < n; t++) fold[perm[t]!] = Math.floor((t * 5) / n);
  return fold;
}

/**
 * Fits the approximate classifier.
 * @param cls present-class position (0..k-1) of each row
 * @param Cs bound of each row (C times its class weight)
 */
export function fitApproxClassifier(X: Float64Array, n: number, p: number, cls: Int32Array, k: number, Cs: Float64Array, s: ApproxSettings, probability: boolean, rng: Rng): ApproxModel {
  const map = fitMap(s, X, n, p, rng);
  const d = map.width;
  const Z = map.transform(X, n);
  const all = Int32Array.from({ length: n }, (_, i) => i);
  const outputs = k === 2 ? 1 : k;
  let sigmoids: Sigmoid[] | null = null;
  if (probability) {
    const fold = folds(n, rng);
    const dec = new Float64Array(n * outputs);
    for (let f = 0; f < 5; f++) {
      const train = all.filter((i) => fold[i] !== f);
      const test = all.filter((i) => fold[i] === f);
      if (test.length === 0) continue;
      const Wf = fitOutputs(Z, d, train, cls, k, Cs, s, rng);
      const sc = linearScores(Wf, outputs, subset(Z, d, test), test.length, d);
      test.forEach((r, i) => dec.set(sc.subarray(i * outputs, (i + 1) * outputs), r * outputs));
    }
    sigmoids = [];
    for (let o = 0; o < outputs; o++) {
      const f = Float64Array.from({ length: n }, (_, i) => dec[i * outputs + o]!);
      sigmoids.push(fitSigmoid(f, Array.from(cls, (c) => c === o)));
    }
  }
  return { map, W: fitOutputs(Z, d, all, cls, k, Cs, s, rng), outputs, sigmoids };
}

/** Fits the approximate epsilon-regression (one output). */
export function fitApproxRegressor(X: Float64Array, n: number, p: number, y: Float64Array, epsilon: number, s: ApproxSettings, rng: Rng): ApproxModel {
  const map = fitMap(s, X, n, p, rng);
  const d = map.width;
  const Z = map.transform(X, n);
  const C = new Float64Array(n).fill(s.C);
  const { w } = dcdRegress({ Z, n, d, C, eps: DCD_EPS, maxEpochs: DCD_MAX_EPOCHS, rng, signal: s.signal, model: s.model }, y, epsilon);
  return { map, W: w, outputs: 1, sigmoids: null };
}
