/**
 * The model file: versioned JSON holding the whole fitted pipeline (preprocessing, model) with
 * the input schema it needs and the training profile, validated on load. Loading never evaluates
 * anything from the file.
 *
 * Versions: 1 holds a single `pipeline`, 2 an `ensemble`; 3 (written now) holds either, plus
 * `profile` (see profile.ts; null for a model built without one). Versions 1 and 2 still load:
 * they predict as before, and what needs the profile says that the file predates it. 4 is 3 plus
 * a binary classifier's decision `threshold` (chosen out of fold); it is written only for a model
 * that has one, so every other model stays a version 3 file that older readers load.
 */
import { readFileSync } from 'node:fs';
import { AutomlError, isAutomlError, show } from '../util/errors.js';
import { writeFileAtomic } from '../util/output-path.js';
import type { ColumnSchema, DateDerivation, FeatureTable } from '../data/types.js';
import { derivationProblem, featureRowsFromObjects, inputName, readFeatureRows } from '../data/index.js';
import type { Matrix, Task } from '../models/estimator.js';
import { getModel } from '../models/registry.js';
import { argmaxRows } from '../models/common.js';
import { loadPipeline, type Pipeline, type PipelineJSON } from '../pipeline/index.js';
import type { TrainingProfile } from './profile.js';
import { profileFromJSON } from './profile-json.js';
import { checkFiniteNumbers, checkKeys, scanJsonText } from '../util/json-read.js';

/** Model-file format version written now: a single pipeline or an ensemble, with the training profile. */
export const MODEL_FILE_VERSION = 3;
/** Version of the older files holding one pipeline and no profile (still read). */
export const PIPELINE_MODEL_FILE_VERSION = 1;
/** Version of the older files holding an ensemble and no profile (still read). */
export const ENSEMBLE_MODEL_FILE_VERSION = 2;
/** Version of files whose binary classifier predicts with a tuned decision threshold (3 plus `threshold`). */
export const THRESHOLD_MODEL_FILE_VERSION = 4;
/** Largest model file accepted (forests of many deep trees stay well below this). */
export const MAX_MODEL_FILE_BYTES = 512 * 1024 * 1024;

/**
 * Shape limits checked on the raw text before parsing. Real files nest about 8 levels and hold
 * one object per tree or column (a 500-tree forest: ~600 objects), so these leave wide room.
 */
export const MODEL_JSON_LIMITS = { maxDepth: 32, maxObjects: 200_000 } as const;

/** The JSON stored in a model file. */
export interface ModelFileJSON {
  readonly format: 'automl.model';
  readonly version: number;
  readonly createdAt: string;
  readonly study: string | null;
  readonly trial: number | null;
  readonly task: Task;
  readonly target: string;
  readonly classes: readonly string[] | null;
  readonly metric: string;
  readonly cvScore: number | null;
  readonly testScore: number | null;
  /** Input columns the pipeline needs, with their types and categories. */
  readonly features: readonly ColumnSchema[];
  /** A single fitted pipeline (versions 1 and 3). */
  readonly pipeline?: PipelineJSON;
  /** Or the ensemble's pipelines with their weights (summing to 1), whose predictions are averaged (versions 2 and 3). */
  readonly ensemble?: readonly { readonly trial: number | null; readonly weight: number; readonly pipeline: PipelineJSON }[];
  /** Version 3: what the training rows and the model's predictions on them looked like (null: none recorded). */
  readonly profile?: TrainingProfile | null;
  /** Version 4: predict `positiveClass` when its probability is at least `value` (binary classification). */
  readonly threshold?: DecisionThreshold | null;
}

/**
 * The coverage of a prediction interval read from a flag or request (`0.9`, `"0.9"`, `".9"`): a
 * number strictly between 0 and 1, or null for anything else (the caller names where it came from).
 */
export function readCoverage(v: unknown): number | null {
  const c = typeof v === 'number' ? v : typeof v === 'string' && /^\d*\.?\d+$/.test(v.trim()) ? Number(v) : Number.NaN;
  return c > 0 && c < 1 ? c : null;
}

/** A binary classifier's decision threshold: the positive class is predicted from this probability on. */
export interface DecisionThreshold {
  /** One of the two classes (the second, by convention). */
  readonly positiveClass: string;
  /** In (0, 1). */
  readonly value: number;
}

