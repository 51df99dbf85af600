/**
 * Random forest (`random_forest`) and extra trees (`extra_trees`) on the binned machinery of the
 * boosting learner: bootstrap (or all rows), a random feature subset per node, best threshold
 * (forest) or one random threshold per feature (extra trees); probabilities are the mean of the
 * trees' leaf class distributions, regression the mean of leaf means.
 */
import type { Estimator, EstimatorJSON, Matrix, ModelContext, ModelSpec, Task } from '../estimator.js';
import { rowClassWeights } from '../common.js';
import { defineFamily, familySpec } from '../descriptor.js';
import type { FamilySpace } from '../descriptor.js';
import { bool, categorical, float, int, resolveParams } from '../hyperparams.js';
import type { ParamsOf } from '../hyperparams.js';
import { createRng, deriveSeed } from '../../util/rng.js';
import { MAX_BINS, binMatrix, fitCuts, identity } from './binning.js';
import { argmaxRows, checkAbort, checkFit, checkPredict, modelFileError, notFitted, openJSON, stateNum, loadParams } from './common.js';
import { ExtraTreeGrower } from './extra-grower.js';
import { ForestGrower, type Criterion } from './forest-grower.js';
import { addTreePredictions, treeFromJSON, treeToJSON, type Tree } from './tree.js';

const VERSION = 1;

/** Hyperparameters of a {@link Forest}; only the default of `bootstrap` differs between the two families. */
export function forestDecls(bootstrapDefault: boolean) {
  return {
    /** Trees. */
    n_estimators: int({ min: 1, max: 10_000, log: true, default: 100 }),
    /** Split criterion for classification; regression always uses squared error. */
    criterion: categorical({ choices: ['gini', 'entropy'], default: 'gini', task: 'classification' }),
    /**
     * Fraction of features tried per node, in (0, 1]; 0 (the default) means sqrt(p)/p for
     * classification and 1 for regression, as in scikit-learn.
     */
    max_features: float({ min: 0, max: 1, default: 0 }),
    /** Maximum depth; 0 means unlimited. */
    max_depth: int({ min: 0, default: 0 }),
    /** Minimum rows per leaf. */
    min_samples_leaf: int({ min: 1, log: true, default: 1 }),
    /** Draw each tree's rows with replacement: by default for random_forest, not for extra_trees. */
    bootstrap: bool({ default: bootstrapDefault }),
    /** Bins per feature. */
    max_bins: int({ min: 2, max: MAX_BINS, default: MAX_BINS }),
  };
}

/** Validated hyperparameters of a {@link Forest}. */
export type ForestParams = ParamsOf<ReturnType<typeof forestDecls>>;

const RANDOM_FOREST_DECLS = forestDecls(true);
const EXTRA_TREES_DECLS = forestDecls(false);

function forestParams(name: 'random_forest' | 'extra_trees', params: Record<string, unknown>): ForestParams {
  return resolveParams(name, name === 'random_forest' ? RANDOM_FOREST_DECLS : EXTRA_TREES_DECLS, params);
}

/** Random forest or extra trees, depending on `random`. */
export class Forest implements Estimator {
  private fitted: { p: number; trees: Tree[] } | null = null;

  constructor(
    readonly name: 'random_forest' | 'extra_trees',
    readonly params: ForestParams,
    readonly task: Task,
    readonly nClasses: number,
    private readonly seed: number,
    private readonly signal?: AbortSignal,
    private readonly classWeight?: ModelContext['classWeight'],
  ) {
    if (task === 'classification') this.predictProba = (X: Matrix): Matrix => ({ rows: X.rows, cols: nClasses, data: this.average(X) });
  }

