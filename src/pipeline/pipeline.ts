/**
 * The full pipeline a trial trains in each fold: preprocessing, then (later) feature-selection
 * steps, then a model. Fitting uses only the given training rows.
 */
import type { Dataset, FeatureTable } from '../data/types.js';
import type { Estimator, EstimatorJSON, Matrix, ModelSpec, Task } from '../models/estimator.js';
import { matrix } from '../models/estimator.js';
import { AutomlError, messageOf, show } from '../util/errors.js';
import type { PreprocessConfig } from './config.js';
import type { JsonAt } from './json-check.js';
import { at, badJson, readArray, readEnum, readNumber, readObject, readString, readStrings } from './json-check.js';
import type { Preprocessor, PreprocessorJSON } from './preprocessor.js';
import { fitPreprocessor } from './preprocessor.js';
import { loadPreprocessor } from './preprocessor-json.js';

/** Model choice: the registry name in `type`, every other key a hyperparameter. */
export interface ModelConfig {
  readonly type: string;
  readonly [param: string]: unknown;
}

/** What a trial fits: preprocessing choices (defaults for anything left out) and a model. */
export interface PipelineConfig {
  readonly preprocess?: Partial<PreprocessConfig>;
  readonly model: ModelConfig;
}

/** Finds a model family by name; throws (ideally AutomlError E_MODEL) for an unknown name. */
export type ModelLookup = (name: string) => ModelSpec;

/** Run-time context of a fit. */
export interface PipelineFitContext {
  /** Seed for every random choice of the model. */
  readonly seed: number;
  readonly signal?: AbortSignal;
}

/**
 * A step between preprocessing and the model that maps the encoded matrix to another matrix
 * (feature selection will be the first). Steps run in order on the preprocessor's output; each is
 * fitted on the training rows only. No step kinds exist yet, so a pipeline's step list is empty
 * and a saved pipeline with steps is rejected as unknown.
 */
export interface FeatureStep {
  readonly kind: string;
  fit(X: Matrix, y: Float64Array, names: readonly string[]): void;
  transform(X: Matrix): Matrix;
  /** Names of the output columns given the input names. */
  outputNames(input: readonly string[]): string[];
  toJSON(): { readonly kind: string; readonly [key: string]: unknown };
}

/** Serialised fitted pipeline. */
export interface PipelineJSON {
  readonly format: 'automl.pipeline';
  readonly version: 1;
  readonly task: Task;
  readonly target: string;
  readonly classes: readonly string[] | null;
  readonly config: PipelineConfig;
  readonly preprocessor: PreprocessorJSON;
  readonly steps: readonly ReturnType<FeatureStep['toJSON']>[];
  readonly estimator: EstimatorJSON;
}

interface Fitted {
  readonly task: Task;
  readonly target: string;
  readonly classes: readonly string[] | null;
  readonly config: PipelineConfig;
  readonly preprocessor: Preprocessor;
  readonly steps: readonly FeatureStep[];
  readonly estimator: Estimator;
}

/**
 * Preprocessor + feature steps + estimator. Create with a model lookup, then `fit` (which forgets
 * any earlier fit) or restore with {@link loadPipeline}. Prediction methods take any table that
 * holds the input columns by name (a dataset, or `readFeatureRows` output).
 */
