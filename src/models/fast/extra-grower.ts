/**
 * Depth-first growth of extra trees: per node, one threshold drawn uniformly between the node's
 * smallest and largest bin for each of a random subset of features, kept if it is the best of
 * those draws. The cost per feature tried is two passes over the node's rows and no histogram.
 *
 * The rows live in node order: a row-major copy of the bins (rows padded to whole 32-bit words)
 * with the labels, weights and weighted targets beside it, partitioned in place at each split.
 * A node's rows are then one contiguous block, so reading its bins streams through memory
 * instead of jumping to rows scattered over the whole matrix (which cost a cache miss per row
 * and per node, the largest item of the fit). Split statistics depend only on which rows a node
 * holds, not their order, so the trees are the same as with any other row order.
 */
import type { Rng } from '../../util/rng.js';
import { cutValue } from './binning.js';
import type { ForestData, ForestTreeOptions } from './forest-grower.js';
import { childScore, gatherFeatureRange, leftCountsNoMissing, leftCountsUnitBinary, leftStats, leftSumsNoMissing, partitionOrdered, unpackRange } from './forest-kernels.js';
import { TreeBuilder, type Tree } from './tree.js';

/** Grows extra trees; reuses its buffers, so keep one per fit. */
export class ExtraTreeGrower {
  /** Bytes per row in the row-major copies (p rounded up to a multiple of 4). */
  private readonly stride: number;
  /** Row-major bins in original row order, as words (built once per fit). */
  private readonly rows32: Uint32Array;
  /** Row-major bins in node order, as bytes and as words (for moving rows). */
  private readonly ord: Uint8Array;
  private readonly ord32: Uint32Array;
  /** Labels, weights and weight * target in node order. */
  private readonly ol: Int32Array;
  private readonly ow: Float64Array;
  private readonly oy: Float64Array;
  /** Bins of the feature being tried, for the node's rows (at batch[i - s]). */
  private readonly batch: Uint8Array;
  private readonly featOrder: Int32Array;
  private readonly width: number;
  private readonly tot: Float64Array;
  private readonly left: Float64Array;
  private readonly miss: Float64Array;
  private readonly range = new Int32Array(3);
  private rBin = -1;
  private rMissLeft = false;
  private rGain = -Infinity;
  /** Every row of the current tree has weight 1 (no bootstrap). */
  private unit = false;

  constructor(
    private readonly data: ForestData,
    private readonly opt: ForestTreeOptions,
  ) {
    const { n, p, bins } = data;
    this.stride = (p + 3) & ~3;
    const rows = new Uint8Array(n * this.stride);
    for (let f = 0; f < p; f++) for (let i = 0; i < n; i++) rows[i * this.stride + f] = bins[f * n + i]!;
    this.rows32 = new Uint32Array(rows.buffer);
    this.ord = new Uint8Array(n * this.stride);
    this.ord32 = new Uint32Array(this.ord.buffer);
    this.ol = new Int32Array(n);
    this.ow = new Float64Array(n);
    this.oy = new Float64Array(n);
    this.batch = new Uint8Array(n);
    this.featOrder = new Int32Array(p);
    this.width = data.K > 0 ? data.K : 2;
    this.tot = new Float64Array(this.width);
    this.left = new Float64Array(this.width);
    this.miss = new Float64Array(this.width);
    // Type feedback for the gather kernel's code after its loop (both ways) before the first
    // large call optimises it mid-loop, which otherwise deoptimised on every exit from the loop.
    const tiny = new Uint8Array(3);
    for (let k = 0; k < 3; k++) {
      gatherFeatureRange(Uint8Array.of(1, 2, 255), 1, 0, 0, 3, tiny, 0);
      gatherFeatureRange(Uint8Array.of(1, 2, 3), 1, 0, 0, 3, tiny, 0);
    }
  }

