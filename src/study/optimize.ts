import { setMaxListeners } from 'node:events';
import { availableParallelism } from 'node:os';
import { AutomlError, messageOf, show } from '../util/errors.js';
import { setLongTimeout, type LongTimer } from '../util/timers.js';
import type { Executor } from '../coordinator/executor.js';
import { InProcessExecutor } from '../coordinator/in-process.js';
import { WorkerPool } from '../coordinator/pool.js';
import type { ObjectiveFn, ObjectiveRef, TrialOutcome } from '../protocol/messages.js';
import type { Sampler } from '../samplers/index.js';
import type { Space } from '../space/space.js';
import type { Storage, StudyRecord } from '../storage/storage.js';
import type { TrialRecord } from '../trial/trial.js';
import type { TellResult, Trial } from './trial-handle.js';

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
  /**
   * Polled at the start and after each recorded trial: the epoch ms at which this run ends, when
   * earlier than `time` allows. At that moment the run stops as at the end of `time` (running
   * trials are cut, stoppedBy 'time'). Lets a caller whose later work's cost it learns from the
   * trials move the search's hard end as it learns.
   */
  readonly deadline?: () => number;
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

/**
 * What {@link optimize} uses of a study: ask/tell, recovery of abandoned trials and the trial cache.
 * `Study` satisfies it; declared here so that this file does not import study.ts, which calls it.
 */
export interface OptimizableStudy {
  readonly record: Pick<StudyRecord, 'id'>;
  readonly space: Space;
  readonly sampler: Pick<Sampler, 'capacity'>;
  readonly storage: Pick<Storage, 'heartbeat'>;
  ask(opts: { maxTrials?: number }): Promise<Trial<unknown> | null>;
  tell(trial: { readonly number: number }, result: TellResult): Promise<boolean>;
  retryLater(number: number): Promise<void>;
  recoverAbandonedTrials(): Promise<number[]>;
  trial(number: number): TrialRecord | undefined;
  countedTrials(): number;
  refresh(): Promise<void>;
}

type StopReason = OptimizeResult['stoppedBy'];

/** The optimisation loop over ask/tell; see `Study.optimize`. */
export async function optimize(study: OptimizableStudy, objective: Objective<unknown>, opts: OptimizeOptions): Promise<OptimizeResult> {
  checkOptions(opts);
  const capacity = study.sampler.capacity(study.space);
  if (opts.trials === undefined && opts.time === undefined && opts.signal === undefined && !Number.isFinite(capacity)) {
    throw new AutomlError('E_CONFIG', 'optimize: give a budget: `trials` (total trials) and/or `time` (seconds)');
  }
  const startedAt = Date.now();
  if (typeof objective === 'function') {
    const executor = opts.executor ?? new InProcessExecutor(objective, { concurrency: opts.workers ?? 1 });
    return new OptimizeRun(study, executor, { module: '(in-process)' }, opts, startedAt).run();
  }
  if (typeof objective !== 'object' || objective === null || typeof objective.module !== 'string') {
    throw new AutomlError('E_CONFIG', `optimize: the objective must be a function or { module, exportName }, got ${show(objective)}`);
  }
  const executor = opts.executor ?? new WorkerPool({ workers: opts.workers ?? availableParallelism(), memoryLimitMb: opts.memoryLimitMb, workerData: opts.workerData });
  return new OptimizeRun(study, executor, objective, opts, startedAt).run();
}

/**
 * One call of {@link optimize}: its trials in flight, its stop state and its counts. The loop
 * (`run`) starts trials while slots are free (`dispatchNext`), each trial records its outcome
 * when it settles (`onSettled`), and `finish` reports.
 */
