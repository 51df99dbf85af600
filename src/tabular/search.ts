/**
 * `search()`: the tabular AutoML pipeline behind `automl search`. Loads and checks the data
 * (before anything is written to a study), holds out a test split, searches preprocessing + model
 * configurations with cross-validation in worker threads, refits the best pipeline on every
 * searched row, scores it on the held-out rows and returns (and optionally saves) the model.
 */
import { resolve } from 'node:path';
import { AutomlError, show } from '../util/errors.js';
import { createRng, deriveSeed } from '../util/rng.js';
import { loadDataset, datasetFromRows, datasetFingerprint } from '../data/index.js';
import type { Dataset } from '../data/types.js';
import type { Task } from '../models/estimator.js';
import { getMetric, defaultMetric, type Metric } from '../evaluation/metrics.js';
import { trainTestSplit } from '../evaluation/splitters.js';
import { Space, spaceFromJSON, loadSpaceFile, type SpaceJSON } from '../space/index.js';
import { createStudy, loadStudy, type Study } from '../study/index.js';
import { enqueueDefaults } from './warm-start.js';
import type { TrialRecord } from '../trial/trial.js';
import { openStorage } from '../storage/open.js';
import { checkModelRanges, composeSpaceJSON, defaultSpace, resolveModels, spaceForTask, spaceWithTargetFor } from './spaces.js';
import { FOLD_SCORES_ATTR, loadModelPlugins, type ModelPluginRef } from './objective.js';
import { readLabeledRows, type LabeledTable } from './test-set.js';
import type { FittedModel } from './refit.js';
import { runSearch } from './run-search.js';
import type { LeaderboardRow } from './leaderboard.js';

/** A user's own model family: its module (exporting a ModelSpec) and its search space. */
export interface CustomModel extends ModelPluginRef {
  /** Name the spec registers under (must equal `spec.name`). */
  readonly name: string;
  /** Its hyperparameter space: a Space, or the JSON form. */
  readonly space: Space | SpaceJSON;
}

/** Options of {@link search}. Every option has a default except `data` and `target`. */
export interface SearchOptions {
  /** A CSV path, or rows in memory. */
  readonly data: string | readonly Record<string, unknown>[];
  /** The target column. */
  readonly target: string;
  /** Default: inferred from the target (see README). */
  readonly task?: Task;
  /** Default accuracy (classification) or r2 (regression). */
  readonly metric?: string;
  /** Search space: a Space, its JSON form, or a path to a JSON file. Default: preprocessing + `models`. */
  readonly space?: Space | SpaceJSON | string;
  /** Model families to search (names, or custom models). Default: the fast built-in families. */
  readonly models?: readonly (string | CustomModel)[];
  /** 'tpe' | 'random' | 'grid' | 'gp'. Default 'tpe'. */
  readonly strategy?: string;
  /** Total trials of the study. */
  readonly trials?: number;
  /** Wall-clock budget in seconds (hard: running trials are aborted at the deadline). Default 60 when no `trials`. */
  readonly time?: number;
  /** Cross-validation folds. Default 5. */
  readonly cv?: number;
  /** Default 0. */
  readonly seed?: number;
  /** Storage URL. Default 'sqlite:automl.db'. */
  readonly storage?: string;
  /** Study name. Default: the CSV file's base name (or 'rows'); a free variant is picked if taken. */
  readonly study?: string;
  /** Worker threads. Default: the number of cores. */
  readonly workers?: number;
  /** A labelled test CSV (or rows) scored at the end instead of a held-out split. */
  readonly test?: string | readonly Record<string, unknown>[];
  /** Fraction of rows held out for the final test score when `test` is not given. Default 0.2. */
  readonly testSize?: number;
  /** Prune trials whose first folds cannot beat the best (median rule). Default true. */
  readonly prune?: boolean;
  /** Per-trial time limit in seconds. */
  readonly trialTimeout?: number;
  readonly signal?: AbortSignal;
  /** Called after each trial is recorded. */
  readonly onTrial?: (trial: TrialRecord, study: Study) => void;
  /** Called with human-readable notes (dropped columns, chosen defaults, ...). */
  readonly onNote?: (note: string) => void;
  /** Called when a trial starts. */
  readonly onTrialStart?: (trial: { number: number; config: unknown }) => void;
  /** Called once the data is checked and the study is ready, before the first trial. */
  readonly onStart?: (info: SearchStartInfo) => void;
  /** Values per continuous parameter for the grid strategy. Default 3. */
  readonly gridSize?: number;
  /** Save the refit model here (JSON); `{study}` in the path is replaced by the study name. */
  readonly out?: string;
  /**
   * After the search, a seeded greedy wrapper selection of columns (forward by default) with CV on
   * the best pipeline; kept only if it beats the pipeline on all columns. With a time budget the
   * search gets 75% of it and the feature search the rest.
   */
  readonly featureSearch?: boolean | 'forward' | 'backward';
  /** Stop after this many failed trials in a row (default 25). */
  readonly maxConsecutiveFailures?: number;
  /**
   * The final model averages the best pipelines, chosen by greedy ensemble selection over their
   * out-of-fold predictions, when that scores better out of fold than the best single pipeline.
   * Default true; false refits the best trial alone. Not combined with `featureSearch`.
   */
  readonly ensemble?: boolean;
  /**
   * Before choosing the final model, cross-validate 20 trials (the best of each model family,
   * then the best of the rest) again on fresh splits (the
   * same for all of them; up to 3 with a time budget, whose trials then stop early enough to leave
   * one pass: 1.5x the best trials' CV time, between 5% and 25% of the budget) and
   * choose the ensemble or the single best on those scores, which carry no selection bias. Default
   * true; false chooses on the search's own scores. Not combined with `featureSearch`.
   */
  readonly recheck?: boolean;
  /**
   * Each trial cross-validates on its own split, drawn from the study seed and the trial's sampling
   * index, rather than every trial on the same split. Default true (reproducible all the same).
   */
  readonly reshuffleFolds?: boolean;
  /**
   * Before sampling, evaluate each model family once with its usual defaults (cheapest first), so
   * that a short budget starts from known good pipelines. Default true, except with the grid
   * strategy (which enumerates its grid). Families or values the space does not allow are skipped.
   */
  readonly warmStart?: boolean;
}

