/**
 * Runs a prepared tabular study: the trials on a worker pool (whose threads hold the searched rows
 * once), then the final choice (re-check on fresh splits, ensemble), the refit and the test score,
 * or the wrapper feature search when asked. `search` and `resumeSearch` both end here.
 */
import { availableParallelism } from 'node:os';
import { isAutomlError } from '../util/errors.js';
import { createRng, deriveSeed } from '../util/rng.js';
import { compiledModule } from '../util/package-paths.js';
import { subsetRows, toShared } from '../data/index.js';
import type { Dataset } from '../data/types.js';
import type { Metric } from '../evaluation/metrics.js';
import { stratifiedKFold, kFold } from '../evaluation/splitters.js';
import type { Study } from '../study/index.js';
import type { TrialRecord } from '../trial/trial.js';
import { WorkerPool } from '../coordinator/pool.js';
import type { ModelPluginRef, TabularWorkerData } from './worker/data.js';
import { greedyFeatureSearch } from '../evaluation/feature-search.js';
import type { PipelineConfig } from '../pipeline/index.js';
import { getModel } from '../models/registry.js';
import { refitBest, refitMembers, type FittedModel } from './refit.js';
import { DEFAULT_ENSEMBLE_CANDIDATES, MAX_OOF_VALUES, OOF_ARTIFACT, OofPool } from './ensemble.js';
import { chooseFinal, RECHECK_MAX_SHARE, RECHECK_MIN_SHARE, TopTrials, type FinalChoice } from './choose-ensemble.js';
import { leaderboard } from './leaderboard.js';
import { readTabularSettings } from './settings.js';
import type { EnsembleSummary, FeatureSearchSummary, PreparedData, RecheckSummary, RunOptions, SearchResult, TabularSettings } from './types.js';

/** What every trial and the final steps share, prepared once from the study and the data. */
interface RunSetup {
  readonly settings: TabularSettings;
  /** The searched rows, in shared memory (every worker thread reads them without a copy). */
  readonly searched: Dataset;
  readonly folds: readonly Fold[];
  /** Out-of-fold values one trial hands back (rows x classes). */
  readonly oofSize: number;
  readonly ensembleOn: boolean;
  readonly recheck: boolean;
  readonly workers: number;
  readonly workerData: TabularWorkerData;
}

interface Fold {
  readonly train: Int32Array;
  readonly test: Int32Array;
}

/** The final model and how it was chosen; all empty when none was refit. */
interface FinalModel {
  readonly model: FittedModel | null;
  readonly testScore: number | null;
  readonly modelFile: string | null;
  readonly ensemble: EnsembleSummary | null;
  readonly recheck: RecheckSummary | null;
  readonly modelTrials: { trial: number; weight: number }[];
}

const NO_MODEL: FinalModel = { model: null, testScore: null, modelFile: null, ensemble: null, recheck: null, modelTrials: [] };

/** What the search and the final steps produced, before the result is assembled. */
interface RunOutcome {
  readonly stoppedBy: string;
  readonly featureSearch: FeatureSearchSummary | null;
  readonly final: FinalModel;
}

/**
 * Runs the study's trials within the budget, then (with `refit`) chooses, refits and scores the
 * final model and saves it to `o.out`. `plugins` are the users' model modules the workers import.
 */
export async function runSearch(
  study: Study,
  prep: PreparedData,
  metric: Metric,
  o: RunOptions,
  plugins: readonly ModelPluginRef[],
  refit = true,
): Promise<SearchResult> {
  const setup = prepareRun(study, prep, metric, o, plugins, refit);
  announce(study, setup, metric, o);
  // One pool for the trials and the final refit: its threads already hold the searched rows.
  const pool = new WorkerPool({ workers: setup.workers, workerData: setup.workerData });
  let outcome: RunOutcome;
  try {
    outcome = await searchThenFinish(study, setup, prep, metric, o, refit, pool);
  } finally {
    await pool.close();
  }
  return assembleResult(study, setup, prep, metric, outcome);
}

/** The searched rows in shared memory, their CV folds, and what the worker threads receive. */
function prepareRun(study: Study, prep: PreparedData, metric: Metric, o: RunOptions, plugins: readonly ModelPluginRef[], refit: boolean): RunSetup {
  const settings = readTabularSettings(study.record.settings, `study '${study.name}'`);
  const searched = toShared(subsetRows(prep.dataset, prep.searchRows));
  const foldSeed = createRng(deriveSeed(study.seed, 'folds')).uint32();
  const splits = searched.target.task === 'classification' ? stratifiedKFold(searched.target.values, settings.cv, foldSeed) : kFold(searched.nRows, settings.cv, foldSeed);
  const folds = splits.map((f) => ({ train: shareInt32(f.train), test: shareInt32(f.test) }));
  const nClasses = searched.target.classes?.length ?? 0;
  const oofSize = searched.nRows * Math.max(nClasses, 1);
  const wantEnsemble = (o.ensemble ?? settings.ensemble ?? true) && !o.featureSearch && refit;
  if (wantEnsemble && oofSize > MAX_OOF_VALUES) o.onNote?.(`no ensemble: ${searched.nRows} rows x ${Math.max(nClasses, 1)} out-of-fold predictions per trial are more than the ${MAX_OOF_VALUES} kept in memory; the best single pipeline is refit`);
  const ensembleOn = wantEnsemble && oofSize <= MAX_OOF_VALUES;
  const workerData: TabularWorkerData = { kind: 'automl.tabular', dataset: searched, folds, metric: metric.name, plugins, oof: ensembleOn, reshuffle: settings.reshuffleFolds === true };
  return {
    settings,
    searched,
    folds,
    oofSize,
    ensembleOn,
    recheck: (o.recheck ?? true) && !o.featureSearch && refit,
    workers: o.workers ?? availableParallelism(),
    workerData,
  };
}

