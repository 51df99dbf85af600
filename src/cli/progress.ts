import type { TrialRecord } from '../trial/trial.js';
import type { Direction } from '../trial/trial.js';
import { isBetter } from '../trial/trial.js';
import { fmtDuration, fmtScore } from '../report/format.js';

/**
 * Search progress on stderr: one status line rewritten in place on a terminal (trials done / target
 * or time left, best so far, running trials); one plain line per finished trial otherwise.
 */
export class Progress {
  private done = 0;
  private best: { value: number; number: number } | null = null;
  private running = 0;
  private readonly started = Date.now();
  private timer: NodeJS.Timeout | null = null;
  private readonly tty: boolean;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly opts: { direction: Direction; metric: string; trials?: number; time?: number; enabled: boolean; alreadyDone?: number },
  ) {
    this.tty = Boolean(out.isTTY) && opts.enabled;
    this.done = opts.alreadyDone ?? 0;
    if (this.tty) {
      this.timer = setInterval(() => this.draw(), 250);
      this.timer.unref();
    }
  }

  /** A trial started. */
  started_(): void {
    this.running++;
  }

  /** A trial was recorded. */
  trial(t: TrialRecord): void {
    this.running = Math.max(0, this.running - 1);
    if (t.state !== 'FAIL' || t.failKind !== 'interrupted') this.done++;
    if (t.state === 'COMPLETE' && t.value !== null && (this.best === null || isBetter(t.value, this.best.value, this.opts.direction))) {
      this.best = { value: t.value, number: t.number };
    }
    if (!this.opts.enabled) return;
    if (this.tty) this.draw();
    else {
      const model = (t.params['model'] as string | undefined) ?? '';
      const what = t.state === 'COMPLETE' ? fmtScore(t.value) : t.state === 'PRUNED' ? `pruned at ${fmtScore(t.value)}` : `${t.failKind}: ${t.failReason ?? ''}`;
      const d = typeof t.userAttrs.durationMs === 'number' ? fmtDuration(t.userAttrs.durationMs) : '';
      // Row rungs (large data): how many training rows the trial's last fit used.
      const rows = typeof t.userAttrs['trainRows'] === 'number' ? ` ${t.userAttrs['trainRows']} rows` : '';
      this.out.write(`trial ${t.number} ${t.state.toLowerCase()} ${what} ${model}${rows} ${d}`.replace(/\s+$/, '') + '\n');
    }
  }

  private status(): string {
    const elapsed = Date.now() - this.started;
    const parts = [`trials ${this.done}${this.opts.trials !== undefined ? `/${this.opts.trials}` : ''}`];
    if (this.opts.time !== undefined) parts.push(`${fmtDuration(Math.max(0, this.opts.time * 1000 - elapsed))} left`);
    else parts.push(fmtDuration(elapsed));
    parts.push(this.best ? `best ${this.opts.metric} ${fmtScore(this.best.value)} (trial ${this.best.number})` : 'no result yet');
    parts.push(`${this.running} running`);
    return parts.join(' · ');
  }

  private draw(): void {
    this.out.write(`\r\x1b[K${this.status()}`);
  }

  /** Clears the status line. */
  end(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.tty) this.out.write('\r\x1b[K');
  }
}
