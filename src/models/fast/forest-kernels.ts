/**
 * Hot loops of the forest grower as small top-level functions (see hist-kernels.ts for why).
 * Per-node arrays `ol` (labels), `ow` (weights) and `oy` (weight * target) are in segment order.
 */
import { MISSING_BIN } from './binning.js';

/** Gathers the node's bins of one feature into `fb[s..e)`. */
export function gatherRange(bins: Uint8Array, col: number, idx: Uint32Array, s: number, e: number, fb: Uint8Array): void {
  for (let i = s; i < e; i++) fb[i] = bins[col + idx[i]!]!;
}

/**
 * Min bin, max bin and NaN count of fb[fo + s .. fo + e), packed in one number as
 * `min + 256 * (max + 1) + 65536 * nanCount` (see {@link unpackRange}). Returning a number keeps
 * keyed stores out of the code after the loop, which V8 would otherwise reach without type
 * feedback and deoptimise on, call after call.
 */
export function rangeOf(fb: Uint8Array, fo: number, s: number, e: number): number {
  let minB = 255;
  let maxB = -1;
  let nm = 0;
  for (let i = fo + s; i < fo + e; i++) {
    const bb = fb[i]!;
    if (bb === MISSING_BIN) nm++;
    else {
      if (bb < minB) minB = bb;
      if (bb > maxB) maxB = bb;
    }
  }
  return minB + 256 * (maxB + 1) + 65536 * nm;
}

/** Unpacks {@link rangeOf} into `out` = [min bin, max bin (-1 if none), NaN count]. */
export function unpackRange(v: number, out: Int32Array): void {
  out[0] = v % 256;
  out[1] = (Math.floor(v / 256) % 256) - 1;
  out[2] = Math.floor(v / 65536);
}

/**
 * Bins of the node's rows for `m` features at once from a row-major copy (one cache line per
 * row instead of one per row and feature): feature q's bins land at out[q * (e - s) + (i - s)].
 */
export function gatherRows(binsRow: Uint8Array, p: number, idx: Uint32Array, s: number, e: number, feats: Int32Array, m: number, out: Uint8Array): void {
  const len = e - s;
  for (let i = s; i < e; i++) {
    const base = idx[i]! * p;
    const o = i - s;
    for (let q = 0; q < m; q++) out[q * len + o] = binsRow[base + feats[q]!]!;
  }
}

/**
 * Weighted class counts of rows with bin (at fb[fo + i]) <= t, no NaNs in the node; returns their row count.
 * Branch-free: a random threshold makes "goes left" a coin flip that would often mispredict.
 */
export function leftCountsNoMissing(fb: Uint8Array, fo: number, ol: Int32Array, ow: Float64Array, s: number, e: number, t: number, left: Float64Array): number {
  if (left.length === 2) return leftCountsBinary(fb, fo, ol, ow, s, e, t, left);
  let cl = 0;
  for (let i = s; i < e; i++) {
    // 1 when bin <= t, from the sign bit.
    const go = (fb[fo + i]! - t - 1) >>> 31;
    cl += go;
    left[ol[i]!]! += go * ow[i]!;
  }
  return cl;
}

/**
 * {@link leftCountsNoMissing} for two classes with scalar accumulators: adding into left[label]
 * chains every row on the previous store to the same slot, which costs more than the work.
 */
function leftCountsBinary(fb: Uint8Array, fo: number, ol: Int32Array, ow: Float64Array, s: number, e: number, t: number, left: Float64Array): number {
  let cl = 0;
  let all = 0;
  let ones = 0;
  for (let i = s; i < e; i++) {
    const go = (fb[fo + i]! - t - 1) >>> 31;
    const wv = go * ow[i]!;
    cl += go;
    all += wv;
    ones += wv * ol[i]!;
  }
  left[0] = all - ones;
  left[1] = ones;
  return cl;
}

/** Left-side and NaN stats (bins at fb[fo + i]) (class counts, or [sum w, sum w*y]) for threshold t; returns the left row count. */
export function leftStats(fb: Uint8Array, fo: number, ol: Int32Array, ow: Float64Array, oy: Float64Array, s: number, e: number, t: number, cls: boolean, left: Float64Array, miss: Float64Array): number {
  let cl = 0;
  for (let i = s; i < e; i++) {
    const bb = fb[fo + i]!;
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
