import { AutomlError, show } from '../util/errors.js';
import { MedianPruner, type MedianPrunerOptions } from './median.js';
import { NopPruner } from './nop.js';
import type { Pruner } from './pruner.js';
import { SuccessiveHalvingPruner, type SuccessiveHalvingOptions } from './successive-halving.js';

export type { Pruner, PruneContext } from './pruner.js';
export { MedianPruner, type MedianPrunerOptions } from './median.js';
export { SuccessiveHalvingPruner, type SuccessiveHalvingOptions } from './successive-halving.js';
export { NopPruner } from './nop.js';
export { RungPruner } from './rung.js';

/** Options accepted by {@link createPruner}, passed to the chosen pruner. */
export type PrunerOptions = MedianPrunerOptions & SuccessiveHalvingOptions;

const FACTORIES: Record<string, (o: PrunerOptions) => Pruner> = {
  none: () => new NopPruner(),
  median: (o) => new MedianPruner(o),
  successive_halving: (o) => new SuccessiveHalvingPruner(o),
};

/** Names of the built-in pruners. */
export function prunerNames(): string[] {
  return Object.keys(FACTORIES);
}

/** A pruner by name ('none', 'median', 'successive_halving'), or the given instance unchanged. */
export function createPruner(nameOrPruner: string | Pruner, options: PrunerOptions = {}): Pruner {
  if (typeof nameOrPruner !== 'string') return nameOrPruner;
  const f = Object.hasOwn(FACTORIES, nameOrPruner) ? FACTORIES[nameOrPruner] : undefined;
  if (!f) {
    throw new AutomlError('E_CONFIG', `unknown pruner ${show(nameOrPruner)}; expected one of ${prunerNames().join(', ')}`, { value: nameOrPruner });
  }
  return f(options);
}
