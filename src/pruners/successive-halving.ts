import { AutomlError, show } from '../util/errors.js';
import { isWorse, meanOfFirst, type PruneContext, type Pruner } from './pruner.js';

/** Options of {@link SuccessiveHalvingPruner}. */
export interface SuccessiveHalvingOptions {
  /** Values (folds) reported at the first rung. Default 1. */
  readonly minResource?: number;
  /** Each rung needs this many times the previous rung's values: rungs at 1, 2, 4, ... Default 2. */
  readonly rungGrowth?: number;
  /** Only the best 1/reductionFactor of the trials at a rung go on. Default 3. */
  readonly reductionFactor?: number;
}

/**
 * Asynchronous successive halving over folds. A trial reaches rung i when it has reported
 * `minResource * rungGrowth^i` values; there it is compared, by the mean of its first that-many
 * values, with every other trial (any state but FAIL) that also reached the rung, and it goes on
 * only if fewer than max(1, ceil(m / reductionFactor)) of the m trials at the rung (itself
 * included) are strictly better. Rungs count reported values, not step numbers, so 0- and
 * 1-based fold numbering behave alike. Between rungs it never prunes.
 */
export class SuccessiveHalvingPruner implements Pruner {
  readonly name = 'successive_halving';
  private readonly minResource: number;
  private readonly growth: number;
  private readonly eta: number;

  constructor(options: SuccessiveHalvingOptions = {}) {
    this.minResource = intAtLeast(options.minResource, 'minResource', 1, 1);
    this.growth = intAtLeast(options.rungGrowth, 'rungGrowth', 2, 2);
    this.eta = intAtLeast(options.reductionFactor, 'reductionFactor', 3, 2);
  }

  /** True when `k` reported values is exactly a rung. */
  isRung(k: number): boolean {
    for (let r = this.minResource; r <= k; r *= this.growth) if (r === k) return true;
    return false;
  }

  shouldPrune(ctx: PruneContext): boolean {
    const reported = ctx.intermediate.filter((x) => x.step <= ctx.step && Number.isFinite(x.value));
    const k = reported.length;
    if (!this.isRung(k)) return false;
    const own = meanOfFirst(reported, k);
    let m = 1;
    let better = 0;
    for (const t of ctx.history) {
      if (t.state === 'FAIL') continue;
      const v = meanOfFirst(t.intermediate, k);
      if (!Number.isFinite(v)) continue;
      m++;
      if (isWorse(own, v, ctx.direction)) better++;
    }
    return better >= Math.max(1, Math.ceil(m / this.eta));
  }
}

function intAtLeast(v: unknown, name: string, dflt: number, min: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new AutomlError('E_CONFIG', `successive halving pruner: ${name} must be an integer >= ${min}, got ${show(v)}`, { param: name, value: v });
  }
  return v;
}
