/**
 * The end conditions of one run that lie outside the objective: its time limit, the caller's
 * signal, the executor closing, a failure to record a report. Both executors race the objective
 * against {@link RunGuard.stopped}; whichever settles first is the outcome.
 */
import type { RunOptions } from './executor.js';
import type { TrialOutcome } from '../protocol/messages.js';
import type { FailKind } from '../trial/trial.js';
import { AutomlError, messageOf } from '../util/errors.js';
import { setLongTimeout, type LongTimer } from '../util/timers.js';

/**
 * How the guard's clock starts: `now` (the objective runs as soon as the run starts: in-process),
 * or on {@link RunGuard.begin} within `startupMs` (worker threads: the thread has to start and
 * load the objective module first, and that must not eat the trial's time limit).
 */
export type GuardClock = { readonly kind: 'now' } | { readonly kind: 'on-begin'; readonly startupMs: number };

/** Watches one run's deadline and signal; see the module comment. */
export class RunGuard {
  readonly #controller = new AbortController();
  readonly #started = performance.now();
  /** When the objective started (the time limit counts from here); null before `begin`. */
  #objectiveStarted: number | null = null;
  /** The trial this guard watches. */
  readonly trialNumber: number;
  readonly #timeoutMs: number | undefined;
  readonly #timeoutNote: string;
  readonly #external: AbortSignal | undefined;
  #timer: LongTimer | null = null;
  #outcome: TrialOutcome | null = null;
  #resolve: (o: TrialOutcome) => void = () => undefined;
  /** Resolves with a `fail` outcome when the run is stopped from outside; never rejects. */
  readonly stopped: Promise<TrialOutcome>;

  /**
   * @param trialNumber for messages.
   * @param opts the run's signal and time limit.
   * @param timeoutNote appended to the timeout message (what happened to the objective).
   * @param clock when the time limit starts counting (default: now). With `on-begin`, a run
   *   with a time limit that has not begun within `startupMs` stops as a start-up timeout.
   */
  constructor(trialNumber: number, opts: RunOptions = {}, timeoutNote = '', clock: GuardClock = { kind: 'now' }) {
    this.trialNumber = trialNumber;
    this.#timeoutNote = timeoutNote;
    this.#external = opts.signal;
    this.stopped = new Promise((resolve) => {
      this.#resolve = resolve;
    });
    const t = opts.timeoutMs;
    if (t !== undefined && (typeof t !== 'number' || Number.isNaN(t) || t <= 0)) {
      this.#timeoutMs = undefined;
      this.stop('error', `RunOptions.timeoutMs must be a positive number of milliseconds (or undefined for none), got ${String(t)}`);
      return;
    }
    this.#timeoutMs = t;
    if (this.#external?.aborted) {
      this.#onExternalAbort();
      return;
    }
    this.#external?.addEventListener('abort', this.#onExternalAbort, { once: true });
    if (clock.kind === 'now') this.begin();
    else if (t !== undefined) {
      const limit = clock.startupMs;
      this.#timer = setLongTimeout(() => this.stop('timeout', this.#startupMessage(limit)), limit);
    }
  }

  /**
   * The objective has started: the time limit counts from now (replacing any start-up limit).
   * Later calls are ignored.
   */
  begin(): void {
    if (this.#objectiveStarted !== null || this.#outcome) return;
    this.#objectiveStarted = performance.now();
    this.#timer?.clear();
    this.#timer = null;
    const t = this.#timeoutMs;
    if (t !== undefined && Number.isFinite(t)) this.#timer = setLongTimeout(() => this.stop('timeout', this.#timeoutMessage()), t);
  }

  /** Aborted when the run is stopped; its reason is an `AutomlError` (`E_ABORTED`) saying why. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }

  /** The outcome the run was stopped with, or null while it is not stopped. */
  get outcome(): TrialOutcome | null {
    return this.#outcome;
  }

  /** Milliseconds since the guard was created. */
  elapsedMs(): number {
    return performance.now() - this.#started;
  }

  /**
   * Ends the run as `fail`/`failKind` (the first call wins, later ones are ignored): resolves
   * {@link stopped}, then aborts {@link signal}, in that order, so that anything racing on the
   * signal's consequences loses to this outcome.
   */
  stop(failKind: FailKind, message: string): void {
    if (this.#outcome) return;
    this.#outcome = { status: 'fail', failKind, message, durationMs: this.elapsedMs() };
    this.#resolve(this.#outcome);
    this.dispose();
    this.#controller.abort(new AutomlError('E_ABORTED', message, { trial: this.trialNumber, failKind }));
  }

  /**
   * Stops the run as a timeout if its time limit has passed. For objectives that block the thread
   * past the deadline, so the timer could not fire before they returned.
   */
  expireIfOverdue(): void {
    if (this.#timeoutMs === undefined || this.#objectiveStarted === null) return;
    if (performance.now() - this.#objectiveStarted >= this.#timeoutMs) this.stop('timeout', this.#timeoutMessage());
  }

  /** Removes the timer and the listener on the caller's signal. Idempotent. */
  dispose(): void {
    this.#timer?.clear();
    this.#timer = null;
    this.#external?.removeEventListener('abort', this.#onExternalAbort);
  }

  #timeoutMessage(): string {
    return `trial ${this.trialNumber} exceeded its time limit of ${this.#timeoutMs} ms${this.#timeoutNote}`;
  }

  #startupMessage(limitMs: number): string {
    return (
      `trial ${this.trialNumber} did not start within ${limitMs} ms: starting its worker thread and loading the objective module took too long ` +
      `(this start-up limit is separate from the trial's time limit of ${this.#timeoutMs} ms)${this.#timeoutNote}`
    );
  }

  readonly #onExternalAbort = (): void => {
    const reason: unknown = this.#external?.reason;
    if (isTimeoutReason(reason)) this.stop('timeout', `trial ${this.trialNumber} timed out (${describeReason(reason)})`);
    else this.stop('interrupted', `trial ${this.trialNumber} was interrupted (${describeReason(reason)})`);
  };
}

/** True for the abort reasons that mean "time is up": the string 'timeout' or a TimeoutError. */
export function isTimeoutReason(reason: unknown): boolean {
  if (reason === 'timeout') return true;
  return typeof reason === 'object' && reason !== null && (reason as { name?: unknown }).name === 'TimeoutError';
}

function describeReason(reason: unknown): string {
  if (reason === undefined) return 'aborted';
  return messageOf(reason);
}
