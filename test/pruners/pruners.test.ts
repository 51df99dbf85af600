import { describe, expect, it } from 'vitest';
import { createPruner, MedianPruner, NopPruner, SuccessiveHalvingPruner, prunerNames } from '../../src/pruners/index.js';
import type { Direction, Intermediate, TrialRecord } from '../../src/trial/trial.js';
import { isAutomlError } from '../../src/util/errors.js';
import { createRng } from '../../src/util/rng.js';
import { record } from '../samplers/helpers.js';

const folds = (...v: number[]): Intermediate[] => v.map((value, step) => ({ step, value }));
const complete = (n: number, ...v: number[]): TrialRecord => record(n, {}, v.reduce((a, b) => a + b, 0) / v.length, 'COMPLETE', folds(...v));
const ctx = (intermediate: Intermediate[], history: TrialRecord[], direction: Direction = 'maximize') => ({
  direction,
  step: intermediate.at(-1)!.step,
  intermediate,
  history,
});

describe('MedianPruner', () => {
  // Five completed trials whose running means at step 1 are 0.7, 0.75, 0.8, 0.85, 0.9.
  const history = [0.7, 0.75, 0.8, 0.85, 0.9].map((m, i) => complete(i, m, m, m));

  it('prunes a trial whose running mean is below the median (maximize) and keeps one above', () => {
    const p = new MedianPruner();
    expect(p.shouldPrune(ctx(folds(0.6, 0.7), history))).toBe(true);
    expect(p.shouldPrune(ctx(folds(0.9, 0.8), history))).toBe(false);
    // Latest value alone (0.95) is above the median but the running mean (0.675) is not.
    expect(p.shouldPrune(ctx(folds(0.4, 0.95), history))).toBe(true);
  });

  it('respects direction', () => {
    const p = new MedianPruner();
    expect(p.shouldPrune(ctx(folds(0.6, 0.7), history, 'minimize'))).toBe(false);
    expect(p.shouldPrune(ctx(folds(0.95, 0.9), history, 'minimize'))).toBe(true);
  });

  it('waits for the warm-up steps and the startup trials, and ignores non-COMPLETE trials (reference complete)', () => {
    const p = new MedianPruner({ nWarmupSteps: 1, reference: 'complete' });
    expect(p.shouldPrune(ctx(folds(0.1), history))).toBe(false);
    const four = history.slice(0, 4);
    const others = [record(10, {}, 0.99, 'PRUNED', folds(0.99, 0.99)), record(11, {}, null, 'RUNNING', folds(0.99, 0.99)), record(12, {}, null, 'FAIL', folds(0.99, 0.99))];
    expect(p.shouldPrune(ctx(folds(0.1, 0.1), [...four, ...others]))).toBe(false);
    expect(new MedianPruner({ nStartupTrials: 4 }).shouldPrune(ctx(folds(0.1, 0.1), four))).toBe(true);
    expect(new MedianPruner({ nWarmupSteps: 0 }).shouldPrune(ctx(folds(0.1), history))).toBe(true);
  });

  it('by default judges the first fold and counts PRUNED trials that reached the step, never RUNNING or FAIL ones', () => {
    const p = new MedianPruner();
    expect(p.shouldPrune(ctx(folds(0.1), history))).toBe(true);
    const four = history.slice(0, 4);
    // Four COMPLETE at step 0 (0.7..0.85) and one PRUNED there: five reference trials, median 0.75.
    const pruned = record(10, {}, 0.2, 'PRUNED', folds(0.2));
    const ignored = [record(11, {}, null, 'RUNNING', folds(0.99)), record(12, {}, null, 'FAIL', folds(0.99))];
    expect(p.shouldPrune(ctx(folds(0.1), [...four, ...ignored]))).toBe(false);
    expect(p.shouldPrune(ctx(folds(0.74), [...four, pruned, ...ignored]))).toBe(true);
    expect(p.shouldPrune(ctx(folds(0.76), [...four, pruned]))).toBe(false);
    // At step 1 the PRUNED trial (stopped at step 0) does not count: four reference trials only.
    expect(p.shouldPrune(ctx(folds(0.1, 0.1), [...four, pruned]))).toBe(false);
  });

  it('prunes a tie with the median unless it also ties the best (ties: prune, the default); keeps ties with ties: keep', () => {
    // Accuracy on 30-row folds: first-fold scores 0.9, 0.933, 0.967, 0.967, 0.967, 1.0, 1.0.
    const h = [0.9, 28 / 30, 29 / 30, 29 / 30, 29 / 30, 1, 1].map((m, i) => complete(i, m));
    const p = new MedianPruner();
    expect(p.shouldPrune(ctx(folds(29 / 30), h))).toBe(true);
    expect(p.shouldPrune(ctx(folds(1), h))).toBe(false);
    expect(new MedianPruner({ ties: 'keep' }).shouldPrune(ctx(folds(29 / 30), h))).toBe(false);
    // When the median is also the best (most trials perfect), a tie goes on.
    const top = [0.9, 1, 1, 1, 1].map((m, i) => complete(i, m));
    expect(p.shouldPrune(ctx(folds(1), top))).toBe(false);
    expect(p.shouldPrune(ctx(folds(0.95), top))).toBe(true);
    // Minimize: the best is the smallest running mean.
    const loss = [0.2, 0.3, 0.3, 0.3, 0.5].map((m, i) => complete(i, m));
    expect(p.shouldPrune(ctx(folds(0.3), loss, 'minimize'))).toBe(true);
    expect(p.shouldPrune(ctx(folds(0.2), loss, 'minimize'))).toBe(false);
    // The same fold scores reported in another order (running means differ in the last bits) still tie.
    const mixed = [complete(0, 1, 0.9, 0.8), complete(1, 0.8, 0.9, 1), complete(2, 0.9, 1, 0.8), complete(3, 1, 1, 1), complete(4, 0.5, 0.5, 0.5)];
    expect(p.shouldPrune(ctx(folds(0.9, 0.8, 1), mixed))).toBe(true);
    expect(() => new MedianPruner({ ties: 'maybe' as never })).toThrow(/ties/);
  });

  it('is pure: same answer twice, history untouched', () => {
    const p = new MedianPruner();
    const before = JSON.stringify(history);
    const c = ctx(folds(0.6, 0.7), history);
    expect(p.shouldPrune(c)).toBe(p.shouldPrune(c));
    expect(JSON.stringify(history)).toBe(before);
  });
});

