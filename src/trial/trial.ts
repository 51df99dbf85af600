/**
 * Trial records: plain, frozen, serialisable data shared by samplers, pruners, storage and study.
 * Nothing here knows how trials are produced or stored.
 */
import type { FlatParams } from '../space/params.js';

/** Whether the objective is to be minimised or maximised. */
export type Direction = 'minimize' | 'maximize';

/**
 * Life cycle of a trial:
 * - WAITING: enqueued with fixed params, not yet started (see `Study.enqueue`);
 * - RUNNING: started by a worker, which refreshes its heartbeat;
 * - COMPLETE: finished with a finite value;
 * - FAIL: threw, timed out, ran out of memory, returned a non-finite value, or was interrupted;
 * - PRUNED: stopped early by a pruner; `value` is its last intermediate value.
 */
export type TrialState = 'WAITING' | 'RUNNING' | 'COMPLETE' | 'FAIL' | 'PRUNED';

/** Trial states that are final. */
export const FINISHED_STATES: readonly TrialState[] = ['COMPLETE', 'FAIL', 'PRUNED'];

// Defined by the space that assigns them (space/ stands left of trial/); re-exported for importers of trial/.
export type { ParamValue, FlatParams } from '../space/params.js';

/** Why a trial failed. `interrupted` trials (killed process, Ctrl-C, stale heartbeat) do not count
 * toward a trial budget, and their configuration is retried once. */
export type FailKind = 'error' | 'timeout' | 'out-of-memory' | 'invalid-value' | 'interrupted';

/** How a trial's parameters were chosen. */
export type TrialOrigin = 'sampler' | 'enqueued' | 'retry';

/** One intermediate value, e.g. the score of one CV fold. */
export interface Intermediate {
  readonly step: number;
  readonly value: number;
}

/** The immutable record of one trial, as stored. Times are epoch milliseconds. */
export interface TrialRecord {
  /** 0-based, unique and gap-free within a study. */
  readonly number: number;
  readonly state: TrialState;
  readonly params: FlatParams;
  readonly value: number | null;
  readonly intermediate: readonly Intermediate[];
  readonly origin: TrialOrigin;
  /** For `retry` trials, the number of the trial being retried. */
  readonly retryOf: number | null;
  readonly failKind: FailKind | null;
  readonly failReason: string | null;
  /** Free-form JSON the objective attached (e.g. the features a pipeline kept). */
  readonly userAttrs: Readonly<Record<string, unknown>>;
  /** Identifies the process that ran the trial: `host:pid:random`. */
  readonly worker: string | null;
  readonly createdAt: number;
  readonly startedAt: number | null;
  readonly finishedAt: number | null;
  readonly heartbeatAt: number | null;
}

/** True when `a` is a strictly better objective value than `b` for `direction`. */
export function isBetter(a: number, b: number, direction: Direction): boolean {
  return direction === 'minimize' ? a < b : a > b;
}

/** Whether a trial counts toward a trial budget: everything except interrupted failures. */
export function countsTowardBudget(t: Pick<TrialRecord, 'state' | 'failKind'>): boolean {
  return !(t.state === 'FAIL' && t.failKind === 'interrupted');
}

/** The best COMPLETE trial of `trials`, or null; ties go to the lower number. */
export function bestOf(trials: readonly TrialRecord[], direction: Direction): TrialRecord | null {
  let best: TrialRecord | null = null;
  for (const t of trials) {
    if (t.state !== 'COMPLETE' || t.value === null) continue;
    if (best === null || isBetter(t.value, best.value!, direction)) best = t;
  }
  return best;
}
