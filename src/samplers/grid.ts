import { createRng, deriveSeed } from '../util/rng.js';
import { Grid } from '../space/grid.js';
import type { Space } from '../space/space.js';
import type { FlatParams } from '../trial/trial.js';
import type { Sampler, SamplerContext } from './sampler.js';

/** Options of {@link GridSampler}. */
export interface GridSamplerOptions {
  /** Number of values for continuous dimensions that have no `step` (and cap for int ones). */
  readonly gridSize?: number;
  /** Visit the grid in a seeded random order (default true), so a study cut short by a time budget
   * still covers every region; false visits it in declaration order. */
  readonly shuffle?: boolean;
}

/**
 * Exhaustive grid search over every branch of a conditional space. The k-th trial proposed by this
 * sampler (trials enqueued by hand or retried are not counted) gets the k-th grid point of a fixed,
 * seeded order, so workers never duplicate a point and a resume continues where it stopped. When
 * every point has been proposed, `sample` returns null and the study ends.
 */
export class GridSampler implements Sampler {
  readonly name = 'grid';
  readonly usesHistory = true;
  private cache: { space: Space; seed: number; grid: Grid; order: Uint32Array | null } | null = null;

  constructor(private readonly options: GridSamplerOptions = {}) {}

  private prepare(space: Space, seed: number): { grid: Grid; order: Uint32Array | null } {
    if (this.cache && this.cache.space === space && this.cache.seed === seed) return this.cache;
    const grid = new Grid(space, this.options.gridSize);
    let order: Uint32Array | null = null;
    if (this.options.shuffle !== false) {
      order = new Uint32Array(grid.size);
      for (let i = 0; i < order.length; i++) order[i] = i;
      const rng = createRng(deriveSeed(seed, 'grid-order'));
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(rng.next() * (i + 1));
        const t = order[i]!;
        order[i] = order[j]!;
        order[j] = t;
      }
    }
    this.cache = { space, seed, grid, order };
    return this.cache;
  }

  sample(ctx: SamplerContext): FlatParams | null {
    const { grid, order } = this.prepare(ctx.space, ctx.seed);
    let k = ctx.sampleIndex ?? 0;
    if (ctx.sampleIndex === undefined) for (const t of ctx.history) if (t.number < ctx.trialNumber && t.origin === 'sampler') k++;
    if (k >= grid.size) return null;
    return grid.at(order ? order[k]! : k);
  }

  capacity(space: Space): number {
    return new Grid(space, this.options.gridSize).size;
  }
}
