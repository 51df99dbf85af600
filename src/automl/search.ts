/**
 * `search()`: the tabular AutoML pipeline behind `automl search`. Loads and checks the data
 * (before anything is written to a study), holds out a test split, searches preprocessing + model
 * configurations with cross-validation in worker threads, refits the best pipeline on every
 * searched row, scores it on the held-out rows and returns (and optionally saves) the model.
 */
import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import { AutomlError, show } from '../util/errors.js';
import { createRng, deriveSeed } from '../util/rng.js';
import { loadDataset, datasetFromRows, datasetFingerprint, subsetRows } from '../data/index.js';
import { checkFoldsFit } from '../data/folds-fit.js';
import { checkSearchPaths } from '../util/output-path.js';
import type { Dataset, DatasetOptions } from '../data/types.js';
import type { LoadOptions } from '../data/index.js';
import type { Task } from '../models/estimator.js';
import { getMetric, defaultMetric, type Metric } from '../evaluation/metrics.js';
import { chooseFolds, holdoutShare, holdoutSplit } from '../evaluation/validation-plan.js';
import { loadWithRoles } from './row-roles.js';
import { prunerFor } from './row-rungs.js';
import { Space, spaceFromJSON, loadSpaceFile, type SpaceJSON } from '../space/index.js';
import type { Study } from '../study/index.js';
import { createStudyIn, loadStudyIn } from '../study/create.js';
import { enqueueDefaults } from './warm-start.js';
import { bundledPortfolio } from './portfolio.js';
import type { TrialRecord } from '../trial/trial.js';
import { openStorage, redactUrl } from '../storage/open.js';
import type { Storage } from '../storage/storage.js';
import { checkModelRanges, composeSpaceJSON, defaultSpace, resolveModels, spaceForTask, spaceWithTargetFor } from './spaces.js';
import { loadModelPlugins } from './worker/objective.js';
import { confirmPlugins } from './worker/plugin-refs.js';
import { FOLD_SCORES_ATTR, type ModelPluginRef } from './worker/data.js';
import { readLabeledRows, type LabeledTable } from './test-set.js';
import type { FittedModel } from './refit.js';
import { runSearch } from './run-search.js';
import { readTabularSettings, settingsRecord } from './settings.js';
import type { CustomModel, ModelName, PreparedData, ResumeOptions, RunOptions, SearchOptions, SearchResult, TabularSettings } from './types.js';

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
  int(o.memoryLimitMb, 'memoryLimitMb', 16);
  if (o.time !== undefined && !(typeof o.time === 'number' && o.time > 0 && Number.isFinite(o.time))) {
    throw new AutomlError('E_CONFIG', `time must be a positive number of seconds, got ${show(o.time)}`, { param: 'time', value: o.time });
  }
  if (o.testSize !== undefined && !(typeof o.testSize === 'number' && o.testSize >= 0 && o.testSize < 1)) {
    throw new AutomlError('E_CONFIG', `testSize must be 0 (no holdout, no test score) or a fraction between 0 and 1 (exclusive), got ${show(o.testSize)}`, { param: 'testSize', value: o.testSize });
  }
  if (o.gridSize !== undefined && (o.strategy ?? DEFAULT_STRATEGY) !== 'grid') {
    throw new AutomlError('E_CONFIG', `gridSize = ${show(o.gridSize)} only applies to the grid strategy; add strategy: 'grid' or leave gridSize out`, { param: 'gridSize', value: o.gridSize });
  }
  if (o.classWeight !== undefined && o.classWeight !== 'none' && o.classWeight !== 'balanced') {
    throw new AutomlError('E_CONFIG', `classWeight must be 'balanced' or 'none', got ${show(o.classWeight)}`, { param: 'classWeight', value: o.classWeight });
  }
  for (const param of ['ignore', 'keep'] as const) {
    const v: unknown = o[param];
    if (v !== undefined && !(Array.isArray(v) && v.every((x) => typeof x === 'string' && x !== ''))) {
      throw new AutomlError('E_CONFIG', `${param} must be a list of column names, got ${show(v)}`, { param, value: v });
    }
  }
  if (typeof o.target !== 'string' || o.target === '') throw new AutomlError('E_CONFIG', 'target: give the name of the column to predict', { param: 'target' });
  checkSearchPaths(o);
}

function load(data: string | readonly Record<string, unknown>[], opts: DatasetOptions & LoadOptions): Dataset {
  return typeof data === 'string' ? loadDataset(data, opts) : datasetFromRows(data, { ...opts, name: opts.name ?? 'rows' });
}

