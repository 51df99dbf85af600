/**
 * Feature binning for the histogram learners: each feature's values map to at most 255 ordered
 * bins (cut points from quantiles of the training rows) plus one bin for NaN, stored column-major
 * as bytes so that a histogram pass reads one contiguous byte column per feature.
 */
import type { Matrix, MatrixData } from '../estimator.js';
import type { Rng } from '../../util/rng.js';
import { RankSelector, SELECT_MIN } from './quantiles.js';

/** Bin index reserved for missing values (NaN). */
export const MISSING_BIN = 255;
/** Largest number of non-missing bins per feature. */
export const MAX_BINS = 255;
/** Rows used to place cut points; like LightGBM and scikit-learn, more rows barely move quantiles. */
const BIN_SAMPLE = 200_000;

/**
 * Cut points per feature: bin `b` holds values `x` with `cuts[b-1] < x <= cuts[b]`, so a split
 * "bin <= b" is the real-valued test `x <= cuts[b]` and prediction never needs to bin.
 */
export interface BinCuts {
  readonly cuts: Float64Array[];
  /** Non-missing bins per feature (`cuts[f].length + 1`). */
  readonly nBins: Int32Array;
}

/**
 * Places cut points from the rows `rows` of `X` (all rows when null): midpoints between distinct
 * values when a feature has at most `maxBins` of them, otherwise interpolated quantiles.
 */
export function fitCuts(X: Matrix, rows: Uint32Array | null, maxBins: number, rng: Rng): BinCuts {
  const p = X.cols;
  let sample = rows ?? identity(X.rows);
  if (sample.length > BIN_SAMPLE) {
    const copy = Uint32Array.from(sample);
    for (let i = 0; i < BIN_SAMPLE; i++) {
      const j = i + Math.floor(rng.next() * (copy.length - i));
      const t = copy[i]!;
      copy[i] = copy[j]!;
      copy[j] = t;
    }
    sample = copy.subarray(0, BIN_SAMPLE).sort();
  }
  const m = sample.length;
  const cols = transpose(X, sample);
  const sorter = new RadixSorter(m);
  const selector = new RankSelector(m);
  // Ranks wanted by the quantile cuts (two per cut, plus the maximum).
  const ranks = new Int32Array(2 * maxBins + 1);
  const cuts: Float64Array[] = [];
  const nBins = new Int32Array(p);
  for (let f = 0; f < p; f++) {
    const col = cols.subarray(f * m, (f + 1) * m);
    let k = 0;
    for (let i = 0; i < m; i++) {
      const v = col[i]!;
      if (v === v) col[k++] = v;
    }
    const vals = col.subarray(0, k);
    // Surely more distinct values than bins: only the quantiles' order statistics are needed.
    const select = k >= SELECT_MIN && selector.sampleDistinct(vals) > maxBins;
    let sorted: Float64Array;
    let distinct = Infinity;
    if (select) {
      let nr = 0;
      for (let q = 1; q < maxBins; q++) {
        const pos = (q * (k - 1)) / maxBins;
        const lo = Math.floor(pos);
        if (nr === 0 || ranks[nr - 1] !== lo) ranks[nr++] = lo;
        if (pos > lo) ranks[nr++] = lo + 1;
      }
      ranks[nr++] = k - 1;
      sorted = selector.select(vals, ranks, nr);
    } else {
      sorted = sorter.sort(vals);
      distinct = 0;
      for (let i = 0; i < k; i++) if (i === 0 || sorted[i] !== sorted[i - 1]) distinct++;
    }
    const c: number[] = [];
    if (distinct <= maxBins) {
      let prev = NaN;
      for (let i = 0; i < k; i++) {
        const v = sorted[i]!;
        if (i > 0 && v !== prev) c.push(prev + (v - prev) / 2);
        prev = v;
      }
    } else {
      for (let q = 1; q < maxBins; q++) {
        const pos = (q * (k - 1)) / maxBins;
        const lo = Math.floor(pos);
        const frac = pos - lo;
        const v = frac === 0 ? sorted[lo]! : sorted[lo]! + frac * (sorted[lo + 1]! - sorted[lo]!);
        if (c.length === 0 || v > c[c.length - 1]!) c.push(v);
      }
      // A cut at the maximum would leave the last bin empty.
      while (c.length > 0 && c[c.length - 1]! >= sorted[k - 1]!) c.pop();
    }
    cuts.push(Float64Array.from(c));
    nBins[f] = c.length + 1;
  }
  return { cuts, nBins };
}

/** Rows per block when reading a row-major matrix column by column, sized to stay in L2. */
const BLOCK = 256;

/** Column-major copy of rows `rows` of `X`, read in row blocks so each block is fetched once. */
function transpose(X: Matrix, rows: Uint32Array): Float64Array {
  const p = X.cols;
  const m = rows.length;
  const d = X.data;
  const out = new Float64Array(m * p);
  for (let b0 = 0; b0 < m; b0 += BLOCK) {
    const b1 = Math.min(m, b0 + BLOCK);
    for (let f = 0; f < p; f++) {
      const o = f * m;
      for (let i = b0; i < b1; i++) out[o + i] = d[rows[i]! * p + f]!;
    }
  }
  return out;
}

/**
 * Bins rows `rows` of `X` (all when null) into a column-major byte matrix: element (i, f) is at
 * `f * n + i`, where i indexes `rows`.
 */
