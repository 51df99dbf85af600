/**
 * Runs a prepared tabular study: the trials on a worker pool (whose threads hold the searched rows
 * once), then the final choice (re-check on fresh splits, ensemble), the refit and the test score,
 * or the wrapper feature search when asked. `search` and `resumeSearch` both end here.
 */
import { availableParallelism } from 'node:os';
import { createRng, deriveSeed } from '../util/rng.js';
import { compiledModule } from '../util/package-paths.js';
import type { Metric } from '../evaluation/metrics.js';
import { canReshuffle, HOLDOUT_SHARE, validationFolds, type ValidationSpec } from '../evaluation/validation-plan.js';
import { rungSizes } from '../evaluation/row-fidelity.js';
import { describeValidation, leastRefitRows, rungWinner, type RungChoice } from './row-rungs.js';
import type { Study } from '../study/index.js';
import { WorkerPool } from '../coordinator/pool.js';
import { STOPPED_FOR_TIME_ATTR, type ModelPluginRef, type TabularWorkerData } from './worker/data.js';
import { DEFAULT_ENSEMBLE_CANDIDATES, MAX_OOF_VALUES, OOF_ARTIFACT, OofPool } from './ensemble.js';
import type { FinalChoice } from './choose-ensemble.js';
import { PhasePlanner } from './budget.js';
import { leaderboard, pruningSummary } from './leaderboard.js';
import { noteClassWeights, tuneThreshold } from './imbalance.js';
import { readTabularSettings } from './settings.js';
import type { FeatureSearchSummary, PreparedData, RunOptions, SearchResult } from './types.js';
import { chooseFinalModel, fitChoice, NO_MODEL, refitFinal, runFeatureSearch, type FinalModel, type RunSetup } from './final-phases.js';

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
  const searched = prep.searched;
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
    ...(rungs.length > 1 ? { rungs, deadline: new Int32Array(new SharedArrayBuffer(4)).fill(NO_DEADLINE), deadlineBase: Date.now() } : {}),
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


/**
 * The final choice on row rungs (see {@link rungWinner}), with a note when it is not simply the
 * best trial that trained on every row.
 */
function chooseOnRungs(study: Study, setup: RunSetup, planner: PhasePlanner | null, warm: boolean, onNote: ((n: string) => void) | undefined): RungChoice | null {
  const top = setup.rungs.length - 1;
  const now = Date.now();
  // A trial is compared at rung r only if its refit on at least half of rung r's rows ends in time.
  const choice = rungWinner(study.trials, setup.rungs.length, study.direction, (t, r) => planner === null || planner.refitFits(t, leastRefitRows(setup.rungs[r]!), now, warm));
  if (!choice) return null;
  const unrestricted = rungWinner(study.trials, setup.rungs.length, study.direction);
  if (unrestricted && unrestricted.trial !== choice.trial) {
    onNote?.(`trial ${unrestricted.trial.number} scored best at rung ${unrestricted.rung + 1}, but refitting it on even ${leastRefitRows(setup.rungs[unrestricted.rung]!).toLocaleString('en-US')} rows would not end in the ${(Math.max(0, planner!.end - now) / 1000).toFixed(1)} s left: the choice is among the pipelines whose refit does`);
  }
  const complete = study.trials.filter((t) => t.state === 'COMPLETE').length;
  const stopped = study.trials.filter((t) => t.state === 'PRUNED' && t.userAttrs[STOPPED_FOR_TIME_ATTR] !== undefined).length;
  if (choice.rung < top || choice.trial.state !== 'COMPLETE') {
    const finished = complete === 0 ? 'no trial' : complete === 1 ? 'only one trial' : `${complete} trials`;
    const why = stopped > 0 ? `; ${stopped} trial${stopped === 1 ? '' : 's'} stopped climbing because the next rung would not have ended in time` : '';
    onNote?.(
      `final choice at rung ${choice.rung + 1} of ${setup.rungs.length} (${setup.rungs[choice.rung]!.toLocaleString('en-US')} training rows): ${finished} trained on all ${setup.rungs[top]!.toLocaleString('en-US')} rows${why}; ` +
        `trial ${choice.trial.number} scored best of the ${choice.among} trials compared there (${Math.round(choice.score * 10000) / 10000})`,
    );
  }
  return choice;
}

/** Shared deadline value meaning "none" (about 24 days after its base). */
const NO_DEADLINE = 2 ** 31 - 1;

/** Hands the search's current deadline to the worker threads (row rungs read it; see worker/data.ts). */
function publishDeadline(data: TabularWorkerData, planner: PhasePlanner | null): void {
  if (!data.deadline || data.deadlineBase === undefined || !planner) return;
  const at = Math.round(planner.searchDeadline() - data.deadlineBase);
  Atomics.store(data.deadline, 0, Math.max(0, Math.min(NO_DEADLINE, at)));
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
    cores: availableParallelism(),
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
  const rungChoice = setup.rungs.length > 1 ? chooseOnRungs(study, setup, planner, !cut, o.onNote) : null;
  const winner = rungChoice ? rungChoice.trial : study.bestTrial;
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
    final = await refitFinal(study, prep, metric, o, pool, winner, choice, featureSearch, setup, setup.ensembleOn ? oofPool : null, planner, threshold, rungChoice, !cut);
  }
  return { stoppedBy, featureSearch, final };
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
  const publish = (): void => publishDeadline(setup.workerData, planner);
  publish();
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
      publish();
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

/** The search result: the study's counts, best trial and leaderboard, and the final model. */
function assembleResult(study: Study, setup: RunSetup, prep: PreparedData, metric: Metric, { stoppedBy, featureSearch, final }: RunOutcome): SearchResult {
  const counts = {
    complete: study.trials.filter((t) => t.state === 'COMPLETE').length,
    failed: study.trials.filter((t) => t.state === 'FAIL' && t.failKind !== 'interrupted').length,
    // Only configurations still waiting for a run: an interrupted trial that ran again is done.
    interrupted: study.pendingRetries(),
    pruned: study.trials.filter((t) => t.state === 'PRUNED').length,
  };
  // On row rungs the model may come from a trial that stopped below every row (see rungWinner):
  // with no complete trial, that trial and the score it was chosen on are the best there is.
  const modelTrial = final.modelTrials.length === 1 ? study.trial(final.modelTrials[0]!.trial) : undefined;
  const complete = study.bestTrial;
  const winner = complete ?? modelTrial ?? null;
  const value = complete ? complete.value! : (final.summary?.cvScore ?? winner?.value ?? NaN);
  return {
    study,
    metric,
    task: prep.dataset.target.task,
    best: winner ? { number: winner.number, value, config: study.configOf(winner) } : null,
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

function shareInt32(a: Int32Array): Int32Array {
  const out = new Int32Array(new SharedArrayBuffer(a.byteLength));
  out.set(a);
  return out;
}