class OptimizeRun {
  /** Every running trial listens to it; aborted with the reason the run stops. */
  private readonly stop = new AbortController();
  private stoppedBy: StopReason | null = null;
  /** Set by `stopEarly`: start nothing more, let the running trials finish. */
  private winding = false;
  /** False once the study has no trial left to ask for (budget reached, sampler exhausted). */
  private launching = true;
  // running: trials started and not yet recorded; busy: those whose executor slot is still taken
  // (a trial frees its slot when its objective returns, before its result is written).
  private readonly running = new Map<number, Promise<void>>();
  private readonly busy = new Map<number, Promise<void>>();
  /**
   * A trial asked ahead of time, while every slot is busy: a freed worker starts it at once
   * instead of waiting for the last trial's write and the sampler's next ask (2-3 ms together on
   * small data, as long as a one-fold trial there). Only when trials run off this thread; the
   * sampler sees it as running, like any trial in flight.
   */
  private ahead: Trial<unknown> | null = null;
  private readonly askAhead: boolean;
  private readonly counts = { complete: 0, pruned: 0, failed: 0 };
  private consecutiveFails = 0;
  /** The first error that stops the run; thrown by `finish`. */
  private fatal: unknown = null;
  /** The time budget's end (epoch ms). */
  private readonly timeEnd: number;
  /** When the run stops: the time budget's end, or the caller's `deadline` if earlier. */
  private deadline: number;
  private timer: LongTimer | null = null;
  private heartbeat: ReturnType<typeof setInterval> | null = null;
  private beats = 0;
  private readonly onSignal = (): void => this.halt('signal');

  constructor(
    private readonly study: OptimizableStudy,
    private readonly executor: Executor,
    private readonly objective: ObjectiveRef,
    private readonly opts: OptimizeOptions,
    private readonly startedAt: number,
  ) {
    this.askAhead = executor.offThread === true;
    this.timeEnd = opts.time !== undefined ? startedAt + opts.time * 1000 : Infinity;
    this.deadline = this.timeEnd;
  }

  async run(): Promise<OptimizeResult> {
    this.startWatches();
    let recovered: number[] = [];
    try {
      recovered = await this.study.recoverAbandonedTrials();
      await this.loop();
      if (this.ahead) {
        const t = this.ahead;
        this.ahead = null;
        await this.notStarted(t);
      }
      this.stoppedBy ??= this.opts.trials !== undefined && this.study.countedTrials() >= this.opts.trials ? 'trials' : 'exhausted';
    } catch (e) {
      this.fail(e);
      await Promise.allSettled(this.running.values());
      if (this.ahead) await this.notStarted(this.ahead).catch(() => undefined);
    } finally {
      await this.stopWatches();
    }
    return this.finish(recovered);
  }

  /** The stop signal, the time budget's timer and the heartbeat, all set before the first await. */
  private startWatches(): void {
    // Every running trial listens to this signal; more than 10 at once is expected, not a leak.
    setMaxListeners(Math.max(10, this.executor.concurrency * 2 + 10), this.stop.signal);
    if (this.opts.signal?.aborted) this.halt('signal');
    this.opts.signal?.addEventListener('abort', this.onSignal, { once: true });
    this.armDeadline();
    this.heartbeat = setInterval(() => this.beat(), this.opts.heartbeatMs ?? 5_000);
    this.heartbeat.unref();
  }

  /** (Re)sets the timer that stops the run at its deadline, re-read from the caller's `deadline`. */
  private armDeadline(): void {
    const wanted = this.opts.deadline ? Math.min(this.timeEnd, this.opts.deadline()) : this.timeEnd;
    if (this.timer !== null && wanted === this.deadline) return;
    this.deadline = wanted;
    this.timer?.clear();
    this.timer = null;
    if (Number.isFinite(this.deadline)) this.timer = setLongTimeout(() => this.halt('time'), Math.max(0, this.deadline - Date.now()));
  }

  private async stopWatches(): Promise<void> {
    this.timer?.clear();
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.opts.signal?.removeEventListener('abort', this.onSignal);
    if (!this.opts.executor) await this.executor.close().catch(() => undefined);
  }

