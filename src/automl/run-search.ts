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
import { greedyFeatureSearch, type PipelineConfig } from '../pipeline/index.js';
import { getModel } from '../models/registry.js';
import { refitBest, refitMembers, type FittedModel } from './refit.js';
import { DEFAULT_ENSEMBLE_CANDIDATES, MAX_OOF_VALUES, OOF_ARTIFACT, OofPool } from './ensemble.js';
import { chooseFinal, RECHECK_MAX_SHARE, RECHECK_MIN_SHARE, TopTrials, type FinalChoice } from './choose-ensemble.js';
import { leaderboard } from './leaderboard.js';
import { withTrainingProfile } from '../serving/profile.js';
import type { EnsembleSummary, FeatureSearchSummary, PreparedData, RecheckSummary, SearchOptions, SearchResult, TabularSettings } from './types.js';

/** Options of {@link runSearch}: the per-run part of the search options. */
export type RunOptions = Pick<SearchOptions, 'trials' | 'time' | 'workers' | 'signal' | 'onTrial' | 'onTrialStart' | 'onStart' | 'onNote' | 'out' | 'trialTimeout' | 'featureSearch' | 'maxConsecutiveFailures' | 'ensemble' | 'recheck'>;

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
  {
    const settings = study.record.settings as unknown as TabularSettings;
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
    const oofPool = new OofPool(DEFAULT_ENSEMBLE_CANDIDATES, metric.direction);
    const workers = o.workers ?? availableParallelism();
    const modelChoice = study.space.param('model');
    o.onStart?.({
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
    // One pool for the trials and the final refit: its threads already hold the searched rows.
    const pool = new WorkerPool({ workers, workerData });
    const startedAt = Date.now();
    const recheck = (o.recheck ?? true) && !o.featureSearch && refit;
    const searchTime = o.time !== undefined && o.featureSearch ? o.time * 0.75 : o.time;
    // The re-check needs about one CV run of each of the best trials per fresh split: the search
    // stops early enough to leave that (learnt from those trials' durations), within bounds.
    const topDurations = new TopTrials(DEFAULT_ENSEMBLE_CANDIDATES, metric.direction);
    const stopEarly =
      recheck && o.time !== undefined
        ? () => {
            const budget = o.time! * 1000;
            const reserve = Math.min(RECHECK_MAX_SHARE * budget, Math.max(RECHECK_MIN_SHARE * budget, (1.5 * topDurations.totalMs()) / workers));
            return Date.now() > startedAt + budget - reserve;
          }
        : undefined;
    let result;
    let model: FittedModel | null = null;
    let testScore: number | null = null;
    let modelFile: string | null = null;
    let featureSearch: FeatureSearchSummary | null = null;
    let ensemble: EnsembleSummary | null = null;
    let recheckSummary: RecheckSummary | null = null;
    let modelTrials: { trial: number; weight: number }[] = [];
    const best = () => study.bestTrial;
    try {
      result = await study.optimize({ module: compiledModule('automl/worker/objective.js') }, {
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
          if (ensembleOn && t.state === 'COMPLETE' && t.value !== null && oof instanceof Float64Array && oof.length === oofSize) oofPool.offer({ trial: t.number, value: t.value, data: oof });
          o.onTrial?.(t, study);
        },
        onTrialStart: o.onTrialStart,
      });
      const winner = best();
      if (winner && o.featureSearch && !o.signal?.aborted) {
        featureSearch = await runFeatureSearch(o.featureSearch, winner, study, searched, folds, metric, o.time !== undefined ? startedAt + o.time * 1000 : undefined, o.signal, o.onNote);
      }
      let choice: FinalChoice | null = null;
      if (winner && refit && (ensembleOn || recheck) && !o.signal?.aborted) {
        if (recheck) o.onNote?.('re-checking the best pipelines on fresh CV splits before choosing the final model');
        choice = await chooseFinal({
          study,
          searched,
          metric,
          oofPool: ensembleOn ? oofPool : null,
          executor: pool,
          candidates: DEFAULT_ENSEMBLE_CANDIDATES,
          recheck,
          ...(o.time !== undefined ? { deadline: startedAt + o.time * 1000 } : {}),
          ...(o.signal ? { signal: o.signal } : {}),
          ...(o.onNote ? { onNote: o.onNote } : {}),
        });
      }
      if (winner && refit && !o.signal?.aborted) {
        const useColumns = featureSearch?.improved ? featureSearch.columns : undefined;
        const fitted = choice
          ? await refitMembers({ study, members: choice.members.map((m) => ({ trial: study.trial(m.trial)!, weight: m.weight })), prep, metric, executor: pool, signal: o.signal, cvScore: choice.cvScore })
          : await refitBest({ study, best: winner, prep, metric, executor: pool, signal: o.signal, ...(useColumns ? { columns: useColumns, cvScore: featureSearch!.score } : {}) });
        if (fitted) {
          ensemble = choice?.ensemble ?? null;
          recheckSummary = choice?.recheck ?? null;
          modelTrials = choice ? choice.members.map((m) => ({ ...m })) : [{ trial: winner.number, weight: 1 }];
          model = withTrainingProfile(fitted.model, searched, ensembleOn ? (t) => oofPool.sorted().find((c) => c.trial === t)?.data : null);
          testScore = fitted.testScore;
          if (o.out) modelFile = await model.save(o.out.replaceAll('{study}', study.name));
        }
      }
    } finally {
      await pool.close();
    }
    const counts = {
      complete: study.trials.filter((t) => t.state === 'COMPLETE').length,
      failed: study.trials.filter((t) => t.state === 'FAIL' && t.failKind !== 'interrupted').length,
      interrupted: study.trials.filter((t) => t.state === 'FAIL' && t.failKind === 'interrupted').length,
      pruned: study.trials.filter((t) => t.state === 'PRUNED').length,
    };
    const winner = best();
    return {
      study,
      metric,
      task: prep.dataset.target.task,
      best: winner ? { number: winner.number, value: winner.value!, config: study.configOf(winner) } : null,
      model,
      testScore,
      leaderboard: leaderboard(study, 10, searched.features.length),
      counts,
      stoppedBy: result.stoppedBy,
      notes: prep.notes,
      modelFile,
      featureSearch,
      ensemble,
      recheck: recheckSummary,
      modelTrials,
    };
  }
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
