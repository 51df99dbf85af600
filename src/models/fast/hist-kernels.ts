/**
 * Hot loops of the tree learners, as small top-level functions: V8 optimises each on its own
 * and keeps it monomorphic, instead of repeatedly deoptimising a large method whose code after
 * the loop had no type feedback yet. Histogram slots: 256 per feature (one per byte value, so a
 * bin indexes without a branch), each [gradient, hessian, count] or, with unit hessians,
 * [gradient, count].
 */
import { MISSING_BIN } from './binning.js';

/** Slots per feature in a histogram. */
export const SLOTS = 256;

/** Gradient/hessian/count histogram of one feature over all rows. */
export function histRoot(hist: Float64Array, bins: Uint8Array, col: number, hb: number, g: Float64Array, h: Float64Array, n: number): void {
  hist.fill(0, hb, hb + SLOTS * 3);
  for (let i = 0; i < n; i++) {
    const k = hb + 3 * bins[col + i]!;
    hist[k]! += g[i]!;
    hist[k + 1]! += h[i]!;
    hist[k + 2]! += 1;
  }
}

/** Gradient/hessian/count histogram of one feature over the rows `idx[s..e)` (gradients in segment order). */
export function histNode(hist: Float64Array, bins: Uint8Array, col: number, hb: number, og: Float64Array, oh: Float64Array, idx: Uint32Array, s: number, e: number): void {
  hist.fill(0, hb, hb + SLOTS * 3);
  for (let i = s; i < e; i++) {
    const k = hb + 3 * bins[col + idx[i]!]!;
    hist[k]! += og[i]!;
    hist[k + 1]! += oh[i]!;
    hist[k + 2]! += 1;
  }
}

/** Gradient/count histogram (unit hessians) of one feature over all rows. */
export function histRootConst(hist: Float64Array, bins: Uint8Array, col: number, hb: number, g: Float64Array, n: number): void {
  hist.fill(0, hb, hb + SLOTS * 2);
  for (let i = 0; i < n; i++) {
    const k = hb + 2 * bins[col + i]!;
    hist[k]! += g[i]!;
    hist[k + 1]! += 1;
  }
}

/** Gradient/count histogram (unit hessians) of one feature over the rows `idx[s..e)`. */
export function histNodeConst(hist: Float64Array, bins: Uint8Array, col: number, hb: number, og: Float64Array, idx: Uint32Array, s: number, e: number): void {
  hist.fill(0, hb, hb + SLOTS * 2);
  for (let i = s; i < e; i++) {
    const k = hb + 2 * bins[col + idx[i]!]!;
    hist[k]! += og[i]!;
    hist[k + 1]! += 1;
  }
}

/** {@link histRoot} for eight features at once (columns `cols`, histogram offsets `hbs`; already zeroed). */
export function hist8Root(hist: Float64Array, bins: Uint8Array, cols: Int32Array, hbs: Int32Array, g: Float64Array, h: Float64Array, n: number): void {
  const c0 = cols[0]!;
  const h0 = hbs[0]!;
  const c1 = cols[1]!;
  const h1 = hbs[1]!;
  const c2 = cols[2]!;
  const h2 = hbs[2]!;
  const c3 = cols[3]!;
  const h3 = hbs[3]!;
  const c4 = cols[4]!;
  const h4 = hbs[4]!;
  const c5 = cols[5]!;
  const h5 = hbs[5]!;
  const c6 = cols[6]!;
  const h6 = hbs[6]!;
  const c7 = cols[7]!;
  const h7 = hbs[7]!;
  for (let i = 0; i < n; i++) {
    const gi = g[i]!;
    const hi = h[i]!;
    let k = h0 + 3 * bins[c0 + i]!;
    hist[k]! += gi;
    hist[k + 1]! += hi;
    hist[k + 2]! += 1;
    k = h1 + 3 * bins[c1 + i]!;
    hist[k]! += gi;
    hist[k + 1]! += hi;
    hist[k + 2]! += 1;
    k = h2 + 3 * bins[c2 + i]!;
    hist[k]! += gi;
    hist[k + 1]! += hi;
    hist[k + 2]! += 1;
    k = h3 + 3 * bins[c3 + i]!;
    hist[k]! += gi;
    hist[k + 1]! += hi;
    hist[k + 2]! += 1;
    k = h4 + 3 * bins[c4 + i]!;
    hist[k]! += gi;
    hist[k + 1]! += hi;
    hist[k + 2]! += 1;
    k = h5 + 3 * bins[c5 + i]!;
    hist[k]! += gi;
    hist[k + 1]! += hi;
    hist[k + 2]! += 1;
    k = h6 + 3 * bins[c6 + i]!;
    hist[k]! += gi;
    hist[k + 1]! += hi;
    hist[k + 2]! += 1;
    k = h7 + 3 * bins[c7 + i]!;
    hist[k]! += gi;
    hist[k + 1]! += hi;
    hist[k + 2]! += 1;
  }
}