  /**
   * Heartbeats keep other processes from taking our trials for abandoned; every few beats we also
   * look for trials abandoned by processes that died (another machine's, or a killed one's).
   */
  private beat(): void {
    const mine = this.ahead ? [...this.running.keys(), this.ahead.number] : [...this.running.keys()];
    if (mine.length > 0) this.study.storage.heartbeat(this.study.record.id, mine).catch(() => undefined);
    if (++this.beats % 6 === 0) this.study.recoverAbandonedTrials().catch(() => undefined);
  }

  private halt(why: StopReason): void {
    if (this.stoppedBy === null) this.stoppedBy = why;
    if (!this.stop.signal.aborted) this.stop.abort(why);
  }

  private fail(e: unknown): void {
    this.fatal ??= e;
    this.halt('signal');
  }

  /** Whether new trials may start: trials remain, no stop, no winding down. */
  private mayStart(): boolean {
    return this.launching && !this.winding && !this.stop.signal.aborted;
  }

  private slotsFull(): boolean {
    return this.busy.size >= this.executor.concurrency;
  }

  private async loop(): Promise<void> {
    for (;;) {
      await this.dispatchNext();
      if (this.askAhead && this.mayStart() && this.ahead === null && this.slotsFull()) {
        this.ahead = await this.study.ask({ maxTrials: this.opts.trials });
        if (!this.ahead) this.launching = false;
        continue;
      }
      if (this.running.size === 0) {
        if (!(await this.sweepBeforeEnd())) return;
        continue;
      }
      // Wait for a free slot while trials remain to start, else for any trial to be recorded.
      const waitFor = this.mayStart() && this.slotsFull() ? this.busy : this.running;
      await Promise.race(waitFor.values());
    }
  }

  /**
   * Before the run ends for want of trials to start: trials of workers that died (their process
   * is gone, or their heartbeat is stale) still hold RUNNING rows, which count toward the budget.
   * Marks them interrupted and queues them again now, rather than at the next 30-s sweep, and says
   * whether there is more to run.
   */
  private async sweepBeforeEnd(): Promise<boolean> {
    if (this.stop.signal.aborted || this.winding || this.launching || this.fatal) return false;
    const recovered = await this.study.recoverAbandonedTrials();
    if (recovered.length === 0) return false;
    this.launching = true;
    return true;
  }

  /** Starts trials (the one asked ahead first) until the slots are full or none may start. */
  private async dispatchNext(): Promise<void> {
    while (this.mayStart() && !this.slotsFull()) {
      const trial = this.ahead ?? (await this.study.ask({ maxTrials: this.opts.trials }));
      this.ahead = null;
      if (!trial) {
        this.launching = false;
        return;
      }
      if (this.stop.signal.aborted || this.winding) {
        // The budget ended while we were asking: record the trial as not run.
        await this.notStarted(trial);
        return;
      }
      this.launch(trial);
    }
  }

  private launch(trial: Trial<unknown>): void {
    let release!: () => void;
    this.busy.set(trial.number, new Promise<void>((r) => (release = r)));
    const p = this.runTrial(trial, () => {
      if (this.busy.delete(trial.number)) release();
    })
      .catch((e: unknown) => this.fail(e))
      .finally(() => this.running.delete(trial.number));
    this.running.set(trial.number, p);
  }

  /**
   * `release` frees the trial's slot: as soon as its objective returned, unless it failed (a
   * failure is counted first, so that a study whose trials all fail stops without starting more).
   */
  private async runTrial(trial: Trial<unknown>, release: () => void): Promise<void> {
    try {
      this.opts.onTrialStart?.({ number: trial.number, config: trial.config });
      const outcome: TrialOutcome = await this.executor.run(
        { objective: this.objective, trialNumber: trial.number, seed: trial.seed, config: trial.config, params: trial.params, data: this.opts.data },
        { report: (step, value) => trial.report(step, value) },
        { signal: this.stop.signal, timeoutMs: this.opts.timeout !== undefined ? this.opts.timeout * 1000 : undefined },
      );
      if (outcome.status !== 'fail') release();
      await this.record(trial, outcome);
      this.onSettled(trial.number, outcome);
    } finally {
      release();
    }
  }

