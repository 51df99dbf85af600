/**
 * An executor that calls the objective function in this thread. No isolation: it suits objectives
 * that are quick, or that await I/O (then `concurrency` > 1 helps), and tests.
 */
import type { Executor, RunOptions, TrialHooks } from './executor.js';
import { RunGuard } from './run-guard.js';
import type { ObjectiveFn, TrialOutcome, TrialTask } from '../protocol/messages.js';
import { runObjective } from '../protocol/run-objective.js';
import { AutomlError, messageOf, show } from '../util/errors.js';

/** Options of {@link InProcessExecutor}. */
export interface InProcessOptions {
  /** Runs in flight at once; later calls to `run` wait for a free slot. Default 1. */
  readonly concurrency?: number;
}

const TIMEOUT_NOTE = '; the objective runs in this thread and cannot be killed, so it may still be running';

/**
 * Runs an {@link ObjectiveFn} in the calling thread.
 *
 * Classification is the same as the worker pool's (see `runObjective`). The limits of running in
 * process:
 * - a timeout or abort resolves the run at once as `fail` (`timeout` / `interrupted`) and aborts
 *   `ctx.signal`, but a function cannot be killed: one that ignores the signal keeps running in the
 *   background (its eventual result is dropped), and one that blocks the thread (a synchronous
 *   loop) delays everything, timers included. A run whose function returns after its deadline is
 *   still recorded as a timeout, so results do not depend on the executor;
 * - `process.exit()` in the objective ends the whole process, and heap exhaustion crashes it:
 *   use the `WorkerPool` for objectives that might do either.
 */
export class InProcessExecutor implements Executor {
  /** How many runs may be in flight at once. */
  readonly concurrency: number;
  readonly #fn: ObjectiveFn;
  readonly #active = new Set<RunGuard>();
  readonly #waiting: Array<() => void> = [];
  #running = 0;
  #closed = false;

  /**
   * @param fn the objective, called as `fn(task.config, ctx)`.
   * @throws AutomlError `E_CONFIG` when `fn` is not a function or `concurrency` not an integer >= 1.
   */
  constructor(fn: ObjectiveFn, opts: InProcessOptions = {}) {
    if (typeof fn !== 'function') {
      throw new AutomlError('E_CONFIG', `InProcessExecutor: the objective must be a function, got ${show(fn)}`, { value: fn });
    }
    const c = opts.concurrency ?? 1;
    if (!Number.isInteger(c) || c < 1) {
      throw new AutomlError('E_CONFIG', `InProcessExecutor: concurrency must be an integer >= 1, got ${show(c)}`, { param: 'concurrency', value: c });
    }
    this.#fn = fn;
    this.concurrency = c;
  }

  /** Runs one trial; never rejects (see `Executor`). */
  async run(task: TrialTask, hooks: TrialHooks, opts: RunOptions = {}): Promise<TrialOutcome> {
    if (this.#closed) return closedOutcome(task);
    if (!(await this.#acquire(opts.signal))) {
      if (this.#closed) return closedOutcome(task);
      // The caller's signal aborted while waiting for a slot: classify its reason as a run would.
      const early = new RunGuard(task.trialNumber, { signal: opts.signal });
      early.dispose();
      return early.outcome ?? closedOutcome(task);
    }
    const guard = new RunGuard(task.trialNumber, opts, TIMEOUT_NOTE);
    this.#active.add(guard);
    let over = false;
    try {
      if (guard.outcome) return guard.outcome;
      const report = (step: number, value: number): Promise<boolean> => {
        // A function still running after its run ended (it cannot be killed) must not write to a
        // trial the study has already recorded: drop its reports and ask it to stop.
        if (over || guard.outcome) return Promise.resolve(true);
        return Promise.resolve()
          .then(() => hooks.report(step, value))
          .then(
            (prune) => prune === true,
            (e: unknown) => {
              guard.stop('error', `trial ${task.trialNumber}: recording report (step ${step}, value ${value}) failed: ${messageOf(e)}`);
              // The run is already over; asking the objective to stop is the best use of the answer.
              return true;
            },
          );
      };
      const call = runObjective(this.#fn, task, { report, signal: guard.signal }).then((outcome) => {
        guard.expireIfOverdue();
        return guard.outcome ?? outcome;
      });
      return await Promise.race([call, guard.stopped]);
    } finally {
      over = true;
      guard.dispose();
      this.#active.delete(guard);
      this.#release();
    }
  }

  /** Ends every running trial as interrupted (aborting its `ctx.signal`); later runs resolve interrupted. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const g of this.#active) g.stop('interrupted', 'the executor was closed while the trial was running');
    for (const wake of this.#waiting.splice(0)) wake();
  }

  // Resolves true with a slot held, or false when the signal aborted or the executor closed first.
  #acquire(signal: AbortSignal | undefined): Promise<boolean> {
    if (signal?.aborted) return Promise.resolve(false);
    if (this.#running < this.concurrency) {
      this.#running++;
      return Promise.resolve(true);
    }
    return new Promise((resolve) => {
      const wake = (): void => {
        signal?.removeEventListener('abort', onAbort);
        if (this.#closed) return resolve(false);
        this.#running++;
        resolve(true);
      };
      const onAbort = (): void => {
        const i = this.#waiting.indexOf(wake);
        if (i >= 0) this.#waiting.splice(i, 1);
        resolve(false);
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#waiting.push(wake);
    });
  }

  #release(): void {
    this.#running--;
    const next = this.#waiting.shift();
    if (next) next();
  }
}

function closedOutcome(task: TrialTask): TrialOutcome {
  return { status: 'fail', failKind: 'interrupted', message: `trial ${task.trialNumber} not run: the executor is closed`, durationMs: 0 };
}
