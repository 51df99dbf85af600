import type { Pruner } from './pruner.js';

/** Never prunes: every trial runs all its folds. */
export class NopPruner implements Pruner {
  readonly name = 'none';
  shouldPrune(): boolean {
    return false;
  }
}