/** One pipeline of a model with its weight in the average. */
export interface ModelMember {
  readonly trial: number | null;
  readonly weight: number;
  readonly pipeline: Pipeline;
}

/**
 * A fitted pipeline, or a weighted ensemble of pipelines, with its input schema: what `search`
 * returns and `automl predict` loads.
 */
export class FittedModel {
  /** The pipelines whose predictions are averaged, heaviest first; one member (weight 1) for a single pipeline. */
  readonly members: readonly ModelMember[];

  /**
   * @param pipeline the single pipeline, or the ensemble's first (heaviest) member
   * @param members the ensemble (two or more members); omitted for a single pipeline
   * @param fileVersion the format version of the file it was loaded from (null: built in memory)
   */
  constructor(
    readonly pipeline: Pipeline,
    readonly info: Omit<ModelFileJSON, 'format' | 'version' | 'createdAt' | 'pipeline' | 'ensemble'>,
    members?: readonly ModelMember[],
    readonly fileVersion: number | null = null,
  ) {
    this.members = members && members.length > 1 ? members : [{ trial: info.trial, weight: 1, pipeline }];
  }

  /** The training profile, or null (a file older than version 3, or a model built without one). */
  get profile(): TrainingProfile | null {
    return this.info.profile ?? null;
  }

  /** The same model with `profile` as its training profile. */
  withProfile(profile: TrainingProfile | null): FittedModel {
    return new FittedModel(this.pipeline, { ...this.info, profile }, this.isEnsemble ? this.members : undefined, this.fileVersion);
  }

  /** The decision threshold of a binary classifier, or null (the most probable class is predicted). */
  get threshold(): DecisionThreshold | null {
    return this.info.threshold ?? null;
  }

  /** The same model predicting with `threshold` (null: the most probable class). */
  withThreshold(threshold: DecisionThreshold | null): FittedModel {
    return new FittedModel(this.pipeline, { ...this.info, threshold }, this.isEnsemble ? this.members : undefined, this.fileVersion);
  }

  /**
   * Class indices (classification, the threshold applied) or values (regression), one per row:
   * what {@link predict} maps to labels.
   */
  predictIndices(data: string | readonly Record<string, unknown>[] | FeatureTable): Float64Array {
    const t = isTable(data) ? data : this.table(data);
    const th = this.threshold;
    if (th && this.info.task === 'classification') {
      const pos = this.info.classes!.indexOf(th.positiveClass);
      const p = this.probaMatrix(t);
      const out = new Float64Array(p.rows);
      for (let i = 0; i < p.rows; i++) out[i] = p.data[i * p.cols + pos]! >= th.value ? pos : 1 - pos;
      return out;
    }
    return this.isEnsemble ? this.averagePredict(t) : this.pipeline.predict(t);
  }

  /** True when predictions average several pipelines. */
  get isEnsemble(): boolean {
    return this.members.length > 1;
  }

  get task(): Task {
    return this.info.task;
  }
  get target(): string {
    return this.info.target;
  }
  get classes(): readonly string[] | null {
    return this.info.classes;
  }
  /** Names of the input columns the model needs. */
  get features(): string[] {
    return this.info.features.map((f) => f.name);
  }

  /** Names of the columns new data must hold: a date column once for all the features derived from it. */
  get inputColumns(): string[] {
    return [...new Set(this.info.features.map(inputName))];
  }

  /** Maps a CSV path or rows onto the model's input schema (extra columns ignored); `delimiter` of a CSV: detected when absent. */
  table(data: string | readonly Record<string, unknown>[], opts: { readonly delimiter?: string } = {}): FeatureTable {
    return typeof data === 'string' ? readFeatureRows(data, this.info.features, opts) : featureRowsFromObjects(data, this.info.features);
  }

  /** Predictions in input order: class labels (classification) or numbers (regression). */
  predict(data: string | readonly Record<string, unknown>[] | FeatureTable): (string | number)[] {
    const raw = this.predictIndices(data);
    if (this.info.task === 'regression') return Array.from(raw);
    const classes = this.info.classes!;
    return Array.from(raw, (k, i) => {
      const label = classes[k];
      if (label === undefined) throw new AutomlError('E_MODEL_FILE', `the model predicted class index ${k} for row ${i + 1}, but it has ${classes.length} class labels; the model file is damaged`);
      return label;
    });
  }