/** The ensemble chosen at the end of a search. */
export interface EnsembleSummary {
  /** Members (trial numbers) with their weights, heaviest first; weights sum to 1. */
  readonly members: readonly { readonly trial: number; readonly weight: number }[];
  /** Metric of the averaged out-of-fold predictions of the searched rows. */
  readonly cvScore: number;
  /** The same for the best single candidate, for comparison. */
  readonly bestSingleCvScore: number;
  /** Candidates considered (the best complete trials). */
  readonly candidates: number;
}

/** What the wrapper feature search did. */
export interface FeatureSearchSummary {
  readonly direction: 'forward' | 'backward';
  readonly columns: readonly string[];
  readonly score: number;
  readonly baselineScore: number;
  readonly improved: boolean;
  readonly fits: number;
  readonly stoppedBy: string;
}

/** What {@link SearchOptions.onStart} receives. */
export interface SearchStartInfo {
  readonly study: string;
  readonly storage: string;
  readonly rows: number;
  readonly features: number;
  readonly task: Task;
  readonly classes: number | null;
  readonly metric: string;
  readonly direction: 'minimize' | 'maximize';
  readonly cv: number;
  readonly strategy: string;
  readonly models: readonly string[];
  readonly trials: number | undefined;
  readonly time: number | undefined;
  /** Trials already in the study (resume). */
  readonly done: number;
}

/** What {@link search} returns. */
export interface SearchResult {
  readonly study: Study;
  readonly metric: Metric;
  readonly task: Task;
  readonly best: { readonly number: number; readonly value: number; readonly config: unknown } | null;
  /** The best pipeline refit on all searched rows (null when no trial completed). */
  readonly model: FittedModel | null;
  /** Score of the refit model on the held-out / test rows (null when none). */
  readonly testScore: number | null;
  readonly leaderboard: readonly LeaderboardRow[];
  /** Trials of the study by outcome; `interrupted` ones (cut by the budget's end, Ctrl-C, a crash) are not failures of the pipeline. */
  readonly counts: { readonly complete: number; readonly failed: number; readonly pruned: number; readonly interrupted: number };
  readonly stoppedBy: string;
  readonly notes: readonly string[];
  /** The path the model was saved to, if `out` was given. */
  readonly modelFile: string | null;
  /** The wrapper feature search's outcome, when it ran. */
  readonly featureSearch: FeatureSearchSummary | null;
  /** The ensemble the model averages, or null when the model is a single pipeline. */
  readonly ensemble: EnsembleSummary | null;
  /** What the final re-check on fresh splits found, or null when it did not run. */
  readonly recheck: RecheckSummary | null;
  /** Trials the model is made of, with their weights (one member: a single pipeline); empty without a model. */
  readonly modelTrials: readonly { readonly trial: number; readonly weight: number }[];
}

