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
import { canReshuffle, HOLDOUT_SHARE, validationFolds, type ValidationSpec } from '../evaluation/validation-plan.js';
import { rungSizes } from '../evaluation/row-fidelity.js';
import { describeValidation } from './row-rungs.js';
import type { Study } from '../study/index.js';
import type { TrialRecord } from '../trial/trial.js';
import { WorkerPool } from '../coordinator/pool.js';
import type { ModelPluginRef, TabularWorkerData } from './worker/data.js';
import { greedyFeatureSearch } from '../evaluation/feature-search.js';
import type { PipelineConfig } from '../pipeline/index.js';
import { getModel } from '../models/registry.js';
import { refitMembers, type FittedModel } from './refit.js';
import { DEFAULT_ENSEMBLE_CANDIDATES, MAX_OOF_VALUES, OOF_ARTIFACT, OofPool } from './ensemble.js';
import { chooseFinal, type FinalChoice } from './choose-ensemble.js';
import { PhasePlanner } from './budget.js';
import { leaderboard, pruningSummary } from './leaderboard.js';
import { FINAL_MODEL_SETTING, finalModelSummary } from './final-summary.js';
import { noteClassWeights, tuneThreshold } from './imbalance.js';
import { readTabularSettings } from './settings.js';
import { withTrainingProfile } from '../serving/model-profile.js';
import type { EnsembleSummary, FeatureSearchSummary, FinalModelSummary, PreparedData, RecheckSummary, RunOptions, SearchResult, TabularSettings, ThresholdSummary } from './types.js';

/** What every trial and the final steps share, prepared once from the study and the data. */
interface RunSetup {
  readonly settings: TabularSettings;
  /** The searched rows, in shared memory (every worker thread reads them without a copy). */
  readonly searched: Dataset;
  readonly folds: readonly Fold[];
  /** How the searched rows are split (folds 1: one holdout split). */
  readonly validation: ValidationSpec;
  /** Training rows of each row rung; one entry when trials train on every row at once. */
  readonly rungs: readonly number[];
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
  readonly summary: FinalModelSummary | null;
}

