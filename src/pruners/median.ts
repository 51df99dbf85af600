import { AutomlError, show } from '../util/errors.js';
import { isWorse, meanUpTo, type PruneContext, type Pruner } from './pruner.js';

/** Options of {@link MedianPruner}. */
export interface MedianPrunerOptions {
  /** No pruning until this many COMPLETE trials have reported the step in question. Default 5. */
  readonly nStartupTrials?: number;
  /** A trial is never pruned before it has reported more than this many values. Default 1. */
  readonly nWarmupSteps?: number;
}

/**
 * Prunes a trial whose running mean at step s (the mean of its values at steps <= s) is worse
 * than the median of the same running mean over the COMPLETE trials that reported step s. The
 * running mean rather than the latest value is compared because per-fold CV scores are noisy,
 * exchangeable samples: one hard fold should not kill a good configuration.
 */
export class MedianPruner implements Pruner {
  readonly name = 'median';
  private readonly nStartup: number;
  private readonly nWarmup: number;

  constructor(options: MedianPrunerOptions = {}) {
    this.nStartup = count(options.nStartupTrials, 'nStartupTrials', 5);
    this.nWarmup = count(options.nWarmupSteps, 'nWarmupSteps', 1);
  }

  shouldPrune(ctx: PruneContext): boolean {
    const own = meanUpTo(ctx.intermediate, ctx.step);
    if (own.count <= this.nWarmup || !Number.isFinite(own.mean)) return false;
    const others: number[] = [];
    for (const t of ctx.history) {
      if (t.state !== 'COMPLETE' || !t.intermediate.some((x) => x.step === ctx.step)) continue;
      const m = meanUpTo(t.intermediate, ctx.step);
      if (Number.isFinite(m.mean)) others.push(m.mean);
    }
    if (others.length < this.nStartup) return false;
    others.sort((a, b) => a - b);
    const h = others.length >> 1;
    const median = others.length % 2 === 1 ? others[h]! : (others[h - 1]! + others[h]!) / 2;
    return isWorse(own.mean, median, ctx.direction);
  }
}

function count(v: unknown, name: string, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
    throw new AutomlError('E_CONFIG', `median pruner: ${name} must be an integer >= 0, got ${show(v)}`, { param: name, value: v });
  }
  return v;
}
