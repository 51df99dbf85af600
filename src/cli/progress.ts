import type { SearchPhase } from '../automl/types.js';
import type { Direction, TrialRecord } from '../trial/trial.js';
import { isBetter } from '../trial/trial.js';
import { fmtDuration, fmtScore } from '../report/format.js';
import { painter, type Paint } from './terminal/color.js';
import { LiveArea, type TermStream } from './terminal/live.js';

/**
 * How progress is shown: `live` lines redrawn in place (a terminal), a `summary` line every few
 * seconds (a pipe or a log file), or `off`.
 */
export type ProgressMode = 'live' | 'summary' | 'off';

/** The flags of a command that shape its progress output. */
export interface ProgressFlags {
  readonly quiet?: boolean;
  readonly json?: boolean;
  readonly verbose?: boolean;
}

/**
 * The progress mode for `flags` on `stream`: off with --quiet; live on a terminal (with --json
 * too: the JSON goes to stdout); into a pipe, summaries, except with --json unless --verbose.
 */
export function progressMode(flags: ProgressFlags, stream: { readonly isTTY?: boolean }): ProgressMode {
  if (flags.quiet) return 'off';
  if (stream.isTTY) return 'live';
  return flags.json && !flags.verbose ? 'off' : 'summary';
}

export interface ProgressOptions {
  readonly direction: Direction;
  readonly metric: string;
  /** The study's trial budget (--trials), if any. */
  readonly trials?: number;
  /** The time budget in seconds (--time), if any. */
  readonly time?: number;
  /** Trials the study held before this run (resume). */
  readonly alreadyDone?: number;
  readonly mode: ProgressMode;
  /** One line per finished trial as well. */
  readonly verbose?: boolean;
  readonly color?: boolean;
  /** Milliseconds between summary lines (`summary` mode). Default 5000. */
  readonly summaryEveryMs?: number;
  /** Milliseconds between redraws of the live lines. Default 250. */
  readonly redrawEveryMs?: number;
  /** The clock (tests). */
  readonly now?: () => number;
}

/**
 * Search progress on stderr: the phase, its time left, the complete / pruned / failed counts and
 * the best trial so far, as live lines on a terminal or a summary line every few seconds into a
 * pipe; notes go above the live lines; a final line when the run ends.
 */
export class Progress {
  #complete = 0;
  #pruned = 0;
  #failed = 0;
  #running = 0;
  #best: { value: number; number: number; model: string } | null = null;
  #phase: SearchPhase = 'searching';
  #phaseStarted: number;
  #deadline: (() => number) | null;
  readonly #started: number;
  readonly #now: () => number;
  readonly #paint: Paint;
  readonly #live: LiveArea | null = null;
  #timer: NodeJS.Timeout | null = null;
  #ended = false;

  constructor(
    private readonly out: TermStream,
    private readonly o: ProgressOptions,
  ) {
    this.#now = o.now ?? Date.now;
    this.#started = this.#now();
    this.#phaseStarted = this.#started;
    const end = o.time !== undefined ? this.#started + o.time * 1000 : null;
    this.#deadline = end !== null ? () => end : null;
    this.#paint = painter(Boolean(o.color));
    if (o.mode === 'live') {
      this.#live = new LiveArea(out);
      this.#live.show(this.liveLines());
      this.#timer = setInterval(() => this.#live?.show(this.liveLines()), o.redrawEveryMs ?? 250);
    } else if (o.mode === 'summary') {
      this.#timer = setInterval(() => this.out.write(this.summaryLine() + '\n'), o.summaryEveryMs ?? 5000);
    }
    this.#timer?.unref();
  }

  /** A trial started. */
  trialStarted(): void {
    this.#running++;
  }