  /**
   * Class probabilities per row, keyed by class label (classification only). Rows are
   * prototype-free objects: a label such as `__proto__` or `toString` is an ordinary key there.
   */
  predictProba(data: string | readonly Record<string, unknown>[] | FeatureTable): Record<string, number>[] {
    const p = this.probaMatrix(data);
    const classes = this.info.classes!;
    const out: Record<string, number>[] = [];
    for (let i = 0; i < p.rows; i++) {
      const row = Object.create(null) as Record<string, number>;
      for (let j = 0; j < p.cols; j++) row[classes[j]!] = p.data[i * p.cols + j]!;
      out.push(row);
    }
    return out;
  }

  /**
   * Regression with a Gaussian process (`gaussian_process`, a single pipeline fitted without a log
   * target transform): the standard deviation of the target at each row, in input order, noise
   * included. @throws AutomlError E_MODEL naming what the model lacks (see {@link predictInterval}).
   */
  predictStd(data: string | readonly Record<string, unknown>[] | FeatureTable): number[] {
    return Array.from(this.distributionPipeline().predictStd(isTable(data) ? data : this.table(data)));
  }

  /**
   * Regression with a Gaussian process: the central interval holding `coverage` (default 0.95) of
   * the predictive distribution at each row, in input order; also with a log target transform
   * (the bounds mapped back, so asymmetric). @throws AutomlError E_PARAM for a coverage outside
   * (0, 1); E_MODEL for classification, an ensemble, or a model without a predictive distribution.
   */
  predictInterval(data: string | readonly Record<string, unknown>[] | FeatureTable, coverage = 0.95): { lower: number; upper: number }[] {
    const { lower, upper } = this.distributionPipeline().predictInterval(isTable(data) ? data : this.table(data), coverage);
    return Array.from(lower, (lo, i) => ({ lower: lo, upper: upper[i]! }));
  }

  /**
   * Why this model cannot give a predictive standard deviation or interval (a classifier, an
   * ensemble, a model without a predictive distribution), with what to do; null when it can.
   */
  distributionProblem(): string | null {
    if (this.info.task !== 'regression') return 'a prediction interval or standard deviation needs a regression model; this one does classification (class probabilities instead: predictProba, --proba, ?proba=true)';
    if (this.isEnsemble) {
      const names = this.members.map((m) => m.pipeline.modelName).join(', ');
      return `a prediction interval or standard deviation needs a single Gaussian-process pipeline; this model averages ${this.members.length} pipelines (${names}); search with --models gaussian_process --no-ensemble (ensemble: false)`;
    }
    if (!this.pipeline.hasPredictiveDistribution) return `model '${this.pipeline.modelName}' has no predictive distribution, so no standard deviation or interval; gaussian_process has one (--models gaussian_process --no-ensemble)`;
    return null;
  }

  private distributionPipeline(): Pipeline {
    const problem = this.distributionProblem();
    if (problem) throw new AutomlError('E_MODEL', problem, {});
    return this.pipeline;
  }

  /** Class probabilities as a rows x classes matrix, column j being `classes[j]` (classification only). */
  probaMatrix(data: string | readonly Record<string, unknown>[] | FeatureTable): Matrix {
    const t = isTable(data) ? data : this.table(data);
    return this.isEnsemble ? this.averageProba(t) : this.pipeline.predictProba(t);
  }

  /** Weighted average of the members' class probabilities. */
  private averageProba(t: FeatureTable): Matrix {
    let out: Matrix | null = null;
    for (const m of this.members) {
      const p = m.pipeline.predictProba(t);
      if (out === null) out = { rows: p.rows, cols: p.cols, data: new Float64Array(p.data.length) };
      for (let i = 0; i < p.data.length; i++) out.data[i]! += m.weight * p.data[i]!;
    }
    return out!;
  }

  /** Class index of the averaged probabilities (classification), or the weighted mean prediction. */
  private averagePredict(t: FeatureTable): Float64Array {
    if (this.info.task === 'classification') {
      return argmaxRows(this.averageProba(t));
    }
    let out: Float64Array | null = null;
    for (const m of this.members) {
      const p = m.pipeline.predict(t);
      out ??= new Float64Array(p.length);
      for (let i = 0; i < p.length; i++) out[i]! += m.weight * p[i]!;
    }
    return out!;
  }

