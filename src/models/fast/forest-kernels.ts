/**
 * Hot loops of the forest grower as small top-level functions (see hist-kernels.ts for why).
 * Per-node arrays `ol` (labels), `ow` (weights) and `oy` (weight * target) are in segment order.
 */
import { MISSING_BIN } from './binning.js';

/** Gathers the node's bins of one feature into `fb[s..e)`; writes [min bin, max bin, NaN count] to `out`. */
export function gatherRange(bins: Uint8Array, col: number, idx: Uint32Array, s: number, e: number, fb: Uint8Array, out: Int32Array): void {
  let minB = 255;
  let maxB = -1;
  let nm = 0;
  for (let i = s; i < e; i++) {
    const bb = bins[col + idx[i]!]!;
    fb[i] = bb;
    if (bb === MISSING_BIN) nm++;
    else {
      if (bb < minB) minB = bb;
      if (bb > maxB) maxB = bb;
    }
  }
  out[0] = minB;
  out[1] = maxB;
  out[2] = nm;
}

/**
 * Weighted class counts of rows with bin <= t (no NaNs in the node); returns their row count.
 * Branch-free: a random threshold makes "goes left" a coin flip that would often mispredict.
 */
export function leftCountsNoMissing(fb: Uint8Array, ol: Int32Array, ow: Float64Array, s: number, e: number, t: number, left: Float64Array): number {
  let cl = 0;
  for (let i = s; i < e; i++) {
    // 1 when bin <= t, from the sign bit.
    const go = (fb[i]! - t - 1) >>> 31;
    cl += go;
    left[ol[i]!]! += go * ow[i]!;
  }
  return cl;
}

/** Left-side and NaN stats (class counts, or [sum w, sum w*y]) for threshold t; returns the left row count. */
export function leftStats(fb: Uint8Array, ol: Int32Array, ow: Float64Array, oy: Float64Array, s: number, e: number, t: number, cls: boolean, left: Float64Array, miss: Float64Array): number {
  let cl = 0;
  for (let i = s; i < e; i++) {
    const bb = fb[i]!;
    const target = bb === MISSING_BIN ? miss : bb <= t ? left : null;
    if (!target) continue;
    if (target === left) cl++;
    if (cls) target[ol[i]!]! += ow[i]!;
    else {
      target[0]! += ow[i]!;
      target[1]! += oy[i]!;
    }
  }
  return cl;
}

/** Per-bin weighted class counts and row counts of one feature; lists touched bins; returns how many. */
export function classHistogram(bins: Uint8Array, col: number, idx: Uint32Array, s: number, e: number, ol: Int32Array, ow: Float64Array, hist: Float64Array, cnt: Int32Array, touched: Int32Array, W: number): number {
  let nt = 0;
  for (let i = s; i < e; i++) {
    const bin = bins[col + idx[i]!]!;
    if (cnt[bin] === 0) touched[nt++] = bin;
    cnt[bin]!++;
    hist[bin * W + ol[i]!]! += ow[i]!;
  }
  return nt;
}

/** Per-bin [sum w, sum w*y] and row counts of one feature; lists touched bins; returns how many. */
export function targetHistogram(bins: Uint8Array, col: number, idx: Uint32Array, s: number, e: number, ow: Float64Array, oy: Float64Array, hist: Float64Array, cnt: Int32Array, touched: Int32Array): number {
  let nt = 0;
  for (let i = s; i < e; i++) {
    const bin = bins[col + idx[i]!]!;
    if (cnt[bin] === 0) touched[nt++] = bin;
    cnt[bin]!++;
    hist[2 * bin]! += ow[i]!;
    hist[2 * bin + 1]! += oy[i]!;
  }
  return nt;
}
