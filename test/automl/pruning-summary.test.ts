import { describe, expect, it } from 'vitest';
import { createStudy, float, space, TrialPruned } from '../../src/index.js';
import { pruningSummary } from '../../src/automl/leaderboard.js';
import { formatPruning } from '../../src/report/leaderboard.js';

describe('pruningSummary', () => {
  it('counts pruned trials by the folds they finished, and the leaderboard note says so', async () => {
    const study = await createStudy({ sampler: 'random', space: space({ x: float(0, 1) }), seed: 1, settings: { cv: 5 } });
    // Trial n reports n % 3 + 1 folds and is pruned when n is odd; the others complete after 5.
    await study.optimize(async (c, ctx) => {
      const folds = ctx.trialNumber % 2 === 1 ? (ctx.trialNumber % 3) + 1 : 5;
      for (let k = 0; k < folds; k++) await ctx.report(k, c.x);
      if (ctx.trialNumber % 2 === 1) throw new TrialPruned();
      return c.x;
    }, { trials: 8 });
    // Pruned: 1 (2 folds), 3 (1 fold), 5 (3 folds), 7 (2 folds).
    const s = pruningSummary(study);
    expect(s).toEqual({ pruned: 4, afterFolds: [{ folds: 1, trials: 1 }, { folds: 2, trials: 2 }, { folds: 3, trials: 1 }], folds: 5 });
    expect(formatPruning(4, s)).toMatch(/^Pruned: 4 trials stopped early: 1 after 1 fold, 2 after 2 folds, 1 after 3 folds of 5 \(/);
    await study.close();
  });

  it('a one-holdout study counts row rungs, not folds', async () => {
    const study = await createStudy({ sampler: 'random', space: space({ x: float(0, 1) }), seed: 1, settings: { cv: 5, holdout: 0.0125 } });
    await study.optimize(async (c, ctx) => {
      await ctx.report(0, c.x);
      if (ctx.trialNumber % 2 === 1) throw new TrialPruned();
      await ctx.report(1, c.x);
      return c.x;
    }, { trials: 4 });
    const s = pruningSummary(study);
    expect(s).toEqual({ pruned: 2, afterFolds: [{ folds: 1, trials: 2 }], folds: null, unit: 'rung' });
    expect(formatPruning(2, s)).toMatch(/^Pruned: 2 trials stopped below every training row: 2 at row rung 1 \(/);
    await study.close();
  });
});
