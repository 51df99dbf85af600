/**
 * Sequential minimal optimisation for the dual problem shared by SVC and SVR:
 *
 *   min  f(a) = 1/2 a'Qa + p'a   subject to  y'a = const,  0 <= a_t <= C_t,  y_t in {+1, -1},
 *
 * following Fan, Chen and Lin (2005), "Working set selection using second order information for
 * training SVM" (JMLR 6), and the solver design of the LIBSVM paper (Chang and Lin, 2011):
 * - working set: i maximises -y_t G_t over I_up; j minimises the second-order decrease
 *   -(b_it^2) / a_it over the t of I_low with -y_t G_t < -y_i G_i (their WSS 3);
 * - stop when the maximal violation m(a) - M(a) falls below eps;
 * - shrinking: every min(l, 1000) iterations, bounded variables whose gradient says they will stay
 *   at their bound leave the active set (moved to the back); the full gradient is rebuilt from
 *   G_bar (the part contributed by variables at their upper bound) when the active problem has
 *   converged, or once when it is close to converging, and the solve then checks the whole problem.
 *
 * When Q offers its kernel rows (SVR's Q, see KernelRowsQ), the gradient, G_bar and working-set
 * loops read Q_ik = y_i y_k K_ik from the kernel row directly instead of a gathered Q row, and
 * in SVR's initial two-block layout with no index at all; the products are the same floating-point
 * numbers (sign changes are exact), so every path takes the same steps.
 *
 * Written from the papers; the code is this project's own.
 */
import { AutomlError } from '../../util/errors.js';
import { hasKernelRows, type KernelRowsQ, type QMatrix } from './qmatrix.js';

/** Replaces a non-positive curvature a_ij (a non-PSD kernel or rounding). */
const TAU = 1e-12;

const LOWER = 0;
const UPPER = 1;
const FREE = 2;

/** Inputs of {@link solveSmo}. */
export interface SmoProblem {
  readonly Q: QMatrix;
  /** Linear term p (length l). */
  readonly p: Float64Array;
  /** Labels +1 / -1 (length l). */
  readonly y: Int8Array;
  /** Upper bound of each variable (length l), positive. */
  readonly C: Float64Array;
  /** Stopping tolerance on the maximal violation (LIBSVM's -e, scikit-learn's `tol`). */
  readonly eps: number;
  readonly shrinking: boolean;
  /** Iteration cap; -1 for none. */
  readonly maxIter: number;
  readonly signal?: AbortSignal;
  /** Model name for error messages. */
  readonly model: string;
}

/** Result of {@link solveSmo}, in the caller's variable order. */
export interface SmoSolution {
  readonly alpha: Float64Array;
  /** The offset: decision value = sum_t y_t a_t K(x_t, x) - rho. */
  readonly rho: number;
  /** Dual objective f(a) at the solution. */
  readonly obj: number;
  readonly iterations: number;
  /** False when the iteration cap stopped the solve before the tolerance was met. */
  readonly converged: boolean;
}

/** Solves the dual problem (see the module comment). */
export function solveSmo(prob: SmoProblem): SmoSolution {
  return new Solver(prob).run();
}

class Solver {
  private readonly l: number;
  private readonly Q: QMatrix;
  // Q's kernel rows when it offers them with the problem's labels as signs (SVR): the loops then
  // read Q_ik = y_i y_k K[r(i)][r(k)] straight from the kernel row, with no Q-row buffer. The
  // products are the same floating-point numbers (the signs are exact), so the path is the same.
  private readonly rowsQ: KernelRowsQ | null;
  // With rowsQ: h > 0 while the variables are in two blocks, sample k and sign +1 at k < h, sample
  // k - h and sign -1 at k >= h (SVR's a and a*, until the first swap); the loops then need
  // neither the sample index nor the signs.
  private half = 0;
  private readonly QD: Float64Array;
  private readonly y: Int8Array;
  private readonly p: Float64Array;
  private readonly C: Float64Array;
  private readonly alpha: Float64Array;
  private readonly G: Float64Array;
  private readonly Gbar: Float64Array;
  private readonly status: Uint8Array;
  // Membership of I_up (can move in the +y direction) and I_low, kept with status: the scans test
  // one flag instead of branching on the label and the bound.
  private readonly up: Uint8Array;
  private readonly low: Uint8Array;
  private readonly activeSet: Int32Array;
  private activeSize: number;
  private unshrink = false;
  private readonly eps: number;
  // Output of selectWorkingSet.
  private wi = -1;
  private wj = -1;
  // The i of the next working set, found during the gradient update (see update); -2 when stale.
  private nextI = -2;
  private nextGmax = -Infinity;