  fit(X: Matrix, y: Float64Array): void {
    const name = this.name;
    checkFit(name, X, y, { task: this.task, nClasses: this.nClasses, seed: this.seed }, true);
    this.fitted = null;
    const P = this.params;
    const cls = this.task === 'classification';
    const { rows: n, cols: p } = X;
    const rng = createRng(deriveSeed(this.seed, name));
    const cuts = fitCuts(X, null, P.max_bins, rng);
    const bins = binMatrix(X, null, cuts);
    const frac = P.max_features > 0 ? P.max_features : cls ? Math.sqrt(p) / p : 1;
    const mtry = Math.min(p, Math.max(1, Math.round(frac * p)));
    const criterion: Criterion = cls ? P.criterion : 'squared_error';
    const data = { bins, n, p, cuts, labels: cls ? Int32Array.from(y) : null, y: cls ? null : y, K: cls ? this.nClasses : 0 };
    const treeOpt = { criterion, mtry, maxDepth: P.max_depth === 0 ? Infinity : P.max_depth, minSamplesLeaf: P.min_samples_leaf };
    const grower = name === 'extra_trees' ? new ExtraTreeGrower(data, treeOpt) : new ForestGrower(data, treeOpt);
    const w = new Float64Array(n);
    // Balanced class weights scale each row's bootstrap count (or its unit weight).
    const cw = cls ? rowClassWeights(y, this.nClasses, this.classWeight) : null;
    const all = identity(n);
    const idx = new Uint32Array(n);
    const trees: Tree[] = [];
    for (let t = 0; t < P.n_estimators; t++) {
      checkAbort(name, this.signal);
      // Each tree has its own stream, so tree t does not depend on what earlier trees drew.
      const trng = createRng(deriveSeed(this.seed, name, 'tree', t));
      let rows: Uint32Array;
      if (P.bootstrap) {
        w.fill(0);
        for (let i = 0; i < n; i++) w[Math.floor(trng.next() * n)]!++;
        let m = 0;
        for (let i = 0; i < n; i++) if (w[i]! > 0) idx[m++] = i;
        rows = idx.subarray(0, m);
      } else {
        w.fill(1);
        idx.set(all);
        rows = idx;
      }
      if (cw) for (let i = 0; i < n; i++) w[i]! *= cw[i]!;
      trees.push(grower.grow(rows, w, trng));
    }
    this.fitted = { p, trees };
  }

  /** Mean of the trees' leaf values: class distributions (rows x nClasses) or means (rows x 1). */
  private average(X: Matrix): Float64Array {
    const f = this.fitted ?? notFitted(this.name);
    checkPredict(this.name, X, f.p);
    const width = this.task === 'classification' ? this.nClasses : 1;
    const out = new Float64Array(X.rows * width);
    const inv = 1 / f.trees.length;
    for (const t of f.trees) addTreePredictions(t, X, out, width, 0, inv);
    return out;
  }

  predict(X: Matrix): Float64Array {
    const a = this.average(X);
    return this.task === 'classification' ? argmaxRows(a, this.nClasses) : a;
  }

  /** Class probabilities (rows x nClasses); present only on classifiers, as the contract asks. */
  readonly predictProba?: (X: Matrix) => Matrix;

  toJSON(): EstimatorJSON {
    const f = this.fitted ?? notFitted(this.name);
    return {
      model: this.name,
      version: VERSION,
      params: { ...this.params },
      state: { task: this.task, nClasses: this.nClasses, seed: this.seed, p: f.p, trees: f.trees.map(treeToJSON) },
    };
  }

