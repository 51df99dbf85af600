/**
 * Data terms of the logistic-regression objectives (sum of log-losses) and their gradients, as
 * top-level functions over typed arrays so that V8 optimises them once, independent of the
 * closures that call them. Penalties are added by the caller (L2 smoothly, L1 by OWL-QN).
 */
import { AbtWorkspace } from './abt-wasm.js';
import type { MatrixData } from '../estimator.js';

/**
 * Binary log-loss sum and gradient; w = [p weights, bias], y in {0, 1}. Plain JavaScript: a
 * binary fit takes few iterations, so copying X into WebAssembly memory would cost more than
 * it saves.
 */
export function binaryLoss(d: MatrixData, n: number, p: number, y: Int32Array, w: Float64Array, g: Float64Array, fitIntercept: boolean, rowWeights: Float64Array | null = null): number {
  g.fill(0);
  const b = fitIntercept ? w[p]! : 0;
  let loss = 0;
  let gb = 0;
  for (let i = 0; i < n; i++) {
    const o = i * p;
    const s = b + dotAt(w, 0, d, o, p);
    const rw = rowWeights ? rowWeights[i]! : 1;
    // log(1 + e^s) - y s without overflow; residual sigmoid(s) - y (each scaled by the row's weight).
    loss += rw * ((s > 0 ? s + Math.log1p(Math.exp(-s)) : Math.log1p(Math.exp(s))) - y[i]! * s);
    const r = rw * (1 / (1 + Math.exp(-s)) - y[i]!);
    for (let j = 0; j < p; j++) g[j]! += r * d[o + j]!;
    gb += r;
  }
  g[p] = fitIntercept ? gb : 0;
  return loss;
}

/** Scratch of {@link softmaxLoss}, allocated once per fit. */
export interface SoftmaxScratch {
  /**
   * X transposed (p x n), so each gradient entry is a dot product of two contiguous vectors; null
   * when X is read in place (a float32 matrix: the gradient then runs over its rows).
   */
  readonly XT: Float64Array | null;
  /** Scores, n x K row-major. */
  readonly z: Float64Array;
  /** Residuals (softmax minus one-hot), K x n class-major. */
  readonly R: Float64Array;
  /**
   * When WebAssembly SIMD is available: a workspace holding X, XT, W, z, R and the gradient G
   * (the arrays above are views into it), whose kernel does both products.
   */
  readonly ws: AbtWorkspace | null;
}

/**
 * Scratch for {@link softmaxLoss} on row-major `d` (n x p) with K classes. A float32 `d` (a
 * pipeline's large matrix) is read where it is, without the two float64 copies (WebAssembly's X
 * and the transposed XT) that would take 4x its memory: the gradient then runs over its rows.
 */
export function softmaxScratch(d: MatrixData, n: number, p: number, K: number): SoftmaxScratch {
  const np = n * p;
  if (d instanceof Float32Array) return { XT: null, z: new Float64Array(n * K), R: new Float64Array(K * n), ws: null };
  // Slots: X, XT, W (K x p), z (n x K), R (K x n), G (K x p).
  const ws = AbtWorkspace.create(2 * np + 2 * K * p + 2 * n * K);
  const XT = ws ? ws.f64.subarray(np, 2 * np) : new Float64Array(np);
  if (ws) ws.f64.set(d.subarray(0, np), 0);
  transposeInto(d, n, p, XT);
  const zAt = 2 * np + K * p;
  const z = ws ? ws.f64.subarray(zAt, zAt + n * K) : new Float64Array(n * K);
  const R = ws ? ws.f64.subarray(zAt + n * K, zAt + 2 * n * K) : new Float64Array(K * n);
  return { XT, z, R, ws };
}

/**
 * Multinomial log-loss sum and gradient; w = [K x p weights row-major, K biases]. Scores XW' and
 * the gradient R'X go to the WebAssembly kernel when there is one; otherwise the forward pass
 * takes four rows x two classes at a time (six loads per eight multiply-adds) and the gradient
 * two classes x four features over the rows of the transposed copy, with eight accumulators and
 * no store in the inner loop.
 */
