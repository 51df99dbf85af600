/**
 * Depth-first tree growth for random forests on binned features (extra trees: extra-grower.ts).
 * Each node builds, for a random subset of features, a histogram of (weighted) class counts or
 * target sums per bin, remembering which bins it touched so small nodes scan only those, and
 * scans every threshold. NaN has its own bin and is tried on both sides of each threshold.
 */
import type { Rng } from '../../util/rng.js';
import { MISSING_BIN, cutValue, type BinCuts } from './binning.js';
import { childScore, classHistogram, targetHistogram } from './forest-kernels.js';
import { partitionRows } from './hist-kernels.js';
import { TreeBuilder, type Tree } from './tree.js';

/** Split quality measure. */
export type Criterion = 'gini' | 'entropy' | 'squared_error';

/** Settings of one forest tree. */
export interface ForestTreeOptions {
  readonly criterion: Criterion;
  /** Features tried per node. */
  readonly mtry: number;
  /** Maximum depth; Infinity for none. */
  readonly maxDepth: number;
  readonly minSamplesLeaf: number;
}

/** Training data of a forest. */
export interface ForestData {
  readonly bins: Uint8Array;
  readonly n: number;
  readonly p: number;
  readonly cuts: BinCuts;
  /** Class labels (classification). */
  readonly labels: Int32Array | null;
  /** Targets (regression). */
  readonly y: Float64Array | null;
  /** Classes; 0 for regression. */
  readonly K: number;
}

/** Grows forest trees; reuses its buffers, so keep one per fit. */
export class ForestGrower {
  /** Stats per bin: K weighted class counts, or [sum w, sum w*y]. */
  private readonly hist: Float64Array;
  private readonly cnt: Int32Array;
  private readonly touched = new Int32Array(256);
  private readonly width: number;
  private readonly scratch: Uint32Array;
  /** Node rows' labels, weights and weight * target, in segment order (see nodeTotals). */
  private readonly ol: Int32Array;
  private readonly ow: Float64Array;
  private readonly oy: Float64Array;
  private readonly featOrder: Int32Array;
  private readonly tot: Float64Array;
  private readonly left: Float64Array;
  private readonly miss: Float64Array;

  constructor(
    private readonly data: ForestData,
    private readonly opt: ForestTreeOptions,
  ) {
    this.width = data.K > 0 ? data.K : 2;
    this.hist = new Float64Array(256 * this.width);
    this.cnt = new Int32Array(256);
    this.scratch = new Uint32Array(data.n);
    this.ol = new Int32Array(data.n);
    this.ow = new Float64Array(data.n);
    this.oy = new Float64Array(data.n);
    this.featOrder = new Int32Array(data.p);
    this.tot = new Float64Array(this.width);
    this.left = new Float64Array(this.width);
    this.miss = new Float64Array(this.width);
  }

  /** Grows one tree on rows `idx` (ascending, reordered in place) with weights `w` (by row). */
  grow(idx: Uint32Array, w: Float64Array, rng: Rng): Tree {
    const { K } = this.data;
    const leafWidth = K > 0 ? K : 1;
    const b = new TreeBuilder(leafWidth);
    const leafVals = new Float64Array(leafWidth);
    // Stack entries: start, end, depth, parent tree node, side (1 = left).
    const stack: number[] = [0, idx.length, 0, -1, 1];
    const p = this.data.p;
    const order = this.featOrder;
    for (let f = 0; f < p; f++) order[f] = f;
    while (stack.length > 0) {
      const side = stack.pop()!;
      const parent = stack.pop()!;
      const depth = stack.pop()!;
      const e = stack.pop()!;
      const s = stack.pop()!;
      const tot = this.nodeTotals(idx, s, e, w);
      const split = depth < this.opt.maxDepth && e - s >= 2 * this.opt.minSamplesLeaf && !this.pure(tot) ? this.findSplit(idx, s, e, tot, rng) : null;
      let link: number;
      if (split) {
        const mid = this.partition(idx, s, e, split.feature, split.bin, split.missingLeft);
        link = b.addNode(split.feature, cutValue(this.data.cuts, split.feature, split.bin), split.bin, split.missingLeft);
        stack.push(mid, e, depth + 1, link, 0);
        stack.push(s, mid, depth + 1, link, 1);
      } else {
        if (K > 0) {
          let sw = 0;
          for (let k = 0; k < K; k++) sw += tot[k]!;
          for (let k = 0; k < K; k++) leafVals[k] = tot[k]! / sw;
        } else leafVals[0] = tot[1]! / tot[0]!;
        link = b.addLeaf(leafVals);
      }
      if (parent >= 0) b.link(parent, side === 1 ? 'left' : 'right', link);
    }
    return b.build();
  }