const NO_MODEL: FinalModel = { model: null, testScore: null, modelFile: null, ensemble: null, recheck: null, modelTrials: [], summary: null };

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
  startedAt = Date.now(),
): Promise<SearchResult> {
  const setup = prepareRun(study, prep, metric, o, plugins, refit);
  announce(study, setup, metric, o);
  const planner = o.time !== undefined ? newPlanner(setup, prep, metric, o.time, startedAt, refit) : null;
  // One pool for the trials and the final refit: its threads already hold the searched rows.
  const pool = new WorkerPool({ workers: setup.workers, workerData: setup.workerData, memoryLimitMb: o.memoryLimitMb });
  let outcome: RunOutcome;
  try {
    outcome = await searchThenFinish(study, setup, prep, metric, o, refit, pool, planner);
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
  const { holdout, groups, timeOrdered } = prep.validation;
  const validation: ValidationSpec = {
    folds: holdout !== null ? 1 : settings.cv,
    holdout: holdout ?? HOLDOUT_SHARE,
    ...(groups ? { groups: shareInt32(groups) } : {}),
    ...(timeOrdered ? { timeOrdered: true } : {}),
  };
  const folds = validationFolds(validation, searched.target, foldSeed).map((f) => ({ train: shareInt32(f.train), test: shareInt32(f.test) }));
  // One holdout split: a fixed one (every rung of every trial scores on the same rows), with row rungs when pruning.
  const rungs = holdout !== null && settings.prune ? rungSizes(folds[0]!.train.length) : [folds[0]!.train.length];
  const nClasses = searched.target.classes?.length ?? 0;
  const oofSize = searched.nRows * Math.max(nClasses, 1);
  const wantEnsemble = (o.ensemble ?? settings.ensemble ?? true) && !o.featureSearch && refit;
  if (wantEnsemble && holdout !== null) o.onNote?.('no ensemble or re-check: with one holdout split the trials predict only its validation rows, and on this many rows its score is precise; the best single pipeline is refit');
  else if (wantEnsemble && oofSize > MAX_OOF_VALUES) o.onNote?.(`no ensemble: ${searched.nRows} rows x ${Math.max(nClasses, 1)} out-of-fold predictions per trial are more than the ${MAX_OOF_VALUES} kept in memory; the best single pipeline is refit`);
  const ensembleOn = wantEnsemble && holdout === null && oofSize <= MAX_OOF_VALUES;
  const reshuffle = settings.reshuffleFolds === true && holdout === null && canReshuffle(validation);
  const balanced = settings.classWeight === 'balanced' && searched.target.task === 'classification';
  if (balanced) noteClassWeights(study, o.onNote);
  const workerData: TabularWorkerData = {
    kind: 'automl.tabular',
    dataset: searched,
    folds,
    metric: metric.name,
    plugins,
    oof: ensembleOn,
    reshuffle,
    validation,
    ...(rungs.length > 1 ? { rungs } : {}),
    ...(balanced ? { classWeight: 'balanced' as const } : {}),
  };
  describeValidation(validation, folds[0]!, rungs, o.onNote);
  return {
    settings,
    searched,
    folds,
    validation,
    rungs,
    oofSize,
    ensembleOn,
    // One holdout split on large data already scores precisely (that is why it is used): the
    // re-check would refit the best pipelines on every row again for little. Time order has no
    // fresh splits to offer (its folds are fixed by time).
    recheck: (o.recheck ?? true) && !o.featureSearch && refit && holdout === null && !timeOrdered,
    workers: o.workers ?? availableParallelism(),
    workerData,
  };
}


/** The phase planner of a run with a time budget of `time` seconds counted from `startedAt`. */
function newPlanner(setup: RunSetup, prep: PreparedData, metric: Metric, time: number, startedAt: number, refit: boolean): PhasePlanner {
  return new PhasePlanner({
    startedAt,
    budgetMs: time * 1000,
    workers: setup.workers,
    // A holdout split of 20% trains on the share of the rows a fold of 5 does.
    folds: setup.validation.folds === 1 ? Math.max(2, Math.round(1 / setup.validation.holdout)) : setup.folds.length,
    searchRows: setup.searched.nRows,
    testRows: prep.testSet ? prep.testSet.y.length : (prep.holdoutRows?.length ?? 0),
    final: refit,
    recheck: setup.recheck,
    direction: metric.direction,
    candidates: DEFAULT_ENSEMBLE_CANDIDATES,
  });
}

/** Tells the caller what is about to run (`onStart`). */
function announce(study: Study, { settings, searched, validation }: RunSetup, metric: Metric, o: RunOptions): void {
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
    cv: validation.folds === 1 ? 1 : settings.cv,
    strategy: study.sampler.name,
    gridSize: study.sampler.name === 'grid' && Number.isFinite(study.sampler.capacity(study.space)) ? study.sampler.capacity(study.space) : null,
    models: modelChoice && modelChoice.dimension.kind === 'categorical' ? (modelChoice.dimension.toJSON() as { choices: string[] }).choices : [],
    trials: o.trials,
    time: o.time,
    done: study.countedTrials(),
  });
}

/** The trials, then (unless stopped) the feature search, the final choice and the refit. */
async function searchThenFinish(
  study: Study,
  setup: RunSetup,
  prep: PreparedData,
  metric: Metric,
  o: RunOptions,
  refit: boolean,
  pool: WorkerPool,
  planner: PhasePlanner | null,
): Promise<RunOutcome> {
  const { stoppedBy, oofPool, cut } = await runTrials(study, setup, metric, o, pool, planner);
  const winner = study.bestTrial;
  let featureSearch: FeatureSearchSummary | null = null;
  if (winner && o.featureSearch && !o.signal?.aborted) {
    // The feature search ends early enough to leave the winner's refit its time.
    const deadline = planner ? planner.end - planner.marginMs - (planner.refitMs(winner) ?? 0) : undefined;
    o.onPhase?.('feature search', deadline !== undefined ? () => deadline : null);
    featureSearch = await runFeatureSearch(o.featureSearch, winner, study, setup, metric, deadline, o.signal, o.onNote);
  }
  let choice: FinalChoice | null = null;
  if (winner && refit && (setup.ensembleOn || setup.recheck) && !o.signal?.aborted) {
    choice = await chooseFinalModel(study, setup, metric, o, pool, setup.ensembleOn ? oofPool : null, planner, winner, !cut);
  }
  if (choice && planner && choice.members.length > 1) choice = fitChoice(study, choice, planner, o.onNote, !cut || choice.recheck !== null);
  let final = NO_MODEL;
  if (winner && refit && !o.signal?.aborted) {
    const threshold = await tuneThreshold({
      study,
      searched: setup.searched,
      metric,
      executor: pool,
      members: choice ? choice.members : [{ trial: winner.number, weight: 1 }],
      oof: choice?.oof ?? null,
      featureSearch,
      planner,
      ...(o.signal ? { signal: o.signal } : {}),
      ...(o.onNote ? { onNote: o.onNote } : {}),
    });
    final = await refitFinal(study, prep, metric, o, pool, winner, choice, featureSearch, setup, setup.ensembleOn ? oofPool : null, planner, threshold);
  }
  return { stoppedBy, featureSearch, final };
}


