import type { TrialOutcome, TrialTask } from '../protocol/messages.js';

/** Callbacks from a running trial back to the study. */
export interface TrialHooks {
  /** Records an intermediate value; resolves true when the trial should be pruned. */
  report(step: number, value: number): Promise<boolean>;
}

/**
 * Runs trials. Implementations: in-process (the objective is a function in this thread) and the
 * piscina worker pool (the objective is a module run in worker threads).
 *
 * Contract: `run` never rejects. Whatever the objective does (throws, rejects, returns a non-number,
 * times out, exhausts memory, calls process.exit in a worker), the promise resolves to an outcome,
 * a `fail` one with a `failKind` and a message where needed; a broken worker thread is replaced.
 * `signal` aborting ends the trial promptly as `fail`/`interrupted` (or `timeout`, per `reason`).
 */
export interface Executor {
  /** How many trials may run at once. */
  readonly concurrency: number;
  /**
   * True when trials run off this thread (worker threads), so this thread is free while they run:
   * the study then prepares the next trial ahead of time. Absent or false for in-thread executors.
   */
  readonly offThread?: boolean;
  run(task: TrialTask, hooks: TrialHooks, opts?: RunOptions): Promise<TrialOutcome>;
  /** Stops every thread; running trials end as interrupted. Idempotent. */
  close(): Promise<void>;
}

/** Per-run options. */
export interface RunOptions {
  /** Abort reason 'timeout' gives failKind 'timeout'; anything else gives 'interrupted'. */
  readonly signal?: AbortSignal;
  /** Per-trial time limit in milliseconds. */
  readonly timeoutMs?: number;
}