  toJSON(): ModelFileJSON {
    const { threshold, ...info } = this.info;
    const head = {
      format: 'automl.model' as const,
      version: threshold ? THRESHOLD_MODEL_FILE_VERSION : MODEL_FILE_VERSION,
      createdAt: new Date().toISOString(),
      ...info,
      profile: this.profile,
      ...(threshold ? { threshold } : {}),
    };
    if (!this.isEnsemble) return { ...head, pipeline: this.pipeline.toJSON() };
    return { ...head, ensemble: this.members.map((m) => ({ trial: m.trial, weight: m.weight, pipeline: m.pipeline.toJSON() })) };
  }

  /**
   * Writes the model file atomically (temp file + rename); returns the path. Replaces an existing
   * regular file; refuses (E_OUTPUT) a link, directory, device or FIFO at `path`, and names the
   * path when the write fails.
   */
  async save(path: string): Promise<string> {
    writeFileAtomic(path, JSON.stringify(this.toJSON()));
    return path;
  }
}

function isTable(x: unknown): x is FeatureTable {
  return typeof x === 'object' && x !== null && !Array.isArray(x) && 'columns' in x && 'features' in x;
}

function bad(file: string, path: string, expected: string, value: unknown): AutomlError {
  return new AutomlError('E_MODEL_FILE', `${file}: ${path}: expected ${expected}, got ${show(value)}`, { file, path, value });
}

const TOP_KEYS = ['format', 'version', 'createdAt', 'study', 'trial', 'task', 'target', 'classes', 'metric', 'cvScore', 'testScore', 'features', 'pipeline', 'ensemble', 'profile', 'threshold'];
const VERSIONS = [PIPELINE_MODEL_FILE_VERSION, ENSEMBLE_MODEL_FILE_VERSION, MODEL_FILE_VERSION, THRESHOLD_MODEL_FILE_VERSION];

/** The `threshold` of a version 4 file, checked against its task and classes. */
function readThreshold(o: Record<string, unknown>, classes: readonly string[] | null, file: string): DecisionThreshold {
  const t = o.threshold as Record<string, unknown> | null | undefined;
  if (t === null || typeof t !== 'object' || Array.isArray(t)) throw bad(file, '$.threshold', 'a decision threshold { positiveClass, value } (version 4 files have one)', t);
  checkKeys(t, ['positiveClass', 'value'], file, '$.threshold');
  if (!classes || classes.length !== 2) throw bad(file, '$.threshold', 'no threshold: only a binary classifier has one', '{...}');
  if (typeof t.positiveClass !== 'string' || !classes.includes(t.positiveClass)) throw bad(file, '$.threshold.positiveClass', `one of the classes ${show(classes)}`, t.positiveClass);
  if (typeof t.value !== 'number' || !(t.value > 0 && t.value < 1)) throw bad(file, '$.threshold.value', 'a probability strictly between 0 and 1', t.value);
  return { positiveClass: t.positiveClass, value: t.value };
}

