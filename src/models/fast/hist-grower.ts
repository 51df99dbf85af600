/**
 * Leaf-wise (best-first) regression-tree growth on binned features for gradient boosting, the way
 * LightGBM does it: per-node gradient/hessian histograms, split search by one scan of each
 * histogram (NaN bin tried on both sides), the smaller child's histogram built from its rows and
 * the larger's obtained by subtracting it from the parent's, and rows partitioned in place inside
 * one index array so that every node is a contiguous segment.
 */
import { MISSING_BIN, cutValue, type BinCuts } from './binning.js';
import { SLOTS, hist8Node, hist8NodeConst, hist8Root, hist8RootConst, histNode, histNodeConst, histRoot, histRootConst, partitionRows } from './hist-kernels.js';
import { TreeBuilder, type Tree } from './tree.js';

/** Training data as the grower sees it. */
export interface BinnedData {
  /** Column-major bins, `n` rows per column. */
  readonly bins: Uint8Array;
  readonly n: number;
  readonly p: number;
  readonly cuts: BinCuts;
}

/** Tree-shape settings of the grower. */
export interface GrowerOptions {
  readonly maxLeaves: number;
  /** Maximum depth of a leaf (root is depth 0); Infinity for none. */
  readonly maxDepth: number;
  readonly minSamplesLeaf: number;
  /** L2 penalty on leaf values (lambda). */
  readonly l2: number;
  /** Smallest hessian sum a child may have. */
  readonly minHessian: number;
  /** Shrinkage folded into the stored leaf values. */
  readonly learningRate: number;
}

/** A grown tree plus, for each leaf, the segment of the index array holding its rows. */
export interface GrownTree {
  readonly tree: Tree;
  /** `[start, end)` pairs into the index array, per leaf. */
  readonly leafRanges: Int32Array;
}

/** Grows boosting trees; reuses its buffers across trees, so keep one per fit. */
export class HistGrower {
  private readonly og: Float64Array;
  private readonly oh: Float64Array;
  private readonly scratch: Uint32Array;
  private readonly cols8 = new Int32Array(8);
  private readonly hbs8 = new Int32Array(8);
  private readonly pool: Float64Array[] = [];
  private readonly histSize: number;
  private stride = 3;
  // Per-node records (struct of arrays), indexed by node id in this tree.
  private readonly start: Int32Array;
  private readonly end: Int32Array;
  private readonly depth: Int32Array;
  private readonly sumG: Float64Array;
  private readonly sumH: Float64Array;
  private readonly cnt: Float64Array;
  private readonly hist: (Float64Array | null)[];
  private readonly gain: Float64Array;
  private readonly sFeat: Int32Array;
  private readonly sBin: Int32Array;
  private readonly sMissLeft: Uint8Array;
  private readonly sG: Float64Array;
  private readonly sH: Float64Array;
  private readonly sC: Float64Array;
  private readonly parentT: Int32Array;
  private readonly sideLeft: Uint8Array;

  constructor(
    private readonly data: BinnedData,
    private readonly opt: GrowerOptions,
  ) {
    this.og = new Float64Array(data.n);
    this.oh = new Float64Array(data.n);
    this.scratch = new Uint32Array(data.n);
    this.histSize = data.p * SLOTS * 3;
    const m = 2 * opt.maxLeaves + 1;
    this.start = new Int32Array(m);
    this.end = new Int32Array(m);
    this.depth = new Int32Array(m);
    this.sumG = new Float64Array(m);
    this.sumH = new Float64Array(m);
    this.cnt = new Float64Array(m);
    this.hist = new Array<Float64Array | null>(m).fill(null);
    this.gain = new Float64Array(m);
    this.sFeat = new Int32Array(m);
    this.sBin = new Int32Array(m);
    this.sMissLeft = new Uint8Array(m);
    this.sG = new Float64Array(m);
    this.sH = new Float64Array(m);
    this.sC = new Float64Array(m);
    this.parentT = new Int32Array(m);
    this.sideLeft = new Uint8Array(m);
  }

