/**
 * `gaussian_process`: Gaussian-process regression with an RBF or Matérn 5/2 covariance (one length
 * scale, or one per feature with `ard`) plus white noise, on a normalised target. Hyperparameters
 * maximise the log marginal likelihood by L-BFGS in log space, from a fixed start and
 * `n_restarts` (default 1) seeded random ones, inside scikit-learn's default bounds [1e-5, 1e5].
 *
 * Row cap: exact inference costs n^3 time and n^2 memory per likelihood evaluation, so above
 * `max_rows` (default 1,000; see params.ts for the cost) the fit uses a seeded uniform subsample
 * of that many rows (the "subset of data" approximation) and records it, rather than refusing:
 * in a search a refused family only wastes trials, while a GP on 1,000 rows is still a sound
 * model. The fitted model keeps its training rows, since predictions need them.
 *
 * Predictive standard deviation: {@link GaussianProcessRegressor.predictStd}, the noise included
 * (as scikit-learn's `predict(X, return_std=True)` with a WhiteKernel).
 */
import { AutomlError } from '../../util/errors.js';
import type { Estimator, EstimatorJSON, Matrix, ModelSpec } from '../estimator.js';
import { asFloat64 } from '../estimator.js';
import { checkAbort, checkFit, checkPredict, loadParams, modelFileError, notFitted, openJSON } from '../fast/common.js';
import { defineFamily, familySpec } from '../descriptor.js';
import { lbfgs } from '../../numeric/lbfgs.js';
import { checkKeys, readFloats, readNum } from '../svm/json.js';
import { createRng } from '../../util/rng.js';
import { dotRange, solveLower } from './linalg.js';
import { factor, gpProblem, negLogLikelihood, scaledDistance, shape, solveAlpha, unpack, type GpHyper } from './objective.js';
import { gpDecls, gpParams, type GpParams } from './params.js';

const NAME = 'gaussian_process';
const VERSION = 1;
const LOG_LO = Math.log(1e-5);
const LOG_HI = Math.log(1e5);
/** Weight of the quadratic wall outside the bounds. */
const WALL = 100;

/** Mean and standard deviation of the predictive distribution, per row. */
export interface GpPrediction {
  readonly mean: Float64Array;
  readonly std: Float64Array;
}

interface Fitted {
  readonly p: number;
  readonly X: Float64Array;
  readonly n: number;
  readonly theta: Float64Array;
  readonly alpha: Float64Array;
  readonly yMean: number;
  readonly yScale: number;
  /** Rows the data had before the row cap. */
  readonly rowsSeen: number;
  /** Log marginal likelihood at theta (normalised target). */
  readonly lml: number;
  /** Cholesky factor of K, rebuilt lazily after load. */
  L: Float64Array | null;
}

/** Gaussian-process regressor; see the module comment. */
export class GaussianProcessRegressor implements Estimator {
  readonly name = NAME;
  private fitted: Fitted | null = null;

  constructor(
    readonly params: GpParams,
    private readonly seed: number,
    private readonly signal?: AbortSignal,
  ) {}

  /** The fitted kernel: amplitude s2, length scales, noise n2; log marginal likelihood; rows used of rows seen. */
  get kernel(): { amplitude: number; lengthScales: Float64Array; noise: number; logMarginalLikelihood: number; rows: number; rowsSeen: number } {
    const f = this.fitted ?? notFitted(NAME);
    const h = unpack(f.theta);
    return { amplitude: h.s2, lengthScales: h.ls, noise: h.n2, logMarginalLikelihood: f.lml, rows: f.n, rowsSeen: f.rowsSeen };
  }