/** The final re-check of the best trials on fresh CV splits. */
export interface RecheckSummary {
  /** Candidates that finished every fresh split. */
  readonly candidates: number;
  /** Their trial numbers, best search value first. */
  readonly trials: readonly number[];
  /** Fresh splits each candidate was cross-validated on. */
  readonly repeats: number;
  /** The search's best trial: its search CV value and its fresh score (null if it did not finish). */
  readonly searchBest: { readonly trial: number; readonly value: number; readonly fresh: number | null };
  /** The best single candidate on the fresh splits. */
  readonly freshBest: { readonly trial: number; readonly value: number; readonly fresh: number };
}

/** Study settings stored so that `automl resume` can continue with the same data and choices. */
export interface TabularSettings {
  readonly kind: 'automl.tabular';
  readonly data: string | null;
  readonly fingerprint: string;
  readonly target: string;
  readonly task: Task;
  readonly metric: string;
  readonly cv: number;
  readonly testSize: number;
  readonly test: string | null;
  readonly trials: number | null;
  readonly prune: boolean;
  readonly plugins: readonly ModelPluginRef[];
  /** End of the first run's time budget (epoch ms), which `automl worker` processes share; null without one. */
  readonly deadline: number | null;
  /** Build an ensemble at the end (absent in studies made before ensembles existed: true). */
  readonly ensemble?: boolean;
  /** Each trial draws its own CV split (absent in studies made before this option: false, the fixed split). */
  readonly reshuffleFolds?: boolean;
}

function checkOptions(o: SearchOptions): void {
  const int = (v: unknown, name: string, min: number): void => {
    if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < min)) {
      throw new AutomlError('E_CONFIG', `${name} must be an integer >= ${min}, got ${show(v)}`, { param: name, value: v });
    }
  };
  int(o.cv, 'cv', 2);
  int(o.trials, 'trials', 1);
  int(o.workers, 'workers', 1);
  int(o.seed, 'seed', 0);
  if (o.time !== undefined && !(typeof o.time === 'number' && o.time > 0 && Number.isFinite(o.time))) {
    throw new AutomlError('E_CONFIG', `time must be a positive number of seconds, got ${show(o.time)}`, { param: 'time', value: o.time });
  }
  if (o.testSize !== undefined && !(typeof o.testSize === 'number' && o.testSize > 0 && o.testSize < 1)) {
    throw new AutomlError('E_CONFIG', `testSize must be a fraction between 0 and 1 (exclusive), got ${show(o.testSize)}`, { param: 'testSize', value: o.testSize });
  }
  if (typeof o.target !== 'string' || o.target === '') throw new AutomlError('E_CONFIG', 'target: give the name of the column to predict', { param: 'target' });
}

function load(data: string | readonly Record<string, unknown>[], target: string, task: Task | undefined, folds: number, name?: string): Dataset {
  return typeof data === 'string' ? loadDataset(data, { target, task, folds, name }) : datasetFromRows(data, { target, task, folds, name: name ?? 'rows' });
}

/** Everything prepared from the data, before any study is touched. */
export interface PreparedData {
  readonly dataset: Dataset;
  /** Rows searched (cross-validated) and refit on. */
  readonly searchRows: Int32Array;
  /** Held-out rows of `dataset`, or null when a separate test set is used. */
  readonly holdoutRows: Int32Array | null;
  /** A separate labelled test set on the training schema, or null. */
  readonly testSet: LabeledTable | null;
  readonly notes: readonly string[];
}

/** Loads and checks the data and computes the split; throws before anything is written. */
export function prepareData(o: SearchOptions & { seed: number; cv: number; testSize: number }): PreparedData {
  const dataset = load(o.data, o.target, o.task, o.cv, typeof o.data === 'string' ? undefined : o.study);
  const notes = [...dataset.notes];
  let searchRows: Int32Array;
  let holdoutRows: Int32Array | null = null;
  let testSet: LabeledTable | null = null;
  if (o.test !== undefined) {
    testSet = readLabeledRows(o.test, dataset.features, dataset.target);
    if (testSet.dropped > 0) notes.push(`${testSet.source}: dropped ${testSet.dropped} test rows whose target is missing`);
    searchRows = Int32Array.from({ length: dataset.nRows }, (_, i) => i);
  } else {
    const stratify = dataset.target.task === 'classification' ? dataset.target.values : undefined;
    const split = trainTestSplit(dataset.nRows, o.testSize, createRng(deriveSeed(o.seed, 'holdout')).uint32(), stratify);
    searchRows = split.train;
    holdoutRows = split.test;
    notes.push(`held out ${split.test.length} of ${dataset.nRows} rows (${Math.round(o.testSize * 100)}%) for the final test score`);
  }
  if (dataset.target.task === 'classification') {
    // Every class must appear in each training fold: check the searched rows, not just the file.
    const counts = new Map<number, number>();
    for (const r of searchRows) counts.set(dataset.target.values[r]!, (counts.get(dataset.target.values[r]!) ?? 0) + 1);
    for (const [c, n] of counts) {
      if (n < o.cv) {
        const label = dataset.target.classes![c]!;
        throw new AutomlError('E_TARGET', `${dataset.file ?? dataset.name}: class ${show(label)} has only ${n} rows left for the search (after holding out the test rows), fewer than the ${o.cv} CV folds; use a smaller --cv or --test-size`, { column: o.target, value: label });
      }
    }
  }
  return { dataset, searchRows, holdoutRows, testSet, notes };
}

