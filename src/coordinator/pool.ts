/**
 * The worker-thread pool that runs trials, on piscina. Each trial runs an objective module export
 * in a worker thread (`dist/worker/entry.js`); a thread that hangs, runs out of heap, crashes or
 * calls `process.exit()` is terminated or lost, its trial recorded as failed, and a new thread
 * takes later trials. The main thread never dies for anything an objective does.
 */
import { availableParallelism } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { MessageChannel } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { resolveWorkerEntry } from './entry-path.js';
import type { Executor, RunOptions, TrialHooks } from './executor.js';
import { RunGuard } from './run-guard.js';
import type { MemoryMessage, ReportMessage, ReportReply, StartedMessage, TrialOutcome, TrialTask, WorkerPayload } from '../protocol/messages.js';
import { describeError } from '../util/describe-error.js';
import { AutomlError, messageOf, show } from '../util/errors.js';

/** Options of {@link WorkerPool}. */
export interface WorkerPoolOptions {
  /** Worker threads, i.e. trials run at once. Default `os.availableParallelism()`. */
  readonly workers?: number;
  /**
   * Old-generation heap limit per worker thread in MB (V8 `maxOldGenerationSizeMb`). A trial that
   * exceeds it fails as `out-of-memory` and its thread is replaced. Default 2048. Memory outside
   * the JS heap (ArrayBuffer contents, native addons) does not count toward it; see
   * `arrayBufferLimitMb` for ArrayBuffers.
   */
  readonly memoryLimitMb?: number;
  /**
   * Limit in MB on the ArrayBuffer (typed array) memory one trial may add to its thread; beyond it
   * the trial fails as `out-of-memory` and its thread is replaced. Default: `memoryLimitMb`. The
   * worker samples its usage every 50 ms while its event loop is free, so an objective allocating
   * in one synchronous loop that never awaits escapes it (V8 offers no hard limit for these).
   * `Infinity` turns the check off.
   */
  readonly arrayBufferLimitMb?: number;
  /**
   * Data sent once to each worker thread when it starts, never once per trial; objective modules
   * read it with `getWorkerData()` from `src/worker/shared.ts`. It is a structured clone, so put
   * large arrays in `SharedArrayBuffer`s: those are shared by all threads, not copied.
   */
  readonly workerData?: unknown;
  /**
   * Milliseconds an idle thread lives before it exits (a later trial starts a new one, which loads
   * the objective module and receives `workerData` again). Default: idle threads live until `close()`.
   */
  readonly idleTimeout?: number;
  /**
   * With a time limit, the longest a trial may wait for its thread to start and load the objective
   * module, in ms (the time limit itself when that is longer); see `STARTUP_LIMIT_MS`.
   */
  readonly startupTimeout?: number;
}

const DEFAULT_MEMORY_LIMIT_MB = 2048;
const TIMEOUT_NOTE = '; its worker thread was terminated and will be replaced';
/**
 * With a time limit, the default longest wait (ms) for a trial's thread to start and load the
 * objective module before the limit starts counting; the limit itself when that is longer.
 * Generous: it only catches a thread that never gets going, it is not meant to time anything.
 */
export const STARTUP_LIMIT_MS = 60_000;

/**
 * Runs trials in worker threads; `task.objective` names the module and export to call.
 *
 * - Concurrency is `workers`; calls beyond it queue. Threads start lazily, on the first trials.
 * - Time limits and aborts terminate the trial's thread (so a trial stuck in a loop is stopped),
 *   resolving the run as `fail`/`timeout` or `fail`/`interrupted`. The limit counts from the
 *   moment the objective is called in its thread, so a thread's start-up and the import of the
 *   objective module are not charged to the trial (a new thread replaces every timed-out one);
 *   those get a separate limit, `startupTimeout` or the time limit if longer.
 * - Inside a worker, `ctx.signal` never aborts (the thread is killed instead) and `ctx.report`
 *   crosses to this thread, where `hooks.report` runs.
 * - Idle threads do not keep the process alive, and `close()` terminates them all.
 */
export class WorkerPool implements Executor {
  /** The number of worker threads: trials run at once. */
  readonly concurrency: number;
  /** Trials run in worker threads. */
  readonly offThread = true;
  /** The heap limit per thread in MB, as configured. */
  readonly memoryLimitMb: number;
  /** The limit on ArrayBuffer memory a trial may add, in MB (Infinity: none). */
  readonly arrayBufferLimitMb: number;
  readonly #piscina: Piscina<WorkerPayload, TrialOutcome>;
  readonly #active = new Set<RunGuard>();
  readonly #startupMs: number;
  #closing: Promise<void> | null = null;