export class Pipeline {
  private state: Fitted | undefined;

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
    const preprocessor = fitPreprocessor(dataset, rows, config.preprocess);
    const y = new Float64Array(rows.length);
    for (let i = 0; i < rows.length; i++) y[i] = dataset.target.values[rows[i]!]!;
    let X = preprocessor.transform(dataset, rows);
    const steps: FeatureStep[] = [];
    let names: readonly string[] = preprocessor.outputNames;
    for (const step of steps) {
      step.fit(X, y, names);
      names = step.outputNames(names);
      X = step.transform(X);
    }
    ctx.signal?.throwIfAborted();
    const estimator = spec.create(params, {
      task,
      nClasses: dataset.target.classes?.length ?? 0,
      seed: ctx.seed,
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
    await estimator.fit(X, y);
    this.state = {
      task,
      target: dataset.target.name,
      classes: dataset.target.classes ? [...dataset.target.classes] : null,
      config: structuredClone(config),
      preprocessor,
      steps,
      estimator,
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

  /** The matrix the model sees for these rows (all rows when omitted). */
  transform(table: FeatureTable, rows?: Int32Array): Matrix {
    const s = this.fittedState();
    return s.steps.reduce((X, step) => step.transform(X), s.preprocessor.transform(table, rows));
  }

  /** One prediction per row: a class index (classification) or a value (regression). */
  predict(table: FeatureTable, rows?: Int32Array): Float64Array {
    return this.fittedState().estimator.predict(this.transform(table, rows));
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
    const X = this.transform(table, rows);
    if (s.estimator.predictProba) return s.estimator.predictProba(X);
    const pred = s.estimator.predict(X);
    const k = s.classes.length;
    const out = matrix(X.rows, k);
    for (let i = 0; i < X.rows; i++) out.data[i * k + pred[i]!] = 1;
    return out;
  }

  /** Plain-data form for model files; {@link loadPipeline} restores identical predictions. */
  toJSON(): PipelineJSON {
    const s = this.fittedState();
    return {
      format: 'automl.pipeline',
      version: 1,
      task: s.task,
      target: s.target,
      classes: s.classes,
      config: structuredClone(s.config),
      preprocessor: s.preprocessor.toJSON(),
      steps: s.steps.map((step) => step.toJSON()),
      estimator: s.estimator.toJSON(),
    };
  }

  /** @internal Used by {@link loadPipeline}. */
  restore(state: Fitted): this {
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

  private fittedState(): Fitted {
    if (!this.state) throw new AutomlError('E_MODEL', 'the pipeline is not fitted yet; call fit() or loadPipeline() first', {});
    return this.state;
  }
}

/**
 * Restores a pipeline from {@link Pipeline.toJSON} output. Every field is checked and nothing is
 * evaluated; the estimator is restored by its own spec's `load`.
 * @param source file name for messages
 * @throws AutomlError E_MODEL_FILE with the JSON path of the first bad value; E_MODEL for an
 * unknown model name.
 */
export function loadPipeline(json: unknown, lookupModel: ModelLookup, source = 'model'): Pipeline {
  const where: JsonAt = { source, path: '$' };
  const o = readObject(json, where);
  if (o.format !== 'automl.pipeline') throw badJson(at(where, 'format'), '"automl.pipeline"', o.format);
  if (o.version !== 1) throw badJson(at(where, 'version'), '1 (the only version this build reads)', o.version);
  const task = readEnum(o.task, ['classification', 'regression'] as const, at(where, 'task'));
  const target = readString(o.target, at(where, 'target'));
  const classes = o.classes === null && task === 'regression' ? null : readStrings(o.classes, at(where, 'classes'));
  const configO = readObject(o.config, at(where, 'config'));
  const modelO = readObject(configO.model, at(at(where, 'config'), 'model'));
  readString(modelO.type, at(at(at(where, 'config'), 'model'), 'type'));
  if (configO.preprocess !== undefined) readObject(configO.preprocess, at(at(where, 'config'), 'preprocess'));
  const preprocessor = loadPreprocessor(o.preprocessor, source, '$.preprocessor');
  const steps = readArray(o.steps, at(where, 'steps'));
  if (steps.length > 0) {
    const kind = readObject(steps[0], at(at(where, 'steps'), 0)).kind;
    throw badJson(at(at(at(where, 'steps'), 0), 'kind'), 'a feature step this build knows (none yet)', kind);
  }
  const estAt = at(where, 'estimator');
  const est = readObject(o.estimator, estAt);
  const model = readString(est.model, at(estAt, 'model'));
  readNumber(est.version, at(estAt, 'version'));
  readObject(est.params, at(estAt, 'params'));
  const pipeline = new Pipeline(lookupModel);
  let estimator: Estimator;
  try {
    estimator = pipeline.spec(model).load(est as unknown as EstimatorJSON);
  } catch (e) {
    if (e instanceof AutomlError) throw e;
    throw new AutomlError('E_MODEL_FILE', `${source}: $.estimator could not be restored: ${messageOf(e)}`, { file: source, path: '$.estimator' }, { cause: e });
  }
  return pipeline.restore({
    task,
    target,
    classes,
    config: configO as unknown as PipelineConfig,
    preprocessor,
    steps: [],
    estimator,
  });
}
