/**
 * The phase planner: `--time` bounds the whole command (search, re-check, ensemble, refit and test
 * scoring), not the search alone. Each phase after the search is planned from what the trials
 * measured, so the search can stop early enough to leave them their time:
 *
 * - a trial's fold fit costs its duration over its folds (a fold fits on (k-1)/k of the rows and
 *   predicts the rest);
 * - the refit of a pipeline costs about one fold fit scaled by rows (searched rows over a fold's
 *   training rows), plus the model's transfer to this thread and the test scoring; an ensemble's
 *   refit is its members' refits scheduled on the worker threads;
 * - one re-check pass costs its candidates' CV runs (their trial durations) over the threads.
 *
 * The search's hard deadline is the end of the budget minus that reserve, re-planned after every
 * trial; at the end, a re-check or ensemble that does not fit the time left is shrunk or skipped
 * (never the refit, which is what the command is for), and every such time-dependent choice is
 * said in a note, since it is the one part of a seeded run that depends on the machine.
 */
import type { TrialRecord } from '../trial/trial.js';
import { FOLD_SCORES_ATTR, RUNG_MS_ATTR, STOPPED_FOR_TIME_ATTR, TRAIN_ROWS_ATTR } from './worker/data.js';

/** Least share of a time budget kept for the re-check (the trials get the rest). */
export const RECHECK_MIN_SHARE = 0.05;
/** Largest share of a time budget kept for the re-check, however slow the best trials are. */
export const RECHECK_MAX_SHARE = 0.25;
/** Complete trials from which the search holds back a full re-check pass (see PhasePlanner). */
export const RECHECK_FULL_AFTER = 5;
/**
 * Safety factor on a predicted refit: tree learners grow a little faster than linearly in rows, and
 * the fitted model is serialised, sent to this thread and rebuilt before it scores the test rows.
 */
export const REFIT_SAFETY = 1.3;
/** Fixed time kept at the end for what no trial measures (a fresh worker thread, saving, exit), ms. */
export const END_MARGIN_MS = 400;
/** The same as a share of the budget (a loaded machine stretches everything). */
export const END_MARGIN_SHARE = 0.02;

/** What the planner knows of the run before any trial. */
export interface PlanInputs {
  /** Epoch ms at which the command started (the budget counts from there). */
  readonly startedAt: number;
  /** The whole command's budget, ms. */
  readonly budgetMs: number;
  /** Worker threads. */
  readonly workers: number;
  /** CV folds per trial. */
  readonly folds: number;
  /** Rows the final model is refit on. */
  readonly searchRows: number;
  /** Rows it is scored on at the end (held out or the test file), 0 when none. */
  readonly testRows: number;
  /** Whether the run ends with a final model (re-check, ensemble, refit); else the search gets it all. */
  readonly final: boolean;
  /** Whether the run re-checks the best trials on fresh splits. */
  readonly recheck: boolean;
  readonly direction: 'minimize' | 'maximize';
  /** Candidates the re-check takes at most. */
  readonly candidates: number;
  /**
   * CPU cores (default: as many as workers). With more workers than cores every trial ran at
   * cores / workers of the speed a lone refit gets, so refits are predicted that much shorter.
   */
  readonly cores?: number;
}

/** How much of the end the re-check gets: how many candidates, until when, and why fewer. */
export interface RecheckPlan {
  /** Candidates to re-check (a prefix of those offered); 0 skips the re-check. */
  readonly take: number;
  /** Epoch ms by which the re-check must end, so that the refit still fits. */
  readonly deadline: number;
  /** Said to the user when the plan departs from the full re-check. */
  readonly note: string | null;
}

/**
 * The milliseconds a trial's CV spent per fold, or null when it recorded no duration. On row rungs
 * it is the trial's last rung, timed on its own (every training row for a complete trial; see
 * {@link trainRowsOf} for the rows of a trial that stopped below).
 */
export function foldMs(t: TrialRecord): number | null {
  const rungs = t.userAttrs[RUNG_MS_ATTR];
  if (Array.isArray(rungs) && typeof rungs[rungs.length - 1] === 'number' && rungs[rungs.length - 1] > 0) return rungs[rungs.length - 1] as number;
  const d = t.userAttrs['durationMs'];
  if (typeof d !== 'number' || !Number.isFinite(d) || d <= 0) return null;
  const scores = t.userAttrs[FOLD_SCORES_ATTR];
  const done = Array.isArray(scores) && scores.length > 0 ? scores.length : null;
  return done === null ? null : d / done;
}