  /**
   * Creates the pool (no thread starts until the first run).
   * @throws AutomlError `E_CONFIG` for an invalid option, or when the compiled worker entry is
   *   missing (run `npm run build`).
   */
  constructor(opts: WorkerPoolOptions = {}) {
    const workers = opts.workers ?? availableParallelism();
    if (!Number.isInteger(workers) || workers < 1) {
      throw new AutomlError('E_CONFIG', `WorkerPool: workers must be an integer >= 1, got ${show(workers)}`, { param: 'workers', value: workers });
    }
    const mem = opts.memoryLimitMb ?? DEFAULT_MEMORY_LIMIT_MB;
    if (typeof mem !== 'number' || !Number.isFinite(mem) || mem <= 0) {
      throw new AutomlError('E_CONFIG', `WorkerPool: memoryLimitMb must be a positive number of megabytes, got ${show(mem)}`, {
        param: 'memoryLimitMb',
        value: mem,
      });
    }
    const idle = opts.idleTimeout ?? Infinity;
    if (typeof idle !== 'number' || Number.isNaN(idle) || idle < 0) {
      throw new AutomlError('E_CONFIG', `WorkerPool: idleTimeout must be a number of milliseconds >= 0, got ${show(idle)}`, {
        param: 'idleTimeout',
        value: idle,
      });
    }
    const ab = opts.arrayBufferLimitMb ?? mem;
    if (typeof ab !== 'number' || Number.isNaN(ab) || ab <= 0) {
      throw new AutomlError('E_CONFIG', `WorkerPool: arrayBufferLimitMb must be a positive number of megabytes (or Infinity), got ${show(ab)}`, {
        param: 'arrayBufferLimitMb',
        value: ab,
      });
    }
    const startup = opts.startupTimeout ?? STARTUP_LIMIT_MS;
    if (typeof startup !== 'number' || Number.isNaN(startup) || startup <= 0) {
      throw new AutomlError('E_CONFIG', `WorkerPool: startupTimeout must be a positive number of milliseconds, got ${show(startup)}`, {
        param: 'startupTimeout',
        value: startup,
      });
    }
    this.#startupMs = startup;
    this.concurrency = workers;
    this.memoryLimitMb = mem;
    this.arrayBufferLimitMb = ab;
    exposeGcToWorkers();
    this.#piscina = new Piscina<WorkerPayload, TrialOutcome>({
      filename: resolveWorkerEntry(),
      // Lazy threads: a pool that is created but never used costs nothing.
      minThreads: 0,
      maxThreads: workers,
      idleTimeout: idle,
      resourceLimits: { maxOldGenerationSizeMb: mem },
      workerData: opts.workerData,
    });
    // Piscina reports a thread that dies with no task on it (e.g. while starting) as an 'error'
    // event; without a listener that event would crash the process.
    this.#piscina.on('error', this.#onPoolError);
  }

  /** Live worker threads (for monitoring and tests). */
  get threadCount(): number {
    return this.#piscina.threads.length;
  }

  /** Runs one trial in a worker thread; never rejects (see `Executor`). */
  async run(task: TrialTask, hooks: TrialHooks, opts: RunOptions = {}): Promise<TrialOutcome> {
    if (this.#closing) {
      return { status: 'fail', failKind: 'interrupted', message: `trial ${task.trialNumber} not run: the worker pool is closed`, durationMs: 0 };
    }
    const startupMs = typeof opts.timeoutMs === 'number' ? Math.max(this.#startupMs, opts.timeoutMs) : this.#startupMs;
    const guard = new RunGuard(task.trialNumber, opts, TIMEOUT_NOTE, { kind: 'on-begin', startupMs });
    if (guard.outcome) return guard.outcome;
    this.#active.add(guard);
    const { port1, port2 } = new MessageChannel();
    port1.on('message', (msg: ReportMessage | MemoryMessage | StartedMessage) => {
      if (msg?.type === 'started') guard.begin();
      else if (msg?.type === 'memory') guard.stop('out-of-memory', this.#arrayBufferMessage(task.trialNumber, msg));
      else relayReport(msg, port1, hooks, guard);
    });
    try {
      const payload: WorkerPayload = { task, port: port2, ...(Number.isFinite(this.arrayBufferLimitMb) ? { arrayBufferLimitMb: this.arrayBufferLimitMb } : {}) };
      const job = this.#piscina
        .run(payload, { transferList: [port2], signal: guard.signal })
        .then(
          (outcome) => outcome,
          (e: unknown) => guard.outcome ?? this.#classifyCrash(e, guard),
        );
      return await Promise.race([job, guard.stopped]);
    } finally {
      guard.dispose();
      port1.close();
      this.#active.delete(guard);
    }
  }

  /** Ends running trials as interrupted and terminates every thread. Idempotent. */
  close(): Promise<void> {
    this.#closing ??= (async () => {
      for (const g of this.#active) g.stop('interrupted', `trial ${g.trialNumber} was interrupted: the worker pool was closed`);
      await this.#piscina.destroy();
    })();
    return this.#closing;
  }

  #arrayBufferMessage(n: number, msg: MemoryMessage): string {
    return (
      `trial ${n} ran out of memory: it allocated ${msg.grownMb} MB of ArrayBuffers (typed arrays), over the limit of ${msg.limitMb} MB; ` +
      `its worker thread was terminated and will be replaced; reduce the trial's memory use or raise arrayBufferLimitMb`
    );
  }

  // A rejected piscina task that we did not abort ourselves: the thread died under the trial.
  #classifyCrash(e: unknown, guard: RunGuard): TrialOutcome {
    const n = guard.trialNumber;
    const durationMs = guard.elapsedMs();
    const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
    if (code === 'ERR_WORKER_OUT_OF_MEMORY') {
      const message =
        `trial ${n} ran out of memory: its worker thread exceeded the heap limit of ${this.memoryLimitMb} MB and was replaced; ` +
        `reduce the trial's memory use or raise memoryLimitMb (--memory-limit on the command line)`;
      return { status: 'fail', failKind: 'out-of-memory', message, durationMs };
    }
    const exit = /worker exited with code: (-?\d+)/.exec(messageOf(e));
    if (exit) {
      const message = `the objective called process.exit(${exit[1]}) in trial ${n}; its worker thread ended and was replaced (throw an error instead)`;
      return { status: 'fail', failKind: 'error', message, durationMs };
    }
    if (this.#closing) {
      return { status: 'fail', failKind: 'interrupted', message: `trial ${n} was interrupted: the worker pool was closed`, durationMs };
    }
    return { status: 'fail', failKind: 'error', message: `trial ${n}: its worker thread crashed: ${describeError(e)}`, durationMs };
  }

  readonly #onPoolError = (e: unknown): void => {
    // With no thread left, queued trials would wait for ever (piscina does not retry threads that
    // fail while starting): fail them now, naming the cause.
    if (this.#piscina.threads.length > 0) return;
    const oom = typeof e === 'object' && e !== null && (e as { code?: unknown }).code === 'ERR_WORKER_OUT_OF_MEMORY';
    const why = oom
      ? `it ran out of memory before running anything: memoryLimitMb (${this.memoryLimitMb}) is too small, raise it (--memory-limit on the command line)`
      : describeError(e);
    for (const g of this.#active) g.stop('error', `trial ${g.trialNumber} could not start: a worker thread failed while starting: ${why}`);
  };
}