  /** Tells the study a trial's outcome. */
  private async record(trial: Trial<unknown>, outcome: TrialOutcome): Promise<void> {
    if (outcome.status === 'complete') {
      await this.study.tell(trial, { state: 'COMPLETE', value: outcome.value, userAttrs: { ...outcome.userAttrs, durationMs: outcome.durationMs } });
    } else if (outcome.status === 'pruned') {
      await this.study.tell(trial, { state: 'PRUNED', value: outcome.value, userAttrs: { ...outcome.userAttrs, durationMs: outcome.durationMs } });
    } else {
      let reason = outcome.message;
      if (outcome.failKind === 'interrupted' && this.stoppedBy === 'time') reason = 'stopped at the end of the time budget';
      else if (outcome.failKind === 'interrupted' && this.stoppedBy === 'signal') reason = 'interrupted (the study was stopped)';
      const told = await this.study.tell(trial, { state: 'FAIL', failKind: outcome.failKind, reason, userAttrs: { durationMs: outcome.durationMs } });
      // A trial cut short by the budget or a stop was never evaluated: queue its configuration
      // again (once) so the next run of the study evaluates it first.
      if (told && outcome.failKind === 'interrupted') await this.study.retryLater(trial.number);
    }
  }

  /** After a trial is recorded: counts, the failure streak, the caller's callback, `stopEarly`. */
  private onSettled(number: number, outcome: TrialOutcome): void {
    const record = this.study.trial(number);
    if (!record) return;
    if (record.state === 'COMPLETE') this.counts.complete++;
    else if (record.state === 'PRUNED') this.counts.pruned++;
    else this.counts.failed++;
    this.checkFailures(record);
    this.opts.onTrial?.(record, outcome.status !== 'fail' ? outcome.artifacts : undefined);
    if (this.opts.deadline && !this.stop.signal.aborted) this.armDeadline();
    if (!this.winding && this.opts.stopEarly?.()) {
      this.winding = true;
      this.stoppedBy ??= 'time';
    }
  }

  /** Stops the run after `maxConsecutiveFailures` failures in a row (interrupted ones do not count). */
  private checkFailures(record: TrialRecord): void {
    if (record.state === 'FAIL' && record.failKind !== 'interrupted') {
      this.consecutiveFails++;
      if (this.consecutiveFails >= (this.opts.maxConsecutiveFailures ?? 25)) {
        const last = `trial ${record.number}: ${record.failKind}: ${record.failReason ?? ''}`;
        this.fail(new AutomlError('E_OBJECTIVE', `stopped: the last ${this.consecutiveFails} trials all failed (last: ${last}); fix the objective (see the failure reasons with \`automl trials\`), or raise the limit (maxConsecutiveFailures, --max-failures)`));
      }
    } else if (record.state !== 'FAIL') this.consecutiveFails = 0;
  }

  /** A trial asked but never started: recorded as not run and queued to run first next time. */
  private async notStarted(trial: Trial<unknown>): Promise<void> {
    if (await this.study.tell(trial, { state: 'FAIL', failKind: 'interrupted', reason: 'not started: the study was stopping' })) await this.study.retryLater(trial.number);
  }

  private async finish(recovered: number[]): Promise<OptimizeResult> {
    await this.study.refresh();
    if (this.fatal) throw this.fatal instanceof Error ? this.fatal : new AutomlError('E_INTERNAL', messageOf(this.fatal));
    return { stoppedBy: this.stoppedBy ?? 'trials', ...this.counts, elapsedMs: Date.now() - this.startedAt, recovered };
  }
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