  /** A trial was recorded. */
  trial(t: TrialRecord): void {
    this.#running = Math.max(0, this.#running - 1);
    const model = (t.params['model'] as string | undefined) ?? '';
    if (t.state === 'COMPLETE') this.#complete++;
    else if (t.state === 'PRUNED') this.#pruned++;
    else if (t.state === 'FAIL' && t.failKind !== 'interrupted') this.#failed++;
    if (t.state === 'COMPLETE' && t.value !== null && (this.#best === null || isBetter(t.value, this.#best.value, this.o.direction))) {
      this.#best = { value: t.value, number: t.number, model };
    }
    if (this.o.verbose && this.o.mode !== 'off') this.#above(this.trialLine(t, model));
    else this.#live?.show(this.liveLines());
  }

  /** The run entered `phase`, planned to end at `deadline()` (epoch ms) when there is a budget. */
  phase(phase: SearchPhase, deadline: (() => number) | null): void {
    if (phase !== 'searching') this.#running = 0;
    this.#phase = phase;
    this.#phaseStarted = this.#now();
    if (deadline) this.#deadline = deadline;
    else if (phase !== 'searching') this.#deadline = null;
    if (this.o.verbose && this.o.mode === 'summary') this.out.write(this.summaryLine() + '\n');
    this.#live?.show(this.liveLines());
  }

  /** A note of the run (a warning, a choice made): above the live lines, on its own line. */
  note(text: string): void {
    if (this.o.mode === 'off') return;
    this.#above(`${this.#paint('warn', 'note:')} ${text}`);
  }

  /** A message that is shown even with --quiet (Ctrl-C), above the live lines. */
  message(text: string): void {
    this.#above(text);
  }

  /** Ends the progress: the live lines (or the summaries) stop and the final line is printed. */
  end(interrupted = false): void {
    if (this.#ended) return;
    this.#ended = true;
    if (this.#timer) clearInterval(this.#timer);
    if (this.o.mode === 'off') return;
    const final = this.finalLine(interrupted);
    if (this.#live) this.#live.close(final);
    else this.out.write(final + '\n');
  }

  #above(text: string): void {
    if (this.#live) this.#live.note(text, this.liveLines());
    else this.out.write(text + '\n');
  }

  /** Time of the current phase: left until its planned end, or spent in it once past the plan or without one ('' just after it began). */
  #phaseTime(now: number): string {
    const left = this.#deadline ? this.#deadline() - now : 0;
    if (left >= 100) return `${fmtDuration(left)} left`;
    const spent = now - this.#phaseStarted;
    return spent >= 100 ? `${fmtDuration(spent)} so far` : '';
  }

  #trials(): string {
    const done = (this.o.alreadyDone ?? 0) + this.#complete + this.#pruned + this.#failed;
    return `${done}${this.o.trials !== undefined ? `/${this.o.trials}` : ''} trial${done === 1 && this.o.trials === undefined ? '' : 's'}`;
  }

  #bestText(): string {
    if (!this.#best) return 'no result yet';
    const b = this.#best;
    return `best ${this.o.metric} ${this.#paint('best', fmtScore(b.value))} (trial ${b.number}${b.model ? `, ${b.model}` : ''})`;
  }

  /** Complete / pruned / failed; zero counts left out unless `all`. */
  #counts(all: boolean): string {
    const parts = [`${this.#complete} complete`];
    if (all || this.#pruned > 0) parts.push(`${this.#pruned} pruned`);
    if (all || this.#failed > 0) parts.push(this.#failed > 0 ? this.#paint('fail', `${this.#failed} failed`) : `${this.#failed} failed`);
    if (this.o.alreadyDone) parts.push(`${this.o.alreadyDone} before`);
    return parts.join(', ');
  }

  /** The live lines: phase and time; trial counts; best so far. */
  liveLines(): string[] {
    const now = this.#now();
    const head = [this.#paint('phase', this.#phase), this.#phaseTime(now)];
    if (this.#phase === 'searching') head.push(`${this.#running} running`);
    return [head.filter((h) => h !== '').join(' · '), `${this.#trials()}: ${this.#counts(true)}`, this.#bestText()];
  }

  /** One line for a pipe: elapsed, phase, time, counts, best. */
  summaryLine(): string {
    const now = this.#now();
    const time = this.#phaseTime(now);
    return `[${fmtDuration(now - this.#started)}] ${this.#phase}${time ? `, ${time}` : ''}: ${this.#trials()} (${this.#counts(false)}), ${this.#bestText()}`;
  }

  /** The last line: how long the run took, its counts and its best trial. */
  finalLine(interrupted: boolean): string {
    const took = fmtDuration(this.#now() - this.#started);
    return `${interrupted ? `stopped after ${took}` : `done in ${took}`}: ${this.#trials()} (${this.#counts(false)}), ${this.#bestText()}`;
  }

  /** One finished trial (--verbose). */
  trialLine(t: TrialRecord, model: string): string {
    const what = t.state === 'COMPLETE' ? fmtScore(t.value) : t.state === 'PRUNED' ? `pruned at ${fmtScore(t.value)}` : `${t.failKind}: ${t.failReason ?? ''}`;
    const d = typeof t.userAttrs.durationMs === 'number' ? fmtDuration(t.userAttrs.durationMs) : '';
    const line = `trial ${t.number} ${t.state.toLowerCase()} ${what} ${model} ${d}`.replace(/\s+$/, '');
    return t.state === 'FAIL' ? this.#paint('fail', line) : line;
  }
}
