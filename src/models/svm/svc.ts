/**
 * `svm`: C-support-vector classification with RBF, polynomial or linear kernels.
 * - Up to `EXACT_ROW_LIMIT` training rows (or `solver: 'exact'`): one-vs-one SMO (ovo.ts),
 *   predictions by voting, LIBSVM's model layout; with `probability`, Platt sigmoids fitted out of
 *   fold and coupled across pairs (Wu, Lin and Weng's method 2).
 * - Above it (or `solver: 'approx'`): a Nyström or random-Fourier feature map and a one-vs-rest
 *   linear SVM by dual coordinate descent (approx.ts). The fitted model records which.
 * Without `probability`, `predictProba` still answers (the contract needs it), from the logistic
 * function of the decision values, coupled the same way: consistent with `predict`, not calibrated.
 */
import type { Estimator, EstimatorJSON, Matrix, ModelContext } from '../estimator.js';
import { asFloat64 } from '../estimator.js';
import { checkFit, checkPredict, loadParams, modelFileError, notFitted, openJSON } from '../fast/common.js';
import { createRng } from '../../util/rng.js';
import { balancedClassWeights } from '../common.js';
import { fitApproxClassifier, linearScores, type ApproxModel } from './approx.js';
import { checkKeys, readEnum, readNum } from './json.js';
import { resolveGamma, type KernelSpec } from './kernel.js';
import { MAX_CLASSES, MAX_FEATURES, approxFromJSON, approxToJSON, ovoFromJSON, ovoToJSON, readLabels } from './model-json.js';
import { ovoDecision, trainOvo, type OvoFitInfo, type OvoModel } from './ovo.js';
import { EXACT_ROW_LIMIT, checkCombination, svcParams, useApprox, type SvcParams } from './params.js';
import { clampProb, couple, sigmoidProb, type Sigmoid } from './probability.js';

const NAME = 'svm';
const VERSION = 1;

type State =
  | { readonly solver: 'exact'; readonly p: number; readonly ovo: OvoModel }
  | { readonly solver: 'approx'; readonly p: number; readonly labels: Int32Array; readonly lin: ApproxModel };

/** What a fit did, for diagnostics and the LIBSVM comparison (not saved in model files). */
export type SvcFitInfo = ({ readonly solver: 'exact' } & OvoFitInfo) | { readonly solver: 'approx'; readonly map: string; readonly width: number };

/** The logistic function as an uncalibrated "sigmoid" (P = 1 / (1 + exp(-f))). */
const LOGISTIC: Sigmoid = { A: -1, B: 0 };

/** Support-vector classifier; see the module comment. Threshold of the automatic solver choice: `EXACT_ROW_LIMIT`. */
export class Svc implements Estimator {
  readonly name = NAME;
  private state: State | null = null;
  private info: SvcFitInfo | null = null;

  constructor(
    readonly params: SvcParams,
    readonly nClasses: number,
    private readonly seed: number,
    private readonly signal?: AbortSignal,
  ) {}

  /** Diagnostics of the last fit in this process (null after load). */
  get fitInfo(): SvcFitInfo | null {
    return this.info;
  }

  /** Which solver the fitted model used. */
  get solver(): 'exact' | 'approx' {
    return (this.state ?? notFitted(NAME)).solver;
  }

