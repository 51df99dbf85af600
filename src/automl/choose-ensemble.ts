/**
 * The end-of-search step that decides what the final model is: re-checks the best trials on fresh
 * CV splits, then picks an ensemble (or a single pipeline) from those fresh out-of-fold predictions.
 *
 * Why re-check: a search that ran thousands of trials picks its winner as the maximum of many noisy
 * CV means, so the winner's score is optimistic, most of all on small data (a 60-row dataset gives
 * dozens of trials a perfect CV score). Scores on splits the search never saw carry no selection
 * bias, and choosing among 20 candidates on them is a much smaller maximum than among thousands.
 * Every candidate sees the same fresh splits, so their differences are not split noise.
 */
import type { Dataset } from '../data/types.js';
import type { Metric } from '../evaluation/metrics.js';
import type { Study } from '../study/index.js';
import type { Executor } from '../coordinator/executor.js';
import type { TrialRecord } from '../trial/trial.js';
import { compiledModule } from '../util/package-paths.js';
import { createRng, deriveSeed, trialRng } from '../util/rng.js';
import { mapLimit } from '../util/map-limit.js';
import { setLongTimeout } from '../util/timers.js';
import { MAX_OOF_VALUES, OOF_ARTIFACT, scoreAverage, selectEnsemble, type OofCandidate, type OofPool } from './ensemble.js';
import type { EnsembleSummary, RecheckSummary } from './types.js';
import { averageOof, type ThresholdOof } from './threshold.js';

/** Fresh CV splits each candidate is re-checked on at most (when time allows). */
export const MAX_RECHECK_REPEATS = 3;
/** What the final model is. */
export interface FinalChoice {
  /** Trials averaged by the model with their weights (one member: a single pipeline). */
  readonly members: readonly { readonly trial: number; readonly weight: number }[];
  /** The choice's score out of fold: on the fresh splits when re-checked, else on the search's. */
  readonly cvScore: number;
  /** The ensemble, when the model averages two or more pipelines. */
  readonly ensemble: EnsembleSummary | null;
  /** What the re-check found, or null when it did not run. */
  readonly recheck: RecheckSummary | null;
  /** Binary classification: the choice's out-of-fold probabilities it was made on (for the decision threshold). */
  readonly oof?: ThresholdOof;
}

/** Inputs of {@link chooseFinal}. */
export interface FinalChoiceArgs {
  readonly study: Study;
  readonly searched: Dataset;
  readonly metric: Metric;
  /** Out-of-fold predictions of the best trials (null when the study builds no ensemble). */
  readonly oofPool: OofPool | null;
  readonly executor: Executor;
  /** Candidates: the best this many complete trials. */
  readonly candidates: number;
  /** Re-check the candidates on fresh splits (else choose on the search's own scores). */
  readonly recheck: boolean;
  /** Epoch ms by which the re-check must end (it then uses the passes completed). */
  readonly deadline?: number;
  /**
   * Fits the re-check to the time left: given its candidates (best first), how many to take (0:
   * none) and by when it must end (instead of `deadline`), with a note when that is less than all.
   */
  readonly planRecheck?: (candidates: readonly TrialRecord[]) => { readonly take: number; readonly deadline: number; readonly note: string | null };
  readonly signal?: AbortSignal;
  readonly onNote?: (n: string) => void;
  /** Called when the re-check starts (after its plan, when it runs at all), with its deadline. */
  readonly onRecheck?: (deadline: number | undefined) => void;
  /** Called before the ensemble is chosen on the search's own out-of-fold predictions. */
  readonly onEnsemble?: () => void;
}

/**
 * Chooses the final model among the best complete trials. With `recheck`, each candidate is
 * cross-validated again on up to {@link MAX_RECHECK_REPEATS} fresh splits (one without a deadline),
 * seeded from the study seed and the pass, the same splits for every candidate; the ensemble (or the
 * single best) is then chosen on those fresh predictions. A pass cut short by the deadline is
 * dropped, except the first, whose finished candidates are used when there are two or more.
 * Without a usable re-check, the choice is made on the search's own out-of-fold predictions as
 * before. Returns null when there is no complete trial or `signal` stopped it.
 */
