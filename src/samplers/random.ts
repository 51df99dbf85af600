import type { FlatParams } from '../trial/trial.js';
import { sampleIndependent, type Sampler, type SamplerContext } from './sampler.js';

/**
 * Uniform random search (log-uniform for log dimensions). Trial N's configuration depends only on
 * the study seed and N, so it is the same whatever the number of workers and across a resume.
 */
export class RandomSampler implements Sampler {
  readonly name = 'random';
  readonly usesHistory = false;
  sample(ctx: SamplerContext): FlatParams {
    return sampleIndependent(ctx.space, ctx.rng);
  }
  capacity(): number {
    return Infinity;
  }
}