  fit(X: Matrix, y: Float64Array): void {
    checkFit(NAME, X, y, { task: 'classification', nClasses: this.nClasses, seed: this.seed }, false);
    this.state = null;
    this.info = null;
    const { rows: n, cols: p } = X;
    // The solvers and kernel rows are written for float64 (a float32 matrix is copied once).
    const data = asFloat64(X.data);
    const P = this.params;
    const counts = new Int32Array(this.nClasses);
    for (let i = 0; i < n; i++) counts[y[i]!]!++;
    const labels = Int32Array.from(Array.from(counts.keys()).filter((c) => counts[c]! > 0));
    const k = labels.length;
    const pos = new Int32Array(this.nClasses).fill(-1);
    labels.forEach((c, i) => (pos[c] = i));
    const balanced = P.class_weight === 'balanced' ? balancedClassWeights(y, this.nClasses) : null;
    const weight = Float64Array.from(labels, (c) => (balanced ? balanced[c]! : 1));
    const kernel: KernelSpec = { kind: P.kernel, gamma: resolveGamma(P.gamma, X), degree: P.degree, coef0: P.coef0 };
    const rng = createRng(`${this.seed}/svm`);
    if (k >= 2 && useApprox(P.solver, n)) {
      const cls = Int32Array.from(y, (v) => pos[v]!);
      const Cs = Float64Array.from(cls, (c) => P.C * weight[c]!);
      const lin = fitApproxClassifier(data, n, p, cls, k, Cs, { kernel, approx: P.approx, components: P.n_components, C: P.C, signal: this.signal, model: NAME }, P.probability, rng);
      this.state = { solver: 'approx', p, labels, lin };
      this.info = { solver: 'approx', map: lin.map.kind, width: lin.map.width };
      return;
    }
    const byClass = Array.from(labels, (): number[] => []);
    for (let i = 0; i < n; i++) byClass[pos[y[i]!]!]!.push(i);
    const settings = { C: P.C, tol: P.tol, shrinking: P.shrinking, cacheBytes: P.cache_size * 1024 * 1024, maxIter: P.max_iter, signal: this.signal, model: NAME };
    const { model, info } = trainOvo(data, n, p, kernel, labels, byClass.map((r) => Int32Array.from(r)), weight, settings, P.probability, rng);
    this.state = { solver: 'exact', p, ovo: model };
    this.info = { solver: 'exact', ...info };
  }

  /**
   * Decision values. Exact solver: two classes give one column, positive for the second present
   * class (scikit-learn's sign); more give one column per pair (i, j), positive for class i
   * (scikit-learn's `decision_function_shape='ovo'`). Approximate solver: one column for two
   * classes (same sign rule), else one one-vs-rest score per present class.
   */
  decisionFunction(X: Matrix): Matrix {
    const s = this.state ?? notFitted(NAME);
    checkPredict(NAME, X, s.p);
    const raw = this.raw(s, X);
    if (raw.cols === 1) for (let i = 0; i < raw.data.length; i++) raw.data[i] = -raw.data[i]!;
    return raw;
  }

  /** Decision values in the internal sign: positive = first class of the pair (or of two classes). */
  private raw(s: State, X: Matrix): Matrix {
    if (s.solver === 'exact') {
      const k = s.ovo.labels.length;
      return { rows: X.rows, cols: (k * (k - 1)) / 2, data: ovoDecision(s.ovo, asFloat64(X.data), X.rows) };
    }
    const Z = s.lin.map.transform(asFloat64(X.data), X.rows);
    return { rows: X.rows, cols: s.lin.outputs, data: linearScores(s.lin.W, s.lin.outputs, Z, X.rows, s.lin.map.width) };
  }

  predict(X: Matrix): Float64Array {
    const s = this.state ?? notFitted(NAME);
    checkPredict(NAME, X, s.p);
    const out = new Float64Array(X.rows);
    const labels = s.solver === 'exact' ? s.ovo.labels : s.labels;
    const k = labels.length;
    if (k === 1) return out.fill(labels[0]!);
    const dec = this.raw(s, X);
    const votes = new Int32Array(k);
    for (let r = 0; r < X.rows; r++) {
      const d = dec.data.subarray(r * dec.cols, (r + 1) * dec.cols);
      let best = 0;
      if (s.solver === 'exact' || k === 2) {
        votes.fill(0);
        let pair = 0;
        for (let i = 0; i < k; i++) for (let j = i + 1; j < k; j++) votes[d[pair++]! > 0 ? i : j]!++;
        for (let c = 1; c < k; c++) if (votes[c]! > votes[best]!) best = c;
      } else {
        for (let c = 1; c < k; c++) if (d[c]! > d[best]!) best = c;
      }
      out[r] = labels[best]!;
    }
    return out;
  }

