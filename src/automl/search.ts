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
import { loadModelPlugins } from './worker/objective.js';
import { FOLD_SCORES_ATTR, type ModelPluginRef } from './worker/data.js';
import { readLabeledRows, type LabeledTable } from './test-set.js';
import type { FittedModel } from './refit.js';
import { runSearch } from './run-search.js';
import type { CustomModel, ModelName, PreparedData, ResumeOptions, SearchOptions, SearchResult, TabularSettings } from './types.js';

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
  const names = (o.models ?? []).filter((m): m is ModelName => typeof m === 'string');
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

function baseName(path: string): string {
  const file = path.split(/[\\/]/).pop() ?? path;
  return file.replace(/\.[^.]*$/, '') || 'study';
}

function resolveModule(m: string): string {
  return m.startsWith('file:') || m.startsWith('/') ? m : resolve(m);
}

export { FOLD_SCORES_ATTR };