describe('MedianPruner fed through observe (incremental)', () => {
  // Random studies: trials finish in random order with 1-5 folds each, in every state; after each
  // finish, a random running trial asks at a random step. The indexed pruner must answer exactly
  // as the one scanning the history.
  for (const reference of ['complete', 'finished'] as const) {
    it(`equals the brute-force median on random histories (reference ${reference})`, () => {
      const rng = createRng(`median-${reference}`);
      let asked = 0;
      let pruned = 0;
      for (let study = 0; study < 20; study++) {
        const direction: Direction = rng.next() < 0.5 ? 'minimize' : 'maximize';
        const opts = { nStartupTrials: rng.int(0, 6), nWarmupSteps: rng.int(0, 2), reference, ties: rng.next() < 0.5 ? ('keep' as const) : ('prune' as const) };
        const fed = new MedianPruner(opts);
        const scan = new MedianPruner(opts);
        const history: TrialRecord[] = [];
        let observed = false;
        // Integer-ish scores make ties (and even-sized medians) common.
        const score = (): number => (rng.next() < 0.3 ? rng.int(0, 4) / 4 : rng.next());
        for (let n = 0; n < 120; n++) {
          const states = ['COMPLETE', 'PRUNED', 'FAIL', 'RUNNING'] as const;
          const state = states[Math.min(3, Math.floor(rng.next() * 4))]!;
          const k = rng.int(1, 5);
          const t = record(n, {}, state === 'COMPLETE' ? 0 : null, state, folds(...Array.from({ length: k }, score)));
          history.push(t);
          if (state !== 'RUNNING') {
            fed.observe(t);
            observed = true;
          }
          const own = folds(...Array.from({ length: rng.int(1, 5) }, score));
          const c = { direction, step: own.at(-1)!.step, intermediate: own, history };
          let reads = 0;
          const a = fed.shouldPrune({ direction, step: c.step, intermediate: own, get history(): TrialRecord[] { reads++; return history; } });
          expect(a).toBe(scan.shouldPrune(c));
          // Until the first finished trial it may scan (there is nothing to index yet); never after.
          if (observed) expect(reads).toBe(0);
          asked++;
          if (a) pruned++;
        }
      }
      // Both outcomes occur, so the comparison is not vacuous.
      expect(pruned).toBeGreaterThan(asked * 0.1);
      expect(pruned).toBeLessThan(asked * 0.9);
    });
  }

  it('indexes each trial once, and only finished reference trials', () => {
    const p = new MedianPruner({ nStartupTrials: 1, reference: 'complete' });
    const t = complete(0, 0.9, 0.9);
    p.observe(t);
    p.observe(t);
    p.observe(record(1, {}, null, 'PRUNED', folds(0.1, 0.1)));
    // Median of {0.9} (not {0.9, 0.9} or {0.1, 0.9}).
    expect(p.shouldPrune(ctx(folds(0.85, 0.85), []))).toBe(true);
    expect(p.shouldPrune(ctx(folds(0.95, 0.95), []))).toBe(false);
    const f = new MedianPruner({ nStartupTrials: 1, reference: 'finished' });
    f.observe(t);
    f.observe(record(1, {}, null, 'PRUNED', folds(0.1, 0.1)));
    // Median of {0.1, 0.9} = 0.5.
    expect(f.shouldPrune(ctx(folds(0.6, 0.6), []))).toBe(false);
    expect(f.shouldPrune(ctx(folds(0.4, 0.4), []))).toBe(true);
    expect(() => new MedianPruner({ reference: 'all' as never })).toThrow(/reference/);
  });
});

