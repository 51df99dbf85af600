/**
 * The full pipeline a trial trains in each fold: preprocessing, then an optional feature-selection
 * step (`config.select`), then a model. Fitting uses only the given training rows. A fitted
 * pipeline reports the columns selection kept, both as preprocessed names and as source columns,
 * and predicts from tables that hold only the source columns it needs.
 */
import type { ColumnSchema, Dataset, FeatureColumn, FeatureTable } from '../data/types.js';
import { MISSING_CODE } from '../data/types.js';
import type { Estimator, EstimatorJSON, Matrix, MatrixPrecision, ModelSpec, Task } from '../models/estimator.js';
import { matrix } from '../models/estimator.js';
import { AutomlError, messageOf, show } from '../util/errors.js';
import { deriveSeed } from '../util/rng.js';
import { normalQuantile } from '../numeric/normal-quantile.js';
import type { PreprocessConfig } from './config.js';
import type { Preprocessor, PreprocessorJSON } from './preprocessor.js';
import { fitPreprocessor, outputNamesOf } from './preprocessor.js';
import type { SelectConfig } from './selection/config.js';
import { resolveSelectConfig } from './selection/config.js';
import type { FeatureStep } from './feature-step.js';
import { createSelectionStep } from './selection/step.js';
import type { TargetTransformJSON, TargetTransformName } from './target-transform.js';
import { LogTargetTransform, resolveTargetTransform } from './target-transform.js';
import { BLOCK_CELLS, blockRanges, blockRows } from './blocks.js';

export type { FeatureStep } from './feature-step.js';

/** Model choice: the registry name in `type`, every other key a hyperparameter. */
export interface ModelConfig {
  readonly type: string;
  readonly [param: string]: unknown;
}

/**
 * What a trial fits: preprocessing choices (defaults for anything left out), an optional
 * feature-selection step (see `selection/config.ts`; absent or `{ type: 'none' }` keeps every
 * column) and a model.
 */
export interface PipelineConfig {
  readonly preprocess?: Partial<PreprocessConfig>;
  readonly select?: SelectConfig;
  /**
   * Regression only: fit the selection step and the model to a transform of the target (`log`:
   * the signed log(1 + |y|), see `target-transform.ts`), predictions mapped back. Default `none`.
   */
  readonly target_transform?: TargetTransformName;
  readonly model: ModelConfig;
}

/** Finds a model family by name; throws (ideally AutomlError E_MODEL) for an unknown name. */
export type ModelLookup = (name: string) => ModelSpec;

/** Run-time context of a fit. */
export interface PipelineFitContext {
  /** Seed for every random choice of the model. */
  readonly seed: number;
  readonly signal?: AbortSignal;
  /** Classification: weight training rows by class (`balanced`), in the models that can. */
  readonly classWeight?: 'balanced';
  /**
   * Storage of the matrices the model sees: `auto` (default) is float32 when the training matrix
   * holds at least {@link FLOAT32_MIN_CELLS} values, else float64. The choice is kept with the
   * fitted pipeline and used for every later transform, so predictions see what training saw.
   */
  readonly precision?: MatrixPrecision | 'auto';
  /**
   * The most training values (rows x preprocessed columns) a model that can fit from row blocks
   * (`Estimator.fitBlocks`, e.g. naive Bayes) is given at once: from this many it gets its matrix in
   * blocks of at most this many values (and at most 2^21), never whole. Default
   * {@link FLOAT32_MIN_CELLS}. A pipeline with a selection step always builds the whole matrix.
   */
  readonly blockCells?: number;
}

/**
 * From this many values (rows x preprocessed columns; 2^23, 64 MB at float64) a pipeline stores its
 * matrices at float32: half the memory of a large fit, at a precision (7 significant digits) no
 * learner here resolves. Smaller matrices stay float64, bit for bit as before.
 */
export const FLOAT32_MIN_CELLS = 2 ** 23;

/** Serialised fitted pipeline. */
export interface PipelineJSON {
  readonly format: 'automl.pipeline';
  /** 1, or 2 when the pipeline transforms its target (`targetTransform`). */
  readonly version: 1 | 2;
  readonly task: Task;
  readonly target: string;
  readonly classes: readonly string[] | null;
  readonly config: PipelineConfig;
  readonly preprocessor: PreprocessorJSON;
  readonly steps: readonly ReturnType<FeatureStep['toJSON']>[];
  readonly estimator: EstimatorJSON;
  /** The fitted target transform (version 2 only). */
  readonly targetTransform?: TargetTransformJSON;
  /** Present (`float32`) when the pipeline was trained on, and predicts from, float32 matrices. */
  readonly precision?: 'float32';
}