/** {@link histNode} for eight features at once (histograms already zeroed). */
export function hist8Node(hist: Float64Array, bins: Uint8Array, cols: Int32Array, hbs: Int32Array, og: Float64Array, oh: Float64Array, idx: Uint32Array, s: number, e: number): void {
  const c0 = cols[0]!;
  const h0 = hbs[0]!;
  const c1 = cols[1]!;
  const h1 = hbs[1]!;
  const c2 = cols[2]!;
  const h2 = hbs[2]!;
  const c3 = cols[3]!;
  const h3 = hbs[3]!;
  const c4 = cols[4]!;
  const h4 = hbs[4]!;
  const c5 = cols[5]!;
  const h5 = hbs[5]!;
  const c6 = cols[6]!;
  const h6 = hbs[6]!;
  const c7 = cols[7]!;
  const h7 = hbs[7]!;
  for (let i = s; i < e; i++) {
    const r = idx[i]!;
    const gi = og[i]!;
    const hi = oh[i]!;
    let k = h0 + 3 * bins[c0 + r]!;
    hist[k]! += gi;
    hist[k + 1]! += hi;
    hist[k + 2]! += 1;
    k = h1 + 3 * bins[c1 + r]!;
    hist[k]! += gi;
    hist[k + 1]! += hi;
    hist[k + 2]! += 1;
    k = h2 + 3 * bins[c2 + r]!;
    hist[k]! += gi;
    hist[k + 1]! += hi;
    hist[k + 2]! += 1;
    k = h3 + 3 * bins[c3 + r]!;
    hist[k]! += gi;
    hist[k + 1]! += hi;
    hist[k + 2]! += 1;
    k = h4 + 3 * bins[c4 + r]!;
    hist[k]! += gi;
    hist[k + 1]! += hi;
    hist[k + 2]! += 1;
    k = h5 + 3 * bins[c5 + r]!;
    hist[k]! += gi;
    hist[k + 1]! += hi;
    hist[k + 2]! += 1;
    k = h6 + 3 * bins[c6 + r]!;
    hist[k]! += gi;
    hist[k + 1]! += hi;
    hist[k + 2]! += 1;
    k = h7 + 3 * bins[c7 + r]!;
    hist[k]! += gi;
    hist[k + 1]! += hi;
    hist[k + 2]! += 1;
  }
}

