/**
 * The steps after the trials: the wrapper feature search, the re-check and ensemble choice, fitting
 * that choice to the time left, and the refit, scoring and saving of the final model. Split from
 * `run-search.ts`, which runs the trials and calls these in order.
 */
import { isAutomlError } from '../util/errors.js';
import { createRng, deriveSeed } from '../util/rng.js';
import type { Dataset } from '../data/types.js';
import type { Metric } from '../evaluation/metrics.js';
import type { ValidationSpec } from '../evaluation/validation-plan.js';
import type { Study } from '../study/index.js';
import type { TrialRecord } from '../trial/trial.js';
import type { WorkerPool } from '../coordinator/pool.js';
import type { TabularWorkerData } from './worker/data.js';
import { greedyFeatureSearch } from '../evaluation/feature-search.js';
import type { PipelineConfig } from '../pipeline/index.js';
import { getModel } from '../models/registry.js';
import { refitMembers, type FittedModel } from './refit.js';
import { DEFAULT_ENSEMBLE_CANDIDATES, type OofPool } from './ensemble.js';
import { chooseFinal, type FinalChoice } from './choose-ensemble.js';
import type { PhasePlanner } from './budget.js';
import { leastRefitRows, type RungChoice } from './row-rungs.js';
import { FINAL_MODEL_SETTING, finalModelSummary } from './final-summary.js';
import { withTrainingProfile } from '../serving/model-profile.js';
import type { EnsembleSummary, FeatureSearchSummary, FinalModelSummary, PreparedData, RecheckSummary, RunOptions, TabularSettings, ThresholdSummary } from './types.js';

/** What every trial and the final steps share, prepared once from the study and the data. */
export interface RunSetup {
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

export interface Fold {
  readonly train: Int32Array;
  readonly test: Int32Array;
}

/** The final model and how it was chosen; all empty when none was refit. */
export interface FinalModel {
  readonly model: FittedModel | null;
  readonly testScore: number | null;
  readonly modelFile: string | null;
  readonly ensemble: EnsembleSummary | null;
  readonly recheck: RecheckSummary | null;
  readonly modelTrials: { trial: number; weight: number }[];
  readonly summary: FinalModelSummary | null;
}

export const NO_MODEL: FinalModel = { model: null, testScore: null, modelFile: null, ensemble: null, recheck: null, modelTrials: [], summary: null };

/** The final choice with only the ensemble members whose refit fits the time left (see PhasePlanner.fitMembers). */
export function fitChoice(study: Study, choice: FinalChoice, planner: PhasePlanner, onNote: ((n: string) => void) | undefined, warm: boolean): FinalChoice {
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

/** The re-check on fresh splits and/or the ensemble selection: what the final model is made of. */
export async function chooseFinalModel(
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
export async function refitFinal(
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
  rungChoice: RungChoice | null = null,
  warm = false,
): Promise<FinalModel> {
  const searched = setup.searched;
  const useColumns = featureSearch?.improved ? featureSearch.columns : undefined;
  const until = planner ? () => planner.end : null;
  // On row rungs, when refitting on every searched row would not end in time: as many rows as fit.
  const refitRows = rungChoice && planner && !choice && !useColumns ? planner.refitRows(winner, Date.now(), leastRefitRows(setup.rungs[rungChoice.rung]!), warm) : null;
  if (refitRows !== null) {
    o.onNote?.(
      `refit on ${refitRows.toLocaleString('en-US')} of the ${searched.nRows.toLocaleString('en-US')} searched rows (a stratified sample): refitting trial ${winner.number} on all of them would take ~${((planner!.refitMs(winner) ?? 0) / 1000).toFixed(1)} s, ` +
        `more than the ${(Math.max(0, planner!.end - Date.now()) / 1000).toFixed(1)} s left (give more --time to refit on every row, or \`automl retrain\` later)`,
    );
  }
  o.onPhase?.('refitting', until);
  const onScoring = o.onPhase ? { onScoring: () => o.onPhase!('scoring the test set', until) } : {};
  const decision = threshold ? { positiveClass: threshold.positiveClass, value: threshold.threshold } : null;
  const fitted = choice
    ? await refitMembers({ study, members: choice.members.map((m) => ({ trial: study.trial(m.trial)!, weight: m.weight })), prep, metric, executor: pool, signal: o.signal, cvScore: choice.cvScore, threshold: decision, ...onScoring })
    : await refitMembers({ study, members: [{ trial: winner, weight: 1 }], prep, metric, executor: pool, signal: o.signal, cvScore: useColumns ? featureSearch!.score : rungChoice ? rungChoice.score : winner.value, threshold: decision, ...onScoring, ...(useColumns ? { columns: useColumns } : {}), ...(refitRows !== null ? { rows: refitRows } : {}) });
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
    ...(rungChoice && (rungChoice.rung < setup.rungs.length - 1 || rungChoice.trial.state !== 'COMPLETE') ? { rungChoice, rungRows: setup.rungs[rungChoice.rung]! } : {}),
    ...(refitRows !== null ? { refitRows, searchedRows: searched.nRows } : {}),
  });
  // Kept with the study, so that `automl best` can say what the model file holds.
  await study.storage.updateStudySettings(study.record.id, { [FINAL_MODEL_SETTING]: summary });
  return { model, testScore: fitted.testScore, modelFile, ensemble: choice?.ensemble ?? null, recheck: choice?.recheck ?? null, modelTrials, summary };
}

/** The wrapper feature search on the winning configuration; null when Ctrl-C stopped it. */
export async function runFeatureSearch(
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