export function softmaxLoss(
  d: MatrixData,
  n: number,
  p: number,
  K: number,
  y: Int32Array,
  w: Float64Array,
  g: Float64Array,
  fitIntercept: boolean,
  sc: SoftmaxScratch,
  rowWeights: Float64Array | null = null,
): number {
  const { XT, z, R, ws } = sc;
  const kp = K * p;
  const np = n * p;
  if (ws) {
    ws.f64.set(w.subarray(0, kp), 2 * np);
    ws.abt(0, n, 2 * np, K, p, 2 * np + kp);
    if (fitIntercept) for (let i = 0; i < n; i++) for (let k = 0; k < K; k++) z[i * K + k]! += w[kp + k]!;
  } else scores(d, n, p, K, w, fitIntercept, z);
  const loss = rowWeights ? weightedResiduals(z, n, K, y, R, rowWeights) : residuals(z, n, K, y, R);
  for (let k = 0; k < K; k++) {
    let s = 0;
    for (let i = 0; i < n; i++) s += R[k * n + i]!;
    g[kp + k] = fitIntercept ? s : 0;
  }
  if (ws) {
    const gAt = 2 * np + kp + 2 * n * K;
    ws.abt(gAt - K * n, K, np, p, n, gAt);
    g.set(ws.f64.subarray(gAt, gAt + kp));
  } else if (XT) gradient(XT, R, n, p, K, g);
  else gradientByRows(d, R, n, p, K, g);
  return loss;
}

/** g[k, :] = sum over rows i of R[k, i] x[i, :] (the gradient R'X), reading X row by row in place. */
function gradientByRows(d: MatrixData, R: Float64Array, n: number, p: number, K: number, g: Float64Array): void {
  g.fill(0, 0, K * p);
  for (let i = 0; i < n; i++) {
    const o = i * p;
    for (let k = 0; k < K; k++) {
      const r = R[k * n + i]!;
      if (r === 0) continue;
      const gk = k * p;
      for (let j = 0; j < p; j++) g[gk + j]! += r * d[o + j]!;
    }
  }
}

/** Softmax of each row of scores z (n x K) minus the one-hot labels into R (K x n); returns the loss sum. */
function residuals(z: Float64Array, n: number, K: number, y: Int32Array, R: Float64Array): number {
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const o = i * K;
    let mx = -Infinity;
    for (let k = 0; k < K; k++) if (z[o + k]! > mx) mx = z[o + k]!;
    for (let k = 0; k < K; k++) z[o + k]! -= mx;
    loss -= z[o + y[i]!]!;
  }
  expInPlace(z, n * K);
  for (let i = 0; i < n; i++) {
    const o = i * K;
    let se = 0;
    for (let k = 0; k < K; k++) se += z[o + k]!;
    loss += Math.log(se);
    const inv = 1 / se;
    for (let k = 0; k < K; k++) R[k * n + i] = z[o + k]! * inv;
    R[y[i]! * n + i]! -= 1;
  }
  return loss;
}

/** {@link residuals} with each row's loss and residuals scaled by its weight. */
function weightedResiduals(z: Float64Array, n: number, K: number, y: Int32Array, R: Float64Array, rowWeights: Float64Array): number {
  let loss = 0;
  for (let i = 0; i < n; i++) {
    const o = i * K;
    let mx = -Infinity;
    for (let k = 0; k < K; k++) if (z[o + k]! > mx) mx = z[o + k]!;
    let se = 0;
    for (let k = 0; k < K; k++) se += Math.exp(z[o + k]! - mx);
    const rw = rowWeights[i]!;
    loss += rw * (Math.log(se) + mx - z[o + y[i]!]!);
    for (let k = 0; k < K; k++) R[k * n + i] = (rw * Math.exp(z[o + k]! - mx)) / se;
    R[y[i]! * n + i]! -= rw;
  }
  return loss;
}

/** 2^k for k in [-1074, 0] at index k + 1074 (exact: powers of two, subnormals included). */
const POW2 = Float64Array.from({ length: 1075 }, (_, i) => Math.pow(2, i - 1074));
/** ln 2 split so that k * LN2_HI is exact for the k that occur. */
const LN2_HI = 0.6931471803691238;
const LN2_LO = 1.9082149292705877e-10;

/**
 * a[i] = e^a[i] for a[0..m), every a[i] <= 0 (scores minus their row maximum), within about one
 * ulp of Math.exp. V8's Math.exp is a library call of about 20 ns, a third of a multinomial
 * gradient on digits; this loop inlines it: a = k ln 2 + r with |r| <= ln 2 / 2, e^r by its
 * Taylor series to degree 13 (Estrin's scheme, for short dependency chains), times 2^k.
 */
