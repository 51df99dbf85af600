/**
 * `retrain()`: the study's search again on new data. A new study, linked to the old one by
 * `settings.parent`, keeps the old target, task, metric, space, sampler, seed and settings (folds,
 * test size, pruning, ensemble) with the new data's fingerprint; it starts with the old study's
 * best distinct configurations, then searches. At the end the old model file and the new model
 * are scored on the same held-out rows of the new data, and the new model is written only when it
 * is not worse (or when forced).
 *
 * It reuses the search machinery (`prepareData`, `createStudyIn`, `runSearch`); only the study's
 * creation differs from `search()`, which is why it composes them rather than calling `search()`.
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { AutomlError, show } from '../util/errors.js';
import { datasetFingerprint } from '../data/index.js';
import { getMetric, type Metric } from '../evaluation/metrics.js';
import { loadStudy, createStudyIn } from '../study/create.js';
import type { Study } from '../study/index.js';
import { openStorage } from '../storage/open.js';
import type { TrialRecord } from '../trial/trial.js';
import { loadModel, type FittedModel } from '../serving/model-file.js';
import { evaluateModel } from '../serving/evaluate.js';
import { tableRows } from '../serving/table-rows.js';
import { loadModelPlugins } from './worker/objective.js';
import { prepareData, storedValidation } from './search.js';
import { prunerFor } from './row-rungs.js';
import { runSearch } from './run-search.js';
import { readTabularSettings, settingsRecord } from './settings.js';
import type { PreparedData, RunOptions, SearchResult, TabularSettings } from './types.js';

/** Options of {@link retrain}. */
export interface RetrainOptions extends Omit<RunOptions, 'out' | 'featureSearch'> {
  /** The new labelled data: a CSV path or rows, with the old study's target and input columns. */
  readonly data: string | readonly Record<string, unknown>[];
  /** Storage URL holding the old study; the new one is created there. Default 'sqlite:automl.db'. */
  readonly storage?: string;
  /** The old model file. Default `<old study>.model.json` in the working directory (required to exist). */
  readonly model?: string;
  /** Name of the new study. Default `<old study>-retrain` (a free variant when taken). */
  readonly study?: string;
  /** Where to write the new model when it wins; `{study}` is the new study's name. Default `{study}.model.json`. */
  readonly out?: string;
  /** Write the new model even when it scores worse than the old one. Default false. */
  readonly force?: boolean;
  /** How many of the old study's best distinct complete configurations run first. Default 5. */
  readonly warmTrials?: number;
  /** CSV delimiter of `data`. Default: the old study's, if it was given one; else detected. */
  readonly delimiter?: string;
}

/** The score of one model on the holdout of the new data. */
export interface RetrainScore {
  /** The study's metric on the holdout (null when it cannot be computed, e.g. no row the old model knows the class of). */
  readonly value: number | null;
  /** Holdout rows scored. */
  readonly rows: number;
  readonly file: string | null;
}

/** What {@link retrain} did. */
export interface RetrainResult {
  /** The old study's name (the new study's `settings.parent.study`). */
  readonly parent: string;
  /** The new study's search, as `search()` returns it (without a model file: see `decision`). */
  readonly search: SearchResult;
  readonly metric: Metric;
  /** Old configurations queued first (trial numbers in the new study). */
  readonly warmTrials: readonly number[];
  /** Holdout rows of the new data both models are scored on. */
  readonly holdoutRows: number;
  readonly old: RetrainScore;
  readonly new: RetrainScore;
  /** `written`: the new model is not worse; `forced`: worse but `force`; `kept`: worse, not written; `no-model`: no trial completed. */
  readonly decision: 'written' | 'forced' | 'kept' | 'no-model';
  /** The file the new model was written to, or null. */
  readonly modelFile: string | null;
  readonly notes: readonly string[];
}

const DEFAULT_STORAGE = 'sqlite:automl.db';
const DEFAULT_WARM = 5;
/** Time budget of a retrain whose old study had one, when its length cannot be read back. */
const FALLBACK_TIME = 60;

/**
 * Retrains a tabular study on new data (see the module comment).
 * @throws AutomlError E_STUDY_NOT_FOUND, E_CONFIG (not a tabular study), E_FILE_NOT_FOUND for a
 * missing old model file (naming `--model`), any data error of the new file, before anything is written.
 */
