/**
 * `decision_tree`: a CART tree trained by ml-cart (gini for classification, squared error for
 * regression), predicted through the flat-tree walker in ./flat-tree.ts.
 */
import cart from 'ml-cart';
import { Matrix as MlMatrix } from 'ml-matrix';
import { AutomlError } from '../util/errors.js';
import type { ModelContext, ModelSpec } from './estimator.js';
import { toRows } from './common.js';
import { familySpec } from './descriptor.js';
import { flattenCartTree } from './flat-tree.js';
import { float, int } from './hyperparams.js';
import { treeEnsembleFamily } from './tree-ensemble.js';

/**
 * Hyperparameters of {@link decisionTree}. `max_depth` 0 means unlimited (scikit-learn's None).
 * `min_impurity_decrease` is the minimum gini gain of a split (classification only; ml-cart has
 * no equivalent threshold for regression).
 */
export const decisionTreeParams = {
  max_depth: int({ min: 0, max: 200, log: true, default: 0 }),
  min_samples_split: int({ min: 2, max: 100_000, log: true, default: 2 }),
  min_impurity_decrease: float({ min: 0, max: 1, default: 0, task: 'classification' }),
};

/** Throws E_ABORTED when the fit's signal has fired. */
export function throwIfAborted(model: string, ctx: ModelContext): void {
  if (ctx.signal?.aborted) throw new AutomlError('E_ABORTED', `model "${model}": fit aborted`, { model });
}

/**
 * ml-cart options from our params; ml-cart makes a leaf when a node has <= minNumSamples rows.
 * For regression ml-cart compares the children's squared error (not a gain) with gainThreshold
 * and requires it to be greater, so a perfect split (error 0) would be refused at threshold 0;
 * -1 lets every split through.
 */
export function cartOptions(p: Record<string, unknown>, task: string): Record<string, unknown> {
  const depth = p['max_depth'] as number;
  return {
    maxDepth: depth === 0 ? Infinity : depth,
    minNumSamples: (p['min_samples_split'] as number) - 1,
    gainThreshold: task === 'classification' ? ((p['min_impurity_decrease'] as number | undefined) ?? 0) : -1,
  };
}

/** The `decision_tree` family: a CART decision tree. */
export const decisionTreeFamily = treeEnsembleFamily({
  name: 'decision_tree',
  description: 'CART decision tree (ml-cart): interpretable, no scaling needed, prone to overfit without max_depth',
  tasks: ['classification', 'regression'],
  params: decisionTreeParams,
  // Splits compare one column with a threshold: codes are enough and scaling changes nothing.
  preprocessing: { encoding: 'ordinal', scaler: 'none' },
  space: {
    comment: 'decision_tree (classification and regression). min_impurity_decrease only applies to classification.',
    params: { max_depth: { low: 2, high: 32 }, min_samples_split: { low: 2, high: 40 }, min_impurity_decrease: { low: 0.0, high: 0.02 } },
  },
  train(X, y, params, ctx) {
    throwIfAborted('decision_tree', ctx);
    const Tree = ctx.task === 'classification' ? cart.DecisionTreeClassifier : cart.DecisionTreeRegression;
    const options = cartOptions(params, ctx.task);
    const tree = new Tree(options);
    const rows = toRows(X);
    const labels = Array.from(y);
    tree.train(rows, labels);
    const root = tree.root as { left?: unknown; train(X: MlMatrix, y: number[], depth: number, parentGain: null): void };
    if (ctx.task === 'regression' && root.left === undefined) {
      // ml-cart's regression tree starts the root with parent error 0 and refuses a split whose
      // error equals the parent's, so a perfect root split (error 0) is lost. Retrain the root with
      // no parent error, as its classifier does.
      const Node = root.constructor as new (o: unknown) => typeof root;
      const fresh = new Node({ ...options, kind: 'regression', gainFunction: 'regression', splitFunction: 'mean' });
      fresh.train(new MlMatrix(rows), labels, 0, null);
      tree.root = fresh;
    }
    return [flattenCartTree(tree.root, ctx.task === 'classification' ? ctx.nClasses : 1)];
  },
});

/** Registry entry of {@link decisionTreeFamily}. */
export const decisionTree: ModelSpec = familySpec(decisionTreeFamily);
