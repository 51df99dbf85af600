import { setMaxListeners } from 'node:events';
import { availableParallelism } from 'node:os';
import { AutomlError, messageOf, show } from '../util/errors.js';
import type { Executor } from '../coordinator/executor.js';
import { InProcessExecutor } from '../coordinator/in-process.js';
import { WorkerPool } from '../coordinator/pool.js';
import type { ObjectiveFn, ObjectiveRef, TrialOutcome } from '../protocol/messages.js';
import type { TrialRecord } from '../trial/trial.js';
import type { Study } from './study.js';
import type { Trial } from './trial-handle.js';

/** An objective: a function run in this thread, or an ES module export run in worker threads. */
export type Objective<C> = ObjectiveFn<C> | ObjectiveRef;

/** Options of `Study.optimize`. */
export interface OptimizeOptions {
  /** The study's total trial budget (all trials but interrupted ones count, across resumes). */
  readonly trials?: number;
  /** Wall-clock budget in seconds for this call; trials still running at the deadline are aborted. */
  readonly time?: number;
  /**
   * Trials run at once. Default: the number of cores for a module objective (worker threads), 1 for
   * a function objective (in this thread; more only helps objectives that await I/O).
   */
  readonly workers?: number;
  /** Per-trial time limit in seconds; an overrunning trial is aborted and recorded FAIL (timeout). */
  readonly timeout?: number;
  /** Per-worker-thread heap limit in MB (module objectives); exceeding it fails the trial (out-of-memory). */
  readonly memoryLimitMb?: number;
  /** Data sent once to each worker thread (e.g. a dataset in SharedArrayBuffers). */
  readonly workerData?: unknown;
  /** Plain data passed to every trial as `ctx.data`. */
  readonly data?: unknown;
  /** Aborting stops the study: running trials are recorded FAIL (interrupted) and it can be resumed. */
  readonly signal?: AbortSignal;
  /** Called after each trial is recorded, with the artifacts its objective handed back (`ctx.setArtifact`), if any. */
  readonly onTrial?: (trial: TrialRecord, artifacts?: Readonly<Record<string, unknown>>) => void;
  /** Called when a trial starts. */
  readonly onTrialStart?: (trial: { number: number; config: unknown }) => void;
  /** Stop after this many failures in a row (default 25); the error names the last failure. */
  readonly maxConsecutiveFailures?: number;
  /**
   * Polled after each recorded trial: true winds the run down: no trial starts after it, the running
   * ones finish (the time budget still cuts them at its deadline), stoppedBy is 'time'. Lets a
   * caller keep the end of its budget for work of its own whose cost it learns from the trials.
   */
  readonly stopEarly?: () => boolean;
  /** Heartbeat period of running trials in ms (default 5 000). */
  readonly heartbeatMs?: number;
  /** Run trials on this executor instead of creating one (it is not closed afterwards). */
  readonly executor?: Executor;
}

/** Why `optimize` returned and what it did. */
export interface OptimizeResult {
  readonly stoppedBy: 'trials' | 'time' | 'exhausted' | 'signal';
  /** Trials started by this call, by final state. */
  readonly complete: number;
  readonly pruned: number;
  readonly failed: number;
  readonly elapsedMs: number;
  /** Trials found abandoned by a dead process and recovered before starting. */
  readonly recovered: readonly number[];
}