export async function retrain(name: string, options: RetrainOptions): Promise<RetrainResult> {
  const storageUrl = options.storage ?? DEFAULT_STORAGE;
  const old = await readOldStudy(storageUrl, name);
  const s = old.settings;
  const modelPath = options.model ?? `${name}.model.json`;
  if (!existsSync(modelPath)) {
    throw new AutomlError('E_FILE_NOT_FOUND', `no old model file ${modelPath}: retrain scores the old model against the new one; give its path with --model <file> (API: options.model)`, { file: modelPath, param: 'model' });
  }
  const oldModel = loadModel(modelPath);
  if (oldModel.target !== s.target || oldModel.task !== s.task) {
    throw new AutomlError('E_USAGE', `${modelPath} predicts ${show(oldModel.target)} (${oldModel.task}), but study '${name}' predicts ${show(s.target)} (${s.task}); give the study's model with --model`, { file: modelPath, param: 'model' });
  }
  await loadModelPlugins(s.plugins);
  // The old split rule on the new data: a holdout of testSize (an old separate test file does not describe the new data).
  // The old study's delimiter, unless this data names its own (absent both: detected).
  const delimiter = options.delimiter ?? s.delimiter;
  // The old validation too: groups, time column, one holdout split or k-fold CV.
  const prep = prepareData({ data: options.data, target: s.target, task: s.task, ignore: s.ignore, keep: s.keep, cv: s.cv, testSize: s.testSize, seed: old.seed, ...storedValidation(s), ...(delimiter !== undefined ? { delimiter } : {}) });
  const notes: string[] = [...prep.notes];
  if (s.test !== null) notes.push(`study '${name}' was scored on ${s.test}; the retrain holds out ${Math.round(s.testSize * 100)}% of the new data instead`);
  const metric = getMetric(s.metric, s.task);
  // The old model is scored first: a new data set it cannot read fails here, before a study is made.
  const holdout = holdoutRecords(prep);
  const oldScore = scoreOn(oldModel, holdout, modelPath, notes);
  const budget = retrainBudget(options, s, old.createdAt);
  for (const n of notes) options.onNote?.(n);

  const storage = await openStorage(storageUrl);
  let study: Study;
  try {
    const taken = new Set((await storage.listStudies()).map((x) => x.name));
    if (options.study !== undefined && taken.has(options.study)) throw new AutomlError('E_STUDY_EXISTS', `study '${options.study}' already exists in ${storageUrl}; choose another --study name`);
    const newName = options.study ?? freeName(`${name}-retrain`, taken);
    const settings: TabularSettings & { parent: { study: string } } = {
      ...s,
      data: typeof options.data === 'string' ? resolve(options.data) : null,
      fingerprint: prep.fingerprint,
      test: null,
      ...(delimiter !== undefined ? { delimiter } : {}),
      trials: budget.trials ?? null,
      deadline: budget.time !== undefined ? Date.now() + budget.time * 1000 : null,
      holdout: prep.validation.holdout,
      parent: { study: name },
    };
    study = await createStudyIn(storage, { name: newName, space: old.space, direction: metric.direction, sampler: old.sampler, pruner: prunerFor({ prune: s.prune, holdout: prep.validation.holdout }), seed: old.seed, loadIfExists: false, settings: settingsRecord(settings) });
  } catch (e) {
    await storage.close().catch(() => undefined);
    throw e;
  }
  let result: SearchResult;
  let warm: number[];
  try {
    warm = await enqueueBest(study, old.best, options.warmTrials ?? DEFAULT_WARM);
    if (warm.length > 0) options.onNote?.(`warm start: the first ${warm.length} trials are study '${name}''s best configurations`);
    const { out: _out, force: _force, data: _data, model: _model, study: _study, storage: _storage, warmTrials: _warm, ...run } = options;
    result = await runSearch(study, prep, metric, { ...run, ...budget }, s.plugins);
  } catch (e) {
    await study.close();
    throw e;
  }
  try {
    return await decide({ name, options, metric, result, warm, holdout, oldScore, notes });
  } finally {
    await result.study.close();
  }
}

/** The held-out rows of the new data as row objects with their true target, for `evaluateModel`. */
function holdoutRecords(prep: PreparedData): Record<string, unknown>[] {
  const holdout = prep.holdoutRows!;
  const rows = tableRows(prep.dataset, holdout);
  const t = prep.dataset.target;
  holdout.forEach((r, i) => (rows[i]![t.name] = t.classes ? t.classes[t.values[r]!]! : t.values[r]!));
  return rows;
}

