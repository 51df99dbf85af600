/**
 * `svr`: epsilon-support-vector regression with RBF, polynomial or linear kernels. The exact
 * solver is the SMO of smo.ts on LIBSVM's 2l-variable form (a_i with y = +1 and p_i = eps - z_i,
 * a*_i with y = -1 and p = eps + z_i; the model keeps a_i - a*_i); above `EXACT_ROW_LIMIT`
 * rows (or `solver: 'approx'`), a feature map and dual coordinate descent (approx.ts).
 * With `scale_target` (the default) the target is standardised before the fit, so C and epsilon
 * are in units of the target's standard deviation.
 */
import type { Estimator, EstimatorJSON, Matrix, ModelContext } from '../estimator.js';
import { asFloat64 } from '../estimator.js';
import { checkAbort, checkFit, checkPredict, loadParams, modelFileError, notFitted, openJSON } from '../fast/common.js';
import { createRng } from '../../util/rng.js';
import { fitApproxRegressor, linearScores, type ApproxModel } from './approx.js';
import { productABt } from './dense.js';
import { checkKeys, readEnum, readFloats, readNum, readObject } from './json.js';
import { kernelFromDot, resolveGamma, rowNorms, type KernelSpec } from './kernel.js';
import { KernelMatrix } from './kernel-matrix.js';
import { MAX_FEATURES, approxFromJSON, approxToJSON, kernelFromJSON, kernelToJSON } from './model-json.js';
import { EXACT_ROW_LIMIT, checkCombination, svrParams, useApprox, type SvrParams } from './params.js';
import { SvrQ } from './qmatrix.js';
import { solveSmo } from './smo.js';

const NAME = 'svr';
const VERSION = 1;
const MAX_SV = 50_000_000;

/** Exact model: f(x) = sum_t coef_t K(sv_t, x) - rho (on the scaled target). */
interface KernelExpansion {
  readonly kernel: KernelSpec;
  readonly SV: Float64Array;
  readonly coef: Float64Array;
  readonly rho: number;
}

type State = { readonly p: number; readonly yMean: number; readonly yScale: number } & (
  | { readonly solver: 'exact'; readonly exp: KernelExpansion }
  | { readonly solver: 'approx'; readonly lin: ApproxModel }
);

/** What a fit did (not saved in model files). */
export type SvrFitInfo =
  | { readonly solver: 'exact'; readonly dualObjective: number; readonly iterations: number; readonly converged: boolean; readonly support: Int32Array }
  | { readonly solver: 'approx'; readonly map: string; readonly width: number };

/** Support-vector regressor; see the module comment. */
export class Svr implements Estimator {
  readonly name = NAME;
  private state: State | null = null;
  private info: SvrFitInfo | null = null;

  constructor(
    readonly params: SvrParams,
    private readonly seed: number,
    private readonly signal?: AbortSignal,
  ) {}

  /** Diagnostics of the last fit in this process (null after load). */
  get fitInfo(): SvrFitInfo | null {
    return this.info;
  }

  /** Which solver the fitted model used. */
  get solver(): 'exact' | 'approx' {
    return (this.state ?? notFitted(NAME)).solver;
  }

  fit(X: Matrix, y: Float64Array): void {
    checkFit(NAME, X, y, { task: 'regression', nClasses: 0, seed: this.seed }, false);
    this.state = null;
    this.info = null;
    const { rows: n, cols: p } = X;
    // The solvers and kernel rows are written for float64 (a float32 matrix is copied once).
    const data = asFloat64(X.data);
    const P = this.params;
    let yMean = 0;
    let yScale = 1;
    if (P.scale_target) {
      for (let i = 0; i < n; i++) yMean += y[i]! / n;
      let v = 0;
      for (let i = 0; i < n; i++) v += (y[i]! - yMean) ** 2;
      const sd = Math.sqrt(v / n);
      yScale = sd > 0 ? sd : 1;
    }
    const z = Float64Array.from(y, (v) => (v - yMean) / yScale);
    const kernel: KernelSpec = { kind: P.kernel, gamma: resolveGamma(P.gamma, X), degree: P.degree, coef0: P.coef0 };
    if (useApprox(P.solver, n)) {
      const lin = fitApproxRegressor(data, n, p, z, P.epsilon, { kernel, approx: P.approx, components: P.n_components, C: P.C, signal: this.signal, model: NAME }, createRng(`${this.seed}/svr`));
      this.state = { p, yMean, yScale, solver: 'approx', lin };
      this.info = { solver: 'approx', map: lin.map.kind, width: lin.map.width };
      return;
    }
    checkAbort(NAME, this.signal);
    const K = new KernelMatrix(kernel, data, n, p, P.cache_size * 1024 * 1024);
    const lin = new Float64Array(2 * n);
    const sign = new Int8Array(2 * n);
    for (let i = 0; i < n; i++) {
      lin[i] = P.epsilon - z[i]!;
      lin[i + n] = P.epsilon + z[i]!;
      sign[i] = 1;
      sign[i + n] = -1;
    }
    const sol = solveSmo({
      Q: new SvrQ(K),
      p: lin,
      y: sign,
      C: new Float64Array(2 * n).fill(P.C),
      eps: P.tol,
      shrinking: P.shrinking,
      maxIter: P.max_iter,
      signal: this.signal,
      model: NAME,
    });
    K.dispose();
    const support: number[] = [];
    for (let i = 0; i < n; i++) if (sol.alpha[i]! - sol.alpha[i + n]! !== 0) support.push(i);
    const SV = new Float64Array(support.length * p);
    const coef = new Float64Array(support.length);
    support.forEach((r, t) => {
      SV.set(data.subarray(r * p, r * p + p), t * p);
      coef[t] = sol.alpha[r]! - sol.alpha[r + n]!;
    });
    this.state = { p, yMean, yScale, solver: 'exact', exp: { kernel, SV, coef, rho: sol.rho } };
    this.info = { solver: 'exact', dualObjective: sol.obj, iterations: sol.iterations, converged: sol.converged, support: Int32Array.from(support) };
  }

