/**
 * A compact, array-based copy of a trained ml-cart tree. ml-cart is used for training only: its
 * nodes are converted here so that prediction walks typed arrays (no per-row JS arrays), class
 * probabilities come from leaf distributions padded to every class, and the model file is plain
 * numbers that `load` can validate without trusting library internals.
 */
import { modelFileError } from './common.js';
import type { MatrixData } from './estimator.js';

/** A binary tree in parallel arrays; node 0 is the root, `feature[i] < 0` marks a leaf. */
export interface FlatTree {
  /** Split column (in the caller's full feature space) or -1 for a leaf. */
  readonly feature: Int32Array;
  /** Rows with x[feature] < threshold go left. */
  readonly threshold: Float64Array;
  readonly left: Int32Array;
  readonly right: Int32Array;
  /** `width` values per node (meaningful at leaves): class distribution or one regression value. */
  readonly value: Float64Array;
  readonly width: number;
}

/** The fields of an ml-cart TreeNode that matter after training. */
interface CartNode {
  splitColumn?: number;
  splitValue?: number;
  left?: CartNode;
  right?: CartNode;
  distribution?: number | { to1DArray(): number[] };
}

/**
 * Converts a trained ml-cart root node. `width` is nClasses for classifiers and 1 for regression;
 * `columns` maps the tree's local column index to the full feature index (a random forest trains
 * each tree on a column subset).
 */
export function flattenCartTree(root: unknown, width: number, columns?: readonly number[]): FlatTree {
  const feature: number[] = [];
  const threshold: number[] = [];
  const left: number[] = [];
  const right: number[] = [];
  const value: number[] = [];
  // Iterative pre-order walk: deep unbalanced trees would overflow a recursive one.
  const stack: { node: CartNode; slot: number }[] = [];
  const alloc = (): number => {
    feature.push(-1);
    threshold.push(0);
    left.push(-1);
    right.push(-1);
    for (let k = 0; k < width; k++) value.push(0);
    return feature.length - 1;
  };
  stack.push({ node: root as CartNode, slot: alloc() });
  while (stack.length > 0) {
    const { node, slot } = stack.pop()!;
    if (node.left && node.right && node.splitColumn !== undefined && node.splitValue !== undefined) {
      feature[slot] = columns ? columns[node.splitColumn]! : node.splitColumn;
      threshold[slot] = node.splitValue;
      const l = alloc();
      const r = alloc();
      left[slot] = l;
      right[slot] = r;
      stack.push({ node: node.right, slot: r }, { node: node.left, slot: l });
    } else {
      const dist = node.distribution;
      if (typeof dist === 'number') value[slot * width] = dist;
      else if (dist && typeof dist.to1DArray === 'function') {
        // ml-cart sizes a leaf's distribution by the largest label in that leaf; pad to `width`.
        const arr = dist.to1DArray();
        for (let k = 0; k < Math.min(arr.length, width); k++) value[slot * width + k] = arr[k]!;
      }
    }
  }
  return {
    feature: Int32Array.from(feature),
    threshold: Float64Array.from(threshold),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    value: Float64Array.from(value),
    width,
  };
}

/** Index of the leaf that row `row` of a row-major matrix with `cols` columns falls into. */
export function leafOf(t: FlatTree, data: MatrixData, row: number, cols: number): number {
  let n = 0;
  const o = row * cols;
  while (t.feature[n]! >= 0) n = data[o + t.feature[n]!]! < t.threshold[n]! ? t.left[n]! : t.right[n]!;
  return n;
}

/** Plain-JSON form of a flat tree. */
export function flatTreeToJSON(t: FlatTree): Record<string, unknown> {
  return {
    feature: Array.from(t.feature),
    threshold: Array.from(t.threshold),
    left: Array.from(t.left),
    right: Array.from(t.right),
    value: Array.from(t.value),
  };
}

const TREE_KEYS: readonly string[] = ['feature', 'threshold', 'left', 'right', 'value'];

function numbers(model: string, o: Record<string, unknown>, key: string, length: number | undefined, int: boolean, path: string): number[] {
  const v = o[key];
  if (!Array.isArray(v) || (length !== undefined && v.length !== length)) throw modelFileError(model, `tree field "${key}" must be an array of numbers of the right length`, undefined, `${path}.${key}`);
  // Integers must be safe 32-bit values: 2**32 + 1 would wrap to 1 in the Int32Array.
  for (const x of v) if (typeof x !== 'number' || !Number.isFinite(x) || (int && (!Number.isInteger(x) || x < -1 || x > 0x7fffffff))) throw modelFileError(model, `tree field "${key}" holds a bad value ${String(x)}`, x, `${path}.${key}`);
  return v as number[];
}

/**
 * Validates and restores a flat tree from JSON: every split column is within `nFeatures`, every
 * child index points forward (so the walk cannot loop) and inside the tree.
 * @throws AutomlError('E_MODEL_FILE').
 */
export function flatTreeFromJSON(model: string, raw: unknown, width: number, nFeatures: number, path = 'state.trees'): FlatTree {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw modelFileError(model, 'a tree must be an object', undefined, path);
  const o = raw as Record<string, unknown>;
  for (const k of Object.keys(o)) if (!TREE_KEYS.includes(k)) throw modelFileError(model, `unknown tree field ${JSON.stringify(k)} (a tree holds ${TREE_KEYS.join(', ')})`, k, `${path}.${k}`);
  const feature = numbers(model, o, 'feature', undefined, true, path);
  const n = feature.length;
  if (n === 0) throw modelFileError(model, 'a tree has no nodes');
  const threshold = numbers(model, o, 'threshold', n, false, path);
  const left = numbers(model, o, 'left', n, true, path);
  const right = numbers(model, o, 'right', n, true, path);
  const value = numbers(model, o, 'value', n * width, false, path);
  for (let i = 0; i < n; i++) {
    if (feature[i]! >= nFeatures) throw modelFileError(model, `tree node ${i} splits on column ${feature[i]} but the model has ${nFeatures}`);
    if (feature[i]! >= 0 && !(left[i]! > i && left[i]! < n && right[i]! > i && right[i]! < n)) {
      throw modelFileError(model, `tree node ${i} has invalid children ${left[i]}, ${right[i]}`);
    }
  }
  return {
    feature: Int32Array.from(feature),
    threshold: Float64Array.from(threshold),
    left: Int32Array.from(left),
    right: Int32Array.from(right),
    value: Float64Array.from(value),
    width,
  };
}