  /** Restores from {@link Forest.toJSON} output. */
  static load(name: 'random_forest' | 'extra_trees', json: EstimatorJSON): Forest {
    const s = openJSON(name, VERSION, json);
    const task = s.task;
    if (task !== 'classification' && task !== 'regression') modelFileError(name, 'state.task', task, '"classification" or "regression"');
    const nClasses = stateNum(name, s, 'nClasses', true);
    const m = new Forest(name, loadParams(name, (q) => forestParams(name, q), json.params), task, nClasses, stateNum(name, s, 'seed'));
    const p = stateNum(name, s, 'p', true);
    if (!Array.isArray(s.trees) || s.trees.length === 0) modelFileError(name, 'state.trees', s.trees, 'a non-empty array of trees');
    const width = task === 'classification' ? nClasses : 1;
    const trees = s.trees.map((t, i) => {
      const tree = treeFromJSON(name, `state.trees[${i}]`, t, p);
      if (tree.width !== width) modelFileError(name, `state.trees[${i}].width`, tree.width, String(width));
      // A classification leaf is a class distribution: values in [0, 1] summing to 1, or the averaged probabilities are not.
      if (task === 'classification') {
        for (let o = 0; o < tree.values.length; o += width) {
          let sum = 0;
          for (let c = 0; c < width; c++) {
            const v = tree.values[o + c]!;
            if (!(v >= 0 && v <= 1)) modelFileError(name, `state.trees[${i}].values[${o + c}]`, v, 'a class probability in [0, 1]');
            sum += v;
          }
          if (Math.abs(sum - 1) > 1e-6) modelFileError(name, `state.trees[${i}].values[${o}]`, sum, 'a leaf distribution summing to 1');
        }
      }
      return tree;
    });
    m.fitted = { p, trees };
    return m;
  }
}

/**
 * The feature fraction a forest's warm start tries: the square-root rule for classification
 * (clamped to the searched 0.1..1), every feature for regression.
 */
function warmFeatures(task: Task, nFeatures: number): number {
  if (task !== 'classification') return 1;
  const p = Math.max(1, nFeatures);
  return Math.round(Math.min(1, Math.max(0.1, Math.sqrt(p) / p)) * 1000) / 1000;
}

/** The default space of both forests; only the comment differs. */
function forestSpace(comment: string): FamilySpace<typeof RANDOM_FOREST_DECLS> {
  return {
    comment,
    params: { n_estimators: { low: 20, high: 300 }, max_features: { low: 0.1, high: 1.0 }, min_samples_leaf: { low: 1, high: 20 }, criterion: {} },
  };
}

/** The `random_forest` family: bootstrap rows, best split over a random feature subset. */
export const randomForestFamily = defineFamily({
  name: 'random_forest',
  description: 'Random forest on binned features (bootstrap, best split over a random feature subset)',
  tasks: ['classification', 'regression'],
  handlesMissing: true,
  classWeights: true,
  params: RANDOM_FOREST_DECLS,
  preprocessing: { encoding: 'ordinal', scaler: 'none' },
  space: forestSpace(
    'random_forest (classification and regression; native binned forest). max_features is the fraction of columns tried per node; criterion only affects classification.',
  ),
  searchRank: 2,
  warmStart: { rank: 6, params: (task, nFeatures) => ({ max_features: warmFeatures(task, nFeatures) }) },
  create: (params, ctx) => new Forest('random_forest', params, ctx.task, ctx.nClasses, ctx.seed, ctx.signal, ctx.classWeight),
  load: (json) => Forest.load('random_forest', json),
});

/** The `extra_trees` family: all rows, one random threshold per feature. */
export const extraTreesFamily = defineFamily({
  name: 'extra_trees',
  description: 'Extremely randomised trees on binned features (one random threshold per feature)',
  tasks: ['classification', 'regression'],
  handlesMissing: true,
  classWeights: true,
  params: EXTRA_TREES_DECLS,
  preprocessing: { encoding: 'ordinal', scaler: 'none' },
  space: forestSpace(
    'extra_trees (classification and regression; native binned extremely randomised trees). max_features is the fraction of columns tried per node; criterion only affects classification.',
  ),
  searchRank: 3,
  warmStart: { rank: 5, params: (task, nFeatures) => ({ max_features: warmFeatures(task, nFeatures) }) },
  create: (params, ctx) => new Forest('extra_trees', params, ctx.task, ctx.nClasses, ctx.seed, ctx.signal, ctx.classWeight),
  load: (json) => Forest.load('extra_trees', json),
});

/** Registry entry for random forests. */
export const randomForestSpec: ModelSpec = familySpec(randomForestFamily);

/** Registry entry for extra trees. */
export const extraTreesSpec: ModelSpec = familySpec(extraTreesFamily);