  constructor(private readonly prob: SmoProblem) {
    const l = prob.Q.size;
    this.l = l;
    this.Q = prob.Q;
    this.QD = prob.Q.QD;
    this.y = Int8Array.from(prob.y);
    this.p = Float64Array.from(prob.p);
    this.C = Float64Array.from(prob.C);
    this.alpha = new Float64Array(l);
    this.G = Float64Array.from(prob.p);
    this.Gbar = new Float64Array(l);
    this.status = new Uint8Array(l); // LOWER
    this.up = new Uint8Array(l);
    this.low = new Uint8Array(l);
    this.activeSet = new Int32Array(l);
    for (let k = 0; k < l; k++) {
      const pos = this.y[k] === 1 ? 1 : 0;
      this.up[k] = pos;
      this.low[k] = 1 - pos;
      this.activeSet[k] = k;
    }
    this.activeSize = l;
    let rowsQ: KernelRowsQ | null = hasKernelRows(prob.Q) ? prob.Q : null;
    for (let k = 0; rowsQ && k < l; k++) if (rowsQ.sign[k] !== this.y[k]) rowsQ = null;
    this.rowsQ = rowsQ;
    if (rowsQ && l % 2 === 0) {
      const h = l / 2;
      let blocks = true;
      for (let k = 0; blocks && k < l; k++) blocks = rowsQ.sample[k] === (k < h ? k : k - h) && this.y[k] === (k < h ? 1 : -1);
      if (blocks) this.half = h;
    }
    this.eps = prob.eps;
  }

  private setStatus(i: number): void {
    const a = this.alpha[i]!;
    const s = a >= this.C[i]! ? UPPER : a <= 0 ? LOWER : FREE;
    this.status[i] = s;
    const pos = this.y[i] === 1;
    this.up[i] = s === FREE || (pos ? s === LOWER : s === UPPER) ? 1 : 0;
    this.low[i] = s === FREE || (pos ? s === UPPER : s === LOWER) ? 1 : 0;
  }

  private swap(i: number, j: number): void {
    this.nextI = -2;
    this.half = 0;
    this.Q.swap(i, j);
    swapAt(this.y, i, j);
    swapAt(this.G, i, j);
    swapAt(this.status, i, j);
    swapAt(this.up, i, j);
    swapAt(this.low, i, j);
    swapAt(this.alpha, i, j);
    swapAt(this.p, i, j);
    swapAt(this.activeSet, i, j);
    swapAt(this.Gbar, i, j);
    swapAt(this.C, i, j);
  }

  run(): SmoSolution {
    const { l, prob } = this;
    const maxIter = prob.maxIter < 0 ? Infinity : prob.maxIter;
    let iter = 0;
    let counter = Math.min(l, 1000) + 1;
    let converged = true;
    for (;;) {
      if (iter >= maxIter) {
        converged = false;
        break;
      }
      if (--counter === 0) {
        counter = Math.min(l, 1000);
        if (prob.shrinking) this.shrink();
        if (prob.signal?.aborted) throw new AutomlError('E_ABORTED', `${prob.model}: fit aborted`, { reason: String(prob.signal.reason) });
      }
      if (!this.selectWorkingSet()) {
        // The active problem is solved: check the whole one.
        this.reconstructGradient();
        this.activeSize = l;
        this.nextI = -2;
        if (!this.selectWorkingSet()) break;
        counter = 1;
      }
      iter++;
      this.update(this.wi, this.wj);
    }
    if (!converged && this.activeSize < l) {
      this.reconstructGradient();
      this.activeSize = l;
    }
    const rho = this.rho();
    let obj = 0;
    for (let t = 0; t < l; t++) obj += this.alpha[t]! * (this.G[t]! + this.p[t]!);
    obj /= 2;
    const alpha = new Float64Array(l);
    for (let t = 0; t < l; t++) alpha[this.activeSet[t]!] = this.alpha[t]!;
    return { alpha, rho, obj, iterations: iter, converged };
  }