/** The final choice with only the ensemble members whose refit fits the time left (see PhasePlanner.fitMembers). */
function fitChoice(study: Study, choice: FinalChoice, planner: PhasePlanner, onNote: ((n: string) => void) | undefined, warm: boolean): FinalChoice {
  const members = choice.members.map((m) => ({ number: m.trial, trial: study.trial(m.trial)!, weight: m.weight }));
  const fit = planner.fitMembers(Date.now(), members, warm);
  if (!fit.note) return choice;
  onNote?.(fit.note);
  const kept = fit.members.map((m) => ({ trial: m.number, weight: m.weight }));
  if (kept.length === 1) {
    // No room for an average: the best single pipeline, as the choice would be without an ensemble
    // (the re-check's best on its fresh splits, else the search's best), not the heaviest member.
    const fresh = choice.recheck?.freshBest;
    const single = fresh ? { trial: fresh.trial, score: fresh.fresh } : study.bestTrial ? { trial: study.bestTrial.number, score: study.bestTrial.value! } : { trial: kept[0]!.trial, score: fit.members[0]!.trial.value! };
    return { members: [{ trial: single.trial, weight: 1 }], cvScore: single.score, ensemble: null, recheck: choice.recheck };
  }
  // The shrunk ensemble's out-of-fold score is not known: the full one's stands, as an estimate.
  // Its out-of-fold predictions are the full ensemble's, so the threshold does not use them.
  const { oof: _full, ...rest } = choice;
  return { ...rest, members: kept, ensemble: choice.ensemble ? { ...choice.ensemble, members: kept } : null };
}

/**
 * The trials themselves, on `pool`. Collects the out-of-fold predictions of the best trials (for
 * the ensemble) and, with a re-check and a time budget, stops early enough to leave it time.
 */
async function runTrials(study: Study, setup: RunSetup, metric: Metric, o: RunOptions, pool: WorkerPool, planner: PhasePlanner | null): Promise<{ stoppedBy: string; oofPool: OofPool; cut: boolean }> {
  const oofPool = new OofPool(DEFAULT_ENSEMBLE_CANDIDATES, metric.direction);
  // The search gets the budget less what the final phases will need, learnt from its own trials
  // (with a feature search, at most 75% of it); the time already spent loading the data counts.
  const searchTime = planner ? Math.max(0.001, (planner.end - Date.now()) / 1000) * (o.featureSearch ? 0.75 : 1) : undefined;
  if (planner) for (const t of study.trials) planner.observe(t);
  // When each running trial was handed to the pool, to learn what starting a worker thread costs.
  const dispatched = new Map<number, number>();
  let cut = false;
  o.onPhase?.('searching', planner ? () => planner.searchDeadline() : null);
  const result = await study.optimize({ module: compiledModule('automl/worker/objective.js') }, {
    trials: o.trials,
    time: searchTime,
    executor: pool,
    signal: o.signal,
    timeout: o.trialTimeout,
    maxConsecutiveFailures: o.maxConsecutiveFailures,
    ...(planner ? { deadline: () => planner.searchDeadline(), stopEarly: () => planner.tooLateToStart(Date.now()) } : {}),
    onTrial: (t, artifacts) => {
      // An interrupted trial's worker thread was ended: the next phase starts a fresh one.
      if (t.state === 'FAIL' && t.failKind === 'interrupted') cut = true;
      const began = dispatched.get(t.number);
      dispatched.delete(t.number);
      if (planner && began !== undefined) planner.observeWall(t, Date.now() - began);
      planner?.observe(t);
      const oof = artifacts?.[OOF_ARTIFACT];
      if (setup.ensembleOn && t.state === 'COMPLETE' && t.value !== null && oof instanceof Float64Array && oof.length === setup.oofSize) oofPool.offer({ trial: t.number, value: t.value, data: oof });
      o.onTrial?.(t, study);
    },
    onTrialStart: (t) => {
      dispatched.set(t.number, Date.now());
      o.onTrialStart?.(t);
    },
  });
  return { stoppedBy: result.stoppedBy, oofPool, cut };
}

