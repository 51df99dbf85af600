/**
 * The time-aware row rungs: the final choice compares trials where they trained on the same rows,
 * a rung that would not end before the search's deadline is not started, and the refit takes as
 * many rows as the time left allows.
 */
import { describe, expect, it } from 'vitest';
import { leastRefitRows, rungWinner } from '../../src/automl/row-rungs.js';
import { PhasePlanner, type PlanInputs } from '../../src/automl/budget.js';
import { crossValidateTrial } from '../../src/automl/worker/objective.js';
import { RUNG_MS_ATTR, STOPPED_FOR_TIME_ATTR, TRAIN_ROWS_ATTR, sharedDeadline, type TabularWorkerData } from '../../src/automl/worker/data.js';
import { datasetFromRows } from '../../src/data/index.js';
import { holdoutSplit } from '../../src/evaluation/validation-plan.js';
import { isTrialPruned, type ObjectiveContext } from '../../src/protocol/messages.js';
import type { TrialRecord } from '../../src/trial/trial.js';

/** A trial that reported `scores` at rungs 0, 1, ... (the last as its value when complete). */
function trial(number: number, state: 'COMPLETE' | 'PRUNED' | 'FAIL', scores: number[], nRungs = 4): TrialRecord {
  const complete = state === 'COMPLETE';
  const reported = complete ? scores.slice(0, -1) : scores;
  return {
    number,
    state,
    value: state === 'FAIL' ? null : scores[scores.length - 1]!,
    intermediate: reported.map((value, step) => ({ step, value })),
    userAttrs: {},
    ...(complete && scores.length !== nRungs ? { bad: true } : {}),
  } as unknown as TrialRecord;
}

describe('rungWinner', () => {
  it('with two or more complete trials: the best complete one, as without rungs', () => {
    const trials = [trial(0, 'COMPLETE', [0.7, 0.75, 0.78, 0.8]), trial(1, 'PRUNED', [0.9]), trial(2, 'COMPLETE', [0.6, 0.7, 0.8, 0.82])];
    const c = rungWinner(trials, 4, 'maximize')!;
    expect(c.trial.number).toBe(2);
    expect(c.rung).toBe(3);
    expect(c.score).toBe(0.82);
    expect(c.among).toBe(2);
  });

  it('with one complete trial: compares at the highest rung two trials reached, where the lone finisher may lose', () => {
    const trials = [trial(0, 'COMPLETE', [0.7, 0.72, 0.74, 0.75]), trial(1, 'PRUNED', [0.8, 0.83, 0.85]), trial(2, 'PRUNED', [0.6])];
    const c = rungWinner(trials, 4, 'maximize')!;
    expect(c.rung).toBe(2);
    expect(c.trial.number).toBe(1);
    expect(c.score).toBe(0.85);
    expect(c.among).toBe(2);
  });

  it('minimizes too; failed trials never count; a lone trial anywhere still wins; none: null', () => {
    const trials = [trial(0, 'PRUNED', [5, 4]), trial(1, 'FAIL', [1, 1, 1]), trial(2, 'PRUNED', [3, 4.5])];
    const c = rungWinner(trials, 4, 'minimize')!;
    expect(c.rung).toBe(1);
    expect(c.trial.number).toBe(0);
    expect(rungWinner([trial(3, 'PRUNED', [0.5, 0.6])], 4, 'maximize')).toMatchObject({ rung: 1, among: 1, score: 0.6 });
    expect(rungWinner([trial(4, 'FAIL', [])], 4, 'maximize')).toBeNull();
  });

  it('leaves out trials whose refit does not fit, unless that leaves none', () => {
    const trials = [trial(0, 'PRUNED', [0.7, 0.9]), trial(1, 'PRUNED', [0.8, 0.85]), trial(2, 'PRUNED', [0.75])];
    const cheap = (t: TrialRecord) => t.number !== 0;
    const c = rungWinner(trials, 4, 'maximize', cheap)!;
    // Rung 1 then holds only trial 1: the comparison goes down to rung 0, among trials 1 and 2.
    expect(c).toMatchObject({ rung: 0, among: 2, score: 0.8 });
    expect(c.trial.number).toBe(1);
    expect(rungWinner(trials, 4, 'maximize', () => false)!.trial.number).toBe(0);
    expect(leastRefitRows(263_340)).toBe(131_670);
  });
});