  /** Solves the two-variable subproblem on (i, j) analytically and updates G and G_bar. */
  private update(i: number, j: number): void {
    const { alpha, G, y, C, QD, activeSize, rowsQ } = this;
    // Rows of Q, or with rowsQ the kernel rows of i and j (Q_ij = y_i y_j K_ij).
    const Qi = rowsQ ? rowsQ.kernelRow(rowsQ.sample[i]!) : this.Q.getQ(i, activeSize);
    const Qj = rowsQ ? rowsQ.kernelRow(rowsQ.sample[j]!) : this.Q.getQ(j, activeSize);
    const Qij = rowsQ ? y[i]! * y[j]! * Qi[rowsQ.sample[j]!]! : Qi[j]!;
    const Ci = C[i]!;
    const Cj = C[j]!;
    const oldI = alpha[i]!;
    const oldJ = alpha[j]!;
    let ai = oldI;
    let aj = oldJ;
    if (y[i] !== y[j]) {
      let quad = QD[i]! + QD[j]! + 2 * Qij;
      if (quad <= 0) quad = TAU;
      const delta = (-G[i]! - G[j]!) / quad;
      const diff = ai - aj;
      ai += delta;
      aj += delta;
      if (diff > 0) {
        if (aj < 0) {
          aj = 0;
          ai = diff;
        }
      } else if (ai < 0) {
        ai = 0;
        aj = -diff;
      }
      if (diff > Ci - Cj) {
        if (ai > Ci) {
          ai = Ci;
          aj = Ci - diff;
        }
      } else if (aj > Cj) {
        aj = Cj;
        ai = Cj + diff;
      }
    } else {
      let quad = QD[i]! + QD[j]! - 2 * Qij;
      if (quad <= 0) quad = TAU;
      const delta = (G[i]! - G[j]!) / quad;
      const sum = ai + aj;
      ai -= delta;
      aj += delta;
      if (sum > Ci) {
        if (ai > Ci) {
          ai = Ci;
          aj = sum - Ci;
        }
      } else if (aj < 0) {
        aj = 0;
        ai = sum;
      }
      if (sum > Cj) {
        if (aj > Cj) {
          aj = Cj;
          ai = sum - Cj;
        }
      } else if (ai < 0) {
        ai = 0;
        aj = sum;
      }
    }
    alpha[i] = ai;
    alpha[j] = aj;
    const dI = ai - oldI;
    const dJ = aj - oldJ;
    const status = this.status;
    const wasUpperI = status[i] === UPPER;
    const wasUpperJ = status[j] === UPPER;
    this.setStatus(i);
    this.setStatus(j);
    if (this.half > 0) this.gradientFromHalves(Qi, Qj, y[i]! * dI, y[j]! * dJ);
    else if (rowsQ) this.gradientFromRows(Qi, Qj, y[i]! * dI, y[j]! * dJ, rowsQ.sample);
    else this.gradient(Qi, Qj, dI, dJ);
    this.moveGbar(i, wasUpperI, Ci);
    this.moveGbar(j, wasUpperJ, Cj);
  }

