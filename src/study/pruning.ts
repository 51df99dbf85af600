import { createPruner as create, type PruneContext, type Pruner } from '../pruners/index.js';
import type { Direction, Intermediate, TrialRecord } from '../trial/trial.js';

export type { Pruner, PruneContext } from '../pruners/index.js';

/** The pruner to consult on intermediate reports, or null when pruning is off ('none'). */
export function resolvePruner(p: string | Pruner): Pruner | null {
  const pruner = create(p);
  return pruner.name === 'none' ? null : pruner;
}

/**
 * Asks `pruner` about a trial's latest report, answering at once (nothing awaited). The history
 * of other trials is built only if the pruner reads it: an indexing pruner (`Pruner.observe`)
 * never does, which keeps a report O(log n) rather than a copy of every trial.
 */
export function decide(pruner: Pruner, direction: Direction, step: number, intermediate: readonly Intermediate[], history: () => TrialRecord[]): Promise<boolean> {
  let built: TrialRecord[] | null = null;
  const ctx: PruneContext = {
    direction,
    step,
    intermediate,
    get history(): TrialRecord[] {
      return (built ??= history());
    },
  };
  try {
    return Promise.resolve(pruner.shouldPrune(ctx));
  } catch (e) {
    return Promise.reject(e as Error);
  }
}
