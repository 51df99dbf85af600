import { lbfgs, type LbfgsOptions } from '../numeric/lbfgs.js';
import { AutomlError, show } from '../util/errors.js';
import type { Rng } from '../util/rng.js';
import type { Space } from '../space/space.js';
import type { FlatParams } from '../trial/trial.js';
import { sampleIndependent, type Sampler, type SamplerContext } from './sampler.js';
import { encodeRecord } from './tpe/groups.js';
import { logH } from './tpe/normal.js';
import { FeatureMap } from './gp/features.js';
import { negLogPosterior, Posterior, type Inputs, type ThetaPrior } from './gp/kernel.js';

/** Options of {@link GpSampler}. */
export interface GpSamplerOptions {
  /** COMPLETE trials sampled at random before the GP is used. Default 10. */
  readonly nStartupTrials?: number;
  /** Random candidates scored by the acquisition before local refinement. Default 256. */
  readonly nCandidates?: number;
  /** Most observations the posterior conditions on (best half kept, the rest strided). Default 200. */
  readonly maxPoints?: number;
  /** Most observations used to fit kernel hyperparameters (best half + strided rest). Default 64: the fit costs O(n^3) per L-BFGS step and dominates an ask. */
  readonly maxFitPoints?: number;
  /** L-BFGS starts for the hyperparameters: one from a fixed guess, the others seeded random. Default 2. */
  readonly restarts?: number;
  /** Treat RUNNING/WAITING trials as observed at the worst value so far. Default true. */
  readonly constantLiar?: boolean;
}

const featureMaps = new WeakMap<Space, FeatureMap>();

/**
 * L-BFGS settings of the hyperparameter fit, those of the GP's own solver before the shared one
 * replaced it (so fits and suggestions did not change): backtracking needs one evaluation, an
 * O(n^3) Cholesky, per good step and backs off where the objective is +Infinity; a loose gtol
 * and 40 steps suffice for a dozen log-scale parameters that only steer the acquisition.
 */
const GP_LBFGS: LbfgsOptions = { maxIter: 40, gtol: 1e-5, ftol: 1e-9, memory: 8, lineSearch: 'backtracking' };

/**
 * Gaussian-process Bayesian optimisation: GP regression on the unit-cube encoding with a Matérn
 * 5/2 ARD kernel (one length scale per feature), hyperparameters fitted by maximising the log
 * marginal likelihood plus weak log-normal priors (L-BFGS, seeded restarts), standardised
 * outputs, and the next point chosen by maximising log expected improvement over random
 * candidates, perturbations of the best trials, and a local hill climb from the top few.
 *
 * Encoding (see {@link FeatureMap}): numeric params as their unit value, categoricals one-hot.
 * Conditional spaces: every parameter is modelled; an inactive one sits at a fixed neutral value
 * (0.5, or all-zero one-hot) and the branch selector's one-hot columns separate the branches, so
 * candidates are complete, valid configurations of one branch each.
 *
 * History use: COMPLETE trials are observations; PRUNED (partial scores) and FAIL trials are
 * ignored; RUNNING and WAITING trials with parameters are added at the worst observed value
 * (constant liar), which removes the expected improvement around them so parallel workers spread.
 * Beyond `maxPoints` observations the best half and an evenly strided subset of the rest are
 * used, which bounds the cost of an ask. Pure: the result depends only on the context.
 */
export class GpSampler implements Sampler {
  readonly name = 'gp';
  readonly usesHistory = true;
  private readonly nStartup: number;
  private readonly nCandidates: number;
  private readonly maxPoints: number;
  private readonly maxFit: number;
  private readonly restarts: number;
  private readonly liar: boolean;

  constructor(options: GpSamplerOptions = {}) {
    this.nStartup = intOption(options.nStartupTrials, 'nStartupTrials', 10, 0);
    this.nCandidates = intOption(options.nCandidates, 'nCandidates', 256, 1);
    this.maxPoints = intOption(options.maxPoints, 'maxPoints', 200, 4);
    this.maxFit = intOption(options.maxFitPoints, 'maxFitPoints', 64, 4);
    this.restarts = intOption(options.restarts, 'restarts', 2, 1);
    this.liar = options.constantLiar ?? true;
  }

  capacity(): number {
    return Infinity;
  }

