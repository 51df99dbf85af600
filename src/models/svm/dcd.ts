/**
 * Linear support-vector solvers by dual coordinate descent, for large data (over an explicit
 * feature map, see features.ts):
 * - classification with the hinge loss: Hsieh, Chang, Lin, Keerthi and Sundararajan (2008),
 *   "A dual coordinate descent method for large-scale linear SVM" (ICML), with their shrinking
 *   and random order of coordinates in each pass;
 * - epsilon-insensitive regression: Ho and Lin (2012), "Large-scale linear support vector
 *   regression" (JMLR 13), the L1-loss dual min 1/2 b'Qb - y'b + eps |b|_1 with -C <= b_i <= C.
 * The bias is the weight of a constant feature, so it is regularised (as in LIBLINEAR).
 */
import { AutomlError } from '../../util/errors.js';
import type { Rng } from '../../util/rng.js';
import { dotRows } from './kernel.js';

/** Common inputs: Z is n x d row-major. */
export interface DcdProblem {
  readonly Z: Float64Array;
  readonly n: number;
  readonly d: number;
  /** Upper bound per row. */
  readonly C: Float64Array;
  /** Stopping tolerance (see each solver). */
  readonly eps: number;
  readonly maxEpochs: number;
  readonly rng: Rng;
  readonly signal?: AbortSignal;
  readonly model: string;
}

/** Result: the weights (length d) and the passes made. */
export interface DcdResult {
  readonly w: Float64Array;
  readonly epochs: number;
  readonly converged: boolean;
}

function aborted(p: DcdProblem): void {
  if (p.signal?.aborted) throw new AutomlError('E_ABORTED', `${p.model}: fit aborted`, { reason: String(p.signal.reason) });
}

function shuffle(a: Int32Array, len: number, rng: Rng): void {
  for (let i = len - 1; i > 0; i--) {
    const j = Math.floor(rng.next() * (i + 1));
    const t = a[i]!;
    a[i] = a[j]!;
    a[j] = t;
  }
}

/** Hinge-loss SVM; y is +1/-1. Stops when the projected-gradient spread falls below eps. */
export function dcdClassify(prob: DcdProblem, y: Int8Array): DcdResult {
  const { Z, n, d, C, rng } = prob;
  const w = new Float64Array(d);
  const alpha = new Float64Array(n);
  const QD = new Float64Array(n);
  for (let i = 0; i < n; i++) QD[i] = dotRows(Z, i * d, Z, i * d, d);
  const index = Int32Array.from({ length: n }, (_, i) => i);
  let active = n;
  let pgMaxOld = Infinity;
  let pgMinOld = -Infinity;
  let epoch = 0;
  let converged = false;
  while (epoch < prob.maxEpochs) {
    aborted(prob);
    epoch++;
    shuffle(index, active, rng);
    let pgMax = -Infinity;
    let pgMin = Infinity;
    for (let s = 0; s < active; s++) {
      const i = index[s]!;
      const yi = y[i]!;
      const o = i * d;
      const G = yi * dotRows(w, 0, Z, o, d) - 1;
      let PG = 0;
      const a = alpha[i]!;
      if (a === 0) {
        if (G > pgMaxOld) {
          // Stays at zero: shrink it.
          active--;
          index[s] = index[active]!;
          index[active] = i;
          s--;
          continue;
        }
        if (G < 0) PG = G;
      } else if (a === C[i]!) {
        if (G < pgMinOld) {
          active--;
          index[s] = index[active]!;
          index[active] = i;
          s--;
          continue;
        }
        if (G > 0) PG = G;
      } else PG = G;
      if (PG > pgMax) pgMax = PG;
      if (PG < pgMin) pgMin = PG;
      if (Math.abs(PG) > 1e-12 && QD[i]! > 0) {
        const next = Math.min(Math.max(a - G / QD[i]!, 0), C[i]!);
        const step = (next - a) * yi;
        alpha[i] = next;
        for (let k = 0; k < d; k++) w[k] = w[k]! + step * Z[o + k]!;
      }
    }
    if (pgMax - pgMin <= prob.eps) {
      if (active === n) {
        converged = true;
        break;
      }
      // Converged on the active rows: check all of them once more.
      active = n;
      pgMaxOld = Infinity;
      pgMinOld = -Infinity;
      continue;
    }
    pgMaxOld = pgMax <= 0 ? Infinity : pgMax;
    pgMinOld = pgMin >= 0 ? -Infinity : pgMin;
  }
  return { w, epochs: epoch, converged };
}

/**
 * Epsilon-insensitive regression. Stops when the L1 norm of the minimal violations falls below
 * eps times its value at the start (LIBLINEAR's rule for this solver).
 */
export function dcdRegress(prob: DcdProblem, y: Float64Array, epsilon: number): DcdResult {
  const { Z, n, d, C, rng } = prob;
  const w = new Float64Array(d);
  const beta = new Float64Array(n);
  const QD = new Float64Array(n);
  for (let i = 0; i < n; i++) QD[i] = dotRows(Z, i * d, Z, i * d, d);
  const index = Int32Array.from({ length: n }, (_, i) => i);
  let first = -1;
  let epoch = 0;
  let converged = false;
  while (epoch < prob.maxEpochs) {
    aborted(prob);
    epoch++;
    shuffle(index, n, rng);
    let violation = 0;
    for (let s = 0; s < n; s++) {
      const i = index[s]!;
      const o = i * d;
      const G = dotRows(w, 0, Z, o, d) - y[i]!;
      const gp = G + epsilon;
      const gn = G - epsilon;
      const b = beta[i]!;
      const Ci = C[i]!;
      // Minimal violation of the optimality conditions at b.
      if (b === 0) violation += Math.max(0, gn, -gp);
      else if (b > 0) violation += b >= Ci && gp < 0 ? 0 : Math.abs(gp);
      else violation += b <= -Ci && gn > 0 ? 0 : Math.abs(gn);
      const q = QD[i]!;
      if (!(q > 0)) continue;
      // argmin_z 1/2 q (z - b)^2 + G (z - b) + eps |z|, clipped to [-C, C].
      let z: number;
      if (q * b - gp > 0) z = b - gp / q;
      else if (q * b - gn < 0) z = b - gn / q;
      else z = 0;
      if (z > Ci) z = Ci;
      else if (z < -Ci) z = -Ci;
      const step = z - b;
      if (step !== 0) {
        beta[i] = z;
        for (let k = 0; k < d; k++) w[k] = w[k]! + step * Z[o + k]!;
      }
    }
    if (first < 0) first = violation;
    if (violation <= prob.eps * first) {
      converged = true;
      break;
    }
  }
  return { w, epochs: epoch, converged };
}