  /**
   * Weighted class counts or [sum w, sum w*y] of the node's rows; also gathers the rows' labels,
   * weights and w*y into segment order, so every per-feature pass reads them sequentially.
   */
  private nodeTotals(idx: Uint32Array, s: number, e: number, w: Float64Array): Float64Array {
    const tot = this.tot;
    for (let k = 0; k < tot.length; k++) tot[k] = 0;
    const { labels, y } = this.data;
    const { ol, ow, oy } = this;
    if (labels) {
      for (let i = s; i < e; i++) {
        const r = idx[i]!;
        const c = labels[r]!;
        ol[i] = c;
        ow[i] = w[r]!;
        tot[c]! += w[r]!;
      }
    } else {
      for (let i = s; i < e; i++) {
        const r = idx[i]!;
        ow[i] = w[r]!;
        oy[i] = w[r]! * y![r]!;
        tot[0]! += ow[i]!;
        tot[1]! += oy[i]!;
      }
    }
    return tot;
  }

  /** True when no split can improve the node (one class, or constant target). */
  private pure(tot: Float64Array): boolean {
    if (this.data.K === 0) return false;
    let nonZero = 0;
    for (let k = 0; k < this.data.K; k++) if (tot[k]! > 0) nonZero++;
    return nonZero <= 1;
  }

  /** Proxy impurity score of a child from its stats (higher is better; summed over children). */
  private score(st: Float64Array, sub: Float64Array | null, sign: number): number {
    return childScore(st, sub, sign, this.data.K, this.opt.criterion === 'entropy');
  }

  /** Best split over a random subset of features, or null. */
  private findSplit(idx: Uint32Array, s: number, e: number, tot: Float64Array, rng: Rng): { feature: number; bin: number; missingLeft: boolean } | null {
    const { p, n, bins, labels, y } = this.data;
    const W = this.width;
    const hist = this.hist;
    const cnt = this.cnt;
    const touched = this.touched;
    const order = this.featOrder;
    const miss = this.miss;
    const nNode = e - s;
    const parentScore = this.score(tot, null, 0);
    let bestGain = 1e-12 * Math.max(1, Math.abs(parentScore));
    let bestF = -1;
    let bestBin = 0;
    let bestML = false;
    // Like scikit-learn, constant features count towards mtry, but drawing goes on past mtry
    // until a feature that is not constant in the node has been seen.
    let nonConstant = 0;
    for (let t = 0; t < p && (t < this.opt.mtry || nonConstant === 0); t++) {
      const j = t + Math.floor(rng.next() * (p - t));
      const f = order[j]!;
      order[j] = order[t]!;
      order[t] = f;
      const col = f * n;
      const nt = labels ? classHistogram(bins, col, idx, s, e, this.ol, this.ow, hist, cnt, touched, W) : targetHistogram(bins, col, idx, s, e, this.ow, this.oy, hist, cnt, touched);
      let nm = 0;
      miss.fill(0);
      if (cnt[MISSING_BIN]! > 0) {
        nm = cnt[MISSING_BIN]!;
        for (let k = 0; k < W; k++) miss[k] = hist[MISSING_BIN * W + k]!;
      }
      // Number of touched non-missing bins.
      const nb = nt - (nm > 0 ? 1 : 0);
      if (nb + (nm > 0 ? 1 : 0) > 1) {
        nonConstant++;
        const { bin, missingLeft: ml, gain } = this.bestSplit(nt, nm, nNode, tot, parentScore);
        if (bin >= 0 && gain > bestGain) {
          bestGain = gain;
          bestF = f;
          bestBin = bin;
          bestML = ml;
          if (nm === 0) {
            // No NaN seen here: future NaNs follow the larger side.
            let c = 0;
            for (let q = 0; q < nt; q++) if (touched[q]! <= bin) c += cnt[touched[q]!]!;
            bestML = 2 * c >= nNode;
          }
        }
      }
      for (let q = 0; q < nt; q++) {
        const bb = touched[q]!;
        cnt[bb] = 0;
        for (let k = 0; k < W; k++) hist[bb * W + k] = 0;
      }
    }
    return bestF < 0 ? null : { feature: bestF, bin: bestBin, missingLeft: bestML };
  }