  fit(X: Matrix, y: Float64Array): void {
    checkFit(NAME, X, y, { task: 'regression', nClasses: 0, seed: this.seed }, false);
    this.fitted = null;
    const P = this.params;
    const p = X.cols;
    const rng = createRng(`${this.seed}/gaussian_process`);
    let rows = Int32Array.from({ length: X.rows }, (_, i) => i);
    if (X.rows > P.max_rows) {
      for (let i = 0; i < P.max_rows; i++) {
        const j = i + Math.floor(rng.next() * (X.rows - i));
        const t = rows[i]!;
        rows[i] = rows[j]!;
        rows[j] = t;
      }
      rows = rows.slice(0, P.max_rows).sort();
    }
    const n = rows.length;
    const Xs = new Float64Array(n * p);
    const ys = new Float64Array(n);
    rows.forEach((r, i) => {
      Xs.set(X.data.subarray(r * p, r * p + p), i * p);
      ys[i] = y[r]!;
    });
    let yMean = 0;
    let yScale = 1;
    if (P.normalize_y) {
      for (let i = 0; i < n; i++) yMean += ys[i]! / n;
      let v = 0;
      for (let i = 0; i < n; i++) v += (ys[i]! - yMean) ** 2 / n;
      yScale = v > 0 ? Math.sqrt(v) : 1;
    }
    const yn = Float64Array.from(ys, (v) => (v - yMean) / yScale);
    const q = P.ard ? p : 1;
    const prob = gpProblem(P.kernel, Xs, n, p, yn, P.alpha, P.ard);
    const objective = (theta: Float64Array, grad: Float64Array): number => {
      checkAbort(NAME, this.signal);
      // Evaluate at the point clamped into the box, plus a quadratic wall for the excess.
      const inside = theta.map((t) => Math.min(Math.max(t, LOG_LO), LOG_HI));
      const f = negLogLikelihood(prob, inside, grad);
      let wall = 0;
      for (let j = 0; j < theta.length; j++) {
        const e = theta[j]! - inside[j]!;
        if (e !== 0) {
          wall += WALL * e * e;
          grad[j] = 2 * WALL * e;
        }
      }
      return f + wall;
    };
    const starts: Float64Array[] = [startTheta(q, p, [1, 1, 0.1])];
    for (let r = 0; r < P.n_restarts; r++) {
      // Log-uniform over plausible values for a normalised target and a scaled input.
      const u = (lo: number, hi: number) => Math.log(lo) + rng.next() * (Math.log(hi) - Math.log(lo));
      const t = new Float64Array(q + 2);
      t[0] = u(0.1, 10);
      for (let d = 0; d < q; d++) t[1 + d] = u(0.1, 10) + 0.5 * Math.log(p);
      t[q + 1] = u(1e-4, 1);
      starts.push(t);
    }
    let best: { x: Float64Array; f: number } | null = null;
    for (const t0 of starts) {
      const res = lbfgs(objective, t0, { maxIter: P.max_iter, gtol: 1e-5 });
      if (Number.isFinite(res.f) && (!best || res.f < best.f)) best = { x: res.x.map((t) => Math.min(Math.max(t, LOG_LO), LOG_HI)), f: res.f };
    }
    const theta = best ? best.x : starts[0]!;
    const h = unpack(theta);
    if (factor(prob, h) < 0) throw new AutomlError('E_MODEL', `${NAME}: the kernel matrix is not positive definite even with jitter; check X for non-finite or huge values`, { param: 'alpha', value: this.params.alpha });
    const { alpha, logDet } = solveAlpha(prob);
    let yAlpha = 0;
    for (let i = 0; i < n; i++) yAlpha += yn[i]! * alpha[i]!;
    const lml = -0.5 * yAlpha - 0.5 * logDet - 0.5 * n * Math.log(2 * Math.PI);
    this.fitted = { p, X: Xs, n, theta, alpha, yMean, yScale, rowsSeen: X.rows, lml, L: prob.A };
  }

  predict(X: Matrix): Float64Array {
    return this.predictWithStd(X, false).mean;
  }

  /** Predictive standard deviation of y at each row (noise included). */
  predictStd(X: Matrix): Float64Array {
    return this.predictWithStd(X, true).std;
  }

  /** Mean and, when `withStd`, standard deviation (else an empty array) in one pass. */
  predictWithStd(X: Matrix, withStd = true): GpPrediction {
    const f = this.fitted ?? notFitted(NAME);
    checkPredict(NAME, X, f.p);
    const h = unpack(f.theta);
    const kind = this.params.kernel;
    const mean = new Float64Array(X.rows);
    const std = new Float64Array(withStd ? X.rows : 0);
    const L = withStd ? this.factorL(f, h) : null;
    const ks = new Float64Array(f.n);
    const v = new Float64Array(f.n);
    const Xd = asFloat64(X.data);
    for (let i = 0; i < X.rows; i++) {
      for (let k = 0; k < f.n; k++) ks[k] = h.s2 * shape(kind, scaledDistance(Xd, i, f.X, k, f.p, h.ls));
      mean[i] = dotRange(ks, 0, f.alpha, 0, 0, f.n) * f.yScale + f.yMean;
      if (L) {
        solveLower(L, f.n, ks, v);
        const varY = h.s2 + h.n2 - dotRange(v, 0, v, 0, 0, f.n);
        std[i] = Math.sqrt(Math.max(varY, 0)) * f.yScale;
      }
    }
    return { mean, std };
  }