/** Training rows of a trial's last rung (row rungs only), or null. */
export function trainRowsOf(t: TrialRecord): number | null {
  const rows = t.userAttrs[TRAIN_ROWS_ATTR];
  return Array.isArray(t.userAttrs[RUNG_MS_ATTR]) && typeof rows === 'number' && rows > 0 ? rows : null;
}

function seconds(ms: number): string {
  return `${(Math.max(0, ms) / 1000).toFixed(1)} s`;
}

/** Plans the phases of one run within its time budget; see the file comment. */
export class PhasePlanner {
  /** Epoch ms at which the whole command must have ended. */
  readonly end: number;
  /** The best complete trials seen (value, duration), for the re-check reserve. */
  readonly #top: { value: number; ms: number; refitMs: number }[] = [];
  /** Durations of the last few complete or pruned trials, ms. */
  readonly #recent: number[] = [];
  /** Trials that stopped climbing the row rungs for time: candidates of the final choice (value at their last rung, refit ms). */
  readonly #stopped: { value: number; refitMs: number }[] = [];
  /** Longest wait seen between a trial's dispatch and its objective's start (a fresh worker thread). */
  #startupMs = 0;

  constructor(readonly inputs: PlanInputs) {
    this.end = inputs.startedAt + inputs.budgetMs;
  }

  /** Time kept for what no trial measures. */
  get marginMs(): number {
    return END_MARGIN_MS + END_MARGIN_SHARE * this.inputs.budgetMs;
  }

  /** Predicted wall ms of refitting `t`'s pipeline on every searched row and scoring it; null when unknown. */
  refitMs(t: TrialRecord, refitRows?: number): number | null {
    const f = foldMs(t);
    if (f === null) return null;
    const { folds, testRows } = this.inputs;
    const searchRows = refitRows ?? this.inputs.searchRows;
    const foldTrain = (this.inputs.searchRows * (folds - 1)) / folds;
    // A trial that stopped on a row rung below every training row trained on fewer rows.
    const rows = trainRowsOf(t) ?? foldTrain;
    // A fold's time is its fit on foldTrain rows plus predicting searchRows / folds rows; the refit
    // fits all searched rows once and predicts the test rows. Scoring is charged the fold's cost
    // per row it handled (fit rows and predicted rows alike), which over-reserves since predicting
    // a row costs less than fitting on it. (Charging it per predicted row alone, as before, took
    // 5x a trial for the test rows of a one-holdout search, whose validation split is 1% of the
    // rows, and ended a 60 s search of 1M rows at 20 s.)
    const fit = f * (searchRows / Math.max(1, rows));
    const score = f * (testRows / Math.max(1, rows + this.inputs.searchRows / folds));
    return REFIT_SAFETY * this.#contention() * (fit + score);
  }

