import { afterEach, describe, expect, it, vi } from 'vitest';
import { Progress, progressMode, type ProgressOptions } from '../../src/cli/progress.js';
import { colorWanted, painter } from '../../src/cli/terminal/color.js';
import { LiveArea } from '../../src/cli/terminal/live.js';
import { terminalWidth } from '../../src/cli/run-with-progress.js';
import { formatLeaderboard } from '../../src/report/leaderboard.js';
import { displayWidth, fitTable, stripAnsi, table, truncateToWidth } from '../../src/report/format.js';
import type { TrialRecord } from '../../src/trial/trial.js';
import { VirtualScreen } from './terminal-screen.js';

function trial(number: number, state: TrialRecord['state'], value: number | null, model = 'knn', failKind: TrialRecord['failKind'] = null): TrialRecord {
  return {
    number,
    state,
    params: { model },
    value,
    intermediate: [],
    origin: 'sampler',
    retryOf: null,
    failKind,
    failReason: failKind ? 'boom' : null,
    userAttrs: { durationMs: 1234 },
    worker: null,
    createdAt: 0,
    startedAt: 0,
    finishedAt: 0,
    heartbeatAt: null,
  } as TrialRecord;
}

/** A Progress on `out` with a clock the test moves; timers are vitest's fake ones. */
function progress(out: { write(s: string): boolean; isTTY?: boolean; columns?: number }, o: Partial<ProgressOptions> = {}) {
  const clock = { t: 1_000_000 };
  const p = new Progress(out, { direction: 'maximize', metric: 'accuracy', time: 30, mode: 'live', now: () => clock.t, ...o });
  return { p, clock };
}

const LIVE = /^(searching|feature search|re-checking|building the ensemble|refitting|scoring the test set)( · |$)|^\d+(\/\d+)? trials?: |^best |^no result yet/;

afterEach(() => {
  vi.useRealTimers();
});