describe('SuccessiveHalvingPruner', () => {
  const p = new SuccessiveHalvingPruner();
  it('has rungs at 1, 2, 4, 8 reported values', () => {
    expect([1, 2, 3, 4, 5, 8, 9].map((k) => p.isRung(k))).toEqual([true, true, false, true, false, true, false]);
  });

  it('keeps only the top third at a rung (maximize)', () => {
    // Five others at rung 1 with first-fold scores 0.5..0.9; m = 6, keep the best ceil(6/3) = 2.
    const others = [0.5, 0.6, 0.7, 0.8, 0.9].map((v, i) => record(i, {}, null, 'RUNNING', folds(v)));
    expect(p.shouldPrune(ctx(folds(0.95), others))).toBe(false);
    expect(p.shouldPrune(ctx(folds(0.85), others))).toBe(false);
    expect(p.shouldPrune(ctx(folds(0.75), others))).toBe(true);
    expect(p.shouldPrune(ctx(folds(0.75), others, 'minimize'))).toBe(true);
    expect(p.shouldPrune(ctx(folds(0.55), others, 'minimize'))).toBe(false);
  });

  it('never prunes between rungs, and compares at a rung by the mean of the first k values', () => {
    const others = [complete(0, 0.9, 0.9, 0.9), complete(1, 0.9, 0.9, 0.9), complete(2, 0.9, 0.9, 0.9)];
    expect(p.shouldPrune(ctx(folds(0.1, 0.1, 0.1), others))).toBe(false);
    expect(p.shouldPrune(ctx(folds(0.1, 0.1), others))).toBe(true);
    // FAIL trials do not compete.
    const failed = others.map((t, i) => record(i, {}, null, 'FAIL', t.intermediate));
    expect(p.shouldPrune(ctx(folds(0.1, 0.1), failed))).toBe(false);
  });

  it('lets the first trial through', () => {
    expect(p.shouldPrune(ctx(folds(0.1), []))).toBe(false);
  });
});

describe('createPruner', () => {
  it('builds the named pruners and passes instances through', () => {
    expect(prunerNames()).toEqual(['none', 'median', 'successive_halving']);
    expect(createPruner('median')).toBeInstanceOf(MedianPruner);
    expect(createPruner('successive_halving')).toBeInstanceOf(SuccessiveHalvingPruner);
    const nop = createPruner('none');
    expect(nop).toBeInstanceOf(NopPruner);
    expect(nop.shouldPrune(ctx(folds(-1e9, -1e9), [complete(0, 1, 1)]))).toBe(false);
    const custom = { name: 'x', shouldPrune: () => true };
    expect(createPruner(custom)).toBe(custom);
  });

  it('rejects unknown names and bad options with E_CONFIG', () => {
    for (const f of [() => createPruner('medain'), () => new MedianPruner({ nStartupTrials: -1 }), () => new SuccessiveHalvingPruner({ reductionFactor: 1 })]) {
      let err: unknown;
      try {
        f();
      } catch (e) {
        err = e;
      }
      expect(isAutomlError(err, 'E_CONFIG')).toBe(true);
    }
  });
});