  /** Grows one tree on rows `idx` with weights `w` (by row). */
  grow(idx: Uint32Array, w: Float64Array, rng: Rng): Tree {
    const { K, labels, y, p } = this.data;
    const words = this.stride >>> 2;
    const { rows32, ord32, ol, ow, oy } = this;
    const m = idx.length;
    let unit = true;
    for (let q = 0; q < m; q++) if (w[idx[q]!] !== 1) unit = false;
    this.unit = unit;
    for (let q = 0; q < m; q++) {
      const r = idx[q]!;
      const a = r * words;
      const b = q * words;
      for (let k = 0; k < words; k++) ord32[b + k] = rows32[a + k]!;
      ow[q] = w[r]!;
      if (labels) ol[q] = labels[r]!;
      else oy[q] = w[r]! * y![r]!;
    }
    const leafWidth = K > 0 ? K : 1;
    const tb = new TreeBuilder(leafWidth);
    const leafVals = new Float64Array(leafWidth);
    // Stack entries: start, end, depth, parent tree node, side (1 = left).
    const stack: number[] = [0, m, 0, -1, 1];
    const order = this.featOrder;
    for (let f = 0; f < p; f++) order[f] = f;
    while (stack.length > 0) {
      const side = stack.pop()!;
      const parent = stack.pop()!;
      const depth = stack.pop()!;
      const e = stack.pop()!;
      const s = stack.pop()!;
      const tot = this.nodeTotals(s, e);
      const split = depth < this.opt.maxDepth && e - s >= 2 * this.opt.minSamplesLeaf && !this.pure(tot) ? this.findSplit(s, e, tot, rng) : -1;
      let link: number;
      if (split >= 0) {
        const ml = this.rMissLeft;
        const bin = this.rBin;
        const mid = partitionOrdered(this.ord, ord32, this.stride, split, bin, ml ? 1 : 0, ol, ow, oy, labels !== null, s, e);
        link = tb.addNode(split, cutValue(this.data.cuts, split, bin), bin, ml);
        stack.push(mid, e, depth + 1, link, 0);
        stack.push(s, mid, depth + 1, link, 1);
      } else {
        if (K > 0) {
          let sw = 0;
          for (let k = 0; k < K; k++) sw += tot[k]!;
          for (let k = 0; k < K; k++) leafVals[k] = tot[k]! / sw;
        } else leafVals[0] = tot[1]! / tot[0]!;
        link = tb.addLeaf(leafVals);
      }
      if (parent >= 0) tb.link(parent, side === 1 ? 'left' : 'right', link);
    }
    return tb.build();
  }

  /** Weighted class counts, or [sum w, sum w*y], of node rows s..e. */
  private nodeTotals(s: number, e: number): Float64Array {
    const tot = this.tot;
    for (let k = 0; k < tot.length; k++) tot[k] = 0;
    const { ol, ow, oy } = this;
    if (this.data.labels) for (let i = s; i < e; i++) tot[ol[i]!]! += ow[i]!;
    else {
      for (let i = s; i < e; i++) {
        tot[0]! += ow[i]!;
        tot[1]! += oy[i]!;
      }
    }
    return tot;
  }

  /** True when no split can improve the node (one class). */
  private pure(tot: Float64Array): boolean {
    if (this.data.K === 0) return false;
    let nonZero = 0;
    for (let k = 0; k < this.data.K; k++) if (tot[k]! > 0) nonZero++;
    return nonZero <= 1;
  }

  /**
   * The best of one random split per tried feature: returns the feature (its bin and NaN side in
   * rBin / rMissLeft) or -1. As in scikit-learn, constant features count towards mtry, but
   * drawing goes on past mtry until a feature that is not constant in the node has been seen.
   */
  private findSplit(s: number, e: number, tot: Float64Array, rng: Rng): number {
    const { p, K } = this.data;
    const order = this.featOrder;
    const ent = this.opt.criterion === 'entropy';
    const parentScore = childScore(tot, null, 0, K, ent);
    let bestGain = 1e-12 * Math.max(1, Math.abs(parentScore));
    let bestF = -1;
    let bestBin = 0;
    let bestML = false;
    let nonConstant = 0;
    // The first mtry features are drawn before any threshold (the order of the draws fixes the tree).
    const first = Math.min(this.opt.mtry, p);
    for (let t = 0; t < first; t++) this.draw(t, rng);
    for (let t = 0; t < p && (t < this.opt.mtry || nonConstant === 0); t++) {
      if (t >= first) this.draw(t, rng);
      const f = order[t]!;
      const packed = gatherFeatureRange(this.ord, this.stride, f, s, e, this.batch, 0);
      if (!this.randomSplit(f, packed, -s, s, e, tot, parentScore, rng)) continue;
      nonConstant++;
      if (this.rBin >= 0 && this.rGain > bestGain) {
        bestGain = this.rGain;
        bestF = f;
        bestBin = this.rBin;
        bestML = this.rMissLeft;
      }
    }
    this.rBin = bestBin;
    this.rMissLeft = bestML;
    return bestF;
  }