  /**
   * G += dI Q_i + dJ Q_j over the active set. The update also finds the next i (the first half of
   * selectWorkingSet, same ties): one pass over the active set instead of two.
   */
  private gradient(Qi: Float32Array, Qj: Float32Array, dI: number, dJ: number): void {
    const { G, y, up, activeSize } = this;
    let gmax = -Infinity;
    let best = -1;
    for (let k = 0; k < activeSize; k++) {
      const g = G[k]! + Qi[k]! * dI + Qj[k]! * dJ;
      G[k] = g;
      const v = -y[k]! * g;
      if (up[k] !== 0 && v >= gmax) {
        gmax = v;
        best = k;
      }
    }
    this.nextI = best;
    this.nextGmax = gmax;
  }

  /**
   * {@link Solver.gradient} from the kernel rows Ki, Kj of i and j, with a = y_i dI, b = y_j dJ:
   * Q_ik dI = K_ik (y_k a) exactly (sign changes are exact), so G gets the very same values.
   */
  private gradientFromRows(Ki: Float32Array, Kj: Float32Array, a: number, b: number, sample: Int32Array): void {
    const { G, y, up, activeSize } = this;
    let gmax = -Infinity;
    let best = -1;
    for (let k = 0; k < activeSize; k++) {
      const r = sample[k]!;
      const yk = y[k]!;
      const g = G[k]! + Ki[r]! * (yk * a) + Kj[r]! * (yk * b);
      G[k] = g;
      const v = -yk * g;
      if (up[k] !== 0 && v >= gmax) {
        gmax = v;
        best = k;
      }
    }
    this.nextI = best;
    this.nextGmax = gmax;
  }

  /** {@link Solver.gradientFromRows} in the two-block layout (see `half`): y_k = +1, then -1. */
  private gradientFromHalves(Ki: Float32Array, Kj: Float32Array, a: number, b: number): void {
    const { G, up, activeSize, half } = this;
    let gmax = -Infinity;
    let best = -1;
    const end1 = Math.min(half, activeSize);
    for (let k = 0; k < end1; k++) {
      const g = G[k]! + Ki[k]! * a + Kj[k]! * b;
      G[k] = g;
      const v = -g;
      if (up[k] !== 0 && v >= gmax) {
        gmax = v;
        best = k;
      }
    }
    const na = -a;
    const nb = -b;
    for (let k = half; k < activeSize; k++) {
      const r = k - half;
      const g = G[k]! + Ki[r]! * na + Kj[r]! * nb;
      G[k] = g;
      if (up[k] !== 0 && g >= gmax) {
        gmax = g;
        best = k;
      }
    }
    this.nextI = best;
    this.nextGmax = gmax;
  }

  /** Keeps G_bar = sum over upper-bounded t of C_t Q_t when variable i enters or leaves its upper bound. */
  private moveGbar(i: number, wasUpper: boolean, Ci: number): void {
    const isUpper = this.status[i] === UPPER;
    if (wasUpper === isUpper) return;
    const s = isUpper ? Ci : -Ci;
    const { Gbar, l, rowsQ } = this;
    const half = this.half;
    if (half > 0) {
      const Ki = rowsQ!.kernelRow(i < half ? i : i - half);
      const si = this.y[i]! * s;
      const nsi = -si;
      for (let k = 0; k < half; k++) Gbar[k] = Gbar[k]! + Ki[k]! * si;
      for (let k = half; k < l; k++) Gbar[k] = Gbar[k]! + Ki[k - half]! * nsi;
      return;
    }
    if (rowsQ) {
      // s Q_ik = K_ik (y_k (y_i s)), as in gradientFromRows.
      const { sample } = rowsQ;
      const y = this.y;
      const Ki = rowsQ.kernelRow(sample[i]!);
      const si = y[i]! * s;
      for (let k = 0; k < l; k++) Gbar[k] = Gbar[k]! + Ki[sample[k]!]! * (y[k]! * si);
      return;
    }
    const Qi = this.Q.getQ(i, l);
    for (let k = 0; k < l; k++) Gbar[k] = Gbar[k]! + s * Qi[k]!;
  }