/** A fitted pipeline's parts (what `loadPipeline` restores). */
export interface FittedPipelineState {
  readonly task: Task;
  readonly target: string;
  readonly classes: readonly string[] | null;
  readonly config: PipelineConfig;
  readonly preprocessor: Preprocessor;
  readonly steps: readonly FeatureStep[];
  readonly estimator: Estimator;
  readonly targetTransform: LogTargetTransform | null;
  readonly precision: MatrixPrecision;
}

/**
 * Preprocessor + feature steps + estimator. Create with a model lookup, then `fit` (which forgets
 * any earlier fit) or restore with `loadPipeline`. Prediction methods take any table that
 * holds the {@link Pipeline.requiredColumns} by name (a dataset, or `readFeatureRows` output).
 */
export class Pipeline {
  private state: FittedPipelineState | undefined;

  constructor(private readonly lookupModel: ModelLookup) {}

  /**
   * Fits on `rows` of `dataset`: the preprocessor's statistics, the steps and the model all see
   * only those rows. Task and class count come from the dataset's target.
   * @throws AutomlError E_MODEL when the model does not support the task, E_PARAM for bad
   * hyperparameters, E_DATA for an empty row set.
   */
  async fit(dataset: Dataset, rows: Int32Array, config: PipelineConfig, ctx: PipelineFitContext): Promise<this> {
    this.state = undefined;
    const { type, ...params } = config.model;
    const spec = this.spec(type);
    const task = dataset.target.task;
    if (!spec.tasks.includes(task)) {
      throw new AutomlError('E_MODEL', `model ${show(type)} does not support ${task} (it supports ${spec.tasks.join(', ')}); choose another model`, {
        param: 'model.type',
        value: type,
      });
    }
    const select = resolveSelectConfig(config.select, task);
    const transformName = resolveTargetTransform(config.target_transform, task);
    const preprocessor = fitPreprocessor(dataset, rows, config.preprocess);
    let y: Float64Array = new Float64Array(rows.length);
    for (let i = 0; i < rows.length; i++) y[i] = dataset.target.values[rows[i]!]!;
    let targetTransform: LogTargetTransform | null = null;
    if (transformName === 'log') ({ transform: targetTransform, z: y } = LogTargetTransform.fit(y));
    const width = preprocessor.outputNames.length;
    const cells = rows.length * width;
    const precision: MatrixPrecision = ctx.precision && ctx.precision !== 'auto' ? ctx.precision : cells >= FLOAT32_MIN_CELLS ? 'float32' : 'float64';
    const nClasses = dataset.target.classes?.length ?? 0;
    const steps: FeatureStep[] = select ? [createSelectionStep(select, task, nClasses, deriveSeed(ctx.seed, 'select'))] : [];
    const estimator = spec.create(params, {
      task,
      nClasses,
      seed: ctx.seed,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      ...(ctx.classWeight && task === 'classification' ? { classWeight: ctx.classWeight } : {}),
    });
    const blockCells = ctx.blockCells ?? FLOAT32_MIN_CELLS;
    if (!(typeof blockCells === 'number' && Number.isFinite(blockCells) && blockCells >= 1)) {
      throw new AutomlError('E_PARAM', `blockCells must be a positive number of values per block (rows x preprocessed columns), got ${show(blockCells)}`, { param: 'blockCells', value: blockCells });
    }
    if (steps.length === 0 && estimator.fitBlocks && cells >= blockCells) {
      const blocks = blockRanges(rows.length, width, Math.min(blockCells, BLOCK_CELLS));
      let b = 0;
      const z = y;
      await estimator.fitBlocks(() => {
        ctx.signal?.throwIfAborted();
        if (b === blocks.length) return null;
        const [from, to] = blocks[b++]!;
        return { X: preprocessor.transform(dataset, rows.subarray(from, to), precision), y: z.subarray(from, to) };
      });
    } else {
      let X = preprocessor.transform(dataset, rows, precision);
      let names: readonly string[] = preprocessor.outputNames;
      for (const step of steps) {
        step.fit(X, y, names);
        names = step.outputNames(names);
        X = step.transform(X);
      }
      ctx.signal?.throwIfAborted();
      await estimator.fit(X, y);
    }
    this.state = {
      task,
      target: dataset.target.name,
      classes: dataset.target.classes ? [...dataset.target.classes] : null,
      config: structuredClone(config),
      preprocessor,
      steps,
      estimator,
      targetTransform,
      precision,
    };
    return this;
  }