export async function chooseFinal(a: FinalChoiceArgs): Promise<FinalChoice | null> {
  const { study, metric } = a;
  const sign = metric.direction === 'maximize' ? -1 : 1;
  const ranked = study.trials
    .filter((t) => t.state === 'COMPLETE' && t.value !== null && Number.isFinite(t.value))
    .sort((x, y) => sign * (x.value! - y.value!) || x.number - y.number);
  const top = ranked.slice(0, Math.max(1, a.candidates));
  if (top.length === 0) return null;
  const single = (t: TrialRecord, cvScore: number, recheck: RecheckSummary | null): FinalChoice => ({ members: [{ trial: t.number, weight: 1 }], cvScore, ensemble: null, recheck });
  if (top.length === 1) return single(top[0]!, top[0]!.value!, null);
  if (a.recheck) {
    let candidates = diverseCandidates(ranked, Math.max(1, a.candidates), (t) => familyOf(study.configOf(t)));
    let args = a;
    if (a.planRecheck) {
      const plan = a.planRecheck(candidates);
      if (plan.note) a.onNote?.(plan.note);
      candidates = candidates.slice(0, plan.take);
      args = { ...a, deadline: plan.deadline };
    }
    if (candidates.length >= 2) {
      a.onRecheck?.(args.deadline);
      const fresh = await recheckCandidates(args, candidates);
      if (fresh === 'aborted') return null;
      if (fresh) return fresh;
    }
  }
  if (!a.oofPool) return single(top[0]!, top[0]!.value!, null);
  a.onEnsemble?.();
  const choice = await chooseOnSearchOof(a, top);
  if (choice === 'aborted') return null;
  return choice ?? single(top[0]!, top[0]!.value!, null);
}

/**
 * The re-check's candidates: the best trial of each model family first, then the best of the
 * rest, `n` in all, in rank order. A long search's top 20 are often near copies of one family,
 * whose average adds little; the best of each other family gives the ensemble something to
 * combine, and on small data a family whose search scores trail by noise gets its fair chance on
 * the fresh splits.
 */
export function diverseCandidates<T>(ranked: readonly T[], n: number, family: (t: T) => string): T[] {
  const chosen = new Set<T>();
  const seen = new Set<string>();
  for (const t of ranked) {
    if (chosen.size >= n) break;
    const f = family(t);
    if (!seen.has(f)) (seen.add(f), chosen.add(t));
  }
  for (const t of ranked) {
    if (chosen.size >= n) break;
    chosen.add(t);
  }
  return ranked.filter((t) => chosen.has(t));
}

function familyOf(config: unknown): string {
  const type = (config as { model?: { type?: unknown } } | null)?.model?.type;
  return typeof type === 'string' ? type : '';
}

/** One candidate's results on the fresh passes. */
interface FreshResult {
  readonly trial: TrialRecord;
  /** Mean over folds of each pass. */
  readonly values: number[];
  /** Out-of-fold predictions of each pass (when the study builds an ensemble). */
  readonly oof: Float64Array[];
}