/** The study's metric of `m` on `rows` (the metric is the model's own, the study's). */
function scoreOn(m: FittedModel, rows: readonly Record<string, unknown>[], file: string | null, notes: string[]): RetrainScore {
  const report = evaluateModel(m, rows);
  for (const n of report.notes) notes.push(`${file ?? 'new model'}: ${n}`);
  return { value: report.metric.value, rows: report.rows.used, file };
}

/** The old study's record, read and closed at once: the new study gets a storage of its own. */
async function readOldStudy(storageUrl: string, name: string): Promise<{ settings: TabularSettings; space: Study['space']; sampler: string; seed: number; createdAt: number; best: { config: unknown; value: number }[] }> {
  const study = await loadStudy({ storage: storageUrl, name });
  try {
    const settings = readTabularSettings(study.record.settings, `study '${name}'`);
    const sign = study.direction === 'maximize' ? -1 : 1;
    const complete = study.trials.filter((t: TrialRecord) => t.state === 'COMPLETE' && typeof t.value === 'number' && Number.isFinite(t.value));
    complete.sort((a, b) => sign * (a.value! - b.value!) || a.number - b.number);
    const best = complete.map((t) => ({ config: study.configOf(t), value: t.value! }));
    return { settings, space: study.space, sampler: study.record.sampler, seed: study.seed, createdAt: study.record.createdAt, best };
  } finally {
    await study.close();
  }
}

/** Queues the first `k` distinct configurations of `best` the study's space accepts. */
async function enqueueBest(study: Study, best: readonly { config: unknown }[], k: number): Promise<number[]> {
  const queued: number[] = [];
  const seen = new Set<string>();
  for (const b of best) {
    if (queued.length >= k) break;
    const flat = study.space.flatten(b.config as never);
    const key = JSON.stringify(Object.entries(flat).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
    if (seen.has(key)) continue;
    seen.add(key);
    try {
      queued.push(await study.enqueue(b.config as never));
    } catch (e) {
      if (e instanceof AutomlError && e.code === 'E_PARAM') continue;
      throw e;
    }
  }
  return queued;
}

/** The given budget, else the old study's kind: its trial count, or its time budget's length. */
function retrainBudget(o: RetrainOptions, s: TabularSettings, createdAt: number): { trials: number | undefined; time: number | undefined } {
  if (o.trials !== undefined || o.time !== undefined) return { trials: o.trials, time: o.time };
  if (s.trials !== null) return { trials: s.trials, time: undefined };
  const seconds = s.deadline !== null ? Math.round((s.deadline - createdAt) / 1000) : FALLBACK_TIME;
  return { trials: undefined, time: seconds > 0 ? seconds : FALLBACK_TIME };
}

function freeName(base: string, taken: ReadonlySet<string>): string {
  if (!taken.has(base)) return base;
  for (let i = 2; ; i++) if (!taken.has(`${base}-${i}`)) return `${base}-${i}`;
}

/** Scores the new model on the holdout the old one was scored on, and writes it when it is not worse. */
async function decide(a: {
  name: string;
  options: RetrainOptions;
  metric: Metric;
  result: SearchResult;
  warm: number[];
  holdout: readonly Record<string, unknown>[];
  oldScore: RetrainScore;
  notes: string[];
}): Promise<RetrainResult> {
  const { metric, result, oldScore, notes } = a;
  const newModel = result.model;
  const out = (a.options.out ?? '{study}.model.json').replaceAll('{study}', result.study.name);
  let newScore: RetrainScore = { value: null, rows: 0, file: null };
  let decision: RetrainResult['decision'] = 'no-model';
  let modelFile: string | null = null;
  if (newModel) {
    newScore = scoreOn(newModel, a.holdout, null, notes);
    const notWorse = oldScore.value === null || (newScore.value !== null && (metric.direction === 'maximize' ? newScore.value >= oldScore.value : newScore.value <= oldScore.value));
    decision = notWorse ? 'written' : a.options.force ? 'forced' : 'kept';
    if (decision !== 'kept') {
      modelFile = await newModel.save(out);
      newScore = { ...newScore, file: modelFile };
    }
  }
  return { parent: a.name, search: result, metric, warmTrials: a.warm, holdoutRows: a.holdout.length, old: oldScore, new: newScore, decision, modelFile, notes };
}
