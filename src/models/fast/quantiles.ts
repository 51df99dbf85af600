/**
 * Exact order statistics of a column at a few hundred ranks without sorting the whole column.
 * Placing 254 quantile cuts needs about 500 order statistics; a full sort of every feature was
 * most of the binning time (and binning a fixed cost of every forest and boosting fit). Here
 * splitters from a sorted stride sample cut the values into ~1,024 buckets; one pass finds each
 * value's bucket, and only the buckets that hold a wanted rank are gathered and sorted.
 */

/** Values per sample used to choose the splitters. */
const SAMPLE = 2048;
/** Buckets (a power of two, for the fixed-depth search). */
const BUCKETS = 1024;
/** Below this many values a full sort is as cheap. */
export const SELECT_MIN = 16_384;

/** Reusable scratch for {@link selectRanks}; one per fit. */
export class RankSelector {
  private readonly bucketOf: Uint16Array;
  private readonly start = new Int32Array(BUCKETS + 1);
  private readonly cursor = new Int32Array(BUCKETS);
  private readonly wanted = new Uint8Array(BUCKETS);
  private readonly splitters = new Float64Array(BUCKETS);
  private readonly sample = new Float64Array(SAMPLE);
  /** Order statistics land at their rank; other positions are left stale. */
  readonly out: Float64Array;

  constructor(capacity: number) {
    this.bucketOf = new Uint16Array(capacity);
    this.out = new Float64Array(capacity);
  }

  /**
   * Distinct values in a stride sample of `col` (k >= SELECT_MIN values, no NaN): when above
   * `maxBins` the column surely has more than `maxBins` distinct values, so quantile cuts apply.
   */
  sampleDistinct(col: Float64Array): number {
    const k = col.length;
    const s = this.sample;
    for (let i = 0; i < SAMPLE; i++) s[i] = col[Math.floor((i * k) / SAMPLE)]!;
    s.sort();
    let d = 1;
    for (let i = 1; i < SAMPLE; i++) if (s[i] !== s[i - 1]) d++;
    return d;
  }

  /**
   * Puts the sorted-order values of `col` at each rank in `ranks` (ascending) into `out[rank]`,
   * with the sample of the last {@link sampleDistinct} call as splitters. Exact whatever the
   * sample: a poor sample only makes buckets larger.
   */
  select(col: Float64Array, ranks: Int32Array, nRanks: number): Float64Array {
    const k = col.length;
    const S = this.splitters;
    // Splitter j = sample value at (j + 1) * SAMPLE / BUCKETS; padding with +Infinity keeps the
    // branch-free search of fixed depth valid.
    const step = SAMPLE / BUCKETS;
    for (let j = 0; j < BUCKETS - 1; j++) S[j] = this.sample[(j + 1) * step - 1]!;
    S[BUCKETS - 1] = Infinity;
    const start = this.start;
    start.fill(0);
    bucketPass(col, S, this.bucketOf, start, k);
    // Prefix sums: bucket j holds ranks start[j] .. start[j + 1] - 1.
    let sum = 0;
    for (let j = 0; j < BUCKETS; j++) {
      const c = start[j]!;
      start[j] = sum;
      sum += c;
    }
    start[BUCKETS] = sum;
    const wanted = this.wanted;
    wanted.fill(0);
    let j = 0;
    for (let q = 0; q < nRanks; q++) {
      const r = ranks[q]!;
      while (start[j + 1]! <= r) j++;
      wanted[j] = 1;
    }
    const cur = this.cursor;
    for (let b = 0; b < BUCKETS; b++) cur[b] = start[b]!;
    const out = this.out;
    gatherWanted(col, this.bucketOf, wanted, cur, out, k);
    for (let b = 0; b < BUCKETS; b++) {
      if (wanted[b] === 0) continue;
      const lo = start[b]!;
      const hi = start[b + 1]!;
      if (hi - lo > 32) out.subarray(lo, hi).sort();
      else insertionSort(out, lo, hi);
    }
    return out;
  }
}

/** Bucket of each value (the number of splitters strictly below it) and the bucket counts. */
function bucketPass(col: Float64Array, S: Float64Array, bucketOf: Uint16Array, counts: Int32Array, k: number): void {
  for (let i = 0; i < k; i++) {
    const x = col[i]!;
    let lo = 0;
    lo += +(S[lo + 511]! < x) << 9;
    lo += +(S[lo + 255]! < x) << 8;
    lo += +(S[lo + 127]! < x) << 7;
    lo += +(S[lo + 63]! < x) << 6;
    lo += +(S[lo + 31]! < x) << 5;
    lo += +(S[lo + 15]! < x) << 4;
    lo += +(S[lo + 7]! < x) << 3;
    lo += +(S[lo + 3]! < x) << 2;
    lo += +(S[lo + 1]! < x) << 1;
    lo += +(S[lo]! < x);
    bucketOf[i] = lo;
    counts[lo]!++;
  }
}

/** Copies the values of wanted buckets to their buckets' ranges of `out`. */
function gatherWanted(col: Float64Array, bucketOf: Uint16Array, wanted: Uint8Array, cur: Int32Array, out: Float64Array, k: number): void {
  for (let i = 0; i < k; i++) {
    const b = bucketOf[i]!;
    if (wanted[b] === 1) out[cur[b]!++] = col[i]!;
  }
}

function insertionSort(a: Float64Array, lo: number, hi: number): void {
  for (let i = lo + 1; i < hi; i++) {
    const v = a[i]!;
    let j = i - 1;
    while (j >= lo && a[j]! > v) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = v;
  }
}