/** Parses and validates a model file's JSON; never evaluates code from it. */
export function modelFromJSON(json: unknown, file = 'model'): FittedModel {
  if (json === null || typeof json !== 'object' || Array.isArray(json)) throw bad(file, '$', 'a model object', json);
  const o = json as Record<string, unknown>;
  // `1e999` parses to Infinity and JSON.stringify never writes one: refuse it wherever it sits.
  checkFiniteNumbers(o, file);
  if (o.format !== 'automl.model') throw bad(file, '$.format', '"automl.model" (is this an automl model file?)', o.format);
  const version = o.version;
  if (typeof version !== 'number' || !VERSIONS.includes(version)) {
    throw new AutomlError('E_MODEL_FILE', `${file}: $.version: model file version ${show(o.version)} is not supported by this automl (it reads versions ${VERSIONS.join(', ')}); use the automl version that wrote it, or refit`, { file, path: '$.version' });
  }
  for (const k of Object.keys(o)) if (!TOP_KEYS.includes(k)) throw bad(file, `$.${k}`, `no such key (known: ${TOP_KEYS.join(', ')})`, o[k]);
  if (version === PIPELINE_MODEL_FILE_VERSION && o.ensemble !== undefined) throw bad(file, '$.ensemble', `no ensemble in a version ${PIPELINE_MODEL_FILE_VERSION} file (ensembles are version ${ENSEMBLE_MODEL_FILE_VERSION} or ${MODEL_FILE_VERSION})`, '[...]');
  if (version === ENSEMBLE_MODEL_FILE_VERSION && o.pipeline !== undefined) throw bad(file, '$.pipeline', `no single pipeline in a version ${ENSEMBLE_MODEL_FILE_VERSION} file (its pipelines are in $.ensemble)`, '{...}');
  const current = version === MODEL_FILE_VERSION || version === THRESHOLD_MODEL_FILE_VERSION;
  if (!current && o.profile !== undefined) throw bad(file, '$.profile', `no profile in a version ${version} file (profiles are version ${MODEL_FILE_VERSION} or later)`, '{...}');
  if (version !== THRESHOLD_MODEL_FILE_VERSION && o.threshold !== undefined) throw bad(file, '$.threshold', `no threshold in a version ${version} file (thresholds are version ${THRESHOLD_MODEL_FILE_VERSION})`, o.threshold);
  if (current) {
    if ((o.pipeline === undefined) === (o.ensemble === undefined)) throw bad(file, '$', 'exactly one of $.pipeline (a single pipeline) and $.ensemble', o.pipeline === undefined ? 'neither' : 'both');
    if (o.profile === undefined) throw bad(file, '$.profile', 'a training profile object or null', undefined);
  }
  if (o.task !== 'classification' && o.task !== 'regression') throw bad(file, '$.task', '"classification" or "regression"', o.task);
  if (typeof o.target !== 'string') throw bad(file, '$.target', 'a string', o.target);
  if (typeof o.metric !== 'string') throw bad(file, '$.metric', 'a string', o.metric);
  const numOrNull = (k: string): number | null => {
    if (o[k] === null || o[k] === undefined) return null;
    if (typeof o[k] !== 'number') throw bad(file, `$.${k}`, 'a number or null', o[k]);
    return o[k] as number;
  };
  if (!Array.isArray(o.features)) throw bad(file, '$.features', 'an array of columns', o.features);
  const features: ColumnSchema[] = o.features.map((f, i) => {
    const c = f as Record<string, unknown>;
    if (c === null || typeof c !== 'object' || Array.isArray(c)) throw bad(file, `$.features[${i}]`, 'a column { name, type }', c);
    checkKeys(c, c.type === 'categorical' ? ['name', 'type', 'categories', 'other'] : c.type === 'numeric' ? ['name', 'type', 'derived'] : ['name', 'type'], file, `$.features[${i}]`);
    if (typeof c.name !== 'string') throw bad(file, `$.features[${i}].name`, 'a string', c?.name);
    if (c.type !== 'numeric' && c.type !== 'categorical' && c.type !== 'boolean') throw bad(file, `$.features[${i}].type`, 'numeric, categorical or boolean', c.type);
    if (c.type === 'categorical' && (!Array.isArray(c.categories) || !c.categories.every((x) => typeof x === 'string'))) {
      throw bad(file, `$.features[${i}].categories`, 'an array of strings', c.categories);
    }
    if (c.type === 'categorical') {
      const categories = c.categories as string[];
      if (c.other !== undefined && !(typeof c.other === 'string' && categories.includes(c.other))) throw bad(file, `$.features[${i}].other`, 'one of the column\'s categories', c.other);
      return { name: c.name, type: c.type, categories, ...(c.other !== undefined ? { other: c.other as string } : {}) };
    }
    if (c.derived !== undefined) {
      const problem = derivationProblem(c.derived);
      if (problem !== undefined) throw bad(file, `$.features[${i}].derived`, problem, c.derived);
      return { name: c.name, type: c.type, derived: c.derived as DateDerivation };
    }
    return { name: c.name, type: c.type };
  });
  let classes: string[] | null = null;
  if (o.task === 'classification') {
    if (!Array.isArray(o.classes) || !o.classes.every((x) => typeof x === 'string') || new Set(o.classes).size !== o.classes.length) throw bad(file, '$.classes', 'an array of distinct class labels', o.classes);
    classes = o.classes as string[];
  }
  const readPipeline = (json: unknown, path: string): Pipeline => {
    let pipeline: Pipeline;
    try {
      pipeline = loadPipeline(json, getModel, file, path);
    } catch (e) {
      // Errors from deeper loaders may lack the file or the JSON path: add them.
      if (isAutomlError(e) && e.code !== 'E_MODEL_FILE') {
        throw new AutomlError('E_MODEL_FILE', `${file}: ${path}: ${e.message}`, { file, path }, { cause: e });
      }
      if (isAutomlError(e) && !e.message.includes(file)) throw new AutomlError('E_MODEL_FILE', `${file}: ${e.message}`, { ...e.details, file }, { cause: e });
      throw e;
    }
    if (pipeline.task !== o.task) throw bad(file, `${path}.task`, `${o.task} (as $.task says)`, pipeline.task);
    if (JSON.stringify(pipeline.classes) !== JSON.stringify(o.task === 'classification' ? o.classes : null)) {
      throw bad(file, '$.classes', `the pipeline's classes ${show(pipeline.classes, 200)}`, o.classes);
    }
    return pipeline;
  };
  let members: ModelMember[] | undefined;
  let pipeline: Pipeline;
  if (o.ensemble !== undefined || version === ENSEMBLE_MODEL_FILE_VERSION) {
    if (!Array.isArray(o.ensemble) || o.ensemble.length < 2) throw bad(file, '$.ensemble', 'an array of at least 2 members { trial, weight, pipeline }', o.ensemble);
    let total = 0;
    members = o.ensemble.map((m, i) => {
      const at = `$.ensemble[${i}]`;
      if (m === null || typeof m !== 'object' || Array.isArray(m)) throw bad(file, at, 'a member { trial, weight, pipeline }', m);
      const r = m as Record<string, unknown>;
      for (const k of Object.keys(r)) if (!['trial', 'weight', 'pipeline'].includes(k)) throw bad(file, `${at}.${k}`, 'no such key (known: trial, weight, pipeline)', r[k]);
      if (r.trial !== null && r.trial !== undefined && (typeof r.trial !== 'number' || !Number.isInteger(r.trial))) throw bad(file, `${at}.trial`, 'a trial number or null', r.trial);
      if (typeof r.weight !== 'number' || !(r.weight > 0) || r.weight > 1) throw bad(file, `${at}.weight`, 'a weight in (0, 1]', r.weight);
      total += r.weight;
      return { trial: typeof r.trial === 'number' ? r.trial : null, weight: r.weight, pipeline: readPipeline(r.pipeline, `${at}.pipeline`) };
    });
    if (Math.abs(total - 1) > 1e-6) throw bad(file, '$.ensemble', 'weights that sum to 1', `weights summing to ${total}`);
    pipeline = members[0]!.pipeline;
  } else {
    pipeline = readPipeline(o.pipeline, '$.pipeline');
  }
  const profile = current ? profileFromJSON(o.profile, { file, features, task: o.task, classes }) : null;
  const threshold = version === THRESHOLD_MODEL_FILE_VERSION ? readThreshold(o, classes, file) : null;
  return new FittedModel(pipeline, {
    study: typeof o.study === 'string' ? o.study : null,
    trial: typeof o.trial === 'number' ? o.trial : null,
    task: o.task,
    target: o.target,
    classes,
    metric: o.metric,
    cvScore: numOrNull('cvScore'),
    testScore: numOrNull('testScore'),
    features,
    profile,
    ...(threshold ? { threshold } : {}),
  }, members, version);
}

/** Reads a model file. @throws AutomlError E_FILE_NOT_FOUND, E_MODEL_FILE (with the JSON path). */
export function loadModel(file: string): FittedModel {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new AutomlError(code === 'ENOENT' ? 'E_FILE_NOT_FOUND' : 'E_FILE_READ', `${file}: ${code === 'ENOENT' ? 'no such model file' : `cannot be read (${code})`}`, { file });
  }
  return modelFromText(text, file);
}

/**
 * Parses and validates a model file's text: size, then shape (before `JSON.parse` materialises
 * anything), then every field. @throws AutomlError E_MODEL_FILE with the JSON path.
 */
export function modelFromText(text: string, file = 'model'): FittedModel {
  if (text.length > MAX_MODEL_FILE_BYTES) throw new AutomlError('E_MODEL_FILE', `${file}: too large for a model file (${text.length} bytes; the limit is ${MAX_MODEL_FILE_BYTES})`, { file, path: '$' });
  scanJsonText(text, file, MODEL_JSON_LIMITS);
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new AutomlError('E_MODEL_FILE', `${file}: not valid JSON (truncated or damaged?): ${(e as Error).message}`, { file, path: '$' });
  }
  return modelFromJSON(json, file);
}