  /** True once `fit` or `loadPipeline` has produced a usable pipeline. */
  get fitted(): boolean {
    return this.state !== undefined;
  }

  /** The task the pipeline was fitted for. */
  get task(): Task {
    return this.fittedState().task;
  }

  /** The model family's name (`config.model.type`), e.g. `gaussian_process`. */
  get modelName(): string {
    return this.fittedState().estimator.name;
  }

  /** True when the model has a predictive distribution ({@link predictStd}, {@link predictInterval}): a Gaussian process. */
  get hasPredictiveDistribution(): boolean {
    const s = this.fittedState();
    return s.task === 'regression' && typeof s.estimator.predictStd === 'function';
  }

  /** Class labels (classification); a prediction `k` means `classes[k]`. */
  get classes(): readonly string[] | null {
    return this.fittedState().classes;
  }

  /** The fitted preprocessor (its `inputSchema` is what `readFeatureRows` needs for new data). */
  get preprocessor(): Preprocessor {
    return this.fittedState().preprocessor;
  }

  /** Names of the columns the model sees. */
  get featureNames(): string[] {
    const s = this.fittedState();
    return s.steps.reduce<string[]>((names, step) => step.outputNames(names), [...s.preprocessor.outputNames]);
  }

  /** Names of the preprocessed columns the model uses, after selection (same as `featureNames`). */
  get keptFeatures(): string[] {
    return this.featureNames;
  }

  /**
   * Source columns (dataset column names, in dataset order) whose preprocessed outputs survive
   * selection: `color` when `color=red` is kept, `age` when only `age_missing` is. Without a
   * selection step this is every input column.
   */
  get keptColumns(): string[] {
    const s = this.fittedState();
    const used = this.usedOutputs(s);
    const sources = sourceOfOutputs(s.preprocessor);
    const keep = new Set<string>();
    for (const j of used) keep.add(sources[j]!);
    return s.preprocessor.inputColumns.filter((c) => keep.has(c));
  }

  /**
   * Columns a table must hold for prediction: preprocessing works column by column, so this is
   * {@link keptColumns}. Other input columns may be absent (their outputs are dropped anyway).
   */
  get requiredColumns(): string[] {
    return this.keptColumns;
  }

  /** The input schema restricted to {@link requiredColumns}: pass it to `readFeatureRows` for new data. */
  get requiredSchema(): ColumnSchema[] {
    const need = new Set(this.requiredColumns);
    return this.fittedState().preprocessor.inputSchema.filter((c) => need.has(c.name));
  }

  /**
   * The matrix the model sees for these rows (all rows when omitted). The table needs only the
   * {@link requiredColumns}; input columns the selection dropped may be absent.
   * @throws AutomlError E_PREDICT_COLUMNS naming every required column the table lacks.
   */
  transform(table: FeatureTable, rows?: Int32Array): Matrix {
    const s = this.fittedState();
    return s.steps.reduce((X, step) => step.transform(X), s.preprocessor.transform(this.completeTable(table), rows, s.precision));
  }

  /** Indices of the preprocessor outputs the model's columns come from (all, without narrowing steps). */
  private usedOutputs(s: FittedPipelineState): number[] {
    let cols: number[] = s.preprocessor.outputNames.map((_, j) => j);
    let used = cols;
    let known = true;
    for (const step of s.steps) {
      const u = step.inputsUsed?.();
      // After a step that mixes its inputs, later selections cannot be traced back to sources.
      if (!u) known = false;
      else if (known) {
        cols = u.map((j) => cols[j]!);
        used = cols;
      }
    }
    return used;
  }