  /** Fan, Chen and Lin's second-order working set; false when the active problem is solved. */
  private selectWorkingSet(): boolean {
    const { G, y, up, low, QD, activeSize } = this;
    let gmax = -Infinity;
    let gmax2 = -Infinity;
    let iBest = -1;
    if (this.nextI !== -2) {
      iBest = this.nextI;
      gmax = this.nextGmax;
    } else {
      for (let t = 0; t < activeSize; t++) {
        const v = -y[t]! * G[t]!;
        if (up[t] !== 0 && v >= gmax) {
          gmax = v;
          iBest = t;
        }
      }
    }
    this.nextI = -2;
    const i = iBest;
    let jBest = -1;
    let objDiffMin = Infinity;
    const half = this.half;
    if (i !== -1 && half > 0) {
      // The kernel-row loop below in the two-block layout (see `half`).
      const Ki = this.rowsQ!.kernelRow(i < half ? i : i - half);
      const QDi = QD[i]!;
      const end1 = Math.min(half, activeSize);
      for (let t = 0; t < end1; t++) {
        if (low[t] === 0) continue;
        const g = G[t]!;
        const gradDiff = gmax + g;
        if (g >= gmax2) gmax2 = g;
        if (gradDiff > 0) {
          const quad = QDi + QD[t]! - 2 * Ki[t]!;
          const objDiff = -(gradDiff * gradDiff) / (quad > 0 ? quad : TAU);
          if (objDiff <= objDiffMin) {
            jBest = t;
            objDiffMin = objDiff;
          }
        }
      }
      for (let t = half; t < activeSize; t++) {
        if (low[t] === 0) continue;
        const g = -G[t]!;
        const gradDiff = gmax + g;
        if (g >= gmax2) gmax2 = g;
        if (gradDiff > 0) {
          const quad = QDi + QD[t]! - 2 * Ki[t - half]!;
          const objDiff = -(gradDiff * gradDiff) / (quad > 0 ? quad : TAU);
          if (objDiff <= objDiffMin) {
            jBest = t;
            objDiffMin = objDiff;
          }
        }
      }
    } else if (i !== -1 && this.rowsQ) {
      // y_i y_t Q_it = K_it (the signs square to one).
      const sample = this.rowsQ.sample;
      const Ki = this.rowsQ.kernelRow(sample[i]!);
      const QDi = QD[i]!;
      for (let t = 0; t < activeSize; t++) {
        if (low[t] === 0) continue;
        const g = y[t]! * G[t]!;
        const gradDiff = gmax + g;
        if (g >= gmax2) gmax2 = g;
        if (gradDiff > 0) {
          const quad = QDi + QD[t]! - 2 * Ki[sample[t]!]!;
          const objDiff = -(gradDiff * gradDiff) / (quad > 0 ? quad : TAU);
          if (objDiff <= objDiffMin) {
            jBest = t;
            objDiffMin = objDiff;
          }
        }
      }
    } else if (i !== -1) {
      const Qi = this.Q.getQ(i, activeSize);
      const yi = y[i]!;
      const QDi = QD[i]!;
      for (let t = 0; t < activeSize; t++) {
        if (low[t] === 0) continue;
        const yt = y[t]!;
        const g = yt * G[t]!;
        const gradDiff = gmax + g;
        if (g >= gmax2) gmax2 = g;
        if (gradDiff > 0) {
          const quad = QDi + QD[t]! - 2 * yi * yt * Qi[t]!;
          const objDiff = -(gradDiff * gradDiff) / (quad > 0 ? quad : TAU);
          if (objDiff <= objDiffMin) {
            jBest = t;
            objDiffMin = objDiff;
          }
        }
      }
    } else {
      // No variable can move up: only the violation bound matters.
      for (let t = 0; t < activeSize; t++) if (low[t] !== 0 && y[t]! * G[t]! >= gmax2) gmax2 = y[t]! * G[t]!;
    }
    if (gmax + gmax2 < this.eps || jBest === -1) return false;
    this.wi = i;
    this.wj = jBest;
    return true;
  }