  sample(ctx: SamplerContext): FlatParams {
    const { space, rng } = ctx;
    let fm = featureMaps.get(space);
    if (!fm) featureMaps.set(space, (fm = new FeatureMap(space)));
    const sign = ctx.direction === 'maximize' ? -1 : 1;
    const obs: { v: Float64Array; y: number }[] = [];
    const pending: Float64Array[] = [];
    for (const t of ctx.history) {
      const done = t.state === 'COMPLETE' && t.value !== null && Number.isFinite(t.value);
      const inFlight = this.liar && (t.state === 'RUNNING' || t.state === 'WAITING');
      if (!done && !inFlight) continue;
      const v = activeVector(fm, encodeRecord(space, t));
      if (!v) continue;
      if (done) obs.push({ v, y: sign * t.value! });
      else pending.push(v);
    }
    if (obs.length < Math.max(2, this.nStartup)) return sampleIndependent(space, rng);

    let worst = -Infinity;
    for (const o of obs) worst = Math.max(worst, o.y);
    const chosen = select(obs, Math.max(2, this.maxPoints - pending.length));
    const all = [...chosen, ...pending.slice(-Math.max(0, this.maxPoints - chosen.length)).map((v) => ({ v, y: worst }))];
    const n = all.length;
    let mean = 0;
    for (const o of all) mean += o.y;
    mean /= n;
    let sd = 0;
    for (const o of all) sd += (o.y - mean) ** 2;
    sd = Math.sqrt(sd / n) || 1;
    const y = Float64Array.from(all, (o) => (o.y - mean) / sd);
    const x = new Float64Array(n * fm.d);
    all.forEach((o, i) => fm.features(o.v, x, i * fm.d));
    const inputs: Inputs = { n, d: fm.d, x };

    const theta = this.fitHyper(inputs, y, chosen.length, rng);
    const post = Posterior.fit(inputs, y, theta);
    if (!post) return sampleIndependent(space, rng);
    let best = Infinity;
    for (let i = 0; i < chosen.length; i++) best = Math.min(best, y[i]!);
    const taken = new Set<string>();
    for (const o of obs) taken.add(configKey(fm, o.v));
    for (const v of pending) taken.add(configKey(fm, v));
    return fm.decode(maximizeAcquisition(fm, post, best, chosen, taken, rng, this.nCandidates));
  }

  /** Fits log-hyperparameters on at most `maxFit` of the points (the first `nObs` are real). */
  private fitHyper(inp: Inputs, y: Float64Array, nObs: number, rng: Rng): Float64Array {
    const d = inp.d;
    let fitInp = inp;
    let fitY = y;
    if (inp.n > this.maxFit) {
      const idx = select(Array.from(y.subarray(0, nObs), (v, i) => ({ v: i, y: v })), this.maxFit).map((o) => o.v);
      const fx = new Float64Array(idx.length * d);
      idx.forEach((i, r) => fx.set(inp.x.subarray(i * d, (i + 1) * d), r * d));
      fitInp = { n: idx.length, d, x: fx };
      fitY = Float64Array.from(idx, (i) => y[i]!);
    }
    // Dimension-scaled log-normal length-scale prior (Hvarfner et al. 2024): wide, and
    // centred on longer scales as the dimension grows, which keeps high-dimensional fits sane.
    const prior: ThetaPrior = { mean: new Float64Array(d + 2), sd: new Float64Array(d + 2) };
    for (let k = 0; k < d; k++) {
      prior.mean[k] = Math.SQRT2 + 0.5 * Math.log(d);
      prior.sd[k] = Math.sqrt(3);
    }
    prior.mean[d] = 0;
    prior.sd[d] = 1;
    prior.mean[d + 1] = Math.log(1e-3);
    prior.sd[d + 1] = 3;
    const f = (t: Float64Array, g: Float64Array): number => negLogPosterior(fitInp, fitY, prior, t, g);
    let bestTheta: Float64Array | null = null;
    let bestValue = Infinity;
    for (let r = 0; r < this.restarts; r++) {
      const t0 = new Float64Array(d + 2);
      for (let k = 0; k < d; k++) t0[k] = r === 0 ? Math.log(0.5 * Math.sqrt(d)) : Math.log(0.1) + rng.next() * Math.log(30);
      t0[d] = 0;
      t0[d + 1] = r === 0 ? Math.log(1e-3) : Math.log(1e-5) + rng.next() * Math.log(1e4);
      const res = lbfgs(f, t0, GP_LBFGS);
      if (res.f < bestValue) {
        bestValue = res.f;
        bestTheta = res.x;
      }
    }
    if (!bestTheta) {
      bestTheta = new Float64Array(d + 2);
      for (let k = 0; k < d; k++) bestTheta[k] = Math.log(0.5 * Math.sqrt(d));
      bestTheta[d + 1] = Math.log(1e-2);
    }
    return bestTheta;
  }
}