  predictProba(X: Matrix): Matrix {
    const s = this.state ?? notFitted(NAME);
    checkPredict(NAME, X, s.p);
    const C = this.nClasses;
    const out = new Float64Array(X.rows * C);
    const labels = s.solver === 'exact' ? s.ovo.labels : s.labels;
    const k = labels.length;
    if (k === 1) {
      for (let r = 0; r < X.rows; r++) out[r * C + labels[0]!] = 1;
      return { rows: X.rows, cols: C, data: out };
    }
    const dec = this.raw(s, X);
    const probs = new Float64Array(k);
    if (s.solver === 'exact' || k === 2) {
      const sig = (s.solver === 'exact' ? s.ovo.sigmoids : s.lin.sigmoids) ?? null;
      const r = new Float64Array(k * k);
      const work = new Float64Array(k * k + k);
      for (let row = 0; row < X.rows; row++) {
        let pair = 0;
        for (let i = 0; i < k; i++) {
          for (let j = i + 1; j < k; j++) {
            const v = clampProb(sigmoidProb(sig ? sig[pair]! : LOGISTIC, dec.data[row * dec.cols + pair]!));
            r[i * k + j] = v;
            r[j * k + i] = 1 - v;
            pair++;
          }
        }
        couple(r, k, probs, 0, work);
        for (let c = 0; c < k; c++) out[row * C + labels[c]!] = probs[c]!;
      }
    } else {
      const sig = s.lin.sigmoids;
      for (let row = 0; row < X.rows; row++) {
        let sum = 0;
        for (let c = 0; c < k; c++) {
          probs[c] = clampProb(sigmoidProb(sig ? sig[c]! : LOGISTIC, dec.data[row * k + c]!));
          sum += probs[c]!;
        }
        for (let c = 0; c < k; c++) out[row * C + labels[c]!] = probs[c]! / sum;
      }
    }
    return { rows: X.rows, cols: C, data: out };
  }

  toJSON(): EstimatorJSON {
    const s = this.state ?? notFitted(NAME);
    const state: Record<string, unknown> = { nClasses: this.nClasses, nFeatures: s.p, solver: s.solver };
    if (s.solver === 'exact') state.model = ovoToJSON(s.ovo);
    else {
      state.labels = Array.from(s.labels);
      state.model = approxToJSON(s.lin);
    }
    return { model: NAME, version: VERSION, params: { ...this.params }, state };
  }

  /** Restores from {@link Svc.toJSON} output, validating every field. */
  static load(json: EstimatorJSON): Svc {
    const st = openJSON(NAME, VERSION, json);
    const params = loadParams(NAME, svcParams, json.params);
    const solver = readEnum(NAME, 'state.solver', st.solver, ['exact', 'approx'] as const);
    checkKeys(NAME, 'state', st, solver === 'exact' ? ['nClasses', 'nFeatures', 'solver', 'model'] : ['nClasses', 'nFeatures', 'solver', 'labels', 'model']);
    const nClasses = readNum(NAME, 'state.nClasses', st.nClasses, { int: true, min: 2, max: MAX_CLASSES });
    const p = readNum(NAME, 'state.nFeatures', st.nFeatures, { int: true, min: 1, max: MAX_FEATURES });
    const m = new Svc(params, nClasses, 0);
    if (solver === 'exact') {
      const ovo = ovoFromJSON(NAME, 'state.model', st.model, p, nClasses);
      if (ovo.kernel.kind !== params.kernel) modelFileError(NAME, 'state.model.kernel.kind', ovo.kernel.kind, `"${params.kernel}" (params.kernel)`);
      m.state = { solver, p, ovo };
    } else {
      const labels = readLabels(NAME, 'state.labels', st.labels, nClasses);
      if (labels.length < 2) modelFileError(NAME, 'state.labels', st.labels, 'at least two classes (an approximate model is fitted on two or more)');
      const lin = approxFromJSON(NAME, 'state.model', st.model, p, labels.length === 2 ? 1 : labels.length);
      m.state = { solver, p, labels, lin };
    }
    return m;
  }
}

/** Creates an unfitted `svm` from validated params. */
export function createSvc(params: SvcParams, ctx: ModelContext): Svc {
  checkCombination(NAME, params);
  // A search with balanced class weights balances every SVM, whatever its own class_weight says.
  const p = ctx.classWeight === 'balanced' && params.class_weight !== 'balanced' ? { ...params, class_weight: 'balanced' as const } : params;
  return new Svc(p, ctx.nClasses, ctx.seed, ctx.signal);
}
