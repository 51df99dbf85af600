import type { Rng } from '../util/rng.js';
import type { Space } from '../space/space.js';
import type { Direction, FlatParams, ParamValue, TrialRecord } from '../trial/trial.js';

/**
 * What a sampler is given to choose trial `trialNumber`'s configuration.
 * History arrives as plain records: samplers never see storage or the study.
 */
export interface SamplerContext {
  readonly space: Space;
  readonly direction: Direction;
  /** The study seed. */
  readonly seed: number;
  /** The number of the trial being sampled. */
  readonly trialNumber: number;
  /**
   * How many configurations this sampler proposed before this one in the study (trials enqueued
   * by hand or retried are not counted). Equals `trialNumber` in a study without those. Default:
   * `trialNumber`.
   */
  readonly sampleIndex?: number;
  /** Generator derived from (study seed, sample index) only: independent of scheduling and resume. */
  readonly rng: Rng;
  /**
   * Every other trial of the study known at this moment (any state, ordered by number),
   * RUNNING ones included so a sampler can avoid handing two workers the same point.
   * Empty when the sampler says it does not use history.
   */
  readonly history: readonly TrialRecord[];
}

/**
 * Chooses configurations. Contract:
 * - `sample` is a pure function of its context: same context, same result. It never mutates the
 *   history and never uses `Math.random()`.
 * - It returns a flat assignment of exactly the active parameters, each inside its dimension
 *   (`space.validate` passes), or null when it has nothing left to propose (an exhausted grid),
 *   which ends the study cleanly.
 * - Samplers hold no per-study mutable state, so a study rebuilt from storage (resume, another
 *   process) samples exactly as the original would have.
 */
export interface Sampler {
  /** Stable name stored with the study: 'random', 'grid', 'tpe', 'gp'. */
  readonly name: string;
  /** False when `sample` ignores `history` (the study then skips loading it). */
  readonly usesHistory: boolean;
  sample(ctx: SamplerContext): FlatParams | null;
  /** How many configurations the sampler can propose in total (Infinity when unbounded). */
  capacity(space: Space): number;
}

/**
 * Samples every active parameter independently, in order (parents before children), drawing each
 * from `draw` (default: uniform in the unit cube through the dimension's decode).
 */
export function sampleIndependent(
  space: Space,
  rng: Rng,
  draw: (name: string, u: number) => ParamValue | undefined = () => undefined,
): FlatParams {
  const out: Record<string, ParamValue> = {};
  for (const p of space.params) {
    if (!(p.condition === null || out[p.condition.name] === p.condition.branch)) continue;
    const u = rng.next();
    out[p.name] = draw(p.name, u) ?? p.dimension.decode(u);
  }
  return out;
}