function buildSpace(o: SearchOptions, task: Task, custom: readonly CustomModel[], onNote?: (n: string) => void): Space {
  if (o.space instanceof Space) return o.space;
  if (typeof o.space === 'string') {
    const file = o.space;
    const json = loadSpaceFile(file).toJSON();
    return spaceFromJSON(spaceForTask(json, task, file, onNote), file);
  }
  if (o.space !== undefined) return spaceFromJSON(spaceForTask(o.space, task, 'space option', onNote), 'space option');
  const names = (o.models ?? []).filter((m): m is string => typeof m === 'string');
  if (names.length === 0 && custom.length === 0) return defaultSpace(task);
  const builtins = names.length > 0 ? resolveModels(task, names) : [];
  const extra: Record<string, SpaceJSON> = {};
  for (const c of custom) extra[c.name] = c.space instanceof Space ? c.space.toJSON() : c.space;
  return spaceFromJSON(spaceWithTargetFor(composeSpaceJSON(builtins, extra), task), 'search space');
}

function freeStudyName(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
}

/**
 * Runs a tabular AutoML search. See {@link SearchOptions} for the defaults.
 * Bad input (file, target, options) throws an AutomlError before any study is created or changed.
 */
export async function search(options: SearchOptions): Promise<SearchResult> {
  checkOptions(options);
  const seed = options.seed ?? 0;
  const cv = options.cv ?? 5;
  const testSize = options.testSize ?? 0.2;
  const prep = prepareData({ ...options, seed, cv, testSize });
  const { dataset } = prep;
  const task = dataset.target.task;
  const metric = options.metric !== undefined ? getMetric(options.metric, task) : defaultMetric(task);
  const custom = (options.models ?? []).filter((m): m is CustomModel => typeof m !== 'string');
  const plugins: ModelPluginRef[] = custom.map((c) => ({ module: resolveModule(c.module), ...(c.exportName ? { exportName: c.exportName } : {}) }));
  await loadModelPlugins(plugins);
  const space = buildSpace(options, task, custom, options.onNote);
  checkModelRanges(space, task, typeof options.space === 'string' ? options.space : 'search space');
  const trials = options.trials;
  const time = options.time ?? (trials === undefined ? 60 : undefined);
  for (const n of prep.notes) options.onNote?.(n);

  const storageUrl = options.storage ?? 'sqlite:automl.db';
  const base = options.study ?? (typeof options.data === 'string' ? baseName(options.data) : 'rows');
  let taken: Set<string>;
  {
    const storage = await openStorage(storageUrl);
    try {
      taken = new Set((await storage.listStudies()).map((s) => s.name));
    } finally {
      await storage.close();
    }
  }
  if (options.study !== undefined && taken.has(options.study)) {
    throw new AutomlError('E_STUDY_EXISTS', `study '${options.study}' already exists in ${storageUrl}; continue it with \`automl resume ${options.study}\`, or choose another --study name`);
  }
  const name = freeStudyName(base, taken);
  if (name !== base) options.onNote?.(`study '${base}' exists in ${storageUrl}; this search is study '${name}'`);
  const settings: TabularSettings = {
    kind: 'automl.tabular',
    data: typeof options.data === 'string' ? resolve(options.data) : null,
    fingerprint: datasetFingerprint(dataset),
    target: options.target,
    task,
    metric: metric.name,
    cv,
    testSize,
    test: typeof options.test === 'string' ? resolve(options.test) : null,
    trials: trials ?? null,
    prune: options.prune ?? true,
    plugins,
    deadline: time !== undefined ? Date.now() + time * 1000 : null,
    ensemble: options.ensemble ?? true,
    reshuffleFolds: options.reshuffleFolds ?? true,
  };
  const study = await createStudy({
    name,
    space,
    direction: metric.direction,
    sampler: options.strategy ?? DEFAULT_STRATEGY,
    pruner: settings.prune ? 'median' : 'none',
    samplerOptions: { gridSize: options.gridSize ?? 3 },
    seed,
    storage: storageUrl,
    loadIfExists: false,
    settings: settings as unknown as Record<string, unknown>,
  });
  try {
    if (options.warmStart ?? (options.strategy ?? DEFAULT_STRATEGY) !== 'grid') {
      const queued = await enqueueDefaults(study, task, dataset.features.length, prep.searchRows.length);
      if (queued.length > 0) options.onNote?.(`warm start: the first ${queued.length} trials are each model family's default configuration`);
    }
    return await runSearch(study, prep, metric, { ...options, time, trials }, plugins);
  } catch (e) {
    await study.close();
    throw e;
  }
}

