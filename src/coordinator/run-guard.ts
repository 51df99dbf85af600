/**
 * The end conditions of one run that lie outside the objective: its time limit, the caller's
 * signal, the executor closing, a failure to record a report. Both executors race the objective
 * against {@link RunGuard.stopped}; whichever settles first is the outcome.
 */
import type { RunOptions } from './executor.js';
import type { TrialOutcome } from '../protocol/messages.js';
import type { FailKind } from '../trial/trial.js';
import { AutomlError, messageOf } from '../util/errors.js';

// setTimeout fires at once for delays above 2^31-1 ms; such limits (about 25 days) mean "none".
const MAX_TIMER_MS = 2_147_483_647;

/** Watches one run's deadline and signal; see the module comment. */
export class RunGuard {
  readonly #controller = new AbortController();
  readonly #started = performance.now();
  /** The trial this guard watches. */
  readonly trialNumber: number;
  readonly #timeoutMs: number | undefined;
  readonly #timeoutNote: string;
  readonly #external: AbortSignal | undefined;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #outcome: TrialOutcome | null = null;
  #resolve: (o: TrialOutcome) => void = () => undefined;
  /** Resolves with a `fail` outcome when the run is stopped from outside; never rejects. */
  readonly stopped: Promise<TrialOutcome>;

  /**
   * @param trialNumber for messages.
   * @param opts the run's signal and time limit. The clock starts now.
   * @param timeoutNote appended to the timeout message (what happened to the objective).
   */
  constructor(trialNumber: number, opts: RunOptions = {}, timeoutNote = '') {
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
    if (t !== undefined && t <= MAX_TIMER_MS) {
      this.#timer = setTimeout(() => this.stop('timeout', this.#timeoutMessage()), t);
    }
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
    if (this.#timeoutMs !== undefined && this.elapsedMs() >= this.#timeoutMs) this.stop('timeout', this.#timeoutMessage());
  }

  /** Removes the timer and the listener on the caller's signal. Idempotent. */
  dispose(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
    this.#external?.removeEventListener('abort', this.#onExternalAbort);
  }

  #timeoutMessage(): string {
    return `trial ${this.trialNumber} exceeded its time limit of ${this.#timeoutMs} ms${this.#timeoutNote}`;
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