/** The optimisation loop over ask/tell; see `Study.optimize`. */
export async function optimize(study: Study, objective: Objective<unknown>, opts: OptimizeOptions): Promise<OptimizeResult> {
  checkOptions(opts);
  const capacity = study.sampler.capacity(study.space);
  if (opts.trials === undefined && opts.time === undefined && opts.signal === undefined && !Number.isFinite(capacity)) {
    throw new AutomlError('E_CONFIG', 'optimize: give a budget: `trials` (total trials) and/or `time` (seconds)');
  }
  const startedAt = Date.now();
  const isFn = typeof objective === 'function';
  if (!isFn && (typeof objective !== 'object' || objective === null || typeof objective.module !== 'string')) {
    throw new AutomlError('E_CONFIG', `optimize: the objective must be a function or { module, exportName }, got ${show(objective)}`);
  }
  const executor: Executor =
    opts.executor ??
    (isFn
      ? new InProcessExecutor(objective as ObjectiveFn, { concurrency: opts.workers ?? 1 })
      : new WorkerPool({ workers: opts.workers ?? availableParallelism(), memoryLimitMb: opts.memoryLimitMb, workerData: opts.workerData }));
  const objectiveRef: ObjectiveRef = isFn ? { module: '(in-process)' } : (objective as ObjectiveRef);

  const stop = new AbortController();
  // Every running trial listens to this signal; more than 10 at once is expected, not a leak.
  setMaxListeners(Math.max(10, executor.concurrency * 2 + 10), stop.signal);
  let stoppedBy: OptimizeResult['stoppedBy'] | null = null;
  // Set by `stopEarly`: start nothing more, let the running trials finish.
  let winding = false;
  const halt = (why: OptimizeResult['stoppedBy']): void => {
    if (stoppedBy === null) stoppedBy = why;
    if (!stop.signal.aborted) stop.abort(why);
  };
  const onSignal = (): void => halt('signal');
  if (opts.signal?.aborted) halt('signal');
  opts.signal?.addEventListener('abort', onSignal, { once: true });
  const deadline = opts.time !== undefined ? startedAt + opts.time * 1000 : Infinity;
  const timer = Number.isFinite(deadline) ? setTimeout(() => halt('time'), Math.max(0, deadline - Date.now())) : null;

  // running: trials started and not yet recorded; busy: those whose executor slot is still taken
  // (a trial frees its slot when its objective returns, before its result is written).
  const running = new Map<number, Promise<void>>();
  const busy = new Map<number, Promise<void>>();
  // A trial asked ahead of time, while every slot is busy: a freed worker starts it at once
  // instead of waiting for the last trial's write and the sampler's next ask (2-3 ms together on
  // small data, as long as a one-fold trial there). Only when trials run off this thread; the
  // sampler sees it as running, like any trial in flight.
  const askAhead = executor.offThread === true;
  let ahead: Trial<unknown> | null = null;
  // Heartbeats keep other processes from taking our trials for abandoned; every few beats we also
  // look for trials abandoned by processes that died (another machine's, or a killed one's).
  let beats = 0;
  const heartbeat = setInterval(() => {
    const mine = ahead ? [...running.keys(), ahead.number] : [...running.keys()];
    if (mine.length > 0) study.storage.heartbeat(study.record.id, mine).catch(() => undefined);
    if (++beats % 6 === 0) study.recoverAbandonedTrials().catch(() => undefined);
  }, opts.heartbeatMs ?? 5_000);
  heartbeat.unref();

  const counts = { complete: 0, pruned: 0, failed: 0 };
  const maxFails = opts.maxConsecutiveFailures ?? 25;
  let consecutiveFails = 0;
  let lastFailure = '';
  let fatal: unknown = null;

  // `release` frees the trial's slot: as soon as its objective returned, unless it failed (a
  // failure is counted first, so that a study whose trials all fail stops without starting more).
  const runOne = async (trial: Trial<unknown>, release: () => void): Promise<void> => {
    try {
      await recordOne(trial, release);
    } finally {
      release();
    }
  };
  const recordOne = async (trial: Trial<unknown>, release: () => void): Promise<void> => {
    opts.onTrialStart?.({ number: trial.number, config: trial.config });
    const outcome: TrialOutcome = await executor.run(
      { objective: objectiveRef, trialNumber: trial.number, seed: trial.seed, config: trial.config, params: trial.params, data: opts.data },
      { report: (step, value) => trial.report(step, value) },
      { signal: stop.signal, timeoutMs: opts.timeout !== undefined ? opts.timeout * 1000 : undefined },
    );
    if (outcome.status !== 'fail') release();
    if (outcome.status === 'complete') {
      await study.tell(trial, { state: 'COMPLETE', value: outcome.value, userAttrs: { ...outcome.userAttrs, durationMs: outcome.durationMs } });
    } else if (outcome.status === 'pruned') {
      await study.tell(trial, { state: 'PRUNED', value: outcome.value, userAttrs: { ...outcome.userAttrs, durationMs: outcome.durationMs } });
    } else {
      let reason = outcome.message;
      if (outcome.failKind === 'interrupted' && stoppedBy === 'time') reason = 'stopped at the end of the time budget';
      else if (outcome.failKind === 'interrupted' && stoppedBy === 'signal') reason = 'interrupted (the study was stopped)';
      const told = await study.tell(trial, { state: 'FAIL', failKind: outcome.failKind, reason, userAttrs: { durationMs: outcome.durationMs } });
      // A trial cut short by the budget or a stop was never evaluated: queue its configuration
      // again (once) so the next run of the study evaluates it first.
      if (told && outcome.failKind === 'interrupted') await study.retryLater(trial.number);
    }
    const record = study.trial(trial.number);
    if (record) {
      if (record.state === 'COMPLETE') counts.complete++;
      else if (record.state === 'PRUNED') counts.pruned++;
      else counts.failed++;
      if (record.state === 'FAIL' && record.failKind !== 'interrupted') {
        consecutiveFails++;
        lastFailure = `trial ${record.number}: ${record.failKind}: ${record.failReason ?? ''}`;
        if (consecutiveFails >= maxFails) {
          fatal ??= new AutomlError('E_OBJECTIVE', `stopped: the last ${consecutiveFails} trials all failed (last: ${lastFailure}); fix the objective (see the failure reasons with \`automl trials\`), or raise the limit (maxConsecutiveFailures, --max-failures)`);
          halt('signal');
        }
      } else if (record.state !== 'FAIL') consecutiveFails = 0;
      opts.onTrial?.(record, outcome.status !== 'fail' ? outcome.artifacts : undefined);
      if (!winding && opts.stopEarly?.()) {
        winding = true;
        stoppedBy ??= 'time';
      }
    }
  };

  const launch = (trial: Trial<unknown>): void => {
    let release!: () => void;
    busy.set(trial.number, new Promise<void>((r) => (release = r)));
    const p = runOne(trial, () => {
      if (busy.delete(trial.number)) release();
    })
      .catch((e: unknown) => {
        fatal ??= e;
        halt('signal');
      })
      .finally(() => running.delete(trial.number));
    running.set(trial.number, p);
  };
  // A trial asked but never started: recorded as not run and queued to run first next time.
  const notStarted = async (trial: Trial<unknown>): Promise<void> => {
    if (await study.tell(trial, { state: 'FAIL', failKind: 'interrupted', reason: 'not started: the study was stopping' })) await study.retryLater(trial.number);
  };

  let recovered: number[] = [];
  try {
    recovered = await study.recoverAbandonedTrials();
    let launching = true;
    for (;;) {
      while (launching && !winding && !stop.signal.aborted && busy.size < executor.concurrency) {
        const trial = ahead ?? (await study.ask({ maxTrials: opts.trials }));
        ahead = null;
        if (!trial) {
          launching = false;
          break;
        }
        if (stop.signal.aborted || winding) {
          // The budget ended while we were asking: record the trial as not run.
          await notStarted(trial);
          break;
        }
        launch(trial);
      }
      if (askAhead && launching && !winding && ahead === null && !stop.signal.aborted && busy.size >= executor.concurrency) {
        ahead = await study.ask({ maxTrials: opts.trials });
        if (!ahead) launching = false;
        continue;
      }
      if (running.size === 0) break;
      const slotWait = launching && !winding && !stop.signal.aborted && busy.size >= executor.concurrency;
      await Promise.race((slotWait ? busy : running).values());
    }
    if (ahead) {
      const t: Trial<unknown> = ahead;
      ahead = null;
      await notStarted(t);
    }
    if (stoppedBy === null) stoppedBy = opts.trials !== undefined && study.countedTrials() >= opts.trials ? 'trials' : 'exhausted';
  } catch (e) {
    fatal ??= e;
    halt('signal');
    await Promise.allSettled(running.values());
    if (ahead) await notStarted(ahead).catch(() => undefined);
  } finally {
    if (timer) clearTimeout(timer);
    clearInterval(heartbeat);
    opts.signal?.removeEventListener('abort', onSignal);
    if (!opts.executor) await executor.close().catch(() => undefined);
  }
  await study.refresh();
  if (fatal) throw fatal instanceof Error ? fatal : new AutomlError('E_INTERNAL', messageOf(fatal));
  return { stoppedBy: stoppedBy ?? 'trials', ...counts, elapsedMs: Date.now() - startedAt, recovered };
}

function checkOptions(o: OptimizeOptions): void {
  const positiveInt = (v: unknown, name: string, min: number): void => {
    if (v !== undefined && (typeof v !== 'number' || !Number.isInteger(v) || v < min)) {
      throw new AutomlError('E_CONFIG', `optimize: ${name} must be an integer >= ${min}, got ${show(v)}`, { param: name, value: v });
    }
  };
  const positive = (v: unknown, name: string): void => {
    if (v !== undefined && (typeof v !== 'number' || !(v > 0) || !Number.isFinite(v))) {
      throw new AutomlError('E_CONFIG', `optimize: ${name} must be a positive number of seconds, got ${show(v)}`, { param: name, value: v });
    }
  };
  positiveInt(o.trials, 'trials', 0);
  positiveInt(o.workers, 'workers', 1);
  positiveInt(o.maxConsecutiveFailures, 'maxConsecutiveFailures', 1);
  positiveInt(o.memoryLimitMb, 'memoryLimitMb', 16);
  positive(o.time, 'time');
  positive(o.timeout, 'timeout');
}
