import type { FailKind, FlatParams, Intermediate } from '../trial/trial.js';

/**
 * A live trial handed out by `Study.ask()`: its number, parameters and typed configuration, and
 * `report` for intermediate values. Finish it with `study.tell(trial, value)`.
 */
export interface Trial<C> {
  readonly number: number;
  /** The flat parameters as stored (dotted names). */
  readonly params: FlatParams;
  /** The nested, typed configuration (`ConfigOf<typeof space>`). */
  readonly config: C;
  /** Seed for the trial's own randomness (model fitting, CV shuffles), from (study seed, number). */
  readonly seed: number;
  /** Intermediate values reported so far. */
  readonly intermediate: readonly Intermediate[];
  /**
   * Records an intermediate value (e.g. one fold's score) and resolves true when the pruner says
   * stop. The values are kept in memory and stored with the trial's final state by `tell`.
   */
  report(step: number, value: number): Promise<boolean>;
}

/** Outcome passed to `Study.tell`: a value, or an explicit state. */
export type TellResult =
  | number
  | { readonly state: 'COMPLETE'; readonly value: number; readonly userAttrs?: Record<string, unknown> }
  | { readonly state: 'PRUNED'; readonly value?: number | null; readonly userAttrs?: Record<string, unknown> }
  | { readonly state: 'FAIL'; readonly failKind?: FailKind; readonly reason?: string; readonly userAttrs?: Record<string, unknown> };