function expInPlace(a: Float64Array, m: number): void {
  for (let i = 0; i < m; i++) {
    const x = a[i]!;
    if (!(x >= -708)) {
      // Far below the row maximum (or NaN): the library handles the subnormal range.
      a[i] = Math.exp(x);
      continue;
    }
    const k = Math.floor(x * 1.4426950408889634 + 0.5);
    const r = x - k * LN2_HI - k * LN2_LO;
    const r2 = r * r;
    const r4 = r2 * r2;
    const r8 = r4 * r4;
    const p01 = 1 + r;
    const p23 = 0.5 + r * 0.16666666666666666;
    const p45 = 0.041666666666666664 + r * 0.008333333333333333;
    const p67 = 0.001388888888888889 + r * 0.0001984126984126984;
    const p89 = 0.0000248015873015873 + r * 0.0000027557319223985893;
    const p1011 = 2.755731922398589e-7 + r * 2.505210838544172e-8;
    const p1213 = 2.08767569878681e-9 + r * 1.6059043836821613e-10;
    const q03 = p01 + r2 * p23;
    const q47 = p45 + r2 * p67;
    const q811 = p89 + r2 * p1011;
    const e = q03 + r4 * q47 + r8 * (q811 + r4 * p1213);
    a[i] = e * POW2[k + 1074]!;
  }
}

/** z[i, k] = b[k] + W[k, :] . x_i, four rows x two classes per pass. */
function scores(d: MatrixData, n: number, p: number, K: number, w: Float64Array, fitIntercept: boolean, z: Float64Array): void {
  const kp = K * p;
  let i0 = 0;
  for (; i0 + 3 < n; i0 += 4) {
    const o0 = i0 * p;
    const o1 = o0 + p;
    const o2 = o1 + p;
    const o3 = o2 + p;
    let k = 0;
    for (; k + 1 < K; k += 2) {
      const wa = k * p;
      const wb = wa + p;
      const ba = fitIntercept ? w[kp + k]! : 0;
      const bb = fitIntercept ? w[kp + k + 1]! : 0;
      let a0 = ba;
      let a1 = ba;
      let a2 = ba;
      let a3 = ba;
      let b0 = bb;
      let b1 = bb;
      let b2 = bb;
      let b3 = bb;
      for (let j = 0; j < p; j++) {
        const x0 = d[o0 + j]!;
        const x1 = d[o1 + j]!;
        const x2 = d[o2 + j]!;
        const x3 = d[o3 + j]!;
        const u = w[wa + j]!;
        const v = w[wb + j]!;
        a0 += u * x0;
        a1 += u * x1;
        a2 += u * x2;
        a3 += u * x3;
        b0 += v * x0;
        b1 += v * x1;
        b2 += v * x2;
        b3 += v * x3;
      }
      z[i0 * K + k] = a0;
      z[(i0 + 1) * K + k] = a1;
      z[(i0 + 2) * K + k] = a2;
      z[(i0 + 3) * K + k] = a3;
      z[i0 * K + k + 1] = b0;
      z[(i0 + 1) * K + k + 1] = b1;
      z[(i0 + 2) * K + k + 1] = b2;
      z[(i0 + 3) * K + k + 1] = b3;
    }
    for (; k < K; k++) {
      const wo = k * p;
      const b = fitIntercept ? w[kp + k]! : 0;
      let s0 = b;
      let s1 = b;
      let s2 = b;
      let s3 = b;
      for (let j = 0; j < p; j++) {
        const wj = w[wo + j]!;
        s0 += wj * d[o0 + j]!;
        s1 += wj * d[o1 + j]!;
        s2 += wj * d[o2 + j]!;
        s3 += wj * d[o3 + j]!;
      }
      z[i0 * K + k] = s0;
      z[(i0 + 1) * K + k] = s1;
      z[(i0 + 2) * K + k] = s2;
      z[(i0 + 3) * K + k] = s3;
    }
  }
  for (let i = i0; i < n; i++) {
    for (let k = 0; k < K; k++) z[i * K + k] = (fitIntercept ? w[kp + k]! : 0) + dotAt(w, k * p, d, i * p, p);
  }
}

/**
 * g[k, j] = R[k, :] . XT[j, :] for the K x p weight block of g. Each row of R sums to zero
 * (softmax minus one-hot), so the last class's gradient is minus the sum of the others'.
 */