// Main side of the report channel: ask the study, answer the worker. A failure to record ends the
// trial (the guard aborts it, terminating the thread) rather than leaving the objective hanging.
function relayReport(msg: ReportMessage, port: MessagePort, hooks: TrialHooks, guard: RunGuard): void {
  if (msg?.type !== 'report') return;
  Promise.resolve()
    .then(() => hooks.report(msg.step, msg.value))
    .then(
      (prune) => {
        const reply: ReportReply = { type: 'report-reply', id: msg.id, prune: prune === true };
        port.postMessage(reply);
      },
      (e: unknown) => {
        guard.stop('error', `trial ${guard.trialNumber}: recording report (step ${msg.step}, value ${msg.value}) failed: ${messageOf(e)}`);
      },
    )
    .catch(() => undefined);
}

let gcExposed = false;

/**
 * Gives worker threads started from now on a `gc()` function (V8's --expose-gc: set at run time,
 * it reaches isolates created afterwards, not the main thread's). A worker calls it after a trial
 * that left many MB of arrays behind (see worker/entry.ts): without it each thread kept its last
 * large trial's matrices until V8 next collected, and with 8 threads that garbage, not the fits
 * themselves, made most of a 1M-row search's memory.
 */
function exposeGcToWorkers(): void {
  if (gcExposed) return;
  gcExposed = true;
  setFlagsFromString('--expose-gc');
}