/** Tells the caller what is about to run (`onStart`). */
function announce(study: Study, { settings, searched }: RunSetup, metric: Metric, o: RunOptions): void {
  if (!o.onStart) return;
  const modelChoice = study.space.param('model');
  o.onStart({
    study: study.name,
    storage: study.storage.url,
    rows: searched.nRows,
    features: searched.features.length,
    task: searched.target.task,
    classes: searched.target.classes?.length ?? null,
    metric: metric.name,
    direction: metric.direction,
    cv: settings.cv,
    strategy: study.sampler.name,
    models: modelChoice && modelChoice.dimension.kind === 'categorical' ? (modelChoice.dimension.toJSON() as { choices: string[] }).choices : [],
    trials: o.trials,
    time: o.time,
    done: study.countedTrials(),
  });
}

/** The trials, then (unless stopped) the feature search, the final choice and the refit. */
async function searchThenFinish(study: Study, setup: RunSetup, prep: PreparedData, metric: Metric, o: RunOptions, refit: boolean, pool: WorkerPool): Promise<RunOutcome> {
  const startedAt = Date.now();
  const deadline = o.time !== undefined ? startedAt + o.time * 1000 : undefined;
  const { stoppedBy, oofPool } = await runTrials(study, setup, metric, o, pool, startedAt);
  const winner = study.bestTrial;
  let featureSearch: FeatureSearchSummary | null = null;
  if (winner && o.featureSearch && !o.signal?.aborted) {
    featureSearch = await runFeatureSearch(o.featureSearch, winner, study, setup.searched, setup.folds, metric, deadline, o.signal, o.onNote);
  }
  let choice: FinalChoice | null = null;
  if (winner && refit && (setup.ensembleOn || setup.recheck) && !o.signal?.aborted) {
    choice = await chooseFinalModel(study, setup, metric, o, pool, setup.ensembleOn ? oofPool : null, deadline);
  }
  let final = NO_MODEL;
  if (winner && refit && !o.signal?.aborted) final = await refitFinal(study, prep, metric, o, pool, winner, choice, featureSearch);
  return { stoppedBy, featureSearch, final };
}

/**
 * The trials themselves, on `pool`. Collects the out-of-fold predictions of the best trials (for
 * the ensemble) and, with a re-check and a time budget, stops early enough to leave it time.
 */
async function runTrials(study: Study, setup: RunSetup, metric: Metric, o: RunOptions, pool: WorkerPool, startedAt: number): Promise<{ stoppedBy: string; oofPool: OofPool }> {
  const oofPool = new OofPool(DEFAULT_ENSEMBLE_CANDIDATES, metric.direction);
  const searchTime = o.time !== undefined && o.featureSearch ? o.time * 0.75 : o.time;
  // The re-check needs about one CV run of each of the best trials per fresh split: the search
  // stops early enough to leave that (learnt from those trials' durations), within bounds.
  const topDurations = new TopTrials(DEFAULT_ENSEMBLE_CANDIDATES, metric.direction);
  const stopEarly =
    setup.recheck && o.time !== undefined
      ? () => {
          const budget = o.time! * 1000;
          const reserve = Math.min(RECHECK_MAX_SHARE * budget, Math.max(RECHECK_MIN_SHARE * budget, (1.5 * topDurations.totalMs()) / setup.workers));
          return Date.now() > startedAt + budget - reserve;
        }
      : undefined;
  const result = await study.optimize({ module: compiledModule('automl/worker/objective.js') }, {
    trials: o.trials,
    time: searchTime,
    executor: pool,
    signal: o.signal,
    timeout: o.trialTimeout,
    maxConsecutiveFailures: o.maxConsecutiveFailures,
    ...(stopEarly ? { stopEarly } : {}),
    onTrial: (t, artifacts) => {
      if (t.state === 'COMPLETE' && t.value !== null) topDurations.offer(t.value, Number(t.userAttrs.durationMs ?? 0));
      const oof = artifacts?.[OOF_ARTIFACT];
      if (setup.ensembleOn && t.state === 'COMPLETE' && t.value !== null && oof instanceof Float64Array && oof.length === setup.oofSize) oofPool.offer({ trial: t.number, value: t.value, data: oof });
      o.onTrial?.(t, study);
    },
    onTrialStart: o.onTrialStart,
  });
  return { stoppedBy: result.stoppedBy, oofPool };
}

