import { isWorse, type PruneContext, type Pruner } from './pruner.js';
import { AutomlError, show } from '../util/errors.js';

/**
 * Promotion between fidelity rungs (asynchronous successive halving): step r is rung r, whose
 * value is measured at that rung's fidelity (e.g. a training subsample), so values are compared
 * only with other trials' values at the same step, never averaged across steps. A trial goes on
 * to the next rung only if fewer than max(1, ceil(m / reductionFactor)) of the m trials that
 * reported this rung (itself included, failed ones excluded) are strictly better: the first trial
 * at a rung always goes on, later ones when they rank in the top 1/reductionFactor.
 */
export class RungPruner implements Pruner {
  readonly name = 'rungs';

  constructor(readonly reductionFactor = 3) {
    if (!Number.isInteger(reductionFactor) || reductionFactor < 2) {
      throw new AutomlError('E_CONFIG', `rung pruner: reductionFactor must be an integer >= 2, got ${show(reductionFactor)}`, { param: 'reductionFactor', value: reductionFactor });
    }
  }

  shouldPrune(ctx: PruneContext): boolean {
    const own = ctx.intermediate.find((x) => x.step === ctx.step)?.value;
    if (own === undefined || !Number.isFinite(own)) return false;
    let m = 1;
    let better = 0;
    for (const t of ctx.history) {
      if (t.state === 'FAIL') continue;
      const v = t.intermediate.find((x) => x.step === ctx.step)?.value;
      if (v === undefined || !Number.isFinite(v)) continue;
      m++;
      if (isWorse(own, v, ctx.direction)) better++;
    }
    return better >= Math.max(1, Math.ceil(m / this.reductionFactor));
  }
}
