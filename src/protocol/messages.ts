/**
 * Messages between the study (main thread) and the trial workers. Plain, structured-clone-safe
 * data only: both sides import this file, and neither imports the other. Everything that crosses
 * the thread boundary is declared here: the task, the payload the pool posts, the messages on a
 * trial's port and the outcome that comes back.
 */
import type { MessagePort } from 'node:worker_threads';
import type { FailKind, FlatParams } from '../trial/trial.js';

/** Where an objective lives: an ES module (file path or URL) and the name of its export. */
export interface ObjectiveRef {
  /** Absolute path or `file:` URL of an ES module (compiled JavaScript). */
  readonly module: string;
  /** Export to call; default 'default'. */
  readonly exportName?: string;
}

/** One trial to run. */
export interface TrialTask {
  readonly objective: ObjectiveRef;
  readonly trialNumber: number;
  /** Seed for the trial's own randomness, derived from (study seed, trial number). */
  readonly seed: number;
  /** The nested configuration (`space.build(params)`). */
  readonly config: unknown;
  readonly params: FlatParams;
  /** Extra plain data for the objective (e.g. CV settings), passed as `ctx.data`. */
  readonly data?: unknown;
}

/** How a trial ended, as the worker saw it. */
export type TrialOutcome =
  | { readonly status: 'complete'; readonly value: number; readonly userAttrs?: Record<string, unknown>; readonly artifacts?: Record<string, unknown>; readonly durationMs: number }
  | { readonly status: 'pruned'; readonly value: number | null; readonly userAttrs?: Record<string, unknown>; readonly artifacts?: Record<string, unknown>; readonly durationMs: number }
  | { readonly status: 'fail'; readonly failKind: FailKind; readonly message: string; readonly durationMs: number };

/** What the pool posts to a worker for one trial. `port` is transferred (in the transfer list). */
export interface WorkerPayload {
  readonly task: TrialTask;
  /** This trial's private channel: the worker posts `ReportMessage`, the main thread answers `ReportReply`. */
  readonly port: MessagePort;
  /**
   * Limit in MB on the ArrayBuffer memory the trial may add (see {@link MemoryMessage}); none when
   * absent. V8's heap limit does not cover ArrayBuffer contents, so the worker watches them itself.
   */
  readonly arrayBufferLimitMb?: number;
}

/** Worker -> main: an intermediate value (e.g. a CV fold's score). */
export interface ReportMessage {
  readonly type: 'report';
  readonly id: number;
  readonly step: number;
  readonly value: number;
}

/**
 * Worker -> main, on the trial's port: the objective is about to be called (its thread is up and
 * its module loaded). The trial's time limit counts from here, not from the dispatch, so that a
 * thread's start-up (a new thread after a timeout, a slow module import) is not charged to it.
 */
export interface StartedMessage {
  readonly type: 'started';
}

/** Main -> worker: the answer to a report, telling whether the trial should stop (pruned). */
export interface ReportReply {
  readonly type: 'report-reply';
  readonly id: number;
  readonly prune: boolean;
}

/**
 * Worker -> main, on the trial's port: the trial's ArrayBuffer memory grew past its limit. The
 * main thread then ends the trial as `out-of-memory` and terminates this thread.
 */
export interface MemoryMessage {
  readonly type: 'memory';
  /** ArrayBuffer memory (MB) the thread holds beyond what it held when the trial started. */
  readonly grownMb: number;
  readonly limitMb: number;
}

/** What an objective receives besides its configuration. */
export interface ObjectiveContext {
  readonly trialNumber: number;
  readonly seed: number;
  /** The task's `data`. */
  readonly data: unknown;
  /** Aborted when the trial times out, the study's time budget ends, or the study is interrupted. */
  readonly signal: AbortSignal;
  /**
   * Reports an intermediate value. Resolves to true when the pruner says the trial should stop;
   * the objective should then throw `new TrialPruned()` (or return early).
   */
  report(step: number, value: number): Promise<boolean>;
  /** Attaches JSON data to the trial's record (e.g. the features a pipeline kept). */
  setUserAttr(key: string, value: unknown): void;
  /**
   * Hands a value back to the process that runs the study with the trial's outcome, without storing
   * it (e.g. a trial's out-of-fold predictions, too large for the storage but useful at the end of
   * a search). Any structured-cloneable value (typed arrays included); optional for contexts made
   * by hand, so callers check it exists.
   */
  setArtifact?(key: string, value: unknown): void;
}

/** An objective function: returns the value to minimise or maximise. */
export type ObjectiveFn<C = unknown> = (config: C, ctx: ObjectiveContext) => number | Promise<number>;

/** Thrown by an objective to end its trial as PRUNED. */
export class TrialPruned extends Error {
  override readonly name = 'TrialPruned';
  constructor(message = 'pruned') {
    super(message);
  }
}

/** True for a TrialPruned, also across a structured clone (where the class is lost). */
export function isTrialPruned(e: unknown): boolean {
  return e instanceof TrialPruned || (typeof e === 'object' && e !== null && (e as { name?: unknown }).name === 'TrialPruned');
}
