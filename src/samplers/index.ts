import { AutomlError, show } from '../util/errors.js';
import { GridSampler, type GridSamplerOptions } from './grid.js';
import { RandomSampler } from './random.js';
import { TpeSampler, type TpeSamplerOptions } from './tpe.js';
import { GpSampler, type GpSamplerOptions } from './gp.js';
import type { Sampler } from './sampler.js';

export type { Sampler, SamplerContext } from './sampler.js';
export { sampleIndependent } from './sampler.js';
export { RandomSampler } from './random.js';
export { GridSampler, type GridSamplerOptions } from './grid.js';
export { TpeSampler, type TpeSamplerOptions } from './tpe.js';
export { GpSampler, type GpSamplerOptions } from './gp.js';

/** Options accepted by {@link createSampler}, per sampler. */
export interface SamplerOptions extends GridSamplerOptions {
  readonly [key: string]: unknown;
}

type Factory = (opts: SamplerOptions) => Sampler;

const FACTORIES: Record<string, Factory> = {
  random: () => new RandomSampler(),
  grid: (o) => new GridSampler(o),
};

/** Registers a sampler factory under a name (used for the Bayesian samplers and by plug-ins). */
export function registerSampler(name: string, factory: Factory): void {
  FACTORIES[name] = factory;
}

/** Names of the known samplers. */
export function samplerNames(): string[] {
  return Object.keys(FACTORIES);
}

/** A sampler by name ('random', 'grid', 'tpe', 'gp'), or the given instance unchanged. */
export function createSampler(nameOrSampler: string | Sampler, opts: SamplerOptions = {}): Sampler {
  if (typeof nameOrSampler !== 'string') return nameOrSampler;
  const f = Object.hasOwn(FACTORIES, nameOrSampler) ? FACTORIES[nameOrSampler] : undefined;
  if (!f) throw new AutomlError('E_CONFIG', `unknown sampler ${show(nameOrSampler)}; expected one of ${samplerNames().join(', ')}`, { value: nameOrSampler });
  return f(opts);
}

registerSampler('tpe', (o) => new TpeSampler(o as TpeSamplerOptions));
registerSampler('gp', (o) => new GpSampler(o as GpSamplerOptions));
