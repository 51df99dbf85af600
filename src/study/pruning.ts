import { createPruner as create, type Pruner } from '../pruners/index.js';

export type { Pruner, PruneContext } from '../pruners/index.js';

/** The pruner to consult on intermediate reports, or null when pruning is off ('none'). */
export function resolvePruner(p: string | Pruner): Pruner | null {
  const pruner = create(p);
  return pruner.name === 'none' ? null : pruner;
}