/**
 * What prepareData needs besides the search options: the seed, the folds (`cv`: the user's, or
 * undefined to choose by size), the test share and, on resume, the stored validation holdout
 * (`holdout`: null for CV, a share for one holdout split; undefined to choose by size).
 */
export type PrepareInput = Pick<SearchOptions, 'data' | 'target' | 'task' | 'study' | 'test' | 'groups' | 'timeColumn' | 'ignore' | 'keep' | 'delimiter' | 'onLoadProgress'> & {
  seed: number;
  cv: number | undefined;
  testSize: number;
  holdout?: number | null | undefined;
};

/** Loads and checks the data and computes the split; throws before anything is written. */
export function prepareData(o: PrepareInput): PreparedData {
  // Loading asks for the 2 rows per class any stratified CV needs; checkFoldsFit checks --cv on the rows searched.
  const roles = { groups: o.groups ?? null, timeColumn: o.timeColumn ?? null };
  const loadOpts: DatasetOptions = {
    target: o.target,
    task: o.task,
    folds: 2,
    name: typeof o.data === 'string' ? undefined : o.study,
    ...(o.ignore !== undefined && o.ignore.length > 0 ? { ignore: o.ignore } : {}),
    ...(o.keep !== undefined && o.keep.length > 0 ? { keep: o.keep } : {}),
    ...(o.delimiter !== undefined ? { delimiter: o.delimiter } : {}),
    ...(o.onLoadProgress ? { onProgress: o.onLoadProgress } : {}),
  };
  const loaded = roles.groups !== null || roles.timeColumn !== null ? loadWithRoles(o.data, loadOpts, roles) : { dataset: load(o.data, loadOpts), groups: null, timeOrder: null };
  const dataset = loaded.dataset;
  const notes = [...dataset.notes];
  let searchRows: Int32Array;
  let holdoutRows: Int32Array | null = null;
  let testSet: LabeledTable | null = null;
  if (o.test !== undefined) {
    testSet = readLabeledRows(o.test, dataset.features, dataset.target, o.delimiter);
    if (testSet.dropped > 0) notes.push(`${testSet.source}: dropped ${testSet.dropped} test rows whose target is missing`);
    searchRows = loaded.timeOrder ?? Int32Array.from({ length: dataset.nRows }, (_, i) => i);
  } else if (o.testSize === 0) {
    searchRows = loaded.timeOrder ?? Int32Array.from({ length: dataset.nRows }, (_, i) => i);
    notes.push(`no holdout (test size 0): all ${dataset.nRows} rows are searched and refit on, and there is no test score; the CV scores are the only estimate`);
  } else {
    // In time order the split is over positions in that order: the test rows are the latest.
    const order = loaded.timeOrder;
    const split = holdoutSplit(dataset.nRows, o.testSize, createRng(deriveSeed(o.seed, 'holdout')).uint32(), { target: dataset.target, groups: loaded.groups ?? undefined, timeOrdered: order !== null });
    searchRows = order ? split.train.map((i) => order[i]!) : split.train;
    holdoutRows = order ? split.test.map((i) => order[i]!) : split.test;
    const how = order ? ', the latest ones' : loaded.groups ? ', whole groups' : '';
    notes.push(`held out ${holdoutRows.length} of ${dataset.nRows} rows (${Math.round(o.testSize * 100)}%${how}) for the final test score`);
  }
  const holdout = o.holdout !== undefined ? o.holdout : chooseFolds(searchRows.length, o.cv) === 1 ? holdoutShare(searchRows.length) : null;
  checkFoldsFit(dataset, searchRows, holdout !== null ? 2 : (o.cv ?? 5), holdoutRows?.length ?? 0);
  const groups = loaded.groups ? searchRows.map((i) => loaded.groups![i]!) : null;
  const nGroups = groups ? new Set(groups).size : 0;
  if (groups && nGroups < (holdout !== null ? 2 : (o.cv ?? 5))) {
    throw new AutomlError('E_CONFIG', `--groups ${show(o.groups)}: the searched rows hold ${nGroups} distinct group(s), fewer than the ${holdout !== null ? 2 : (o.cv ?? 5)} the validation needs; use fewer --cv folds or a column with more groups`, { param: 'groups', value: o.groups });
  }
  if (holdout !== null && o.holdout === undefined) notes.push(`${searchRows.length} searched rows: each configuration is validated on one holdout split of ${Math.round(holdout * searchRows.length)} of them (${(holdout * 100).toFixed(holdout < 0.1 ? 1 : 0)}%) instead of k-fold CV (give --cv to cross-validate)`);
  // Only the split is kept: the searched rows in shared memory, the held-out rows on their own.
  const fingerprint = datasetFingerprint(dataset);
  const searched = subsetRows(dataset, searchRows, true);
  const held = holdoutRows ? subsetRows(dataset, holdoutRows) : searched;
  const heldRows = holdoutRows ? Int32Array.from({ length: holdoutRows.length }, (_, i) => i) : null;
  return { dataset: held, searched, searchRows, holdoutRows: heldRows, holdoutSource: holdoutRows, fingerprint, testSet, notes, validation: { holdout, groups, timeOrdered: loaded.timeOrder !== null } };
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

/** Storage of a command that names none. */
const DEFAULT_STORAGE = 'sqlite:automl.db';

/** Time budget (seconds) of a run given neither trials nor time. */
const DEFAULT_TIME = 60;

/** A run's budget: the given one, or {@link DEFAULT_TIME} seconds when neither trials nor time is given. */
function budgetOf(trials: number | undefined, time: number | undefined): { trials: number | undefined; time: number | undefined } {
  return { trials, time: time ?? (trials === undefined ? DEFAULT_TIME : undefined) };
}

/**
 * Runs a tabular AutoML search. See {@link SearchOptions} for the defaults.
 * Bad input (file, target, options) throws an AutomlError before any study is created or changed.
 */
export async function search(options: SearchOptions): Promise<SearchResult> {
  // `time` bounds the whole call, loading the data included.
  const startedAt = Date.now();
  checkOptions(options);
  const seed = options.seed ?? 0;
  const testSize = options.testSize ?? 0.2;
  const prep = prepareData({ ...options, seed, cv: options.cv, testSize });
  const cv = options.cv ?? 5;
  const task = prep.dataset.target.task;
  if (options.classWeight === 'balanced' && task !== 'classification') {
    throw new AutomlError('E_CONFIG', `classWeight 'balanced' weights classes, but target '${options.target}' is a regression target; leave classWeight out`, { param: 'classWeight', value: options.classWeight });
  }
  const metric = options.metric !== undefined ? getMetric(options.metric, task) : defaultMetric(task);
  const custom = (options.models ?? []).filter((m): m is CustomModel => typeof m !== 'string');
  const plugins: ModelPluginRef[] = custom.map((c) => ({ module: resolveModule(c.module), ...(c.exportName ? { exportName: c.exportName } : {}) }));
  await loadModelPlugins(plugins);
  const space = buildSpace(options, task, custom, options.onNote);
  checkModelRanges(space, task, typeof options.space === 'string' ? options.space : 'search space');
  const budget = budgetOf(options.trials, options.time);
  for (const n of prep.notes) options.onNote?.(n);

  const storageUrl = options.storage ?? DEFAULT_STORAGE;
  // One storage for the whole command: read here, then handed to the study, which closes it.
  const storage = await openStorage(storageUrl);
  let name: string;
  try {
    name = await newStudyName(storage, storageUrl, options);
  } catch (e) {
    await storage.close();
    throw e;
  }
  const settings = newSettings(options, prep, metric, plugins, { cv, testSize, ...budget });
  const study = await createStudyIn(storage, {
    name,
    space,
    direction: metric.direction,
    sampler: options.strategy ?? DEFAULT_STRATEGY,
    pruner: prunerFor(settings),
    samplerOptions: { gridSize: options.gridSize ?? 3 },
    seed,
    loadIfExists: false,
    settings: settingsRecord(settings),
  });
  try {
    await warmStart(study, options, prep);
    return await runSearch(study, prep, metric, { ...options, ...budget }, plugins, true, startedAt);
  } catch (e) {
    await study.close();
    throw e;
  }
}

/**
 * The study name of a new search: `options.study` (refused if taken), else a free variant of the
 * data's name. Messages name the storage as the user wrote it (`storageUrl`).
 */
async function newStudyName(storage: Storage, storageUrl: string, options: SearchOptions): Promise<string> {
  const base = options.study ?? (typeof options.data === 'string' ? baseName(options.data) : 'rows');
  const taken = new Set((await storage.listStudies()).map((s) => s.name));
  if (options.study !== undefined && taken.has(options.study)) {
    throw new AutomlError('E_STUDY_EXISTS', `study '${options.study}' already exists in ${redactUrl(storageUrl)}; continue it with \`automl resume ${options.study}\`, or choose another --study name`);
  }
  const name = freeStudyName(base, taken);
  if (name !== base) options.onNote?.(`study '${base}' exists in ${redactUrl(storageUrl)}; this search is study '${name}'`);
  return name;
}

/** The settings a new study stores, so that `resume` and `automl worker` run it the same way. */
function newSettings(
  options: SearchOptions,
  prep: PreparedData,
  metric: Metric,
  plugins: readonly ModelPluginRef[],
  run: { cv: number; testSize: number; trials: number | undefined; time: number | undefined },
): TabularSettings {
  const dataset = prep.dataset;
  return {
    kind: 'automl.tabular',
    data: typeof options.data === 'string' ? resolve(options.data) : null,
    fingerprint: prep.fingerprint,
    target: options.target,
    task: dataset.target.task,
    metric: metric.name,
    cv: run.cv,
    testSize: run.testSize,
    test: typeof options.test === 'string' ? resolve(options.test) : null,
    trials: run.trials ?? null,
    prune: options.prune ?? true,
    plugins,
    deadline: run.time !== undefined ? Date.now() + run.time * 1000 : null,
    ensemble: options.ensemble ?? true,
    reshuffleFolds: options.reshuffleFolds ?? true,
    recheck: options.recheck ?? true,
    featureSearch: options.featureSearch ? (options.featureSearch === 'backward' ? 'backward' : 'forward') : false,
    trialTimeout: options.trialTimeout ?? null,
    ...(options.delimiter !== undefined ? { delimiter: options.delimiter } : {}),
    ...(options.ignore !== undefined && options.ignore.length > 0 ? { ignore: [...options.ignore] } : {}),
    ...(options.keep !== undefined && options.keep.length > 0 ? { keep: [...options.keep] } : {}),
    ...(options.classWeight === 'balanced' ? { classWeight: 'balanced' as const } : {}),
    holdout: prep.validation.holdout,
    groups: options.groups ?? null,
    timeColumn: options.timeColumn ?? null,
  };
}

/** Queues each model family's default configuration first (unless turned off; not for a grid). */
async function warmStart(study: Study, options: SearchOptions, prep: PreparedData): Promise<void> {
  if (!(options.warmStart ?? (options.strategy ?? DEFAULT_STRATEGY) !== 'grid')) return;
  const task = prep.dataset.target.task;
  // A trial budget smaller than the warm start's list runs its first configurations only.
  const queued = await enqueueDefaults(study, task, prep.dataset.features.length, prep.searchRows.length, prep.dataset.target.classes?.length ?? 0, options.trials ?? Infinity);
  if (queued.length === 0) return;
  const what = bundledPortfolio()?.tasks[task] ? `the ${task} portfolio's starting configurations (then the default of each family it leaves out)` : "each model family's default configuration";
  options.onNote?.(`warm start: the first ${queued.length} trials are ${what}`);
}

/** The default search strategy. */
export const DEFAULT_STRATEGY = 'tpe';

/**
 * Continues a stored tabular study: same data (checked by fingerprint), split, folds and metric;
 * the trial budget is the study's total.
 */
export async function resumeSearch(name: string, options: ResumeOptions = {}): Promise<SearchResult> {
  const startedAt = Date.now();
  const study = await openStoredStudy(options.storage ?? DEFAULT_STORAGE, name);
  try {
    const s = storedSettings(study);
    // The stored module list is only compared with the one the user named; the user's is imported.
    const plugins = confirmPlugins(study.name, s.plugins, options.plugins ?? []);
    await loadModelPlugins(plugins);
    const prep = reloadData(study, s, options.data);
    for (const n of prep.notes) options.onNote?.(n);
    return await runSearch(study, prep, getMetric(s.metric, s.task), { ...options, ...storedChoices(s, options), ...resumeBudget(study.name, s, options) }, plugins, options.refit ?? true, startedAt);
  } catch (e) {
    await study.close();
    throw e;
  }
}

/**
 * Opens a stored study on one storage, which the study then owns. Its pruner comes from its
 * settings, read first (a study name that is not there gives E_STUDY_NOT_FOUND listing those that are).
 */
async function openStoredStudy(storageUrl: string, name: string): Promise<Study> {
  const storage = await openStorage(storageUrl);
  let settings: Readonly<Record<string, unknown>> | undefined;
  try {
    settings = (await storage.getStudy(name))?.settings;
  } catch (e) {
    await storage.close();
    throw e;
  }
  return loadStudyIn(storage, { name, pruner: prunerFor({ prune: settings?.['prune'] === true, holdout: typeof settings?.['holdout'] === 'number' ? settings['holdout'] : null }) });
}

/** The settings of a study `automl search` made from a CSV file, the only kind the command line resumes. */
function storedSettings(study: Study): TabularSettings {
  const raw = study.record.settings;
  if (raw['kind'] !== 'automl.tabular' || !raw['data']) {
    throw new AutomlError('E_CONFIG', `study '${study.name}' was not created by \`automl search\` on a CSV file, so it cannot be resumed from the command line; resume it from code with createStudy()`);
  }
  return readTabularSettings(raw, `study '${study.name}'`);
}

/** The study's data and split again, refused unless its content is the data the study started with. */
function reloadData(study: Study, s: TabularSettings, data: string | undefined): PreparedData {
  const dataPath = data ?? s.data!;
  plainFile(dataPath, data !== undefined ? '--data' : `study '${study.name}' settings.data`);
  if (s.test) plainFile(s.test, `study '${study.name}' settings.test`);
  const prep = prepareData({ data: dataPath, target: s.target, task: s.task, ignore: s.ignore, keep: s.keep, cv: s.cv, testSize: s.testSize, seed: study.seed, ...(s.test ? { test: s.test } : {}), ...storedValidation(s), ...(s.delimiter !== undefined ? { delimiter: s.delimiter } : {}) });
  if (prep.fingerprint !== s.fingerprint) {
    throw new AutomlError('E_STUDY_MISMATCH', `${dataPath} is not the data study '${study.name}' was started with (its content fingerprint differs); give the same file${data ? '' : ' (with --data if it moved)'}, or start a new study with \`automl search\``, { file: dataPath });
  }
  return prep;
}

/** The validation choices a study stored (absent in older studies: k-fold CV, no role columns). */
export function storedValidation(s: TabularSettings): Pick<PrepareInput, 'holdout' | 'groups' | 'timeColumn'> {
  return { holdout: s.holdout ?? null, ...(s.groups ? { groups: s.groups } : {}), ...(s.timeColumn ? { timeColumn: s.timeColumn } : {}) };
}

/**
 * The choices that shape a resumed run's result, as the study was started with them unless this
 * run overrides them explicitly. A worker (no refit) never runs the feature search.
 */
function storedChoices(s: TabularSettings, o: ResumeOptions): Pick<RunOptions, 'recheck' | 'ensemble' | 'featureSearch' | 'trialTimeout'> {
  const timeout = o.trialTimeout ?? s.trialTimeout ?? undefined;
  return {
    recheck: o.recheck ?? s.recheck ?? true,
    ensemble: o.ensemble ?? s.ensemble ?? true,
    ...(s.featureSearch && o.refit !== false ? { featureSearch: s.featureSearch } : {}),
    ...(timeout !== undefined ? { trialTimeout: timeout } : {}),
  };
}

/** A resumed run's budget: the study's total trials, and the time given, or what is left of the study's deadline. */
function resumeBudget(name: string, s: TabularSettings, options: ResumeOptions): { trials: number | undefined; time: number | undefined } {
  const budget = budgetOf(options.trials ?? s.trials ?? undefined, options.time);
  if (options.time === undefined && options.untilStudyDeadline && s.deadline !== null) {
    const left = (s.deadline - Date.now()) / 1000;
    if (left <= 0) throw new AutomlError('E_CONFIG', `study '${name}' reached the end of its time budget at ${new Date(s.deadline).toISOString()}; give --time to run longer`);
    return { trials: budget.trials, time: left };
  }
  return budget;
}

/**
 * Refuses a data path (from the command line or, untrusted, from storage) that is not a plain
 * readable file: a FIFO, a device or a folder is never opened.
 */
function plainFile(path: string, what: string): void {
  let st;
  try {
    st = statSync(path);
  } catch {
    return; // A missing file is reported by the CSV reader, as for `automl search`.
  }
  if (!st.isFile()) throw new AutomlError('E_DATA', `${what}: ${show(path)} is not a plain file`, { file: path });
}

function baseName(path: string): string {
  const file = path.split(/[\\/]/).pop() ?? path;
  return file.replace(/\.[^.]*$/, '') || 'study';
}

function resolveModule(m: string): string {
  return m.startsWith('file:') || m.startsWith('/') ? m : resolve(m);
}

export { FOLD_SCORES_ATTR };
