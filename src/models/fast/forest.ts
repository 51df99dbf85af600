/**
 * Random forest (`random_forest`) and extra trees (`extra_trees`) on the binned machinery of the
 * boosting learner: bootstrap (or all rows), a random feature subset per node, best threshold
 * (forest) or one random threshold per feature (extra trees); probabilities are the mean of the
 * trees' leaf class distributions, regression the mean of leaf means.
 */
import type { Estimator, EstimatorJSON, Matrix, ModelContext, ModelSpec, Task } from '../estimator.js';
import { createRng, deriveSeed } from '../../util/rng.js';
import { MAX_BINS, binMatrix, fitCuts, identity } from './binning.js';
import { argmaxRows, checkAbort, checkFit, checkPredict, modelFileError, notFitted, openJSON, stateNum, loadParams } from './common.js';
import { ExtraTreeGrower } from './extra-grower.js';
import { ForestGrower, type Criterion } from './forest-grower.js';
import { boolParam, choiceParam, numParam, rejectUnknown } from './params.js';
import { addTreePredictions, treeFromJSON, treeToJSON, type Tree } from './tree.js';

const VERSION = 1;
const KNOWN = ['n_estimators', 'criterion', 'max_features', 'max_depth', 'min_samples_leaf', 'bootstrap', 'max_bins'] as const;

/** Validated hyperparameters of a {@link Forest}. */
export interface ForestParams {
  /** Trees. Default 100. */
  readonly n_estimators: number;
  /** 'gini' or 'entropy' for classification; regression always uses squared error. Default 'gini'. */
  readonly criterion: 'gini' | 'entropy';
  /**
   * Fraction of features tried per node, in (0, 1]; 0 (the default) means sqrt(p)/p for
   * classification and 1 for regression, as in scikit-learn.
   */
  readonly max_features: number;
  /** Maximum depth; 0 means unlimited. Default 0. */
  readonly max_depth: number;
  /** Minimum rows per leaf. Default 1. */
  readonly min_samples_leaf: number;
  /** Draw each tree's rows with replacement. Default true for random_forest, false for extra_trees. */
  readonly bootstrap: boolean;
  /** Bins per feature, 2..255. Default 255. */
  readonly max_bins: number;
}

function forestParams(name: string, params: Record<string, unknown>, bootstrapDefault: boolean): ForestParams {
  rejectUnknown(name, params, KNOWN);
  return {
    n_estimators: numParam(name, params, 'n_estimators', 100, { min: 1, int: true }),
    criterion: choiceParam(name, params, 'criterion', 'gini', ['gini', 'entropy']),
    max_features: numParam(name, params, 'max_features', 0, { min: 0, max: 1 }),
    max_depth: numParam(name, params, 'max_depth', 0, { min: 0, int: true }),
    min_samples_leaf: numParam(name, params, 'min_samples_leaf', 1, { min: 1, int: true }),
    bootstrap: boolParam(name, params, 'bootstrap', bootstrapDefault),
    max_bins: numParam(name, params, 'max_bins', MAX_BINS, { min: 2, max: MAX_BINS, int: true }),
  };
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
    const m = new Forest(name, loadParams(name, (q) => forestParams(name, q, name === 'random_forest'), json.params), task, nClasses, stateNum(name, s, 'seed'));
    const p = stateNum(name, s, 'p', true);
    if (!Array.isArray(s.trees) || s.trees.length === 0) modelFileError(name, 'state.trees', s.trees, 'a non-empty array of trees');
    const width = task === 'classification' ? nClasses : 1;
    const trees = s.trees.map((t, i) => {
      const tree = treeFromJSON(name, `state.trees[${i}]`, t, p);
      if (tree.width !== width) modelFileError(name, `state.trees[${i}].width`, tree.width, String(width));
      return tree;
    });
    m.fitted = { p, trees };
    return m;
  }
}

function forestSpec(name: 'random_forest' | 'extra_trees', description: string, bootstrapDefault: boolean): ModelSpec {
  return {
    name,
    description,
    tasks: ['classification', 'regression'],
    handlesMissing: true,
    create(params: Record<string, unknown>, ctx: ModelContext): Estimator {
      return new Forest(name, forestParams(name, params, bootstrapDefault), ctx.task, ctx.nClasses, ctx.seed, ctx.signal);
    },
    load: (json) => Forest.load(name, json),
  };
}

/** Registry entry for random forests. */
export const randomForestSpec: ModelSpec = forestSpec('random_forest', 'Random forest on binned features (bootstrap, best split over a random feature subset)', true);

/** Registry entry for extra trees. */
export const extraTreesSpec: ModelSpec = forestSpec('extra_trees', 'Extremely randomised trees on binned features (one random threshold per feature)', false);