/** The re-check on fresh splits and/or the ensemble selection: what the final model is made of. */
async function chooseFinalModel(study: Study, setup: RunSetup, metric: Metric, o: RunOptions, pool: WorkerPool, oofPool: OofPool | null, deadline: number | undefined): Promise<FinalChoice | null> {
  if (setup.recheck) o.onNote?.('re-checking the best pipelines on fresh CV splits before choosing the final model');
  return chooseFinal({
    study,
    searched: setup.searched,
    metric,
    oofPool,
    executor: pool,
    candidates: DEFAULT_ENSEMBLE_CANDIDATES,
    recheck: setup.recheck,
    ...(deadline !== undefined ? { deadline } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.onNote ? { onNote: o.onNote } : {}),
  });
}

/** Refits the chosen members (or the best trial) on every searched row, scores it on the test rows, saves it. */
async function refitFinal(
  study: Study,
  prep: PreparedData,
  metric: Metric,
  o: RunOptions,
  pool: WorkerPool,
  winner: TrialRecord,
  choice: FinalChoice | null,
  featureSearch: FeatureSearchSummary | null,
): Promise<FinalModel> {
  const useColumns = featureSearch?.improved ? featureSearch.columns : undefined;
  const fitted = choice
    ? await refitMembers({ study, members: choice.members.map((m) => ({ trial: study.trial(m.trial)!, weight: m.weight })), prep, metric, executor: pool, signal: o.signal, cvScore: choice.cvScore })
    : await refitBest({ study, best: winner, prep, metric, executor: pool, signal: o.signal, ...(useColumns ? { columns: useColumns, cvScore: featureSearch!.score } : {}) });
  if (!fitted) return NO_MODEL;
  return {
    model: fitted.model,
    testScore: fitted.testScore,
    modelFile: o.out ? await fitted.model.save(o.out.replaceAll('{study}', study.name)) : null,
    ensemble: choice?.ensemble ?? null,
    recheck: choice?.recheck ?? null,
    modelTrials: choice ? choice.members.map((m) => ({ ...m })) : [{ trial: winner.number, weight: 1 }],
  };
}

/** The search result: the study's counts, best trial and leaderboard, and the final model. */
function assembleResult(study: Study, setup: RunSetup, prep: PreparedData, metric: Metric, { stoppedBy, featureSearch, final }: RunOutcome): SearchResult {
  const counts = {
    complete: study.trials.filter((t) => t.state === 'COMPLETE').length,
    failed: study.trials.filter((t) => t.state === 'FAIL' && t.failKind !== 'interrupted').length,
    // Only configurations still waiting for a run: an interrupted trial that ran again is done.
    interrupted: study.pendingRetries(),
    pruned: study.trials.filter((t) => t.state === 'PRUNED').length,
  };
  const winner = study.bestTrial;
  return {
    study,
    metric,
    task: prep.dataset.target.task,
    best: winner ? { number: winner.number, value: winner.value!, config: study.configOf(winner) } : null,
    model: final.model,
    testScore: final.testScore,
    leaderboard: leaderboard(study, 10, setup.searched.features.length),
    counts,
    stoppedBy,
    notes: prep.notes,
    modelFile: final.modelFile,
    featureSearch,
    ensemble: final.ensemble,
    recheck: final.recheck,
    modelTrials: final.modelTrials,
  };
}

/** The wrapper feature search on the winning configuration; null when Ctrl-C stopped it. */
async function runFeatureSearch(
  mode: true | 'forward' | 'backward',
  winner: TrialRecord,
  study: Study,
  searched: Dataset,
  folds: readonly { train: Int32Array; test: Int32Array }[],
  metric: Metric,
  deadline: number | undefined,
  signal: AbortSignal | undefined,
  onNote: ((n: string) => void) | undefined,
): Promise<FeatureSearchSummary | null> {
  const direction = mode === 'backward' ? 'backward' : 'forward';
  let res;
  try {
    res = await greedyFeatureSearch({
      dataset: searched,
      config: study.configOf(winner) as unknown as PipelineConfig,
      folds,
      metric,
      lookupModel: getModel,
      seed: createRng(deriveSeed(study.seed, 'feature-search')).uint32(),
      direction,
      ...(deadline !== undefined ? { deadline } : {}),
      ...(signal ? { signal } : {}),
    });
  } catch (e) {
    if (isAutomlError(e, 'E_ABORTED')) return null;
    throw e;
  }
  onNote?.(
    `feature search (${direction}, ${res.fits} fits, stopped: ${res.stoppedBy}): ${res.columns.length} of ${searched.features.length} columns, ` +
      `cv ${metric.name} ${res.score.toFixed(4)} vs ${res.baselineScore.toFixed(4)} with all; ${res.improved ? 'kept' : 'not better, so not used'}`,
  );
  return { direction, columns: res.columns, score: res.score, baselineScore: res.baselineScore, improved: res.improved, fits: res.fits, stoppedBy: res.stoppedBy };
}

function shareInt32(a: Int32Array): Int32Array {
  const out = new Int32Array(new SharedArrayBuffer(a.byteLength));
  out.set(a);
  return out;
}
