/**
 * `ml_random_forest`: ml-random-forest's bagged CART trees. Note that this library samples the
 * feature subset once per tree (not per split as scikit-learn does), so `max_features` < 1 gives
 * weaker but more diverse trees. Trained trees are converted to flat trees for prediction.
 */
import rf from 'ml-random-forest';
import type { ModelSpec } from './estimator.js';
import { intSeed, toRows } from './common.js';
import { cartOptions, throwIfAborted } from './decision-tree.js';
import { familySpec } from './descriptor.js';
import { flattenCartTree } from './flat-tree.js';
import { bool, float, int } from './hyperparams.js';
import { treeEnsembleFamily } from './tree-ensemble.js';

const NAME = 'ml_random_forest';

/**
 * Hyperparameters of {@link mlRandomForest}; `max_depth` 0 means unlimited. The default of 50
 * trees (the library's, not scikit-learn's 100) because ml-cart's split search is quadratic in the
 * rows: 100 trees take seconds per fit on breast-cancer (bench/learners/adapters.ts).
 */
export const randomForestParams = {
  n_estimators: int({ min: 1, max: 5000, log: true, default: 50 }),
  max_features: float({ min: 0, max: 1, exclusiveMin: true, default: 1 }),
  max_depth: int({ min: 0, max: 200, log: true, default: 0 }),
  min_samples_split: int({ min: 2, max: 100_000, log: true, default: 2 }),
  bootstrap: bool({ default: true }),
};

/**
 * The fraction to hand ml-random-forest so that it keeps `count` columns: it floors
 * `cols * fraction`, and reads an integer 1 as "100%", so pass a fraction that floors correctly.
 */
function libraryFraction(maxFeatures: number, cols: number): number {
  const count = Math.max(1, Math.round(maxFeatures * cols));
  return count >= cols ? 1 : (count + 0.5) / cols;
}

interface ForestInternals {
  estimators: { root: unknown }[];
  indexes: number[][];
  train(X: number[][], y: number[]): void;
}

/** The `ml_random_forest` family: random forest from ml-random-forest. */
export const mlRandomForestFamily = treeEnsembleFamily({
  name: NAME,
  description: 'Random forest (ml-random-forest): bagged CART trees with per-tree feature subsets; robust default',
  tasks: ['classification', 'regression'],
  params: randomForestParams,
  preprocessing: { encoding: 'ordinal', scaler: 'none' },
  space: {
    comment:
      'ml_random_forest (classification and regression). ml-cart split search is O(n^2) per node, so forests are capped at 100 trees and depth at 32 to keep fits fast on 2 cores. Features are sampled once per tree, hence max_features starts at 0.3 rather than sqrt(d).',
    params: {
      n_estimators: { low: 10, high: 100 },
      max_features: { low: 0.3, high: 1.0 },
      max_depth: { low: 3, high: 32 },
      min_samples_split: { low: 2, high: 20 },
      bootstrap: { choices: [true, false] },
    },
  },
  train(X, y, params, ctx) {
    throwIfAborted(NAME, ctx);
    const Forest = ctx.task === 'classification' ? rf.RandomForestClassifier : rf.RandomForestRegression;
    const forest = new Forest({
      nEstimators: params.n_estimators,
      maxFeatures: libraryFraction(params.max_features, X.cols),
      replacement: false,
      useSampleBagging: params.bootstrap,
      noOOB: true,
      seed: intSeed(ctx.seed, NAME),
      treeOptions: cartOptions({ ...params, min_impurity_decrease: 0 }, ctx.task),
    }) as unknown as ForestInternals;
    forest.train(toRows(X), Array.from(y));
    throwIfAborted(NAME, ctx);
    const width = ctx.task === 'classification' ? ctx.nClasses : 1;
    return forest.estimators.map((est, i) => flattenCartTree(est.root, width, forest.indexes[i]));
  },
});

/** Registry entry of {@link mlRandomForestFamily}. */
export const mlRandomForest: ModelSpec = familySpec(mlRandomForestFamily);