/** The default search strategy. */
export const DEFAULT_STRATEGY = 'tpe';

/**
 * Continues a stored tabular study: same data (checked by fingerprint), split, folds and metric;
 * the trial budget is the study's total.
 */
export async function resumeSearch(name: string, options: ResumeOptions = {}): Promise<SearchResult> {
  const storageUrl = options.storage ?? 'sqlite:automl.db';
  let s: TabularSettings;
  {
    const storage = await openStorage(storageUrl);
    try {
      const record = await storage.getStudy(name);
      s = (record?.settings ?? {}) as unknown as TabularSettings;
    } finally {
      await storage.close();
    }
  }
  const study = await loadStudy({ name, storage: storageUrl, pruner: s.prune ? 'median' : 'none' });
  try {
    if (s.kind !== 'automl.tabular' || !s.data) {
      throw new AutomlError('E_CONFIG', `study '${name}' was not created by \`automl search\` on a CSV file, so it cannot be resumed from the command line; resume it from code with createStudy()`);
    }
    await loadModelPlugins(s.plugins);
    const dataPath = options.data ?? s.data!;
    const prep = prepareData({ data: dataPath, target: s.target, task: s.task, cv: s.cv, testSize: s.testSize, seed: study.seed, ...(s.test ? { test: s.test } : {}) });
    if (datasetFingerprint(prep.dataset) !== s.fingerprint) {
      throw new AutomlError('E_STUDY_MISMATCH', `${dataPath} is not the data study '${name}' was started with (its content fingerprint differs); give the same file${options.data ? '' : ' (with --data if it moved)'}, or start a new study with \`automl search\``, { file: dataPath });
    }
    for (const n of prep.notes) options.onNote?.(n);
    const trials = options.trials ?? s.trials ?? undefined;
    let time = options.time ?? (trials === undefined ? 60 : undefined);
    if (options.time === undefined && options.untilStudyDeadline && typeof s.deadline === 'number') {
      const left = (s.deadline - Date.now()) / 1000;
      if (left <= 0) throw new AutomlError('E_CONFIG', `study '${name}' reached the end of its time budget at ${new Date(s.deadline).toISOString()}; give --time to run longer`);
      time = left;
    }
    return await runSearch(study, prep, getMetric(s.metric, s.task), { ...options, trials, time }, s.plugins, options.refit ?? true);
  } catch (e) {
    await study.close();
    throw e;
  }
}

/** Options of {@link resumeSearch}. */
export interface ResumeOptions extends Pick<SearchOptions, 'storage' | 'time' | 'trials' | 'workers' | 'signal' | 'onTrial' | 'onTrialStart' | 'onStart' | 'onNote' | 'out' | 'trialTimeout' | 'maxConsecutiveFailures' | 'ensemble' | 'recheck'> {
  /** The training CSV, when it lives elsewhere on this machine; it must have the stored fingerprint. */
  readonly data?: string;
  /** Refit and score the best pipeline at the end (default true; `automl worker` turns it off). */
  readonly refit?: boolean;
  /** Without `time`: stop at the time budget the study was started with, shared by all workers. */
  readonly untilStudyDeadline?: boolean;
}

function baseName(path: string): string {
  const file = path.split(/[\\/]/).pop() ?? path;
  return file.replace(/\.[^.]*$/, '') || 'study';
}

function resolveModule(m: string): string {
  return m.startsWith('file:') || m.startsWith('/') ? m : resolve(m);
}

export { FOLD_SCORES_ATTR };