describe('width helpers', () => {
  it('measures and cuts text by terminal columns, keeping colours and closing them after a cut', () => {
    expect(displayWidth('abc')).toBe(3);
    expect(displayWidth('\x1b[32mabc\x1b[39m')).toBe(3);
    expect(displayWidth('日本')).toBe(4);
    expect(displayWidth('e\u0301')).toBe(1);
    expect(truncateToWidth('hello world', 20)).toBe('hello world');
    expect(truncateToWidth('hello world', 6)).toBe('hello…');
    expect(displayWidth(truncateToWidth('hello world', 6))).toBe(6);
    const cut = truncateToWidth('\x1b[32mhello\x1b[39m world', 4);
    expect(stripAnsi(cut)).toBe('hel…');
    expect(cut.startsWith('\x1b[32m')).toBe(true);
    expect(cut.endsWith('\x1b[0m')).toBe(true);
    // A wide character that would straddle the edge is left out.
    expect(truncateToWidth('ab日本', 4)).toBe('ab…');
    expect(truncateToWidth('abc', 0)).toBe('');
  });

  it('cuts a table to a width from its last column, and leaves it alone without one', () => {
    const rows = [['1', 'knn', 'n_neighbors=5 weights=distance metric=euclidean']];
    const full = table(['rank', 'model', 'hyperparameters'], rows);
    expect(full.split('\n')[1]).toBe('1     knn    n_neighbors=5 weights=distance metric=euclidean');
    const cut = table(['rank', 'model', 'hyperparameters'], rows, 30).split('\n');
    expect(cut[1]).toBe('1     knn    n_neighbors=5 we…');
    expect(cut.every((l) => displayWidth(l) <= 30)).toBe(true);
  });

  it('fits a table by leaving out droppable columns, in order, only while the last column has too little room', () => {
    const header = ['a', 'b', 'c', 'last'];
    const rows = [['aaaaaaaaaa', 'bbbbbbbbbb', 'cccccccccc', 'x'.repeat(40)]];
    expect(fitTable(header, rows, undefined, ['b'])).toBe(table(header, rows));
    expect(fitTable(header, rows, 200, ['b', 'c']).split('\n')[0]).toMatch(/^a +b +c +last$/);
    const one = fitTable(header, rows, 50, ['b', 'c'], 20).split('\n');
    expect(one[0]).toMatch(/^a +c +last$/);
    expect(one[1]).toBe(`aaaaaaaaaa  cccccccccc  ${'x'.repeat(25)}…`);
    const two = fitTable(header, rows, 30, ['b', 'c'], 20).split('\n');
    expect(two[0]).toMatch(/^a +last$/);
    expect(displayWidth(two[1]!)).toBe(30);
  });

  it('cuts the leaderboard to the width of a terminal, not of a pipe', () => {
    const result = {
      leaderboard: [{ rank: 1, number: 7, model: 'random_forest', targetTransform: null, mean: 0.97, std: 0.01, durationMs: 800, kept: null, totalColumns: 4, params: { n_estimators: 100, max_features: 0.5, min_samples_leaf: 1, criterion: 'gini' } }],
      metric: { name: 'accuracy', direction: 'maximize' },
      counts: { complete: 1, failed: 0, interrupted: 0, pruned: 0 },
    } as unknown as Parameters<typeof formatLeaderboard>[0];
    const wide = formatLeaderboard(result).split('\n');
    expect(wide[2]).toMatch(/criterion=gini$/);
    expect(wide[1]).toMatch(/^rank +trial +model +cv accuracy +time +features +hyperparameters$/);
    const narrow = formatLeaderboard(result, 60).split('\n');
    // Every line fits, the title too (wrapped at a space).
    expect(narrow.every((l) => displayWidth(l) <= 60)).toBe(true);
    expect(narrow[0]).toMatch(/^Leaderboard \(top 1 of 1 complete trials,/);
    const h = narrow.findIndex((l) => l.startsWith('rank '));
    expect(h).toBeGreaterThan(0);
    // Narrow: the time and features columns make room for the hyperparameters.
    expect(narrow[h]).toMatch(/^rank +trial +model +cv accuracy +hyperparameters$/);
    expect(narrow[h + 1]).toBe('1     7      random_forest  0.9700 ± 0.0100  n_estimators=1…');
    // Wide enough for all but the end of the hyperparameters: every column stays.
    const mid = formatLeaderboard(result, 100).split('\n');
    expect(mid[1]).toMatch(/features +hyperparameters$/);
    expect(mid[2]).toMatch(/n_estimators=100 .*…$/);
    expect(terminalWidth({ isTTY: true, columns: 61 })).toEqual({ width: 60 });
    expect(terminalWidth({ isTTY: false, columns: 61 })).toEqual({});
  });
});

describe('colour', () => {
  it('colours a terminal, honours NO_COLOR and FORCE_COLOR, and never colours a pipe unless forced', () => {
    expect(colorWanted({ isTTY: true }, {})).toBe(true);
    expect(colorWanted({ isTTY: false }, {})).toBe(false);
    expect(colorWanted({ isTTY: true }, { NO_COLOR: '1' })).toBe(false);
    expect(colorWanted({ isTTY: true }, { NO_COLOR: '1', FORCE_COLOR: '1' })).toBe(false);
    expect(colorWanted({ isTTY: true }, { NO_COLOR: '' })).toBe(true);
    expect(colorWanted({ isTTY: false }, { FORCE_COLOR: '1' })).toBe(true);
    expect(colorWanted({ isTTY: true }, { FORCE_COLOR: '0' })).toBe(false);
    expect(colorWanted({ isTTY: true }, { TERM: 'dumb' })).toBe(false);
    expect(painter(true)('best', '0.97')).toBe('\x1b[32m0.97\x1b[39m');
    expect(painter(true)('fail', 'x')).toContain('\x1b[31m');
    expect(painter(false)('best', '0.97')).toBe('0.97');
  });
});

describe('progress mode', () => {
  it('is live on a terminal (with --json too), summaries into a pipe, quiet with --quiet or --json into a pipe', () => {
    expect(progressMode({}, { isTTY: true })).toBe('live');
    expect(progressMode({ json: true }, { isTTY: true })).toBe('live');
    expect(progressMode({}, { isTTY: false })).toBe('summary');
    expect(progressMode({ json: true }, { isTTY: false })).toBe('off');
    expect(progressMode({ json: true, verbose: true }, { isTTY: false })).toBe('summary');
    expect(progressMode({ quiet: true }, { isTTY: true })).toBe('off');
    expect(progressMode({ quiet: true, verbose: true }, { isTTY: false })).toBe('off');
  });
});

describe('live area on a terminal', () => {
  it('never wraps a line at any width, and redraws in place', () => {
    for (const width of [12, 20, 50, 160]) {
      const screen = new VirtualScreen(width);
      const live = new LiveArea(screen);
      const long = 'x'.repeat(300);
      live.show([long, 'second ' + long]);
      live.show(['short', 'second ' + long]);
      const text = screen.text();
      expect(text, `width ${width}`).toHaveLength(2);
      expect(text[0]).toBe('short');
      expect(text.every((l) => l.length <= width - 1)).toBe(true);
      expect(text[1]!.endsWith('…')).toBe(true);
    }
  });

  it('prints notes above the live lines, never glued to them', () => {
    const screen = new VirtualScreen(40);
    const live = new LiveArea(screen);
    live.show(['status A', 'best 1']);
    live.note('note: re-checking the best pipelines');
    live.show(['status B', 'best 2']);
    live.note('note: second');
    expect(screen.text()).toEqual(['note: re-checking the best pipelines', 'note: second', 'status B', 'best 2']);
    live.close('done');
    expect(screen.text()).toEqual(['note: re-checking the best pipelines', 'note: second', 'done']);
    live.note('after');
    expect(screen.text().at(-1)).toBe('after');
  });
});

describe('Progress', () => {
  it('shows the phase, its time left, the counts and the best trial, within the width', () => {
    vi.useFakeTimers();
    const screen = new VirtualScreen(50);
    const { p, clock } = progress(screen, { trials: 100 });
    p.trialStarted();
    p.trialStarted();
    p.trial(trial(0, 'COMPLETE', 0.9, 'logistic_regression'));
    p.trial(trial(1, 'PRUNED', 0.5));
    p.trialStarted();
    p.trial(trial(2, 'FAIL', null, 'knn', 'error'));
    p.trial(trial(3, 'COMPLETE', 0.95, 'random_forest_with_a_long_name'));
    p.trial(trial(4, 'FAIL', null, 'knn', 'interrupted'));
    clock.t += 10_000;
    vi.advanceTimersByTime(250);
    const text = screen.text();
    expect(text).toHaveLength(3);
    expect(text[0]).toBe('searching · 20.0s left · 0 running');
    expect(text[1]).toBe('4/100 trials: 2 complete, 1 pruned, 1 failed');
    expect(text[2]).toBe('best accuracy 0.9500 (trial 3, random_forest_wit…');
    expect(text.every((l) => l.length < 50)).toBe(true);
    p.end();
  });

  it('names each phase after the search and its time left, never "0ms left" past the plan', () => {
    vi.useFakeTimers();
    const screen = new VirtualScreen(80);
    const { p, clock } = progress(screen);
    p.trial(trial(0, 'COMPLETE', 0.9));
    const phases = ['re-checking', 'building the ensemble', 'refitting', 'scoring the test set'] as const;
    for (const ph of phases) {
      const end = clock.t + 3000;
      p.phase(ph, () => end);
      expect(screen.text()[0]).toBe(`${ph} · 3.0s left`);
    }
    // Past its planned end, the phase shows the time spent in it.
    clock.t += 4500;
    vi.advanceTimersByTime(250);
    expect(screen.text()[0]).toBe('scoring the test set · 4.5s so far');
    expect(screen.text().join('\n')).not.toMatch(/0ms left/);
    // Without a time budget, the time spent.
    p.phase('refitting', null);
    clock.t += 1200;
    vi.advanceTimersByTime(250);
    expect(screen.text()[0]).toBe('refitting · 1.2s so far');
    p.end();
  });

  it('puts notes above the live lines and ends with one final line in their place', () => {
    vi.useFakeTimers();
    const screen = new VirtualScreen(60);
    const { p, clock } = progress(screen);
    p.trial(trial(0, 'COMPLETE', 0.9));
    p.note('re-checking the best pipelines on fresh CV splits before choosing the final model');
    p.trial(trial(1, 'COMPLETE', 0.8));
    p.message('interrupted: stopping the running trials');
    clock.t += 6000;
    p.end(true);
    p.end(true);
    const text = screen.text();
    // The note is longer than the screen: it wraps as plain text, on lines of its own.
    expect(text[0]).toBe('note: re-checking the best pipelines on fresh CV splits befo');
    expect(text[1]).toBe('re choosing the final model');
    expect(text[2]).toBe('interrupted: stopping the running trials');
    // The final line stays on the screen: like the notes, it is plain text, wrapped by the terminal.
    expect(text.slice(3).join('')).toBe('stopped after 6.0s: 2 trials (2 complete), best accuracy 0.9000 (trial 0, knn)');
    expect(text).toHaveLength(5);
    expect(text.filter((l) => LIVE.test(l))).toEqual([]);
  });

  it('into a pipe: a summary line every 5 s and a final line, per-trial lines only with verbose', () => {
    vi.useFakeTimers();
    const lines: string[] = [];
    const pipe = { write: (s: string) => (lines.push(s), true), isTTY: false };
    const { p, clock } = progress(pipe, { mode: 'summary', trials: undefined, time: 30 });
    for (let i = 0; i < 50; i++) p.trial(trial(i, i % 5 === 0 ? 'PRUNED' : 'COMPLETE', 0.5 + i / 1000));
    clock.t += 5000;
    vi.advanceTimersByTime(5000);
    expect(lines).toEqual(['[5.0s] searching, 25.0s left: 50 trials (40 complete, 10 pruned), best accuracy 0.5490 (trial 49, knn)\n']);
    const end = clock.t + 1000;
    p.phase('refitting', () => end);
    clock.t += 5000;
    vi.advanceTimersByTime(5000);
    expect(lines[1]).toBe('[10.0s] refitting, 5.0s so far: 50 trials (40 complete, 10 pruned), best accuracy 0.5490 (trial 49, knn)\n');
    p.end();
    expect(lines[2]).toBe('done in 10.0s: 50 trials (40 complete, 10 pruned), best accuracy 0.5490 (trial 49, knn)\n');
    expect(lines).toHaveLength(3);
    vi.advanceTimersByTime(20_000);
    expect(lines).toHaveLength(3);

    const verbose: string[] = [];
    const v = progress({ write: (s: string) => (verbose.push(s), true) }, { mode: 'summary', verbose: true }).p;
    v.trial(trial(0, 'COMPLETE', 0.9));
    v.trial(trial(1, 'FAIL', null, 'knn', 'timeout'));
    v.phase('re-checking', null);
    v.end();
    expect(verbose[0]).toBe('trial 0 complete 0.9000 knn 1.2s\n');
    expect(verbose[1]).toBe('trial 1 fail timeout: boom knn 1.2s\n');
    expect(verbose[2]).toBe('[0ms] re-checking: 2 trials (1 complete, 1 failed), best accuracy 0.9000 (trial 0, knn)\n');
    expect(verbose[3]).toMatch(/^done in .*: 2 trials \(1 complete, 1 failed\)/);
    const one: string[] = [];
    const o = progress({ write: (s: string) => (one.push(s), true) }, { mode: 'summary' }).p;
    o.trial(trial(0, 'COMPLETE', 0.9));
    o.end();
    expect(one).toEqual(['done in 0ms: 1 trial (1 complete), best accuracy 0.9000 (trial 0, knn)\n']);
  });

  it('writes nothing but Ctrl-C messages when off', () => {
    vi.useFakeTimers();
    const out: string[] = [];
    const { p } = progress({ write: (s: string) => (out.push(s), true), isTTY: true }, { mode: 'off', verbose: true });
    p.trial(trial(0, 'COMPLETE', 0.9));
    p.note('hidden');
    p.phase('refitting', null);
    vi.advanceTimersByTime(60_000);
    p.end();
    expect(out).toEqual([]);
    p.message('interrupted: stopping');
    expect(out).toEqual(['interrupted: stopping\n']);
  });

  it('colours the best score and the failures only when asked', () => {
    vi.useFakeTimers();
    const screen = new VirtualScreen(100);
    const { p } = progress(screen, { color: true });
    p.trial(trial(0, 'COMPLETE', 0.9));
    p.trial(trial(1, 'FAIL', null, 'knn', 'error'));
    const all = screen.written.join('');
    expect(all).toContain('\x1b[32m0.9000\x1b[39m');
    expect(all).toContain('\x1b[31m1 failed\x1b[39m');
    p.end();
    const plain = new VirtualScreen(100);
    const q = progress(plain).p;
    q.trial(trial(0, 'COMPLETE', 0.9));
    q.end();
    expect(plain.written.join('')).not.toMatch(/\x1b\[3\dm/);
  });
});
