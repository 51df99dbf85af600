/**
 * Hot loops of the forest grower as small top-level functions (see hist-kernels.ts for why).
 * Per-node arrays `ol` (labels), `ow` (weights) and `oy` (weight * target) are in segment order.
 */
import { MISSING_BIN } from './binning.js';

/**
 * Min bin, max bin and NaN count of fb[fo + s .. fo + e), packed in one number as
 * `min + 256 * (max + 1) + 65536 * nanCount` (see {@link unpackRange}). Returning a number keeps
 * keyed stores out of the code after the loop, which V8 would otherwise reach without type
 * feedback and deoptimise on, call after call.
 */
export function rangeOf(fb: Uint8Array, fo: number, s: number, e: number): number {
  // Usually no NaN: then plain min and max (no data-dependent branch) give the answer.
  let lo = 255;
  let hi = 0;
  for (let i = fo + s; i < fo + e; i++) {
    const bb = fb[i]!;
    lo = Math.min(lo, bb);
    hi = Math.max(hi, bb);
  }
  if (hi !== MISSING_BIN) return lo + 256 * (hi + 1);
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

/**
 * Two classes, unit weights, no NaNs: sets left = [class-0 rows, class-1 rows] with bin <= t and
 * returns their count. Integer work only (the weighted version multiplies per row).
 */
export function leftCountsUnitBinary(fb: Uint8Array, fo: number, ol: Int32Array, s: number, e: number, t: number, left: Float64Array): number {
  let cl = 0;
  let ones = 0;
  for (let i = s; i < e; i++) {
    const go = (fb[fo + i]! - t - 1) >>> 31;
    cl += go;
    ones += go & ol[i]!;
  }
  left[0] = cl - ones;
  left[1] = ones;
  return cl;
}

/**
 * Regression, no NaNs: sets left = [sum w, sum w*y] over rows with bin <= t and returns their
 * count; branch-free like {@link leftCountsNoMissing}.
 */
export function leftSumsNoMissing(fb: Uint8Array, fo: number, ow: Float64Array, oy: Float64Array, s: number, e: number, t: number, left: Float64Array): number {
  let cl = 0;
  let sw = 0;
  let sy = 0;
  for (let i = s; i < e; i++) {
    const go = (fb[fo + i]! - t - 1) >>> 31;
    cl += go;
    sw += go * ow[i]!;
    sy += go * oy[i]!;
  }
  left[0] = sw;
  left[1] = sy;
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

/**
 * Proxy impurity score of a child from its stats `st` (minus `sign * sub` when given): higher is
 * better, summed over children. K classes (Gini or entropy), or K = 0 for [sum w, sum w*y].
 */
export function childScore(st: Float64Array, sub: Float64Array | null, sign: number, K: number, entropy: boolean): number {
  if (K === 0) {
    const sw = sub ? st[0]! - sign * sub[0]! : st[0]!;
    const sy = sub ? st[1]! - sign * sub[1]! : st[1]!;
    return sw > 0 ? (sy * sy) / sw : 0;
  }
  let sw = 0;
  let acc = 0;
  for (let k = 0; k < K; k++) {
    const c = sub ? st[k]! - sign * sub[k]! : st[k]!;
    sw += c;
    if (entropy) acc += c > 0 ? c * Math.log(c) : 0;
    else acc += c * c;
  }
  if (sw <= 0) return 0;
  // Gini: sum c^2 / W (weighted impurity W - sum c^2/W). Entropy: sum c log c - W log W.
  return entropy ? acc - sw * Math.log(sw) : acc / sw;
}

/**
 * Bins of features feats[t0..t1) for node rows s..e of a node-ordered row-major copy (`stride`
 * bytes per row): feature feats[t]'s bins land at out[t * (e - s) + (i - s)]. The rows are one
 * contiguous block, read once.
 */
export function gatherOrdered(ord: Uint8Array, stride: number, s: number, e: number, feats: Int32Array, t0: number, t1: number, out: Uint8Array): void {
  const len = e - s;
  for (let i = s; i < e; i++) {
    const base = i * stride;
    const o = i - s;
    for (let t = t0; t < t1; t++) out[t * len + o] = ord[base + feats[t]!]!;
  }
}

/**
 * Bins of feature f for node rows s..e of a node-ordered row-major copy into out[o .. o + e - s),
 * and their range packed as by {@link rangeOf}: one strided pass per feature does both.
 */
export function gatherFeatureRange(ord: Uint8Array, stride: number, f: number, s: number, e: number, out: Uint8Array, o: number): number {
  let lo = 255;
  let hi = 0;
  const d = o - s;
  for (let i = s; i < e; i++) {
    const bb = ord[i * stride + f]!;
    out[d + i] = bb;
    lo = Math.min(lo, bb);
    hi = Math.max(hi, bb);
  }
  return hi !== MISSING_BIN ? lo + 256 * (hi + 1) : rangeOf(out, d, s, e);
}

/**
 * In-place (unstable) partition of node rows s..e of the node-ordered copy on "bin of feature f
 * <= b" (NaN left when ml = 1): misplaced rows are swapped pairwise from both ends, moving their
 * bins (`stride` / 4 words), labels, weights and, for regression, weighted targets. Returns the
 * end of the left part.
 */
export function partitionOrdered(ord: Uint8Array, ord32: Uint32Array, stride: number, f: number, b: number, ml: number, ol: Int32Array, ow: Float64Array, oy: Float64Array, cls: boolean, s: number, e: number): number {
  const words = stride >>> 2;
  let i = s;
  let j = e - 1;
  for (;;) {
    while (i <= j) {
      const bb = ord[i * stride + f]!;
      if ((bb === MISSING_BIN ? ml : (bb - b - 1) >>> 31) === 0) break;
      i++;
    }
    while (i < j) {
      const bb = ord[j * stride + f]!;
      if ((bb === MISSING_BIN ? ml : (bb - b - 1) >>> 31) === 1) break;
      j--;
    }
    if (i >= j) return i;
    const a = i * words;
    const c = j * words;
    for (let k = 0; k < words; k++) {
      const t = ord32[a + k]!;
      ord32[a + k] = ord32[c + k]!;
      ord32[c + k] = t;
    }
    const tw = ow[i]!;
    ow[i] = ow[j]!;
    ow[j] = tw;
    if (cls) {
      const tl = ol[i]!;
      ol[i] = ol[j]!;
      ol[j] = tl;
    } else {
      const ty = oy[i]!;
      oy[i] = oy[j]!;
      oy[j] = ty;
    }
    i++;
    j--;
  }
}
