/**
 * A small terminal emulator for the progress tests: it plays back what a program wrote (text,
 * newlines, the cursor moves and erases log-update uses) on a screen `width` columns wide that
 * wraps long lines as a real terminal does, and shows the screen as text.
 */
export class VirtualScreen {
  readonly cells: string[][] = [[]];
  row = 0;
  col = 0;
  readonly isTTY = true;
  readonly written: string[] = [];

  /** Screen height, which log-update reads. */
  readonly rows: number;

  constructor(
    public columns: number,
    height = 40,
  ) {
    this.rows = height;
  }

  write(chunk: string): boolean {
    this.written.push(chunk);
    let i = 0;
    while (i < chunk.length) {
      const ch = chunk[i]!;
      if (ch === '\x1b') {
        const m = /^\x1b\[([0-9;?]*)([@-~])/.exec(chunk.slice(i));
        if (!m) throw new Error(`unknown escape at ${JSON.stringify(chunk.slice(i, i + 8))}`);
        this.escape(m[1]!, m[2]!);
        i += m[0].length;
        continue;
      }
      if (ch === '\n') {
        // A terminal's output processing (onlcr) turns \n into \r\n.
        this.row++;
        this.col = 0;
      } else if (ch === '\r') this.col = 0;
      else {
        if (this.col >= this.columns) {
          this.row++;
          this.col = 0;
        }
        const line = this.line(this.row);
        while (line.length < this.col) line.push(' ');
        line[this.col] = ch;
        this.col++;
      }
      i++;
    }
    return true;
  }

  private line(r: number): string[] {
    while (this.cells.length <= r) this.cells.push([]);
    return this.cells[r]!;
  }

  private escape(args: string, cmd: string): void {
    if (args.startsWith('?')) return; // modes (synchronized output): nothing to draw
    const n = args === '' ? 1 : Number(args);
    switch (cmd) {
      case 'A':
        this.row = Math.max(0, this.row - n);
        break;
      case 'B':
        this.row += n;
        break;
      case 'G':
        this.col = n - 1;
        break;
      case 'K':
        if (args === '2') this.line(this.row).length = 0;
        else this.line(this.row).length = Math.min(this.line(this.row).length, this.col);
        break;
      case 'm':
        break; // colours take no room
      default:
        throw new Error(`unhandled escape ESC[${args}${cmd}`);
    }
  }

  /** The screen's lines, trailing spaces and empty trailing lines removed. */
  text(): string[] {
    const lines = this.cells.map((r) => r.join('').trimEnd());
    while (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    return lines;
  }
}
