import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { search } from '../../src/automl/search.js';
import { PhasePlanner, foldMs, type PlanInputs } from '../../src/automl/budget.js';
import type { TrialRecord } from '../../src/trial/trial.js';
import { createRng } from '../../src/util/rng.js';
import { COST_ORDER_MIN_ROWS, defaultConfigs } from '../../src/automl/warm-start.js';

const inputs: PlanInputs = { startedAt: 0, budgetMs: 10_000, workers: 2, folds: 5, searchRows: 1000, testRows: 250, final: true, recheck: true, direction: 'maximize', candidates: 20 };

/** A complete trial that cross-validated `folds` folds in `ms`. */
function trial(number: number, value: number, ms: number, folds = 5): TrialRecord {
  return { number, state: 'COMPLETE', value, userAttrs: { durationMs: ms, foldScores: Array(folds).fill(value) } } as unknown as TrialRecord;
}

describe('PhasePlanner', () => {
  it('a fold costs the duration over the folds done; a refit, one fold scaled by rows plus scoring, with the safety factor', () => {
    const p = new PhasePlanner(inputs);
    expect(foldMs(trial(0, 1, 1000))).toBe(200);
    expect(foldMs(trial(0, 1, 600, 3))).toBe(200);
    // 200 ms x 1000/800 rows = 250 ms fit; scoring 250 test rows at the fold's 200 ms per 1000 rows handled = 50 ms.
    expect(p.refitMs(trial(0, 1, 1000))).toBeCloseTo(1.3 * (250 + 50), 9);
    // One holdout split of 1.25% (80 "folds") on 800,000 rows, 200,000 test rows: the test rows are
    // charged per row handled, not 20x a trial as if only the 10,000 validation rows had cost it all.
    const holdout = new PhasePlanner({ ...inputs, folds: 80, searchRows: 800_000, testRows: 200_000 });
    expect(holdout.refitMs(trial(0, 1, 1000, 1))).toBeCloseTo(1.3 * (1000 * (800 / 790) + 1000 * (200_000 / 800_000)), 6);
    // Members in parallel on 2 threads, longest first.
    const [a, b, c] = [trial(0, 1, 1000), trial(1, 1, 1000), trial(2, 1, 2000)];
    expect(p.membersRefitMs([a, b, c])).toBeCloseTo(p.refitMs(c)!, 9);
    expect(p.membersRefitMs([a, b, c, c])).toBeCloseTo(p.refitMs(c)! + p.refitMs(a)!, 9);
  });

  it('the search deadline keeps the refit, the re-check (5-25% of the budget) and the margin', () => {
    const p = new PhasePlanner(inputs);
    // Nothing measured yet: the least re-check share and the margin.
    expect(p.searchDeadline()).toBe(10_000 - 600 - 500);
    p.observe(trial(0, 0.9, 1000));
    p.observe(trial(1, 0.8, 600));
    // Refit reserve: the slowest of the best 2; re-check: the least share until 5 trials are complete.
    expect(p.searchDeadline()).toBeCloseTo(10_000 - 600 - p.refitMs(trial(0, 0.9, 1000))! - 500, 9);
    p.observe(trial(2, 0.7, 600));
    p.observe(trial(3, 0.6, 200));
    p.observe(trial(4, 0.5, 200));
    // 1.5 x 2600 / 2 = 1950.
    expect(p.searchDeadline()).toBeCloseTo(10_000 - 600 - p.refitMs(trial(0, 0.9, 1000))! - 1950, 9);
    p.observe(trial(5, 0.95, 2000));
    // 1.5 x 4600 / 2, capped at 25% of the budget.
    expect(p.searchDeadline()).toBeCloseTo(10_000 - 600 - p.refitMs(trial(5, 0.95, 2000))! - 2500, 9);
    // When the best two cannot be re-checked within 25%, only the least share is held back.
    const slow = new PhasePlanner(inputs);
    slow.observe(trial(0, 0.9, 3000));
    expect(slow.searchDeadline()).toBeCloseTo(10_000 - 600 - slow.refitMs(trial(0, 0.9, 3000))! - 500, 9);
    const noFinal = new PhasePlanner({ ...inputs, final: false });
    noFinal.observe(trial(0, 0.9, 1000));
    expect(noFinal.searchDeadline()).toBe(10_000);
  });

  it('the re-check shrinks to the candidates that fit, or is skipped with a note saying how long it needed', () => {
    const p = new PhasePlanner(inputs);
    const c = [trial(0, 0.9, 2000), trial(1, 0.8, 2000), trial(2, 0.7, 2000), trial(3, 0.6, 2000)];
    const refit = p.refitMs(c[0]!)!;
    const all = p.planRecheck(0, c, [c[0]!]);
    expect(all).toEqual({ take: 4, deadline: 10_000 - 600 - refit, note: null });
    // 4000 ms left before the refit: two candidates (2000 ms each over 2 threads) + ... fit 4 only at 4000.
    const now = 10_000 - 600 - refit - 3000;
    const shrunk = p.planRecheck(now, c, [c[0]!]);
    expect(shrunk.take).toBe(3);
    expect(shrunk.note).toMatch(/^re-check shrunk to 3 of 4 candidates: \d+\.\d s left, all would need ~4\.0 s/);
    const skipped = p.planRecheck(10_000 - 600 - refit - 1000, c, [c[0]!]);
    expect(skipped.take).toBe(0);
    expect(skipped.note).toMatch(/^re-check skipped: \d+\.\d s left, it needs ~4\.0 s besides ~\d+\.\d s for the refit$/);
  });

  it('an ensemble keeps its heaviest members whose refit fits, weights renormalised; never fewer than one', () => {
    const p = new PhasePlanner(inputs);
    const m = [
      { trial: trial(0, 0.9, 4000), weight: 0.5 },
      { trial: trial(1, 0.8, 4000), weight: 0.3 },
      { trial: trial(2, 0.7, 4000), weight: 0.2 },
    ];
    const one = p.refitMs(m[0]!.trial)!;
    expect(p.fitMembers(0, m)).toEqual({ members: m, note: null });
    const two = p.fitMembers(10_000 - 600 - one - 10, m);
    expect(two.members.map((x) => x.trial.number)).toEqual([0, 1]);
    expect(two.members[0]!.weight).toBeCloseTo(0.625, 12);
    expect(two.members[1]!.weight).toBeCloseTo(0.375, 12);
    expect(two.note).toMatch(/^ensemble shrunk to its 2 heaviest of 3 members/);
    const alone = p.fitMembers(10_000, m);
    expect(alone.members.map((x) => [x.trial.number, x.weight])).toEqual([[0, 1]]);
    expect(alone.note).toMatch(/^ensemble skipped: 0\.0 s left, refitting its 3 members needs ~\d+\.\d s \(with starting the workers and a safety margin\); the best single pipeline is refit alone$/);
  });
});