  /**
   * `table` itself when it holds every input column; otherwise, when only columns the model does
   * not use are absent, a view that adds them as all-missing placeholders.
   */
  private completeTable(table: FeatureTable): FeatureTable {
    const s = this.fittedState();
    const present = new Set(table.features.map((f) => f.name));
    const absent = s.preprocessor.inputSchema.filter((c) => !present.has(c.name));
    if (absent.length === 0) return table;
    const required = new Set(this.requiredColumns);
    const needed = absent.filter((c) => required.has(c.name)).map((c) => c.name);
    if (needed.length > 0) {
      throw new AutomlError(
        'E_PREDICT_COLUMNS',
        `the data lacks column${needed.length > 1 ? 's' : ''} the model needs: ${needed.map((c) => show(c)).join(', ')} (it needs ${this.requiredColumns.length} of the ${s.preprocessor.inputColumns.length} training columns: ${this.requiredColumns.map((c) => show(c)).join(', ')}); add ${needed.length > 1 ? 'them' : 'it'} to the input`,
        { columns: needed },
      );
    }
    const filler = (c: ColumnSchema): FeatureColumn =>
      c.type === 'categorical' ? new Int32Array(table.nRows).fill(MISSING_CODE) : new Float64Array(table.nRows).fill(NaN);
    return { ...table, features: [...table.features, ...absent], columns: [...table.columns, ...absent.map(filler)] };
  }

  /**
   * One prediction per row: a class index (classification) or a value (regression). Large inputs
   * are transformed and predicted a block of rows at a time (see blocks.ts).
   */
  predict(table: FeatureTable, rows?: Int32Array): Float64Array {
    const s = this.fittedState();
    const blocks = this.blocksOf(table, rows);
    let pred: Float64Array;
    if (blocks.length <= 1) pred = s.estimator.predict(this.transform(table, rows));
    else {
      const full = this.completeTable(table);
      pred = new Float64Array(rows?.length ?? table.nRows);
      for (const [a, b] of blocks) pred.set(s.estimator.predict(this.transform(full, blockRows(rows, a, b))), a);
    }
    return s.targetTransform ? s.targetTransform.inverse(pred) : pred;
  }

  /** Row blocks for predicting `rows` of `table` (one block unless the matrix would be large). */
  private blocksOf(table: FeatureTable, rows: Int32Array | undefined): [number, number][] {
    const n = rows?.length ?? table.nRows;
    const width = this.fittedState().preprocessor.outputNames.length;
    return n * width > 2 * BLOCK_CELLS ? blockRanges(n, width) : [[0, n]];
  }

  /**
   * Class probabilities, rows x classes. A model without `predictProba` gets probability 1 on its
   * predicted class. @throws AutomlError E_MODEL for a regression pipeline.
   */
  predictProba(table: FeatureTable, rows?: Int32Array): Matrix {
    const s = this.fittedState();
    if (s.task !== 'classification' || s.classes === null) {
      throw new AutomlError('E_MODEL', 'predictProba needs a classification pipeline; this one does regression', {});
    }
    const k = s.classes.length;
    const proba = (X: Matrix): Matrix => {
      if (s.estimator.predictProba) return s.estimator.predictProba(X);
      const pred = s.estimator.predict(X);
      const out = matrix(X.rows, k);
      for (let i = 0; i < X.rows; i++) out.data[i * k + pred[i]!] = 1;
      return out;
    };
    const blocks = this.blocksOf(table, rows);
    if (blocks.length <= 1) return proba(this.transform(table, rows));
    const full = this.completeTable(table);
    const out = matrix(rows?.length ?? table.nRows, k);
    for (const [a, b] of blocks) out.data.set(proba(this.transform(full, blockRows(rows, a, b))).data, a * k);
    return out;
  }

  /**
   * Regression with a model that has a predictive distribution (`gaussian_process`): the standard
   * deviation of y at each row, in the target's units, noise included.
   * @throws AutomlError E_MODEL for classification, for a model without a predictive distribution,
   * and for a pipeline fitted on log(target), whose distribution is not Gaussian in the target's
   * units (its {@link predictInterval} is exact).
   */
  predictStd(table: FeatureTable, rows?: Int32Array): Float64Array {
    const s = this.fittedState();
    if (s.targetTransform) {
      throw new AutomlError('E_MODEL', `this ${s.estimator.name} pipeline was fitted on log(target) (target_transform "log"), so its predictive distribution is not Gaussian in the target's units and has no single standard deviation; use predictInterval, or search with target_transform "none"`, { param: 'target_transform', value: 'log' });
    }
    return this.distribution(table, rows).std;
  }