describe('PhasePlanner on row rungs', () => {
  const inputs: PlanInputs = { startedAt: 0, budgetMs: 60_000, workers: 2, folds: 80, searchRows: 800_000, testRows: 200_000, final: true, recheck: false, direction: 'maximize', candidates: 20 };
  /** A trial whose last rung trained on `rows` rows in `ms`. */
  const onRung = (rows: number, ms: number, state: 'COMPLETE' | 'PRUNED' = 'PRUNED', stopped = false): TrialRecord =>
    ({ number: 1, state, value: 0.8, intermediate: [], userAttrs: { [RUNG_MS_ATTR]: [ms / 9, ms / 3, ms], [TRAIN_ROWS_ATTR]: rows, durationMs: ms * 1.5, ...(stopped ? { [STOPPED_FOR_TIME_ATTR]: 4 } : {}) } }) as unknown as TrialRecord;

  it('a trial stopped below every row is refit at its last rung time per row, on all rows or on given rows', () => {
    const p = new PhasePlanner(inputs);
    const t = onRung(100_000, 1000);
    const score = 1000 * (200_000 / (100_000 + 10_000));
    expect(p.refitMs(t)).toBeCloseTo(1.3 * (1000 * 8 + score), 6);
    expect(p.refitMs(t, 100_000)).toBeCloseTo(1.3 * (1000 + score), 6);
  });

  it('a complete trial (no rung rows) is refit on fewer rows in proportion', () => {
    const p = new PhasePlanner(inputs);
    const t = { number: 2, state: 'COMPLETE', value: 0.8, intermediate: [], userAttrs: { durationMs: 5000, foldScores: [0.8] } } as unknown as TrialRecord;
    const score = p.refitMs(t, 0)!;
    expect(score).toBeGreaterThan(0);
    expect(p.refitMs(t, 400_000)! - score).toBeCloseTo((p.refitMs(t)! - score) / 2, 6);
  });

  it('refitRows: null when all rows fit, else the most that fit, never fewer than asked', () => {
    const p = new PhasePlanner(inputs);
    const t = onRung(100_000, 1000);
    expect(p.refitRows(t, 0, 50_000, true)).toBeNull();
    const late = 60_000 - p.marginMs - 1.3 * (1000 * 3 + 1000 * (200_000 / 110_000));
    const rows = p.refitRows(t, late, 50_000, true)!;
    expect(rows).toBeGreaterThan(290_000);
    expect(rows).toBeLessThanOrEqual(300_000);
    expect(p.refitFits(t, rows, late, true)).toBe(true);
    expect(p.refitFits(t, 800_000, late, true)).toBe(false);
    expect(p.refitRows(t, 59_000, 50_000, true)).toBe(50_000);
  });

  it('with more workers than cores, a refit (alone) is predicted shorter by cores / workers, and members run on as many lanes as cores', () => {
    const t = onRung(100_000, 1000);
    const alone = new PhasePlanner({ ...inputs, workers: 8 });
    const shared = new PhasePlanner({ ...inputs, workers: 8, cores: 2 });
    expect(shared.refitMs(t)).toBeCloseTo(alone.refitMs(t)! / 4, 6);
    expect(shared.membersRefitMs([t, t, t, t])).toBeCloseTo(2 * shared.refitMs(t)!, 6);
    expect(new PhasePlanner({ ...inputs, workers: 2, cores: 2 }).refitMs(t)).toBeCloseTo(alone.refitMs(t)!, 6);
  });

  it('reserves the refit of a trial that stopped for time (on its own rows), unless it alone would take half the budget', () => {
    const p = new PhasePlanner(inputs);
    const before = p.searchDeadline();
    const t = onRung(100_000, 5000, 'PRUNED', true);
    p.observe(t);
    expect(before - p.searchDeadline()).toBeCloseTo(p.refitMs(t, 100_000)!, 6);
    const q = new PhasePlanner(inputs);
    q.observe(onRung(100_000, 30_000, 'PRUNED', true));
    expect(q.searchDeadline()).toBe(before);
  });
});

describe('a trial on row rungs stops climbing when the next rung would pass the deadline', () => {
  it('runs the first rung, then ends as pruned with the rung it did not start', async () => {
    const rows = Array.from({ length: 6000 }, (_, i) => ({ a: (i * 37) % 101, b: (i * 13) % 7, y: ((i * 37) % 101) + ((i * 13) % 7) > 55 ? 'yes' : 'no' }));
    const dataset = datasetFromRows(rows, { target: 'y', name: 'rungs' });
    const split = holdoutSplit(dataset.nRows, 0.2, 7, { target: dataset.target });
    const deadline = new Int32Array(new SharedArrayBuffer(4));
    const data: TabularWorkerData = {
      kind: 'automl.tabular',
      dataset,
      folds: [{ train: split.train, test: split.test }],
      metric: 'accuracy',
      plugins: [],
      validation: { folds: 1, holdout: 0.2 },
      rungs: [2000, split.train.length],
      deadline,
      deadlineBase: Date.now() - 1000,
    };
    // The deadline is the base itself: already a second ago.
    expect(sharedDeadline(data)).toBe(data.deadlineBase);
    const attrs: Record<string, unknown> = {};
    const ctx: ObjectiveContext = {
      trialNumber: 0,
      seed: 3,
      data: undefined,
      signal: new AbortController().signal,
      report: async () => false,
      setUserAttr: (k, v) => void (attrs[k] = v),
    };
    let err: unknown;
    try {
      await crossValidateTrial({ model: { type: 'gaussian_nb' } }, ctx, data);
    } catch (e) {
      err = e;
    }
    expect(isTrialPruned(err)).toBe(true);
    expect(String((err as Error).message)).toMatch(/stopped before rung 2 of 2: training on \d+ rows would take/);
    expect(attrs[STOPPED_FOR_TIME_ATTR]).toBe(2);
    expect(attrs[TRAIN_ROWS_ATTR]).toBe(2000);
    expect((attrs[RUNG_MS_ATTR] as number[]).length).toBe(1);
    // With the deadline far ahead, the same trial climbs to every row.
    Atomics.store(deadline, 0, 3_600_000);
    const value = await crossValidateTrial({ model: { type: 'gaussian_nb' } }, ctx, data);
    expect(value).toBeGreaterThan(0.5);
    expect(attrs[TRAIN_ROWS_ATTR]).toBe(split.train.length);
  });
});