/** 1,000 rows of two numeric columns and a binary label. */
function rows(seed: number): Record<string, unknown>[] {
  const rng = createRng(seed);
  return Array.from({ length: 1000 }, () => {
    const a = rng.next();
    return { a, b: rng.next(), y: a + 0.3 * rng.next() > 0.65 ? 'yes' : 'no' };
  });
}

describe('--time bounds the whole search() call', () => {
  // The model sleeps 2 ms per training row (no CPU, so a busy 2-core CI machine does not change
  // its cost): a 3-fold trial on 800 searched rows takes ~3.2 s, its refit ~1.6 s. Before the
  // planner, the search stopped starting trials at 7.5 s, the running ones ended near 10 s, the
  // re-check was cut at 10 s, then the refit added ~1.6 s (11.5-12 s in all).
  it('a 10 s budget with a slow refit ends by 10.5 s, with a model, and says what it skipped', async () => {
    const notes: string[] = [];
    const started = Date.now();
    const r = await search({
      data: rows(1),
      target: 'y',
      time: 10,
      cv: 3,
      workers: 2,
      seed: 1,
      storage: 'memory:',
      models: [{ name: 'slow_mean', module: join(import.meta.dirname, 'budget-slow-model.mjs'), space: { ms_per_row: { type: 'categorical', choices: [2] }, shrink: { type: 'float', low: 0, high: 1 } } }],
      onNote: (n) => notes.push(n),
    });
    const wall = Date.now() - started;
    await r.study.close();
    expect(wall).toBeLessThanOrEqual(10_500);
    expect(r.counts.complete).toBeGreaterThanOrEqual(1);
    expect(r.model).not.toBeNull();
    expect(r.testScore).not.toBeNull();
    expect(notes.some((n) => /^re-check (skipped|shrunk)/.test(n))).toBe(true);
  }, 30_000);
});

describe('warm start on large data', () => {
  const families = (task: 'classification' | 'regression', p: number, rows?: number, classes = 0) =>
    defaultConfigs(task, p, rows, classes).map((c) => `${(c.model as { type: string }).type}${(c.select as { type: string }).type === 'none' ? '' : '+select'}`);

  it('runs cheapest first by predicted cost above 3,000 rows, and in rank order up to it', () => {
    expect(families('regression', 6, COST_ORDER_MIN_ROWS)).toEqual(families('regression', 6));
    // 22,500 rows x 6 columns (cps1988): k-NN compares every pair of rows, the forests sort, boosting
    // bins. (Every family is listed; the space drops the classifiers.)
    expect(families('regression', 6, 22_500)).toEqual(['gaussian_nb', 'ridge+select', 'ridge', 'logistic_regression', 'gradient_boosting+select', 'gradient_boosting', 'knn', 'extra_trees', 'random_forest']);
    // 20,000 rows, 16 columns, 26 classes: boosting fits a tree per class per round.
    const letters = families('classification', 16, 20_000, 26);
    expect(letters.indexOf('gaussian_nb')).toBeLessThan(letters.indexOf('logistic_regression'));
    expect(letters.indexOf('gradient_boosting')).toBeGreaterThan(letters.indexOf('extra_trees'));
    expect(letters.at(-1)).toBe('gradient_boosting');
    // Deterministic: a pure function of the data's shape.
    expect(families('classification', 16, 20_000, 26)).toEqual(letters);
  });
});