  /**
   * Grows one tree fitting `grad`/`hess` (indexed by row) on rows `idx[0..nIdx)`, using only
   * `features`. When `constHess` the hessian is 1 for every row and `hess` is ignored. The rows
   * must be in ascending order (so when `nIdx === n`, idx is 0..n-1); reorders `idx[0..nIdx)`.
   */
  grow(grad: Float64Array, hess: Float64Array, constHess: boolean, idx: Uint32Array, nIdx: number, features: Int32Array): GrownTree {
    const o = this.opt;
    this.stride = constHess ? 2 : 3;
    const builder = new TreeBuilder(1);
    let nNodes = 1;
    this.start[0] = 0;
    this.end[0] = nIdx;
    this.depth[0] = 0;
    this.parentT[0] = -1;
    this.hist[0] = this.take();
    this.buildHist(0, grad, hess, constHess, idx, features, true);
    const active: number[] = [];
    const done: number[] = [];
    if (this.canSplit(0) && this.findSplit(0, features)) active.push(0);
    else {
      this.release(0);
      done.push(0);
    }
    let nLeaves = 1;
    while (nLeaves < o.maxLeaves && active.length > 0) {
      let bi = 0;
      for (let i = 1; i < active.length; i++) if (this.gain[active[i]!]! > this.gain[active[bi]!]!) bi = i;
      const node = active[bi]!;
      active[bi] = active[active.length - 1]!;
      active.pop();
      const f = this.sFeat[node]!;
      const bin = this.sBin[node]!;
      const ml = this.sMissLeft[node] === 1;
      const mid = this.partition(idx, this.start[node]!, this.end[node]!, f, bin, ml);
      const t = builder.addNode(f, cutValue(this.data.cuts, f, bin), bin, ml);
      this.linkTo(builder, node, t);
      const L = nNodes++;
      const R = nNodes++;
      this.initChild(L, node, this.start[node]!, mid, t, true, this.sG[node]!, this.sH[node]!, this.sC[node]!);
      this.initChild(R, node, mid, this.end[node]!, t, false, this.sumG[node]! - this.sG[node]!, this.sumH[node]! - this.sH[node]!, this.cnt[node]! - this.sC[node]!);
      nLeaves++;
      const okL = this.canSplit(L);
      const okR = this.canSplit(R);
      if (okL || okR) {
        const small = this.end[L]! - this.start[L]! <= this.end[R]! - this.start[R]! ? L : R;
        const large = small === L ? R : L;
        this.hist[small] = this.take();
        this.buildHist(small, grad, hess, constHess, idx, features, false);
        this.hist[large] = this.hist[node]!;
        this.hist[node] = null;
        this.subtract(this.hist[large]!, this.hist[small]!, features);
      } else {
        this.release(node);
      }
      for (const [c, ok] of [[L, okL], [R, okR]] as const) {
        if (ok && this.findSplit(c, features)) active.push(c);
        else {
          this.release(c);
          done.push(c);
        }
      }
    }
    for (const n of active) {
      this.release(n);
      done.push(n);
    }
    const leafRanges = new Int32Array(2 * done.length);
    const val = [0];
    for (const n of done) {
      val[0] = (-o.learningRate * this.sumG[n]!) / (this.sumH[n]! + o.l2);
      const link = builder.addLeaf(val);
      this.linkTo(builder, n, link);
      leafRanges[2 * ~link] = this.start[n]!;
      leafRanges[2 * ~link + 1] = this.end[n]!;
    }
    return { tree: builder.build(), leafRanges };
  }

  private linkTo(b: TreeBuilder, node: number, link: number): void {
    const par = this.parentT[node]!;
    if (par >= 0) b.link(par, this.sideLeft[node] === 1 ? 'left' : 'right', link);
  }

  private initChild(c: number, parent: number, s: number, e: number, t: number, left: boolean, g: number, h: number, n: number): void {
    this.start[c] = s;
    this.end[c] = e;
    this.depth[c] = this.depth[parent]! + 1;
    this.sumG[c] = g;
    this.sumH[c] = h;
    this.cnt[c] = n;
    this.parentT[c] = t;
    this.sideLeft[c] = left ? 1 : 0;
    this.hist[c] = null;
  }

  private canSplit(node: number): boolean {
    return this.depth[node]! < this.opt.maxDepth && this.end[node]! - this.start[node]! >= 2 * this.opt.minSamplesLeaf;
  }

  private take(): Float64Array {
    return this.pool.pop() ?? new Float64Array(this.histSize);
  }

  private release(node: number): void {
    const h = this.hist[node];
    if (h) this.pool.push(h);
    this.hist[node] = null;
  }

  /** Fills the node's histogram (and, for the root, its gradient sums) from its rows. */
  private buildHist(node: number, grad: Float64Array, hess: Float64Array, constHess: boolean, idx: Uint32Array, features: Int32Array, root: boolean): void {
    const s = this.start[node]!;
    const e = this.end[node]!;
    const og = this.og;
    const oh = this.oh;
    const hist = this.hist[node]!;
    const bins = this.data.bins;
    const n = this.data.n;
    // Gathering gradients into segment order makes the per-feature loops read them sequentially.
    let G = 0;
    let H = 0;
    if (e - s === n) {
      for (let i = 0; i < n; i++) G += grad[i]!;
      if (constHess) H = n;
      else for (let i = 0; i < n; i++) H += hess[i]!;
    } else if (constHess) {
      for (let i = s; i < e; i++) G += og[i] = grad[idx[i]!]!;
      H = e - s;
    } else {
      for (let i = s; i < e; i++) {
        const r = idx[i]!;
        G += og[i] = grad[r]!;
        H += oh[i] = hess[r]!;
      }
    }
    if (root) {
      this.sumG[node] = G;
      this.sumH[node] = H;
      this.cnt[node] = e - s;
    }
    // At the root over all rows, idx is 0..n-1 and the columns and gradients are read directly.
    // Features go eight per pass so each row's index and gradients are loaded once per eight.
    const all = e - s === n;
    const S = constHess ? 2 : 3;
    const w = SLOTS * S;
    const cols = this.cols8;
    const hbs = this.hbs8;
    let fi = 0;
    for (; fi + 7 < features.length; fi += 8) {
      for (let q = 0; q < 8; q++) {
        const f = features[fi + q]!;
        cols[q] = f * n;
        hbs[q] = f * w;
        hist.fill(0, f * w, f * w + w);
      }
      if (constHess) {
        if (all) hist8RootConst(hist, bins, cols, hbs, grad, n);
        else hist8NodeConst(hist, bins, cols, hbs, og, idx, s, e);
      } else if (all) hist8Root(hist, bins, cols, hbs, grad, hess, n);
      else hist8Node(hist, bins, cols, hbs, og, oh, idx, s, e);
    }
    for (; fi < features.length; fi++) {
      const f = features[fi]!;
      if (constHess) {
        if (all) histRootConst(hist, bins, f * n, f * SLOTS * 2, grad, n);
        else histNodeConst(hist, bins, f * n, f * SLOTS * 2, og, idx, s, e);
      } else if (all) histRoot(hist, bins, f * n, f * SLOTS * 3, grad, hess, n);
      else histNode(hist, bins, f * n, f * SLOTS * 3, og, oh, idx, s, e);
    }
  }

