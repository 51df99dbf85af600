/**
 * An estimator made of flat trees whose leaf values are averaged: one tree for `decision_tree`,
 * many for `ml_random_forest`. Each model supplies its descriptor and its training function;
 * prediction, probabilities and the model file are shared here.
 */
import type { Estimator, EstimatorJSON, Matrix, ModelContext } from './estimator.js';
import { matrix } from './estimator.js';
import { argmaxRows, checkFitInput, checkPredictInput, modelFileError, openEnvelope, readNumber, readParams, readTask } from './common.js';
import type { ModelFamily } from './descriptor.js';
import { flatTreeFromJSON, flatTreeToJSON, leafOf } from './flat-tree.js';
import type { FlatTree } from './flat-tree.js';
import type { ParamDecls, ParamsOf, ResolvedParams } from './hyperparams.js';

const VERSION = 1;

/** Trains the trees of an ensemble; X and y are already validated. */
export type TreeTrainer<P> = (X: Matrix, y: Float64Array, params: P, ctx: ModelContext) => FlatTree[];

/**
 * What a tree model declares to get a full family from {@link treeEnsembleFamily}: the whole
 * descriptor but `create` and `load`, plus its training function.
 */
export interface TreeModelDef<D extends ParamDecls> extends Omit<ModelFamily<D>, 'create' | 'load'> {
  readonly train: TreeTrainer<ParamsOf<D>>;
}

/** The part of a definition the estimator needs; params are stored as they came. */
interface TreeTrainerDef {
  readonly name: string;
  readonly train: TreeTrainer<ResolvedParams>;
}

class TreeEnsemble implements Estimator {
  private trees?: FlatTree[];
  private nFeatures?: number;
  /** Present for classification models only, as the Estimator contract asks. */
  readonly predictProba?: (X: Matrix) => Matrix;

  constructor(
    private readonly def: TreeTrainerDef,
    private readonly params: ResolvedParams,
    private readonly ctx: ModelContext,
  ) {
    if (ctx.task === 'classification') this.predictProba = (X) => this.proba(X);
  }

  get name(): string {
    return this.def.name;
  }

  fit(X: Matrix, y: Float64Array): void {
    checkFitInput(this.def.name, X, y, this.ctx);
    this.trees = undefined;
    const trees = this.def.train(X, y, this.params, this.ctx);
    this.trees = trees;
    this.nFeatures = X.cols;
  }

  /** Mean of the trees' leaf distributions (soft voting, as scikit-learn's forests do). */
  private proba(X: Matrix): Matrix {
    checkPredictInput(this.def.name, X, this.nFeatures);
    const k = this.ctx.nClasses;
    const out = matrix(X.rows, k);
    for (const t of this.trees!) {
      for (let i = 0; i < X.rows; i++) {
        const leaf = leafOf(t, X.data, i, X.cols);
        for (let c = 0; c < k; c++) out.data[i * k + c]! += t.value[leaf * k + c]!;
      }
    }
    for (let i = 0; i < X.rows; i++) {
      let s = 0;
      for (let c = 0; c < k; c++) s += out.data[i * k + c]!;
      for (let c = 0; c < k; c++) out.data[i * k + c] = s > 0 ? out.data[i * k + c]! / s : 1 / k;
    }
    return out;
  }

  predict(X: Matrix): Float64Array {
    checkPredictInput(this.def.name, X, this.nFeatures);
    if (this.ctx.task === 'classification') return argmaxRows(this.proba(X));
    const out = new Float64Array(X.rows);
    for (const t of this.trees!) for (let i = 0; i < X.rows; i++) out[i]! += t.value[leafOf(t, X.data, i, X.cols)]!;
    const n = this.trees!.length;
    for (let i = 0; i < X.rows; i++) out[i]! /= n;
    return out;
  }

  toJSON(): EstimatorJSON {
    if (!this.trees) throw modelFileError(this.def.name, 'cannot serialise an unfitted model');
    return {
      model: this.def.name,
      version: VERSION,
      params: { ...this.params },
      state: {
        task: this.ctx.task,
        nClasses: this.ctx.nClasses,
        nFeatures: this.nFeatures,
        trees: this.trees.map(flatTreeToJSON),
      },
    };
  }

  /** Restores fitted trees (used by `load`). */
  setTrees(trees: FlatTree[], nFeatures: number): void {
    this.trees = trees;
    this.nFeatures = nFeatures;
  }
}

/** Builds the family of a tree model from its definition. */
export function treeEnsembleFamily<const D extends ParamDecls>(def: TreeModelDef<D>): ModelFamily<D> {
  const { train, ...descriptor } = def;
  const trainer = { name: def.name, train: train as unknown as TreeTrainer<ResolvedParams> };
  return {
    ...descriptor,
    create(params: ParamsOf<D>, ctx: ModelContext): Estimator {
      return new TreeEnsemble(trainer, params as ResolvedParams, ctx);
    },
    load(json: EstimatorJSON): Estimator {
      const { params, state } = openEnvelope(json, def.name, VERSION);
      const resolved = readParams(def.name, def.params, params) as ResolvedParams;
      const task = readTask(def.name, state, def.tasks);
      const nClasses = readNumber(def.name, state, 'nClasses', { int: true, min: task === 'classification' ? 2 : 0 });
      const nFeatures = readNumber(def.name, state, 'nFeatures', { int: true, min: 1 });
      const raw = state['trees'];
      if (!Array.isArray(raw) || raw.length === 0) throw modelFileError(def.name, 'state.trees must be a non-empty array');
      const width = task === 'classification' ? nClasses : 1;
      const trees = raw.map((t, i) => flatTreeFromJSON(def.name, t, width, nFeatures, `state.trees[${i}]`));
      // Leaf class distributions are averaged then normalised: a negative weight would make a negative probability.
      if (task === 'classification') {
        trees.forEach((t, i) => {
          const j = t.value.findIndex((v) => v < 0);
          if (j >= 0) throw modelFileError(def.name, `state.trees[${i}].value[${j}] = ${t.value[j]} is negative`, t.value[j], `state.trees[${i}].value[${j}]`);
        });
      }
      const est = new TreeEnsemble(trainer, resolved, { task, nClasses, seed: 0 });
      est.setTrees(trees, nFeatures);
      return est;
    },
  };
}