/** The re-check on fresh splits and/or the ensemble selection: what the final model is made of. */
async function chooseFinalModel(
  study: Study,
  setup: RunSetup,
  metric: Metric,
  o: RunOptions,
  pool: WorkerPool,
  oofPool: OofPool | null,
  planner: PhasePlanner | null,
  winner: TrialRecord,
  warm: boolean,
): Promise<FinalChoice | null> {
  const complete = study.trials.filter((t) => t.state === 'COMPLETE').length;
  if (setup.recheck && complete >= 2) o.onNote?.('re-checking the best pipelines on fresh CV splits before choosing the final model');
  else if (setup.recheck && planner) o.onNote?.(`re-check skipped: only ${complete} trial completed within the time budget`);
  const deadline = planner ? planner.end - planner.marginMs - planner.membersRefitMs([winner]) : undefined;
  const until = deadline !== undefined ? () => deadline : null;
  return chooseFinal({
    study,
    searched: setup.searched,
    metric,
    oofPool,
    executor: pool,
    candidates: DEFAULT_ENSEMBLE_CANDIDATES,
    recheck: setup.recheck,
    ...(deadline !== undefined ? { deadline } : {}),
    ...(planner ? { planRecheck: (c: readonly TrialRecord[]) => planner.planRecheck(Date.now(), c, [winner], warm) } : {}),
    ...(o.signal ? { signal: o.signal } : {}),
    ...(o.onNote ? { onNote: o.onNote } : {}),
    ...(o.onPhase ? { onRecheck: (d: number | undefined) => o.onPhase!('re-checking', d !== undefined ? () => d : until), onEnsemble: () => o.onPhase!('building the ensemble', until) } : {}),
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
  setup: RunSetup,
  oofPool: OofPool | null,
  planner: PhasePlanner | null,
  threshold: ThresholdSummary | null,
): Promise<FinalModel> {
  const searched = setup.searched;
  const useColumns = featureSearch?.improved ? featureSearch.columns : undefined;
  const until = planner ? () => planner.end : null;
  o.onPhase?.('refitting', until);
  const onScoring = o.onPhase ? { onScoring: () => o.onPhase!('scoring the test set', until) } : {};
  const decision = threshold ? { positiveClass: threshold.positiveClass, value: threshold.threshold } : null;
  const fitted = choice
    ? await refitMembers({ study, members: choice.members.map((m) => ({ trial: study.trial(m.trial)!, weight: m.weight })), prep, metric, executor: pool, signal: o.signal, cvScore: choice.cvScore, threshold: decision, ...onScoring })
    : await refitMembers({ study, members: [{ trial: winner, weight: 1 }], prep, metric, executor: pool, signal: o.signal, cvScore: useColumns ? featureSearch!.score : winner.value, threshold: decision, ...onScoring, ...(useColumns ? { columns: useColumns } : {}) });
  if (!fitted) return NO_MODEL;
  // The training profile (for drift checks) uses the members' out-of-fold predictions when the pool holds them.
  const model = withTrainingProfile(fitted.model, searched, oofPool ? (t) => oofPool.sorted().find((c) => c.trial === t)?.data : null);
  const modelFile = o.out ? await model.save(o.out.replaceAll('{study}', study.name)) : null;
  const modelTrials = choice ? choice.members.map((m) => ({ ...m })) : [{ trial: winner.number, weight: 1 }];
  const summary = finalModelSummary({
    study,
    metric,
    bestTrial: winner.number,
    model,
    members: modelTrials,
    choice,
    featureSearch,
    testScore: fitted.testScore,
    file: modelFile,
    classWeight: setup.workerData.classWeight ?? null,
    threshold,
  });
  // Kept with the study, so that `automl best` can say what the model file holds.
  await study.storage.updateStudySettings(study.record.id, { [FINAL_MODEL_SETTING]: summary });
  return { model, testScore: fitted.testScore, modelFile, ensemble: choice?.ensemble ?? null, recheck: choice?.recheck ?? null, modelTrials, summary };
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
    pruning: pruningSummary(study),
    finalModel: final.summary,
    testSet: prep.testSet ? { source: 'file', rows: prep.testSet.y.length } : prep.holdoutRows && prep.holdoutRows.length > 0 ? { source: 'holdout', rows: prep.holdoutRows.length } : { source: 'none', rows: 0 },
  };
}

/** The wrapper feature search on the winning configuration; null when Ctrl-C stopped it. */
async function runFeatureSearch(
  mode: true | 'forward' | 'backward',
  winner: TrialRecord,
  study: Study,
  { searched, folds, workerData }: RunSetup,
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
      ...(workerData.classWeight ? { classWeight: workerData.classWeight } : {}),
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
