// The objective module of examples/worker-objective.mjs, imported by each worker thread: ridge
// regression (closed form) scored by k-fold cross-validation. Not an example to run on its own.
import { getWorkerData } from 'automl';

/** Solves (A + alpha I) w = b for a small symmetric positive-definite A (Gaussian elimination). */
function solve(A, b, d) {
  const M = A.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < d; c++) {
    for (let r = c + 1; r < d; r++) {
      const f = M[r][c] / M[c][c];
      for (let k = c; k <= d; k++) M[r][k] -= f * M[c][k];
    }
  }
  const w = new Array(d).fill(0);
  for (let r = d - 1; r >= 0; r--) {
    let s = M[r][d];
    for (let k = r + 1; k < d; k++) s -= M[r][k] * w[k];
    w[r] = s / M[r][r];
  }
  return w;
}

export default async function ridgeCv(config, ctx) {
  const { X, y, n, d } = getWorkerData();     // the same shared arrays in every thread
  const { alpha, folds } = config;
  let total = 0;
  for (let f = 0; f < folds; f++) {
    const test = (i) => i % folds === f;
    const A = Array.from({ length: d }, () => new Array(d).fill(0));
    const b = new Array(d).fill(0);
    for (let i = 0; i < n; i++) {
      if (test(i)) continue;
      for (let j = 0; j < d; j++) {
        b[j] += X[i * d + j] * y[i];
        for (let k = 0; k < d; k++) A[j][k] += X[i * d + j] * X[i * d + k];
      }
    }
    for (let j = 0; j < d; j++) A[j][j] += alpha;
    const w = solve(A, b, d);
    let sse = 0, count = 0;
    for (let i = 0; i < n; i++) {
      if (!test(i)) continue;
      let p = 0;
      for (let j = 0; j < d; j++) p += w[j] * X[i * d + j];
      sse += (p - y[i]) ** 2;
      count++;
    }
    total += sse / count;
    // Intermediate value: the pruner (if the study has one) may stop a poor trial early.
    if (await ctx.report(f, total / (f + 1))) return total / (f + 1);
  }
  return total / folds;
}