  /** True when bounded variable t will stay at its bound (the two maximal violations say so). */
  private beShrunk(t: number, gmax1: number, gmax2: number): boolean {
    const s = this.status[t]!;
    const g = this.G[t]!;
    if (s === UPPER) return this.y[t] === 1 ? -g > gmax1 : -g > gmax2;
    if (s === LOWER) return this.y[t] === 1 ? g > gmax2 : g > gmax1;
    return false;
  }

  private shrink(): void {
    this.nextI = -2;
    const { G, y, status } = this;
    let gmax1 = -Infinity; // max over I_up of -y G
    let gmax2 = -Infinity; // max over I_low of y G
    for (let t = 0; t < this.activeSize; t++) {
      if (y[t] === 1) {
        if (status[t] !== UPPER && -G[t]! >= gmax1) gmax1 = -G[t]!;
        if (status[t] !== LOWER && G[t]! >= gmax2) gmax2 = G[t]!;
      } else {
        if (status[t] !== UPPER && -G[t]! >= gmax2) gmax2 = -G[t]!;
        if (status[t] !== LOWER && G[t]! >= gmax1) gmax1 = G[t]!;
      }
    }
    if (!this.unshrink && gmax1 + gmax2 <= this.eps * 10) {
      // Close to the end: bring everything back once, so that early wrong shrinks are undone.
      this.unshrink = true;
      this.reconstructGradient();
      this.activeSize = this.l;
    }
    for (let t = 0; t < this.activeSize; t++) {
      if (!this.beShrunk(t, gmax1, gmax2)) continue;
      this.activeSize--;
      while (this.activeSize > t) {
        if (!this.beShrunk(this.activeSize, gmax1, gmax2)) {
          this.swap(t, this.activeSize);
          break;
        }
        this.activeSize--;
      }
    }
  }

  /** Recomputes G of the inactive variables from G_bar and the free active variables. */
  private reconstructGradient(): void {
    this.nextI = -2;
    const { l, activeSize, G, Gbar, p, alpha, status } = this;
    if (activeSize === l) return;
    for (let t = activeSize; t < l; t++) G[t] = Gbar[t]! + p[t]!;
    let nFree = 0;
    for (let t = 0; t < activeSize; t++) if (status[t] === FREE) nFree++;
    // Whichever loop order reads fewer kernel entries.
    if (nFree * l > 2 * activeSize * (l - activeSize)) {
      for (let i = activeSize; i < l; i++) {
        const Qi = this.Q.getQ(i, activeSize);
        let s = 0;
        for (let t = 0; t < activeSize; t++) if (status[t] === FREE) s += alpha[t]! * Qi[t]!;
        G[i] = G[i]! + s;
      }
    } else {
      for (let t = 0; t < activeSize; t++) {
        if (status[t] !== FREE) continue;
        const Qt = this.Q.getQ(t, l);
        const a = alpha[t]!;
        for (let i = activeSize; i < l; i++) G[i] = G[i]! + a * Qt[i]!;
      }
    }
  }

  /** The offset: the mean of y_t G_t over free variables, else the middle of the feasible interval. */
  private rho(): number {
    const { y, G, status } = this;
    let nFree = 0;
    let sumFree = 0;
    let ub = Infinity;
    let lb = -Infinity;
    for (let t = 0; t < this.activeSize; t++) {
      const yG = y[t]! * G[t]!;
      const s = status[t];
      if (s === UPPER) {
        if (y[t] === -1) ub = Math.min(ub, yG);
        else lb = Math.max(lb, yG);
      } else if (s === LOWER) {
        if (y[t] === 1) ub = Math.min(ub, yG);
        else lb = Math.max(lb, yG);
      } else {
        nFree++;
        sumFree += yG;
      }
    }
    return nFree > 0 ? sumFree / nFree : (ub + lb) / 2;
  }
}

function swapAt(a: Float64Array | Int32Array | Int8Array | Uint8Array, i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}