  private subtract(big: Float64Array, small: Float64Array, features: Int32Array): void {
    const w = SLOTS * this.stride;
    for (let fi = 0; fi < features.length; fi++) {
      const hb = features[fi]! * w;
      for (let k = hb; k < hb + w; k++) big[k]! -= small[k]!;
    }
  }

  /** Finds the node's best split; returns false when no split has positive gain. */
  private findSplit(node: number, features: Int32Array): boolean {
    const hist = this.hist[node]!;
    const S = this.stride;
    const cOff = S - 1;
    const { l2, minSamplesLeaf: minLeaf, minHessian: minH } = this.opt;
    const G = this.sumG[node]!;
    const H = this.sumH[node]!;
    const C = this.cnt[node]!;
    const parent = (G * G) / (H + l2);
    let best = 1e-12 * Math.max(1, parent);
    let bf = -1;
    let bb = 0;
    let bml = 0;
    let bg = 0;
    let bh = 0;
    let bc = 0;
    const nBins = this.data.cuts.nBins;
    for (let fi = 0; fi < features.length; fi++) {
      const f = features[fi]!;
      const hb = f * SLOTS * S;
      const nb = nBins[f]!;
      const mk = hb + MISSING_BIN * S;
      const mg = hist[mk]!;
      const mh = hist[mk + 1]!;
      const mc = hist[mk + cOff]!;
      let gl = 0;
      let hl = 0;
      let cl = 0;
      const last = mc > 0 ? nb - 1 : nb - 2;
      for (let b = 0; b <= last; b++) {
        const k = hb + b * S;
        gl += hist[k]!;
        hl += hist[k + 1]!;
        cl += hist[k + cOff]!;
        // Missing rows go right (the only choice for b = nb - 1, a pure missing/non-missing split).
        const cr = C - cl;
        const hr = H - hl;
        if (cl >= minLeaf && cr >= minLeaf && hl >= minH && hr >= minH) {
          const gr = G - gl;
          const gain = (gl * gl) / (hl + l2) + (gr * gr) / (hr + l2) - parent;
          if (gain > best) {
            best = gain;
            bf = f;
            bb = b;
            bml = 0;
            bg = gl;
            bh = hl;
            bc = cl;
          }
        }
        if (mc > 0 && b < nb - 1) {
          const gl2 = gl + mg;
          const hl2 = hl + mh;
          const cl2 = cl + mc;
          const cr2 = C - cl2;
          const hr2 = H - hl2;
          if (cl2 >= minLeaf && cr2 >= minLeaf && hl2 >= minH && hr2 >= minH) {
            const gr2 = G - gl2;
            const gain = (gl2 * gl2) / (hl2 + l2) + (gr2 * gr2) / (hr2 + l2) - parent;
            if (gain > best) {
              best = gain;
              bf = f;
              bb = b;
              bml = 1;
              bg = gl2;
              bh = hl2;
              bc = cl2;
            }
          }
        }
      }
      if (mc === 0 && bf === f) {
        // No missing values seen: send future NaNs to the side that held more training rows.
        bml = bc >= C - bc ? 1 : 0;
      }
    }
    if (bf < 0) return false;
    this.gain[node] = best;
    this.sFeat[node] = bf;
    this.sBin[node] = bb;
    this.sMissLeft[node] = bml;
    this.sG[node] = bg;
    this.sH[node] = bh;
    this.sC[node] = bc;
    return true;
  }

  /**
   * Partitions `idx[s..e)` so rows going left come first; returns the boundary. Stable, so each
   * segment stays in ascending row order and histogram passes read the bin columns forwards.
   */
  private partition(idx: Uint32Array, s: number, e: number, f: number, bin: number, missingLeft: boolean): number {
    const bins = this.data.bins;
    const col = f * this.data.n;
    const tmp = this.scratch;
    const wEnd = partitionRows(bins, col, idx, tmp, s, e, bin, missingLeft ? 1 : 0);
    const nr = e - wEnd;
    idx.set(tmp.subarray(0, nr), wEnd);
    return wEnd;
  }
}