  /** Swaps a uniformly drawn feature among order[t..p) into order[t]. */
  private draw(t: number, rng: Rng): void {
    const order = this.featOrder;
    const p = this.data.p;
    const j = t + Math.floor(rng.next() * (p - t));
    const f = order[j]!;
    order[j] = order[t]!;
    order[t] = f;
  }

  /**
   * One threshold drawn uniformly in value between the node's smallest and largest non-missing
   * bins (as scikit-learn draws between the node's min and max; `packed` is that range, found
   * while gathering the bins), then one pass over the bins (node row i at batch[fo + i]) for the
   * left side's stats. NaNs go to the better side; when the node has none, to the larger side.
   * Returns false for a constant feature; otherwise leaves the result in rBin / rMissLeft /
   * rGain (no allocation on this hot path).
   */
  private randomSplit(f: number, packed: number, fo: number, s: number, e: number, tot: Float64Array, parentScore: number, rng: Rng): boolean {
    const { labels, K } = this.data;
    const fb = this.batch;
    const range = this.range;
    unpackRange(packed, range);
    const minB = range[0]!;
    const maxB = range[1]!;
    const nm = range[2]!;
    const nb = maxB < 0 ? 0 : minB === maxB ? 1 : 2;
    if (nb + (nm > 0 ? 1 : 0) <= 1) return false;
    let t: number;
    if (minB === maxB) t = maxB; // only a missing/non-missing split exists
    else {
      const c = this.data.cuts.cuts[f]!;
      const v = c[minB]! + rng.next() * (c[maxB - 1]! - c[minB]!);
      // Largest bin t in [minB, maxB - 1] with c[t] <= v.
      let lo = minB;
      let hi = maxB - 1;
      while (lo < hi) {
        const mid = (lo + hi + 1) >>> 1;
        if (c[mid]! <= v) lo = mid;
        else hi = mid - 1;
      }
      t = lo;
    }
    const { left, miss } = this;
    // Plain loops: these arrays hold a few values, where a fill() call costs more than the work.
    for (let k = 0; k < left.length; k++) {
      left[k] = 0;
      miss[k] = 0;
    }
    let cl: number;
    if (nm === 0 && !labels) cl = leftSumsNoMissing(fb, fo, this.ow, this.oy, s, e, t, left);
    else if (nm > 0 || !labels) cl = leftStats(fb, fo, this.ol, this.ow, this.oy, s, e, t, labels !== null, left, miss);
    else if (K === 2 && this.unit) cl = leftCountsUnitBinary(fb, fo, this.ol, s, e, t, left);
    else cl = leftCountsNoMissing(fb, fo, this.ol, this.ow, s, e, t, left);
    const W = this.width;
    const nNode = e - s;
    const minLeaf = this.opt.minSamplesLeaf;
    const ent = this.opt.criterion === 'entropy';
    let gain = -Infinity;
    let ml = nm === 0 && 2 * cl >= nNode;
    if (cl >= minLeaf && nNode - cl >= minLeaf) gain = childScore(left, null, 0, K, ent) + childScore(tot, left, 1, K, ent) - parentScore;
    if (nm > 0 && t < maxB) {
      const cl2 = cl + nm;
      if (cl2 >= minLeaf && nNode - cl2 >= minLeaf) {
        for (let k = 0; k < W; k++) left[k]! += miss[k]!;
        const g2 = childScore(left, null, 0, K, ent) + childScore(tot, left, 1, K, ent) - parentScore;
        if (g2 > gain) {
          gain = g2;
          ml = true;
        }
      }
    }
    this.rBin = gain > -Infinity ? t : -1;
    this.rMissLeft = ml;
    this.rGain = gain;
    return true;
  }
}