function gradient(XT: Float64Array, R: Float64Array, n: number, p: number, K: number, g: Float64Array): void {
  const last = K - 1;
  let k = 0;
  for (; k + 1 < last; k += 2) {
    const ra = k * n;
    const rb = ra + n;
    const ga = k * p;
    const gb = ga + p;
    let j = 0;
    for (; j + 3 < p; j += 4) {
      const c0 = j * n;
      const c1 = c0 + n;
      const c2 = c1 + n;
      const c3 = c2 + n;
      let a0 = 0;
      let a1 = 0;
      let a2 = 0;
      let a3 = 0;
      let b0 = 0;
      let b1 = 0;
      let b2 = 0;
      let b3 = 0;
      for (let i = 0; i < n; i++) {
        const u = R[ra + i]!;
        const v = R[rb + i]!;
        const x0 = XT[c0 + i]!;
        const x1 = XT[c1 + i]!;
        const x2 = XT[c2 + i]!;
        const x3 = XT[c3 + i]!;
        a0 += u * x0;
        a1 += u * x1;
        a2 += u * x2;
        a3 += u * x3;
        b0 += v * x0;
        b1 += v * x1;
        b2 += v * x2;
        b3 += v * x3;
      }
      g[ga + j] = a0;
      g[ga + j + 1] = a1;
      g[ga + j + 2] = a2;
      g[ga + j + 3] = a3;
      g[gb + j] = b0;
      g[gb + j + 1] = b1;
      g[gb + j + 2] = b2;
      g[gb + j + 3] = b3;
    }
    for (; j < p; j++) {
      g[ga + j] = dotAt(R, ra, XT, j * n, n);
      g[gb + j] = dotAt(R, rb, XT, j * n, n);
    }
  }
  for (; k < last; k++) oneClassGradient(XT, R, n, p, k, g);
  const gl = last * p;
  for (let j = 0; j < p; j++) g[gl + j] = 0;
  for (let c = 0; c < last; c++) for (let j = 0; j < p; j++) g[gl + j]! -= g[c * p + j]!;
}

/** Row k of the gradient block, four features per pass. */
function oneClassGradient(XT: Float64Array, R: Float64Array, n: number, p: number, k: number, g: Float64Array): void {
  const ra = k * n;
  const ga = k * p;
  let j = 0;
  for (; j + 3 < p; j += 4) {
    const c0 = j * n;
    const c1 = c0 + n;
    const c2 = c1 + n;
    const c3 = c2 + n;
    let a0 = 0;
    let a1 = 0;
    let a2 = 0;
    let a3 = 0;
    for (let i = 0; i < n; i++) {
      const u = R[ra + i]!;
      a0 += u * XT[c0 + i]!;
      a1 += u * XT[c1 + i]!;
      a2 += u * XT[c2 + i]!;
      a3 += u * XT[c3 + i]!;
    }
    g[ga + j] = a0;
    g[ga + j + 1] = a1;
    g[ga + j + 2] = a2;
    g[ga + j + 3] = a3;
  }
  for (; j < p; j++) g[ga + j] = dotAt(R, ra, XT, j * n, n);
}

/**
 * out (p x n) = d' for row-major d (n x p), eight rows at a time so that each column's writes
 * fill whole cache lines instead of touching a new line per element.
 */
function transposeInto(d: MatrixData, n: number, p: number, out: Float64Array): void {
  let i0 = 0;
  for (; i0 + 7 < n; i0 += 8) {
    for (let j = 0; j < p; j++) {
      const o = j * n + i0;
      for (let i = 0; i < 8; i++) out[o + i] = d[(i0 + i) * p + j]!;
    }
  }
  for (let i = i0; i < n; i++) for (let j = 0; j < p; j++) out[j * n + i] = d[i * p + j]!;
}

/** Adds lam/2 ||w[0..m)||^2 to the gradient's first m entries; returns the penalty. */
export function addL2(w: Float64Array, g: Float64Array, m: number, lam: number): number {
  let pen = 0;
  for (let j = 0; j < m; j++) {
    pen += w[j]! * w[j]!;
    g[j]! += lam * w[j]!;
  }
  return 0.5 * lam * pen;
}

/** Dot product of a[ao..ao+p) and b[bo..bo+p) with four accumulators, to hide add latency. */
export function dotAt(a: Float64Array, ao: number, b: MatrixData, bo: number, p: number): number {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let j = 0;
  for (; j + 3 < p; j += 4) {
    s0 += a[ao + j]! * b[bo + j]!;
    s1 += a[ao + j + 1]! * b[bo + j + 1]!;
    s2 += a[ao + j + 2]! * b[bo + j + 2]!;
    s3 += a[ao + j + 3]! * b[bo + j + 3]!;
  }
  for (; j < p; j++) s0 += a[ao + j]! * b[bo + j]!;
  return s0 + s1 + (s2 + s3);
}