  /**
   * Regression with a model that has a predictive distribution (`gaussian_process`): the central
   * interval holding `coverage` of it at each row (mean -/+ z * std, z the normal quantile). Under
   * target_transform "log" the bounds are mapped back through the transform, which keeps them
   * exact quantiles (the transform is monotone), so the interval is then asymmetric.
   * @throws AutomlError E_PARAM when coverage is not in (0, 1); E_MODEL as {@link predictStd}.
   */
  predictInterval(table: FeatureTable, coverage = 0.95, rows?: Int32Array): { lower: Float64Array; upper: Float64Array } {
    if (!(typeof coverage === 'number' && coverage > 0 && coverage < 1)) {
      throw new AutomlError('E_PARAM', `coverage must be a number between 0 and 1 (e.g. 0.95 for a 95% interval), got ${show(coverage)}`, { param: 'coverage', value: coverage });
    }
    const s = this.fittedState();
    const { mean, std } = this.distribution(table, rows);
    const z = normalQuantile(0.5 + coverage / 2);
    const lower = new Float64Array(mean.length);
    const upper = new Float64Array(mean.length);
    for (let i = 0; i < mean.length; i++) {
      lower[i] = mean[i]! - z * std[i]!;
      upper[i] = mean[i]! + z * std[i]!;
    }
    return s.targetTransform ? { lower: s.targetTransform.inverse(lower), upper: s.targetTransform.inverse(upper) } : { lower, upper };
  }

  /** The model's predictive mean and standard deviation per row, in the scale it was fitted on. */
  private distribution(table: FeatureTable, rows: Int32Array | undefined): { mean: Float64Array; std: Float64Array } {
    const s = this.fittedState();
    if (s.task !== 'regression') throw new AutomlError('E_MODEL', 'a predictive standard deviation needs a regression pipeline; this one does classification (use predictProba)', {});
    const est = s.estimator;
    if (!est.predictStd) {
      throw new AutomlError('E_MODEL', `model '${est.name}' has no predictive distribution, so no standard deviation or interval; gaussian_process has one (--models gaussian_process)`, { model: est.name });
    }
    const n = rows?.length ?? table.nRows;
    const mean = new Float64Array(n);
    const std = new Float64Array(n);
    const full = this.completeTable(table);
    for (const [a, b] of this.blocksOf(table, rows)) {
      const X = this.transform(full, rows || a > 0 || b < n ? blockRows(rows, a, b) : undefined);
      mean.set(est.predict(X), a);
      std.set(est.predictStd(X), a);
    }
    return { mean, std };
  }

  /** Plain-data form for model files; `loadPipeline` restores identical predictions. */
  toJSON(): PipelineJSON {
    const s = this.fittedState();
    return {
      format: 'automl.pipeline',
      version: s.targetTransform ? 2 : 1,
      task: s.task,
      target: s.target,
      classes: s.classes,
      config: structuredClone(s.config),
      preprocessor: s.preprocessor.toJSON(),
      steps: s.steps.map((step) => step.toJSON()),
      estimator: s.estimator.toJSON(),
      ...(s.targetTransform ? { targetTransform: s.targetTransform.toJSON() } : {}),
      ...(s.precision === 'float32' ? { precision: 'float32' as const } : {}),
    };
  }

  /** @internal Used by `loadPipeline` (pipeline-json.ts). */
  restore(state: FittedPipelineState): this {
    this.state = state;
    return this;
  }

  /** @internal */
  spec(type: string): ModelSpec {
    try {
      return this.lookupModel(type);
    } catch (e) {
      if (e instanceof AutomlError) throw e;
      throw new AutomlError('E_MODEL', `unknown model ${show(type)}: ${messageOf(e)}`, { param: 'model.type', value: type }, { cause: e });
    }
  }

  private fittedState(): FittedPipelineState {
    if (!this.state) throw new AutomlError('E_MODEL', 'the pipeline is not fitted yet; call fit() or loadPipeline() first', {});
    return this.state;
  }
}

/** The source column of each preprocessor output column, by position. */
function sourceOfOutputs(pre: Preprocessor): string[] {
  return pre.plans.flatMap((plan) => outputNamesOf(plan).map(() => plan.source));
}