  /** Share of a core each trial had: min(1, cores / workers). */
  #contention(): number {
    const { cores, workers } = this.inputs;
    return cores === undefined ? 1 : Math.min(1, cores / Math.max(1, workers));
  }

  /** Whether refitting `t` on `rows` rows (and scoring it) ends in the time left at `now`; true when its cost is unknown. */
  refitFits(t: TrialRecord, rows: number, now: number, warm = false): boolean {
    const ms = this.refitMs(t, rows);
    return ms === null || now + ms + this.marginMs + (warm ? 0 : this.#startupMs) <= this.end;
  }

  /** Predicted wall ms of refitting `members` in parallel on the worker threads (longest first). */
  membersRefitMs(members: readonly TrialRecord[]): number {
    // Refits predicted at a whole core each run in parallel on at most as many threads as cores.
    const lanes = Math.min(this.inputs.workers, this.inputs.cores ?? this.inputs.workers);
    const loads = new Array<number>(Math.max(1, lanes)).fill(0);
    const costs = members.map((m) => this.refitMs(m) ?? 0).sort((a, b) => b - a);
    for (const c of costs) {
      let at = 0;
      for (let i = 1; i < loads.length; i++) if (loads[i]! < loads[at]!) at = i;
      loads[at]! += c;
    }
    return Math.max(...loads);
  }

  /**
   * Records the wall time from a trial's dispatch to its record (`wallMs`) against its measured
   * duration: the difference is mostly a worker thread starting (loading modules, the data). The
   * search's end cuts running trials by ending their threads, so the phases after it start fresh
   * threads and pay this again.
   */
  observeWall(t: TrialRecord, wallMs: number): void {
    const d = t.userAttrs['durationMs'];
    if (t.state === 'FAIL' || typeof d !== 'number' || !Number.isFinite(wallMs)) return;
    this.#startupMs = Math.max(this.#startupMs, wallMs - d);
  }

  /** Predicted wait for fresh worker threads, ms. */
  get startupMs(): number {
    return this.#startupMs;
  }

  /** Records a recorded trial of the search (complete ones count for the final phases). */
  observe(t: TrialRecord): void {
    const d = t.userAttrs['durationMs'];
    if (t.state !== 'FAIL' && typeof d === 'number' && Number.isFinite(d) && d > 0) {
      this.#recent.push(d);
      if (this.#recent.length > 5) this.#recent.shift();
    }
    const better = (a: number, b: number) => (this.inputs.direction === 'maximize' ? a > b : a < b);
    if (t.state === 'PRUNED' && t.userAttrs[STOPPED_FOR_TIME_ATTR] !== undefined && t.value !== null && Number.isFinite(t.value)) {
      // The final choice may fall on such a trial (see rungWinner): its refit on the rows it
      // trained on is reserved too (about what the final refit takes at least).
      this.#stopped.push({ value: t.value, refitMs: this.refitMs(t, trainRowsOf(t) ?? undefined) ?? 0 });
      this.#stopped.sort((a, b) => (better(a.value, b.value) ? -1 : better(b.value, a.value) ? 1 : 0));
      if (this.#stopped.length > 2) this.#stopped.pop();
      return;
    }
    if (t.state !== 'COMPLETE' || t.value === null || !Number.isFinite(t.value)) return;
    const ms = Number(t.userAttrs['durationMs'] ?? 0);
    const refit = this.refitMs(t) ?? 0;
    let at = this.#top.length;
    while (at > 0 && better(t.value, this.#top[at - 1]!.value)) at--;
    if (at >= this.inputs.candidates) return;
    this.#top.splice(at, 0, { value: t.value, ms: Number.isFinite(ms) && ms > 0 ? ms : 0, refitMs: refit });
    if (this.#top.length > this.inputs.candidates) this.#top.pop();
  }

  /**
   * The refit reserve while the search runs: the slowest refit among the best `workers` trials
   * (an ensemble of that many refits in parallel in about the time of one; a larger one is
   * trimmed at the end if time is short), and among the two best trials that stopped climbing the
   * row rungs for time (the final choice may fall on one; its refit on the rows it trained on),
   * unless that refit alone would take more than half the budget (the search would then end at
   * once for a pipeline the final choice may still pass over).
   */
  #refitReserveMs(): number {
    const stopped = this.#stopped.map((t) => t.refitMs).filter((ms) => ms <= 0.5 * this.inputs.budgetMs);
    return Math.max(0, ...this.#top.slice(0, Math.max(1, this.inputs.workers)).map((t) => t.refitMs), ...stopped);
  }

  /**
   * Rows to refit `t` on so that the refit and test scoring end in the time left at `now`: null
   * when every searched row fits (or the cost is unknown), else the most rows that fit (the fit's
   * cost taken as linear in rows), never fewer than `least` (the rows the trial was compared on).
   */
  refitRows(t: TrialRecord, now: number, least: number, warm = false): number | null {
    const full = this.refitMs(t);
    const left = this.end - now - this.marginMs - (warm ? 0 : this.#startupMs);
    if (full === null || full <= left) return null;
    // refitMs is linear in the refit rows: its value at 0 rows is the scoring, its slope the fit per row.
    const scoring = this.refitMs(t, 0)!;
    const perRow = this.refitMs(t, 1)! - scoring;
    const fit = perRow > 0 ? Math.floor((left - scoring) / perRow) : this.inputs.searchRows;
    return Math.min(this.inputs.searchRows, Math.max(least, fit));
  }

  /**
   * The re-check reserve while the search runs: about one pass over the best trials (1.5x their
   * CV time over the threads), between {@link RECHECK_MIN_SHARE} and {@link RECHECK_MAX_SHARE}
   * of the budget; only the least share while fewer than {@link RECHECK_FULL_AFTER} trials are
   * complete (the winner of a handful carries little selection bias, and those trials' own
   * search is worth more: on spam at 30 s, holding 25% back for re-checking 3 trials cut the
   * boosting defaults), or when even the best two cannot be re-checked within the largest
   * (holding more back would buy nothing).
   */
  #recheckReserveMs(): number {
    if (!this.inputs.recheck) return 0;
    const w = Math.max(1, this.inputs.workers);
    const b = this.inputs.budgetMs;
    if (this.#top.length < RECHECK_FULL_AFTER) return RECHECK_MIN_SHARE * b;
    // A re-check needs two candidates; while one trial is known, the second is taken as long.
    const two = this.#top.slice(0, 2).map((t) => t.ms);
    if (two.length === 1) two.push(two[0]!);
    if (two.length === 2 && Math.max((two[0]! + two[1]!) / w, ...two) > RECHECK_MAX_SHARE * b) return RECHECK_MIN_SHARE * b;
    const total = this.#top.reduce((s, t) => s + t.ms, 0);
    return Math.min(RECHECK_MAX_SHARE * b, Math.max(RECHECK_MIN_SHARE * b, (1.5 * total) / w));
  }

  /**
   * Whether a trial started at `now` would likely run past the search's deadline (it takes about
   * the median of the last few): the search then starts no more, so that its running trials end
   * by themselves and the final phases find the worker threads running, rather than cut ones.
   */
  tooLateToStart(now: number): boolean {
    if (this.#recent.length === 0) return false;
    const sorted = [...this.#recent].sort((a, b) => a - b);
    return now + sorted[sorted.length >> 1]! > this.searchDeadline();
  }

  /** The search's hard end (epoch ms) as now planned: the budget's end less the final phases' reserve. */
  searchDeadline(): number {
    if (!this.inputs.final) return this.end;
    return this.end - this.marginMs - this.#startupMs - this.#refitReserveMs() - this.#recheckReserveMs();
  }

  /**
   * How much re-check fits at `now` before refitting `refitFirst` (the trials the final model will
   * at least refit, usually the best one): the longest prefix of `candidates` (two or more) whose
   * one pass (their CV durations over the threads) fits, or none, with a note when it is not all.
   * `warm`: the worker threads are running (the search cut no trial).
   */
  planRecheck(now: number, candidates: readonly TrialRecord[], refitFirst: readonly TrialRecord[], warm = false): RecheckPlan {
    // Unless `warm` (the search cut no trial, so its threads run), the re-check starts fresh
    // threads (see observeWall); the refit then finds them running.
    const deadline = this.end - this.marginMs - this.membersRefitMs(refitFirst);
    const left = deadline - now - (warm ? 0 : this.#startupMs);
    const w = Math.max(1, this.inputs.workers);
    let take = 0;
    let sum = 0;
    let longest = 0;
    const passMs = (k: number): number => {
      const ms = Number(candidates[k]!.userAttrs['durationMs'] ?? 0);
      sum += Number.isFinite(ms) && ms > 0 ? ms : 0;
      longest = Math.max(longest, ms);
      return Math.max(sum / w, longest);
    };
    let needAll = 0;
    for (let k = 0; k < candidates.length; k++) {
      const need = passMs(k);
      needAll = need;
      if (need <= left) take = k + 1;
    }
    if (take === candidates.length) return { take, deadline, note: null };
    if (take < 2) {
      return { take: 0, deadline, note: `re-check skipped: ${seconds(this.end - now)} left, it needs ~${seconds(Math.max(needAll, 0))} besides ~${seconds(this.end - deadline)} for the refit` };
    }
    return { take, deadline, note: `re-check shrunk to ${take} of ${candidates.length} candidates: ${seconds(this.end - now)} left, all would need ~${seconds(needAll)} besides ~${seconds(this.end - deadline)} for the refit` };
  }

  /**
   * The ensemble members (heaviest first) whose refit fits the time left at `now`: the heaviest
   * ones, as many as fit (at least one), with their weights renormalised, and a note when some
   * were dropped. `warm`: the worker threads are running (a re-check just used them).
   */
  fitMembers<M extends { readonly trial: TrialRecord; readonly weight: number }>(now: number, members: readonly M[], warm = false): { members: M[]; note: string | null } {
    const left = this.end - this.marginMs - now - (warm ? 0 : this.#startupMs);
    let keep = members.length;
    while (keep > 1 && this.membersRefitMs(members.slice(0, keep).map((m) => m.trial)) > left) keep--;
    if (keep === members.length) return { members: [...members], note: null };
    const kept = members.slice(0, keep);
    const total = kept.reduce((s, m) => s + m.weight, 0);
    // What refitting every member would take in all: the fits, starting the worker threads when they
    // are not running, and the safety margin kept before the deadline.
    const need = this.membersRefitMs(members.map((m) => m.trial)) + (warm ? 0 : this.#startupMs) + this.marginMs;
    const note =
      keep === 1
        ? `ensemble skipped: ${seconds(this.end - now)} left, refitting its ${members.length} members needs ~${seconds(need)} (with starting the workers and a safety margin); the best single pipeline is refit alone`
        : `ensemble shrunk to its ${keep} heaviest of ${members.length} members: ${seconds(this.end - now)} left, refitting all needs ~${seconds(need)} (with starting the workers and a safety margin)`;
    return { members: kept.map((m) => ({ ...m, weight: m.weight / total })), note };
  }
}
