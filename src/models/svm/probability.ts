/**
 * Probability estimates for SVM decision values:
 * - Platt scaling, P(y = +1 | f) = 1 / (1 + exp(A f + B)), fitted by the Newton method with
 *   backtracking of Lin, Lin and Weng (2007), "A note on Platt's probabilistic outputs for
 *   support vector machines" (Machine Learning 68), on Platt's regularised targets;
 * - pairwise coupling for more than two classes, method 2 of Wu, Lin and Weng (2004),
 *   "Probability estimates for multi-class classification by pairwise coupling" (JMLR 5):
 *   min_p sum_i sum_{j != i} (r_ji p_i - r_ij p_j)^2 with sum p = 1, by their fixed-point sweep.
 */

/** A fitted sigmoid: P(positive | f) = 1 / (1 + exp(A f + B)). */
export interface Sigmoid {
  readonly A: number;
  readonly B: number;
}

/** Pairwise probabilities are kept inside [MIN_PROB, 1 - MIN_PROB], so that coupling never divides by zero. */
const MIN_PROB = 1e-7;

/** Fits a sigmoid to decision values `f` with labels `positive[i]` (true for the +1 class). */
export function fitSigmoid(f: ArrayLike<number>, positive: ArrayLike<boolean>): Sigmoid {
  const n = f.length;
  let nPos = 0;
  for (let i = 0; i < n; i++) if (positive[i]) nPos++;
  const nNeg = n - nPos;
  // Platt's targets: a little below 1 and above 0, so that a separable set does not diverge.
  const hi = (nPos + 1) / (nPos + 2);
  const lo = 1 / (nNeg + 2);
  const t = new Float64Array(n);
  for (let i = 0; i < n; i++) t[i] = positive[i] ? hi : lo;
  const objective = (A: number, B: number): number => {
    let v = 0;
    for (let i = 0; i < n; i++) {
      const z = f[i]! * A + B;
      v += z >= 0 ? t[i]! * z + Math.log1p(Math.exp(-z)) : (t[i]! - 1) * z + Math.log1p(Math.exp(z));
    }
    return v;
  };
  let A = 0;
  let B = Math.log((nNeg + 1) / (nPos + 1));
  let fval = objective(A, B);
  const sigma = 1e-12;
  for (let iter = 0; iter < 100; iter++) {
    let h11 = sigma;
    let h22 = sigma;
    let h21 = 0;
    let g1 = 0;
    let g2 = 0;
    for (let i = 0; i < n; i++) {
      const z = f[i]! * A + B;
      let p: number;
      let q: number;
      if (z >= 0) {
        const e = Math.exp(-z);
        p = e / (1 + e);
        q = 1 / (1 + e);
      } else {
        const e = Math.exp(z);
        p = 1 / (1 + e);
        q = e / (1 + e);
      }
      const d2 = p * q;
      const fi = f[i]!;
      h11 += fi * fi * d2;
      h22 += d2;
      h21 += fi * d2;
      const d1 = t[i]! - p;
      g1 += fi * d1;
      g2 += d1;
    }
    if (Math.abs(g1) < 1e-5 && Math.abs(g2) < 1e-5) break;
    const det = h11 * h22 - h21 * h21;
    const dA = -(h22 * g1 - h21 * g2) / det;
    const dB = -(-h21 * g1 + h11 * g2) / det;
    const gd = g1 * dA + g2 * dB;
    let step = 1;
    while (step >= 1e-10) {
      const nA = A + step * dA;
      const nB = B + step * dB;
      const nf = objective(nA, nB);
      if (nf < fval + 1e-4 * step * gd) {
        A = nA;
        B = nB;
        fval = nf;
        break;
      }
      step /= 2;
    }
    if (step < 1e-10) break;
  }
  return { A, B };
}

/** P(positive | f) under a fitted sigmoid, computed without overflow. */
export function sigmoidProb(s: Sigmoid, f: number): number {
  const z = f * s.A + s.B;
  return z >= 0 ? Math.exp(-z) / (1 + Math.exp(-z)) : 1 / (1 + Math.exp(z));
}

/** Clamps a pairwise probability away from 0 and 1. */
export function clampProb(r: number): number {
  return Math.min(Math.max(r, MIN_PROB), 1 - MIN_PROB);
}

/**
 * Class probabilities from pairwise ones: `r[i * k + j]` = P(class i | class i or j), with
 * r[j * k + i] = 1 - r[i * k + j]. Writes k probabilities into `out` at `offset`.
 * @param work scratch of at least k * k + k values
 */
export function couple(r: Float64Array, k: number, out: Float64Array, offset: number, work: Float64Array): void {
  if (k === 2) {
    out[offset] = r[1]!;
    out[offset + 1] = r[k]!;
    return;
  }
  const Q = work;
  const Qp = work.subarray(k * k, k * k + k);
  const p = out.subarray(offset, offset + k);
  for (let t = 0; t < k; t++) {
    p[t] = 1 / k;
    let diag = 0;
    for (let j = 0; j < k; j++) {
      if (j === t) continue;
      const rjt = r[j * k + t]!;
      diag += rjt * rjt;
      Q[t * k + j] = -rjt * r[t * k + j]!;
    }
    Q[t * k + t] = diag;
  }
  let pQp = 0;
  for (let t = 0; t < k; t++) {
    let s = 0;
    for (let j = 0; j < k; j++) s += Q[t * k + j]! * p[j]!;
    Qp[t] = s;
    pQp += p[t]! * s;
  }
  const eps = 0.005 / k;
  const maxIter = Math.max(100, k);
  for (let iter = 0; iter < maxIter; iter++) {
    let maxErr = 0;
    for (let t = 0; t < k; t++) maxErr = Math.max(maxErr, Math.abs(Qp[t]! - pQp));
    if (maxErr < eps) break;
    for (let t = 0; t < k; t++) {
      // Move p_t to where its optimality condition holds, then renormalise; Qp and p'Qp follow exactly.
      const qtt = Q[t * k + t]!;
      const diff = (-Qp[t]! + pQp) / qtt;
      p[t] = p[t]! + diff;
      const scale = 1 + diff;
      pQp = (pQp + diff * (diff * qtt + 2 * Qp[t]!)) / (scale * scale);
      for (let j = 0; j < k; j++) {
        Qp[j] = (Qp[j]! + diff * Q[t * k + j]!) / scale;
        p[j] = p[j]! / scale;
      }
    }
  }
}