/** Log expected improvement (minimisation) below `best` at param vector `v`. */
function logEi(fm: FeatureMap, post: Posterior, best: number, v: Float64Array, buf: Float64Array): number {
  fm.features(v, buf);
  const { mean, sd } = post.predict(buf);
  return Math.log(sd) + logH((best - mean) / sd);
}

/**
 * The candidate with the highest log EI that is not already observed or in flight. Repeating a
 * configuration teaches nothing about a deterministic objective, and in small discrete spaces the
 * GP's maximiser would otherwise hand the same point to every worker.
 */
function maximizeAcquisition(fm: FeatureMap, post: Posterior, best: number, obs: readonly { v: Float64Array; y: number }[], taken: ReadonlySet<string>, rng: Rng, nRandom: number): Float64Array {
  const buf = new Float64Array(fm.d);
  const scored: { v: Float64Array; s: number }[] = [];
  const add = (v: Float64Array): void => void scored.push({ v, s: logEi(fm, post, best, v, buf) });
  for (let i = 0; i < nRandom; i++) add(fm.random(rng));
  const top = [...obs].sort((a, b) => a.y - b.y).slice(0, 5);
  for (const o of top) for (let k = 0; k < 10; k++) add(fm.perturb(o.v, rng, 0.05, 0.2));
  scored.sort((a, b) => b.s - a.s);
  // Hill-climb from the best few with shrinking steps: the optimum of EI is usually sharp.
  const climbed: { v: Float64Array; s: number }[] = [];
  for (const start of scored.slice(0, 3)) {
    let cur = start;
    for (const scale of [0.05, 0.015, 0.004]) {
      for (let k = 0; k < 12; k++) {
        const v = fm.perturb(cur.v, rng, scale, 0.05);
        const s = logEi(fm, post, best, v, buf);
        if (s > cur.s) cur = { v, s };
      }
    }
    climbed.push(cur);
  }
  const all = [...climbed, ...scored].sort((a, b) => b.s - a.s);
  for (const c of all) if (!taken.has(configKey(fm, c.v))) return c.v;
  return all[0]!.v;
}

/** Identity of a configuration after decoding (so int and stepped values compare as values). */
function configKey(fm: FeatureMap, v: Float64Array): string {
  return JSON.stringify(fm.decode(v));
}

/** A record's param vector with inactive params cleared, or null if an active one is missing. */
function activeVector(fm: FeatureMap, enc: Float64Array): Float64Array | null {
  const v = enc.slice();
  for (let i = 0; i < v.length; i++) {
    if (!fm.active(v, i)) v[i] = NaN;
    else if (v[i] !== v[i]) return null;
  }
  return v;
}

/**
 * At most `cap` observations: all if they fit, else the best half (by y) plus an evenly strided
 * subset of the rest, in their original order so the choice is deterministic.
 */
function select<T extends { y: number }>(obs: readonly T[], cap: number): T[] {
  if (obs.length <= cap) return [...obs];
  const order = obs.map((_, i) => i).sort((a, b) => obs[a]!.y - obs[b]!.y || a - b);
  const keep = new Uint8Array(obs.length);
  const nBest = Math.floor(cap / 2);
  for (let i = 0; i < nBest; i++) keep[order[i]!] = 1;
  const rest = order.slice(nBest).sort((a, b) => a - b);
  const nRest = cap - nBest;
  for (let i = 0; i < nRest; i++) keep[rest[Math.floor((i * rest.length) / nRest)]!] = 1;
  return obs.filter((_, i) => keep[i] === 1);
}

function intOption(v: unknown, name: string, dflt: number, min: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new AutomlError('E_CONFIG', `gp sampler: ${name} must be an integer >= ${min}, got ${show(v)}`, { param: name, value: v });
  }
  return v;
}