  /** Random forest: the best threshold over the touched bins (sorted here), NaN tried on both sides. */
  private bestSplit(nt: number, nm: number, nNode: number, tot: Float64Array, parentScore: number): { bin: number; missingLeft: boolean; gain: number } {
    const W = this.width;
    const { hist, cnt, touched, left, miss } = this;
    const minLeaf = this.opt.minSamplesLeaf;
    sortSmall(touched, nt);
    // With NaNs present the missing bin (255) sorts last; leave it out of the scan.
    const nb = nm > 0 ? nt - 1 : nt;
    left.fill(0);
    let cl = 0;
    let bestGain = -Infinity;
    let bestBin = -1;
    let bestML = false;
    // Thresholds after each touched bin except the last, plus (with NaNs) the pure
    // missing/non-missing split after the last.
    const hi = nm > 0 ? nb - 1 : nb - 2;
    for (let q = 0; q <= hi; q++) {
      const bb = touched[q]!;
      cl += cnt[bb]!;
      for (let k = 0; k < W; k++) left[k]! += hist[bb * W + k]!;
      if (cl >= minLeaf && nNode - cl >= minLeaf) {
        const gain = this.score(left, null, 0) + this.score(tot, left, 1) - parentScore;
        if (gain > bestGain) {
          bestGain = gain;
          bestBin = bb;
          bestML = false;
        }
      }
      if (nm > 0 && q < nb - 1) {
        const cl2 = cl + nm;
        if (cl2 >= minLeaf && nNode - cl2 >= minLeaf) {
          for (let k = 0; k < W; k++) left[k]! += miss[k]!;
          const gain = this.score(left, null, 0) + this.score(tot, left, 1) - parentScore;
          for (let k = 0; k < W; k++) left[k]! -= miss[k]!;
          if (gain > bestGain) {
            bestGain = gain;
            bestBin = bb;
            bestML = true;
          }
        }
      }
    }
    return { bin: bestBin, missingLeft: bestML, gain: bestGain };
  }

  /** Stable partition of idx[s..e) on "bin <= b" (NaN by `missingLeft`); returns the boundary. */
  private partition(idx: Uint32Array, s: number, e: number, f: number, b: number, missingLeft: boolean): number {
    const bins = this.data.bins;
    const col = f * this.data.n;
    const tmp = this.scratch;
    const wiEnd = partitionRows(bins, col, idx, tmp, s, e, b, missingLeft ? 1 : 0);
    const nr = e - wiEnd;
    idx.set(tmp.subarray(0, nr), wiEnd);
    return wiEnd;
  }
}

/** Sorts a[0..n) ascending: insertion sort for the usual few bins, the built-in sort otherwise. */
function sortSmall(a: Int32Array, n: number): void {
  if (n > 48) {
    a.subarray(0, n).sort();
    return;
  }
  for (let i = 1; i < n; i++) {
    const v = a[i]!;
    let j = i - 1;
    while (j >= 0 && a[j]! > v) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = v;
  }
}
