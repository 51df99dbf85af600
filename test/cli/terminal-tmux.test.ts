/**
 * The progress output on a real pseudo-terminal: a short search runs in tmux at 50 and at 160
 * columns; the screen is captured again and again during the run and at its end. While it runs the
 * screen holds only the headline, notes and the live lines (each once, never wrapped, never with a
 * note glued on); at the end the live lines are gone and the final line and the result are there.
 * Set AUTOML_SAVE_CAPTURES=<dir> to keep the final screens as terminal-<width>.txt (docs/ has them).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'dist/cli/main.js');
const hasTmux = spawnSync('tmux', ['-V'], { encoding: 'utf8' }).status === 0;
if (!hasTmux) {
  if (process.env['CI'] === 'true') throw new Error('tmux is missing: .ci/run installs it (apt-get install tmux)');
  console.warn('terminal-tmux.test.ts skipped: tmux is not installed (apt-get install tmux to run it)');
}

/** The live lines Progress draws: phase line, counts line, best line. */
const PHASE = /^(searching|feature search|re-checking|building the ensemble|refitting|scoring the test set)( · |$)/;
const COUNTS = /^\d+(\/\d+)? trials?: \d+ complete/;
const BEST = /^(best \w+ |no result yet)/;
const isLive = (l: string): boolean => PHASE.test(l) || COUNTS.test(l) || BEST.test(l);

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

async function runInTmux(width: number): Promise<{ frames: string[][]; final: string; joined: string[] }> {
  const cwd = mkdtempSync(join(tmpdir(), 'automl-tmux-'));
  const socket = `automl-test-${process.pid}-${width}`;
  const tmux = (...args: string[]): string => execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  const cmd = `${JSON.stringify(process.execPath)} ${JSON.stringify(BIN)} search ${JSON.stringify(join(ROOT, 'datasets/iris.csv'))} --target species --time 6s --workers 2 --storage s.db; echo "[exit $?]"; sleep 600`;
  tmux('new-session', '-d', '-x', String(width), '-y', '80', '-c', cwd, cmd);
  const frames: string[][] = [];
  try {
    const started = Date.now();
    for (;;) {
      // -J joins lines the terminal wrapped: a live line that wrapped would show as one long line.
      const joined = tmux('capture-pane', '-p', '-J', '-S', '-').split('\n').map((l) => l.trimEnd());
      frames.push(joined);
      if (joined.some((l) => /^\[exit \d+\]$/.test(l))) break;
      if (Date.now() - started > 120_000) throw new Error(`the search in tmux did not end in 120 s; screen:\n${joined.join('\n')}`);
      await sleep(150);
    }
    const final = tmux('capture-pane', '-p', '-S', '-').replace(/\n+$/, '\n');
    return { frames, final, joined: frames.at(-1)! };
  } finally {
    tmux('kill-server');
  }
}

describe.skipIf(!hasTmux)('progress on a terminal (tmux)', () => {
  it.each([50, 160])('at %i columns: only live lines and notes while it runs, the final summary at the end', async (width) => {
    if (!existsSync(BIN)) throw new Error('dist/ is missing: run `npm run build` (npm test does it first)');
    const { frames, final, joined } = await runInTmux(width);
    const end = joined.findIndex((l) => /^done in \d/.test(l));
    expect(end, final).toBeGreaterThan(0);
    let liveFrames = 0;
    for (const frame of frames) {
      const lines = frame.filter((l) => l !== '');
      const running = !lines.some((l) => /^(done in|stopped after) /.test(l));
      for (const l of lines) {
        // A note starts its own line: never glued onto a live line.
        expect(l.indexOf('note:'), l).toBeLessThanOrEqual(0);
        if (isLive(l)) expect(l.length, `a live line wider than the screen (wrapped): ${l}`).toBeLessThan(width);
      }
      if (!running) continue;
      // While the search runs: the headline, notes and live lines, nothing else (no half lines).
      const other = lines.filter((l) => !isLive(l) && !/^(note|automl): /.test(l));
      expect(other, frame.join('\n')).toEqual([]);
      // Each live line once (no leftovers of earlier frames), and they are the last lines.
      const live = lines.filter(isLive);
      expect(live.filter((l) => PHASE.test(l)).length, frame.join('\n')).toBeLessThanOrEqual(1);
      expect(live.filter((l) => COUNTS.test(l)).length, frame.join('\n')).toBeLessThanOrEqual(1);
      expect(live.filter((l) => BEST.test(l)).length, frame.join('\n')).toBeLessThanOrEqual(1);
      if (live.length > 0) {
        liveFrames++;
        expect(lines.slice(-live.length), frame.join('\n')).toEqual(live);
      }
    }
    expect(liveFrames).toBeGreaterThan(3);
    // At the end: no live line left, the final line, the result on stdout, exit 0.
    expect(joined.filter(isLive), final).toEqual([]);
    expect(joined[end]).toMatch(/^done in \d+(\.\d)?s: \d+ trials? \(\d+ complete.*\), best accuracy \d\.\d{4} \(trial \d+, \w+\)$/);
    expect(joined.some((l) => l.startsWith('Leaderboard (top '))).toBe(true);
    expect(joined.some((l) => /^Trials: \d+ complete/.test(l))).toBe(true);
    expect(joined).toContain('[exit 0]');
    // The leaderboard fits the terminal: its lines are cut, not wrapped.
    const board = joined.slice(joined.findIndex((l) => l.startsWith('rank ')));
    for (const l of board.slice(0, board.findIndex((x) => x === ''))) expect(l.length).toBeLessThan(width);
    const dir = process.env['AUTOML_SAVE_CAPTURES'];
    if (dir) writeFileSync(join(dir, `terminal-${width}.txt`), final.replace(/^\[exit 0\]\n[\s\S]*$/m, ''));
  }, 180_000);
});