async function recheckCandidates(a: FinalChoiceArgs, top: readonly TrialRecord[]): Promise<FinalChoice | null | 'aborted'> {
  const { study, searched } = a;
  const nClasses = searched.target.classes?.length ?? 0;
  const width = Math.max(nClasses, 1);
  const wantOof = a.oofPool !== null;
  const oofLength = searched.nRows * width;
  // Each pass adds rows x classes numbers per candidate: stay within what one trial may hand back.
  const maxRepeats = a.deadline === undefined ? 1 : Math.max(1, Math.min(MAX_RECHECK_REPEATS, Math.floor(MAX_OOF_VALUES / oofLength)));
  const results = new Map<number, FreshResult>(top.map((t) => [t.number, { trial: t, values: [], oof: [] }]));
  let passes = 0;
  let lastPassMs = 0;
  for (let r = 0; r < maxRepeats; r++) {
    if (a.deadline !== undefined && r > 0 && Date.now() + lastPassMs * 1.2 > a.deadline) break;
    const started = Date.now();
    const cut = new AbortController();
    const timer = a.deadline !== undefined ? setLongTimeout(() => cut.abort(), a.deadline - started) : undefined;
    const signal = a.signal ? AbortSignal.any([a.signal, cut.signal]) : cut.signal;
    const seed = createRng(deriveSeed(study.seed, 'recheck', r)).uint32();
    const live = [...results.values()];
    try {
      await mapLimit(live, a.executor.concurrency, async (c) => {
        if (signal.aborted) return;
        const outcome = await a.executor.run(
          { objective: { module: compiledModule('automl/worker/objective.js') }, trialNumber: c.trial.number, seed, config: study.configOf(c.trial), params: c.trial.params, data: { freshSplit: true } },
          { report: async () => false },
          { signal },
        );
        if (outcome.status !== 'complete' || typeof outcome.value !== 'number' || !Number.isFinite(outcome.value)) return;
        const oof = outcome.artifacts?.[OOF_ARTIFACT];
        if (wantOof && !(oof instanceof Float64Array && oof.length === oofLength)) return;
        c.values.push(outcome.value);
        if (wantOof) c.oof.push(oof as Float64Array);
      });
    } finally {
      timer?.clear();
    }
    if (a.signal?.aborted) return 'aborted';
    const finished = live.filter((c) => c.values.length === r + 1);
    if (finished.length < live.length) {
      // Cut short by the deadline (or a candidate failed on this split): a later pass is dropped,
      // the first keeps its finished candidates.
      if (r === 0) {
        for (const c of live) if (c.values.length === 0) results.delete(c.trial.number);
        passes = 1;
      } else for (const c of finished) (c.values.pop(), c.oof.pop());
      break;
    }
    passes = r + 1;
    lastPassMs = Date.now() - started;
  }
  const fresh = [...results.values()].filter((c) => c.values.length === passes);
  if (passes === 0 || fresh.length < 2) {
    a.onNote?.(`re-check of the best pipelines on a fresh split did not finish in time for ${fresh.length < 2 ? 'two of them' : 'any'}; choosing on the search's own scores`);
    return null;
  }
  return chooseOnFresh(a, top[0]!, fresh, passes, nClasses);
}

function chooseOnFresh(a: FinalChoiceArgs, searchBest: TrialRecord, fresh: readonly FreshResult[], passes: number, nClasses: number): FinalChoice {
  const { metric, searched } = a;
  const better = metric.direction === 'maximize' ? 1 : -1;
  const mean = (v: readonly number[]) => v.reduce((s, x) => s + x, 0) / v.length;
  // Pooled predictions of all passes: the passes' rows one after another.
  let ranked: { trial: TrialRecord; fresh: number; data?: Float64Array }[];
  let yAll: Float64Array | null = null;
  if (a.oofPool) {
    const y = searched.target.values;
    yAll = new Float64Array(y.length * passes);
    for (let r = 0; r < passes; r++) yAll.set(y, r * y.length);
    ranked = fresh.map((c) => {
      const data = concat(c.oof);
      return { trial: c.trial, data, fresh: scoreAverage(data, yAll!, nClasses, metric) };
    });
  } else ranked = fresh.map((c) => ({ trial: c.trial, fresh: mean(c.values) }));
  ranked.sort((x, y) => better * (y.fresh - x.fresh) || x.trial.number - y.trial.number);
  const best = ranked[0]!;
  const recheck: RecheckSummary = {
    candidates: fresh.length,
    trials: fresh.map((c) => c.trial.number),
    repeats: passes,
    searchBest: { trial: searchBest.number, value: searchBest.value!, fresh: ranked.find((c) => c.trial.number === searchBest.number)?.fresh ?? null },
    freshBest: { trial: best.trial.number, value: best.trial.value!, fresh: best.fresh },
    scores: ranked.map((c) => ({ trial: c.trial.number, value: c.trial.value!, fresh: c.fresh })),
  };
  if (yAll) {
    const candidates: OofCandidate[] = ranked.map((c) => ({ trial: c.trial.number, value: c.fresh, data: c.data! }));
    const choice = selectEnsemble(candidates, yAll, nClasses, metric);
    const members = choice.members.length >= 2 ? choice.members : [{ trial: choice.singleTrial, weight: 1 }];
    const oof = withOof(members, candidates, yAll, nClasses, "the re-check's fresh splits");
    if (choice.members.length >= 2) {
      const ensemble: EnsembleSummary = { members: choice.members, cvScore: choice.score, bestSingleCvScore: choice.singleScore, candidates: candidates.length };
      return { members: choice.members, cvScore: choice.score, ensemble, recheck, ...oof };
    }
    return { members, cvScore: choice.singleScore, ensemble: null, recheck, ...oof };
  }
  return { members: [{ trial: best.trial.number, weight: 1 }], cvScore: best.fresh, ensemble: null, recheck };
}