  predict(X: Matrix): Float64Array {
    const s = this.state ?? notFitted(NAME);
    checkPredict(NAME, X, s.p);
    let f: Float64Array;
    if (s.solver === 'approx') {
      const Z = s.lin.map.transform(asFloat64(X.data), X.rows);
      f = linearScores(s.lin.W, 1, Z, X.rows, s.lin.map.width);
    } else f = expansion(s.exp, asFloat64(X.data), X.rows, s.p);
    for (let i = 0; i < f.length; i++) f[i] = f[i]! * s.yScale + s.yMean;
    return f;
  }

  toJSON(): EstimatorJSON {
    const s = this.state ?? notFitted(NAME);
    const model =
      s.solver === 'exact' ? { kernel: kernelToJSON(s.exp.kernel), SV: Array.from(s.exp.SV), coef: Array.from(s.exp.coef), rho: s.exp.rho } : approxToJSON(s.lin);
    return { model: NAME, version: VERSION, params: { ...this.params }, state: { nFeatures: s.p, solver: s.solver, yMean: s.yMean, yScale: s.yScale, model } };
  }

  /** Restores from {@link Svr.toJSON} output, validating every field. */
  static load(json: EstimatorJSON): Svr {
    const st = openJSON(NAME, VERSION, json);
    const params = loadParams(NAME, svrParams, json.params);
    checkKeys(NAME, 'state', st, ['nFeatures', 'solver', 'yMean', 'yScale', 'model']);
    const solver = readEnum(NAME, 'state.solver', st.solver, ['exact', 'approx'] as const);
    const p = readNum(NAME, 'state.nFeatures', st.nFeatures, { int: true, min: 1, max: MAX_FEATURES });
    const yMean = readNum(NAME, 'state.yMean', st.yMean);
    const yScale = readNum(NAME, 'state.yScale', st.yScale, { min: 0, above: true });
    const m = new Svr(params, 0);
    if (solver === 'approx') {
      m.state = { p, yMean, yScale, solver, lin: approxFromJSON(NAME, 'state.model', st.model, p, 1) };
      return m;
    }
    const o = readObject(NAME, 'state.model', st.model);
    checkKeys(NAME, 'state.model', o, ['kernel', 'SV', 'coef', 'rho']);
    const kernel = kernelFromJSON(NAME, 'state.model.kernel', o.kernel);
    if (kernel.kind !== params.kernel) modelFileError(NAME, 'state.model.kernel.kind', kernel.kind, `"${params.kernel}" (params.kernel)`);
    const coef = readFloats(NAME, 'state.model.coef', o.coef);
    if (coef.length * p > MAX_SV) modelFileError(NAME, 'state.model.coef', `${coef.length} elements`, `at most ${Math.floor(MAX_SV / p)} support vectors`);
    const SV = readFloats(NAME, 'state.model.SV', o.SV, coef.length * p);
    m.state = { p, yMean, yScale, solver, exp: { kernel, SV, coef, rho: readNum(NAME, 'state.model.rho', o.rho) } };
    return m;
  }
}

/** sum_t coef_t K(sv_t, x) - rho for each of `rows` inputs. */
function expansion(e: KernelExpansion, Z: Float64Array, rows: number, p: number): Float64Array {
  const m = e.coef.length;
  const out = new Float64Array(rows).fill(-e.rho);
  if (m === 0) return out;
  const norms = rowNorms(e.SV, m, p);
  productABt(Z, rows, e.SV, m, p, (r0, count, D) => {
    for (let i = 0; i < count; i++) {
      const o = (r0 + i) * p;
      let nz = 0;
      for (let t = 0; t < p; t++) nz += Z[o + t]! * Z[o + t]!;
      let s = 0;
      for (let t = 0; t < m; t++) s += e.coef[t]! * kernelFromDot(e.kernel, D[i * m + t]!, nz, norms[t]!);
      out[r0 + i] = out[r0 + i]! + s;
    }
  });
  return out;
}

/** Creates an unfitted `svr` from validated params. */
export function createSvr(params: SvrParams, ctx: ModelContext): Svr {
  checkCombination(NAME, params);
  return new Svr(params, ctx.seed, ctx.signal);
}