  private factorL(f: Fitted, h: GpHyper): Float64Array {
    if (!f.L) {
      const prob = gpProblem(this.params.kernel, f.X, f.n, f.p, new Float64Array(f.n), this.params.alpha, this.params.ard);
      if (factor(prob, h) < 0) modelFileError(NAME, 'state.theta', Array.from(f.theta), 'hyperparameters whose kernel matrix is positive definite');
      f.L = prob.A;
    }
    return f.L;
  }

  toJSON(): EstimatorJSON {
    const f = this.fitted ?? notFitted(NAME);
    return {
      model: NAME,
      version: VERSION,
      params: { ...this.params },
      state: { nFeatures: f.p, nRows: f.n, rowsSeen: f.rowsSeen, X: Array.from(f.X), theta: Array.from(f.theta), alpha: Array.from(f.alpha), yMean: f.yMean, yScale: f.yScale, lml: f.lml },
    };
  }

  /** Restores from {@link GaussianProcessRegressor.toJSON} output, validating every field. */
  static load(json: EstimatorJSON): GaussianProcessRegressor {
    const s = openJSON(NAME, VERSION, json);
    const params = loadParams(NAME, gpParams, json.params);
    checkKeys(NAME, 'state', s, ['nFeatures', 'nRows', 'rowsSeen', 'X', 'theta', 'alpha', 'yMean', 'yScale', 'lml']);
    const p = readNum(NAME, 'state.nFeatures', s.nFeatures, { int: true, min: 1, max: 100_000 });
    const n = readNum(NAME, 'state.nRows', s.nRows, { int: true, min: 1, max: params.max_rows });
    const rowsSeen = readNum(NAME, 'state.rowsSeen', s.rowsSeen, { int: true, min: n });
    if (n * p > 50_000_000) modelFileError(NAME, 'state.nRows', n, `at most ${Math.floor(50_000_000 / p)} rows of ${p} features`);
    const q = params.ard ? p : 1;
    const m = new GaussianProcessRegressor(params, 0);
    m.fitted = {
      p,
      n,
      rowsSeen,
      X: readFloats(NAME, 'state.X', s.X, n * p),
      theta: readFloats(NAME, 'state.theta', s.theta, q + 2, { min: LOG_LO - 1e-9, max: LOG_HI + 1e-9 }),
      alpha: readFloats(NAME, 'state.alpha', s.alpha, n),
      yMean: readNum(NAME, 'state.yMean', s.yMean),
      yScale: readNum(NAME, 'state.yScale', s.yScale, { min: 0, above: true }),
      lml: readNum(NAME, 'state.lml', s.lml),
      L: null,
    };
    return m;
  }
}

/**
 * The fixed start: amplitude, length scale (every one) in units of sqrt(p), so that a scaled input
 * starts with kernel values of order one whatever its width, and noise.
 */
function startTheta(q: number, p: number, [s2, l, n2]: [number, number, number]): Float64Array {
  const t = new Float64Array(q + 2);
  t[0] = Math.log(s2);
  for (let d = 0; d < q; d++) t[1 + d] = Math.log(l * Math.sqrt(p));
  t[q + 1] = Math.log(n2);
  return t;
}

/** `gaussian_process`: GP regression. Not in the default search (no searchRank) yet. */
export const gaussianProcessFamily = defineFamily({
  name: NAME,
  description: 'Gaussian-process regression (RBF or Matérn 5/2 + white noise, marginal-likelihood fit; subsamples above max_rows)',
  tasks: ['regression'],
  params: gpDecls,
  // Length scales are distances: features must share a scale.
  preprocessing: { encoding: 'onehot', scaler: 'standard' },
  space: {
    comment:
      'gaussian_process (regression only). The kernel hyperparameters are fitted by marginal likelihood inside each trial; the search picks the kernel shape and whether each feature gets its own length scale. Fits subsample to max_rows (1,000) rows. Not in the default search space yet.',
    params: { kernel: {}, ard: { choices: [false, true] } },
  },
  create: (params, ctx) => new GaussianProcessRegressor(params, ctx.seed, ctx.signal),
  load: (json) => GaussianProcessRegressor.load(json),
});

/** Registry entry of {@link gaussianProcessFamily}. */
export const gaussianProcessSpec: ModelSpec = familySpec(gaussianProcessFamily);