export function binMatrix(X: Matrix, rows: Uint32Array | null, cuts: BinCuts): Uint8Array {
  const p = X.cols;
  const n = rows ? rows.length : X.rows;
  const out = new Uint8Array(n * p);
  const d = X.data;
  // Cuts padded to 256 with +Infinity, so a branch-free search of fixed depth finds the bin.
  const padded = cuts.cuts.map((c) => {
    const a = new Float64Array(256).fill(Infinity);
    a.set(c);
    return a;
  });
  for (let b0 = 0; b0 < n; b0 += BLOCK) {
    const b1 = Math.min(n, b0 + BLOCK);
    for (let f = 0; f < p; f++) binBlock(d, rows, p, f, padded[f]!, out, f * n, b0, b1);
  }
  return out;
}

/** One LSD pass: moves src to dst by the 8-bit digit at `shift` of 32-bit word `word`. */
function scatterPass(src: Float64Array, su: Uint32Array, dst: Float64Array, counts: Uint32Array, off: number, word: number, shift: number, n: number): void {
  for (let i = 0; i < n; i++) dst[counts[off + ((su[2 * i + word]! >>> shift) & 255)]!++] = src[i]!;
}

/** Bins rows b0..b1 of column f: the bin is the number of cuts strictly below the value. */
function binBlock(d: MatrixData, rows: Uint32Array | null, p: number, f: number, P: Float64Array, out: Uint8Array, base: number, b0: number, b1: number): void {
  for (let i = b0; i < b1; i++) {
    const x = d[(rows ? rows[i]! : i) * p + f]!;
    if (x !== x) {
      out[base + i] = MISSING_BIN;
      continue;
    }
    let lo = 0;
    lo += +(P[lo + 127]! < x) << 7;
    lo += +(P[lo + 63]! < x) << 6;
    lo += +(P[lo + 31]! < x) << 5;
    lo += +(P[lo + 15]! < x) << 4;
    lo += +(P[lo + 7]! < x) << 3;
    lo += +(P[lo + 3]! < x) << 2;
    lo += +(P[lo + 1]! < x) << 1;
    lo += +(P[lo]! < x);
    out[base + i] = lo;
  }
}

/**
 * LSD radix sort of non-NaN float64 values by their bit patterns (8 passes of 8 bits, skipping
 * passes whose digit is constant): several times faster than the built-in typed-array sort.
 */
class RadixSorter {
  private readonly buf: Float64Array;
  private readonly counts = new Uint32Array(8 * 256);

  constructor(capacity: number) {
    this.buf = new Float64Array(capacity);
  }

  /** Sorts `a` ascending; returns the sorted array (either `a` or a view of the scratch buffer). */
  sort(a: Float64Array): Float64Array {
    const n = a.length;
    let src = a;
    let dst = this.buf.subarray(0, n);
    let su = new Uint32Array(src.buffer, src.byteOffset, 2 * n);
    // Map IEEE-754 bits to unsigned keys with the numeric order: flip all bits of negatives,
    // only the sign bit of positives.
    for (let i = 0; i < n; i++) {
      const hi = su[2 * i + 1]!;
      if (hi & 0x80000000) {
        su[2 * i + 1] = ~hi;
        su[2 * i] = ~su[2 * i]!;
      } else su[2 * i + 1] = hi ^ 0x80000000;
    }
    // All eight digit histograms in one read pass, then one scatter pass per useful digit.
    const counts = this.counts;
    counts.fill(0);
    for (let i = 0; i < n; i++) {
      const lo = su[2 * i]!;
      const hi = su[2 * i + 1]!;
      counts[lo & 255]!++;
      counts[256 + ((lo >>> 8) & 255)]!++;
      counts[512 + ((lo >>> 16) & 255)]!++;
      counts[768 + (lo >>> 24)]!++;
      counts[1024 + (hi & 255)]!++;
      counts[1280 + ((hi >>> 8) & 255)]!++;
      counts[1536 + ((hi >>> 16) & 255)]!++;
      counts[1792 + (hi >>> 24)]!++;
    }
    for (let pass = 0; pass < 8; pass++) {
      const word = pass >> 2;
      const shift = (pass & 3) * 8;
      const off = pass * 256;
      // A digit that is the same for every value leaves the order unchanged.
      if (counts[off + ((su[word]! >>> shift) & 255)] === n) continue;
      let sum = 0;
      for (let d = 0; d < 256; d++) {
        const c = counts[off + d]!;
        counts[off + d] = sum;
        sum += c;
      }
      scatterPass(src, su, dst, counts, off, word, shift, n);
      const t = src;
      src = dst;
      dst = t;
      su = new Uint32Array(src.buffer, src.byteOffset, 2 * n);
    }
    for (let i = 0; i < n; i++) {
      const hi = su[2 * i + 1]!;
      if (hi & 0x80000000) su[2 * i + 1] = hi ^ 0x80000000;
      else {
        su[2 * i + 1] = ~hi;
        su[2 * i] = ~su[2 * i]!;
      }
    }
    return src;
  }
}

/** The real-valued threshold of split "bin <= b" (Infinity when b is the last non-missing bin). */
export function cutValue(cuts: BinCuts, feature: number, bin: number): number {
  const c = cuts.cuts[feature]!;
  return bin < c.length ? c[bin]! : Infinity;
}

/** 0..n-1 as row indices. */
export function identity(n: number): Uint32Array {
  const a = new Uint32Array(n);
  for (let i = 0; i < n; i++) a[i] = i;
  return a;
}
