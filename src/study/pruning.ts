import { AutomlError, show } from '../util/errors.js';
import type { Direction, Intermediate, TrialRecord } from '../trial/trial.js';

/** What a pruner sees when a trial reports an intermediate value. */
export interface PruneContext {
  readonly direction: Direction;
  /** The step just reported (e.g. the fold index). */
  readonly step: number;
  /** This trial's intermediate values so far. */
  readonly intermediate: readonly Intermediate[];
  /** The other trials of the study. */
  readonly history: readonly TrialRecord[];
}

/** Decides from partial results whether a trial should stop early. Pure and deterministic. */
export interface Pruner {
  readonly name: string;
  shouldPrune(ctx: PruneContext): boolean;
}

type PrunerFactory = () => Pruner;
const FACTORIES = new Map<string, PrunerFactory>();

/** Registers a pruner by name (the built-in ones register themselves from `src/pruners/`). */
export function registerPruner(name: string, factory: PrunerFactory): void {
  FACTORIES.set(name, factory);
}

/** A pruner by name ('none' gives null), or the given instance. */
export function createPruner(p: string | Pruner): Pruner | null {
  if (typeof p !== 'string') return p;
  if (p === 'none') return null;
  const f = FACTORIES.get(p);
  if (!f) throw new AutomlError('E_CONFIG', `unknown pruner ${show(p)}; expected one of none, ${[...FACTORIES.keys()].join(', ')}`);
  return f();
}