function concat(parts: readonly Float64Array[]): Float64Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Float64Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) (out.set(p, at), (at += p.length));
  return out;
}

/**
 * The choice on the search's own out-of-fold predictions: trials whose predictions this process
 * did not see (an earlier run of a resumed study, another machine's worker) are cross-validated
 * again, seeded from (study seed, trial). Null when fewer than two candidates have predictions.
 */
async function chooseOnSearchOof(a: FinalChoiceArgs, top: readonly TrialRecord[]): Promise<FinalChoice | null | 'aborted'> {
  const { study, searched, metric } = a;
  const oofPool = a.oofPool!;
  const pooled = top.slice(0, oofPool.capacity);
  const missing = pooled.filter((t) => !oofPool.has(t.number));
  if (missing.length > 0) {
    a.onNote?.(`computing the out-of-fold predictions of ${missing.length} earlier trial${missing.length === 1 ? '' : 's'} for the ensemble`);
    const width = Math.max(searched.target.classes?.length ?? 0, 1);
    await mapLimit(missing, a.executor.concurrency, async (t) => {
      const outcome = await a.executor.run(
        { objective: { module: compiledModule('automl/worker/objective.js') }, trialNumber: t.number, seed: trialRng(study.seed, t.number, 'oof').uint32(), config: study.configOf(t), params: t.params },
        { report: async () => false },
        a.signal ? { signal: a.signal } : {},
      );
      const oof = outcome.status === 'complete' ? outcome.artifacts?.[OOF_ARTIFACT] : undefined;
      if (oof instanceof Float64Array && oof.length === searched.nRows * width) oofPool.offer({ trial: t.number, value: t.value!, data: oof });
    });
    if (a.signal?.aborted) return 'aborted';
  }
  const byTrial = new Map(oofPool.sorted().map((c) => [c.trial, c]));
  const candidates = pooled.flatMap((t) => byTrial.get(t.number) ?? []);
  if (candidates.length < 2) return null;
  const y = Float64Array.from(searched.target.values);
  const choice = selectEnsemble(candidates, y, searched.target.classes?.length ?? 0, metric);
  if (choice.members.length < 2) return null;
  const ensemble: EnsembleSummary = { members: choice.members, cvScore: choice.score, bestSingleCvScore: choice.singleScore, candidates: candidates.length };
  return { members: choice.members, cvScore: choice.score, ensemble, recheck: null, ...withOof(choice.members, candidates, y, searched.target.classes?.length ?? 0, "the search's out-of-fold predictions") };
}

/** `{ oof }`: the members' averaged out-of-fold probabilities, for a binary task; `{}` otherwise. */
function withOof(members: readonly { trial: number; weight: number }[], candidates: readonly OofCandidate[], y: Float64Array, nClasses: number, source: string): { oof?: ThresholdOof } {
  if (nClasses !== 2) return {};
  const proba = averageOof(members, (t) => candidates.find((c) => c.trial === t)?.data);
  return proba ? { oof: { proba, y, source } } : {};
}