/** {@link histRootConst} for eight features at once (histograms already zeroed). */
export function hist8RootConst(hist: Float64Array, bins: Uint8Array, cols: Int32Array, hbs: Int32Array, g: Float64Array, n: number): void {
  const c0 = cols[0]!;
  const h0 = hbs[0]!;
  const c1 = cols[1]!;
  const h1 = hbs[1]!;
  const c2 = cols[2]!;
  const h2 = hbs[2]!;
  const c3 = cols[3]!;
  const h3 = hbs[3]!;
  const c4 = cols[4]!;
  const h4 = hbs[4]!;
  const c5 = cols[5]!;
  const h5 = hbs[5]!;
  const c6 = cols[6]!;
  const h6 = hbs[6]!;
  const c7 = cols[7]!;
  const h7 = hbs[7]!;
  for (let i = 0; i < n; i++) {
    const gi = g[i]!;
    let k = h0 + 2 * bins[c0 + i]!;
    hist[k]! += gi;
    hist[k + 1]! += 1;
    k = h1 + 2 * bins[c1 + i]!;
    hist[k]! += gi;
    hist[k + 1]! += 1;
    k = h2 + 2 * bins[c2 + i]!;
    hist[k]! += gi;
    hist[k + 1]! += 1;
    k = h3 + 2 * bins[c3 + i]!;
    hist[k]! += gi;
    hist[k + 1]! += 1;
    k = h4 + 2 * bins[c4 + i]!;
    hist[k]! += gi;
    hist[k + 1]! += 1;
    k = h5 + 2 * bins[c5 + i]!;
    hist[k]! += gi;
    hist[k + 1]! += 1;
    k = h6 + 2 * bins[c6 + i]!;
    hist[k]! += gi;
    hist[k + 1]! += 1;
    k = h7 + 2 * bins[c7 + i]!;
    hist[k]! += gi;
    hist[k + 1]! += 1;
  }
}

/** {@link histNodeConst} for eight features at once (histograms already zeroed). */
export function hist8NodeConst(hist: Float64Array, bins: Uint8Array, cols: Int32Array, hbs: Int32Array, og: Float64Array, idx: Uint32Array, s: number, e: number): void {
  const c0 = cols[0]!;
  const h0 = hbs[0]!;
  const c1 = cols[1]!;
  const h1 = hbs[1]!;
  const c2 = cols[2]!;
  const h2 = hbs[2]!;
  const c3 = cols[3]!;
  const h3 = hbs[3]!;
  const c4 = cols[4]!;
  const h4 = hbs[4]!;
  const c5 = cols[5]!;
  const h5 = hbs[5]!;
  const c6 = cols[6]!;
  const h6 = hbs[6]!;
  const c7 = cols[7]!;
  const h7 = hbs[7]!;
  for (let i = s; i < e; i++) {
    const r = idx[i]!;
    const gi = og[i]!;
    let k = h0 + 2 * bins[c0 + r]!;
    hist[k]! += gi;
    hist[k + 1]! += 1;
    k = h1 + 2 * bins[c1 + r]!;
    hist[k]! += gi;
    hist[k + 1]! += 1;
    k = h2 + 2 * bins[c2 + r]!;
    hist[k]! += gi;
    hist[k + 1]! += 1;
    k = h3 + 2 * bins[c3 + r]!;
    hist[k]! += gi;
    hist[k + 1]! += 1;
    k = h4 + 2 * bins[c4 + r]!;
    hist[k]! += gi;
    hist[k + 1]! += 1;
    k = h5 + 2 * bins[c5 + r]!;
    hist[k]! += gi;
    hist[k + 1]! += 1;
    k = h6 + 2 * bins[c6 + r]!;
    hist[k]! += gi;
    hist[k + 1]! += 1;
    k = h7 + 2 * bins[c7 + r]!;
    hist[k]! += gi;
    hist[k + 1]! += 1;
  }
}

/**
 * Stable partition kernel: rows of idx[s..e) with bin <= b (NaN: `ml`) are compacted to the
 * front of idx, the others copied in order to tmp[0..); returns the end of the left part.
 * Branch-free: each row is written to both sides and only one cursor advances.
 */
export function partitionRows(bins: Uint8Array, col: number, idx: Uint32Array, tmp: Uint32Array, s: number, e: number, b: number, ml: number): number {
  let w = s;
  let nr = 0;
  for (let i = s; i < e; i++) {
    const r = idx[i]!;
    const bb = bins[col + r]!;
    const go = bb === MISSING_BIN ? ml : (bb - b - 1) >>> 31;
    idx[w] = r;
    tmp[nr] = r;
    w += go;
    nr += 1 - go;
  }
  return w;
}
