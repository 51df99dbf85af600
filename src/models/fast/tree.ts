/**
 * Flat binary decision trees shared by the fast tree learners. Internal node `i` tests
 * `x[feature[i]] <= threshold[i]` (NaN goes left when `missingLeft[i]`); a child link `c >= 0` is
 * an internal node, `c < 0` the leaf `~c`. A tree with no internal node is the single leaf 0.
 * Each leaf holds `width` values (1 for boosting and regression, one per class for forests).
 */
import type { Matrix, MatrixData } from '../estimator.js';
import { MISSING_BIN } from './binning.js';
import { decodeFloats, decodeInts, encodeFloats, modelFileError } from './common.js';

/** A fitted tree in flat typed arrays. */
export interface Tree {
  readonly feature: Int32Array;
  readonly threshold: Float64Array;
  /** The bin threshold used in training ("bin <= binThreshold" goes left); only valid during fit. */
  readonly binThreshold: Uint8Array;
  readonly missingLeft: Uint8Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  readonly width: number;
  /** Leaf values, `width` per leaf. */
  readonly values: Float64Array;
}

/** Grows a {@link Tree} node by node during fitting. */
export class TreeBuilder {
  private readonly feature: number[] = [];
  private readonly threshold: number[] = [];
  private readonly bin: number[] = [];
  private readonly missLeft: number[] = [];
  private readonly left: number[] = [];
  private readonly right: number[] = [];
  private readonly values: number[] = [];
  private nLeaves = 0;

  constructor(readonly width: number) {}

  /** Adds an internal node with placeholder children; returns its index. */
  addNode(feature: number, threshold: number, bin: number, missingLeft: boolean): number {
    this.feature.push(feature);
    this.threshold.push(threshold);
    this.bin.push(bin);
    this.missLeft.push(missingLeft ? 1 : 0);
    this.left.push(0);
    this.right.push(0);
    return this.feature.length - 1;
  }

  /** Adds a leaf holding `vals` (length `width`); returns its link value (`~leafIndex`). */
  addLeaf(vals: ArrayLike<number>): number {
    for (let k = 0; k < this.width; k++) this.values.push(vals[k]!);
    return ~this.nLeaves++;
  }

  /** Sets a child link of internal node `node`. */
  link(node: number, side: 'left' | 'right', child: number): void {
    (side === 'left' ? this.left : this.right)[node] = child;
  }

  /** Freezes the tree into typed arrays. */
  build(): Tree {
    return {
      feature: Int32Array.from(this.feature),
      threshold: Float64Array.from(this.threshold),
      binThreshold: Uint8Array.from(this.bin),
      missingLeft: Uint8Array.from(this.missLeft),
      left: Int32Array.from(this.left),
      right: Int32Array.from(this.right),
      width: this.width,
      values: Float64Array.from(this.values),
    };
  }
}

/** The leaf index that row `r` of raw matrix data (`p` columns) falls into. */
export function leafOfRow(t: Tree, d: MatrixData, r: number, p: number): number {
  if (t.feature.length === 0) return 0;
  const { feature, threshold, missingLeft, left, right } = t;
  const base = r * p;
  let node = 0;
  while (node >= 0) {
    const v = d[base + feature[node]!]!;
    node = v <= threshold[node]! || (v !== v && missingLeft[node] === 1) ? left[node]! : right[node]!;
  }
  return ~node;
}

/** The leaf index that row `i` of a column-major binned matrix with `n` rows falls into. */
export function leafOfBinnedRow(t: Tree, bins: Uint8Array, n: number, i: number): number {
  if (t.feature.length === 0) return 0;
  const { feature, binThreshold, missingLeft, left, right } = t;
  let node = 0;
  while (node >= 0) {
    const b = bins[feature[node]! * n + i]!;
    const goLeft = b === MISSING_BIN ? missingLeft[node] === 1 : b <= binThreshold[node]!;
    node = goLeft ? left[node]! : right[node]!;
  }
  return ~node;
}

/** Adds `scale` times the tree's leaf values into `out` (rows x width, row-major, at column `col` of `stride`). */
export function addTreePredictions(t: Tree, X: Matrix, out: Float64Array, stride: number, col: number, scale = 1): void {
  const { values, width } = t;
  const d = X.data;
  const p = X.cols;
  for (let r = 0; r < X.rows; r++) {
    const leaf = leafOfRow(t, d, r, p);
    const o = r * stride + col;
    for (let k = 0; k < width; k++) out[o + k]! += scale * values[leaf * width + k]!;
  }
}

/** Serialisable form of a tree (bin thresholds are training-only and dropped). */
export interface TreeJSON {
  feature: number[];
  threshold: (number | string)[];
  missingLeft: number[];
  left: number[];
  right: number[];
  width: number;
  values: (number | string)[];
}

/** Plain-JSON form of a tree. */
export function treeToJSON(t: Tree): TreeJSON {
  return {
    feature: Array.from(t.feature),
    threshold: encodeFloats(t.threshold),
    missingLeft: Array.from(t.missingLeft),
    left: Array.from(t.left),
    right: Array.from(t.right),
    width: t.width,
    values: encodeFloats(t.values),
  };
}

/** Restores and validates a tree for a model with `nFeatures` inputs; throws E_MODEL_FILE. */
export function treeFromJSON(model: string, path: string, j: unknown, nFeatures: number): Tree {
  if (j === null || typeof j !== 'object') modelFileError(model, path, j, 'a tree object');
  const o = j as Record<string, unknown>;
  const feature = decodeInts(model, `${path}.feature`, o.feature);
  const threshold = decodeFloats(model, `${path}.threshold`, o.threshold, true);
  const missingLeft = Uint8Array.from(decodeInts(model, `${path}.missingLeft`, o.missingLeft));
  const left = decodeInts(model, `${path}.left`, o.left);
  const right = decodeInts(model, `${path}.right`, o.right);
  const width = o.width;
  if (typeof width !== 'number' || !Number.isInteger(width) || width < 1) modelFileError(model, `${path}.width`, width, 'a positive integer');
  const values = decodeFloats(model, `${path}.values`, o.values);
  const m = feature.length;
  const nLeaves = values.length / width;
  if (!Number.isInteger(nLeaves) || nLeaves !== m + 1) modelFileError(model, `${path}.values`, values.length, `${(m + 1) * width} values`);
  for (const [name, arr] of [['threshold', threshold], ['missingLeft', missingLeft], ['left', left], ['right', right]] as const) {
    if (arr.length !== m) modelFileError(model, `${path}.${name}`, arr.length, `${m} entries`);
  }
  for (let i = 0; i < m; i++) {
    if (feature[i]! < 0 || feature[i]! >= nFeatures) modelFileError(model, `${path}.feature[${i}]`, feature[i], `a column in 0..${nFeatures - 1}`);
    // Children must point forward or to a leaf so that prediction always terminates.
    for (const c of [left[i]!, right[i]!]) {
      if (c >= 0 ? c <= i || c >= m : ~c >= nLeaves) modelFileError(model, `${path} node ${i}`, c, 'a valid child link');
    }
  }
  return { feature, threshold, binThreshold: new Uint8Array(m), missingLeft, left, right, width, values };
}
