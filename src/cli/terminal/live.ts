/**
 * The live lines at the bottom of the terminal (search progress), redrawn in place with
 * log-update. Each line is cut to the terminal's width so that it never wraps (a wrapped line
 * cannot be erased and leaves half lines behind); notes are printed above the live lines.
 */
import { createLogUpdate } from 'log-update';
import { truncateToWidth } from '../../report/format.js';

/** What the live area writes to: a terminal stream, or a stand-in for tests. */
export interface TermStream {
  write(chunk: string): boolean;
  readonly isTTY?: boolean;
  readonly columns?: number;
  readonly rows?: number;
}

/** Narrowest width the lines are cut to, should a terminal report less. */
const MIN_WIDTH = 10;

export class LiveArea {
  readonly #out: TermStream;
  readonly #draw: ReturnType<typeof createLogUpdate>;
  #lines: readonly string[] = [];
  #closed = false;

  constructor(out: TermStream) {
    this.#out = out;
    // The cursor stays visible: hiding it would make log-update hook the process's exit and signals,
    // which the command's own Ctrl-C handling owns.
    this.#draw = createLogUpdate(out as NodeJS.WritableStream, { showCursor: true });
  }

  /** Columns a live line may take: one less than the terminal's, so the cursor never sits past the edge. */
  get width(): number {
    return Math.max(MIN_WIDTH, (this.#out.columns ?? 80) - 1);
  }

  /** Replaces the live lines and redraws them. */
  show(lines: readonly string[]): void {
    this.#lines = lines;
    this.redraw();
  }

  /** Draws the live lines again (after a resize the new width applies). */
  redraw(): void {
    if (this.#closed) return;
    this.#draw(this.#lines.map((l) => truncateToWidth(l, this.width)).join('\n'));
  }

  /** Prints `text` as its own line(s) above the live lines, which are drawn again below it (as `lines` if given). */
  note(text: string, lines?: readonly string[]): void {
    if (lines) this.#lines = lines;
    if (this.#closed) {
      this.#out.write(text + '\n');
      return;
    }
    this.#draw.clear();
    this.#out.write(text + '\n');
    this.redraw();
  }

  /** Removes the live lines for good and prints `final` (if any) in their place. */
  close(final?: string): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#draw.clear();
    this.#draw.done();
    if (final !== undefined) this.#out.write(final + '\n');
  }
}
