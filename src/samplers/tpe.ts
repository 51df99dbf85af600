import { AutomlError, show } from '../util/errors.js';
import type { Rng } from '../util/rng.js';
import type { CategoricalDimension } from '../space/dimensions.js';
import type { Space } from '../space/space.js';
import type { FlatParams, ParamValue, TrialRecord } from '../trial/trial.js';
import { sampleIndependent, type Sampler, type SamplerContext } from './sampler.js';
import { encodeRecord, planGroups, type GroupPlan } from './tpe/groups.js';
import { ParzenEstimator, type GroupObservations } from './tpe/parzen.js';

/** Options of {@link TpeSampler}. */
export interface TpeSamplerOptions {
  /** Finished (COMPLETE or PRUNED) trials sampled at random before the model is used. Default 10. */
  readonly nStartupTrials?: number;
  /** Candidates drawn from l(x) per group; the one maximising l(x)/g(x) wins. Default 24. */
  readonly nEiCandidates?: number;
  /** Size of the "good" set given n finished observations. Default min(ceil(0.1 n), 25). */
  readonly gamma?: (n: number) => number;
  /** Weight of the uniform prior component in each estimator. Default 1. */
  readonly priorWeight?: number;
  /** Smallest kernel width in unit-cube units. Default 0.01. */
  readonly minBandwidth?: number;
  /** Cap on observations in g(x); beyond it g uses an evenly strided subset. Default 200 (measured: no loss of quality against 1000 at 500 trials). */
  readonly maxAboveObservations?: number;
  /** Treat RUNNING/WAITING trials as bad results so parallel workers spread out. Default true. */
  readonly constantLiar?: boolean;
  /**
   * In g(x), the most recent this-many observations weigh 1 and older ones linearly less (null:
   * all equal). Default 25. Measured on held-out seeds: it stops runs from locking onto one
   * branch of a conditional choice (the `mixed` benchmark), at a small cost on smooth functions.
   */
  readonly linearForgetting?: number | null;
}

/** Default split: the best 10% (at most 25) are "good". */
export const defaultGamma = (n: number): number => Math.min(Math.ceil(0.1 * n), 25);

/** Parsed per-call view of the history: one entry per usable trial. */
interface History {
  readonly enc: Float64Array[];
  /** 0 = COMPLETE, 1 = PRUNED, 2 = in flight (constant liar). */
  readonly tier: Int8Array;
  /** Last reported step of PRUNED trials (a later step ranks higher). */
  readonly step: Float64Array;
  /** Objective value, negated for maximisation so lower is always better. */
  readonly value: Float64Array;
}

/**
 * Tree-structured Parzen estimator (Bergstra et al. 2011), with component choices from Watanabe
 * (2023): a multivariate (joint) kernel density per group, Scott's-rule bandwidths with a floor, a
 * uniform prior component, and candidates drawn from l(x) and ranked by log l(x) - log g(x).
 *
 * Conditional spaces are decomposed into groups of parameters that are always active together
 * (the root's unconditional parameters; each branch's parameters), as Optuna's `group=True` does.
 * Groups are sampled parents first: a branch's group is modelled only from trials that chose that
 * branch, with the good/bad split made among those trials, so a configuration can never mix
 * branches and evidence about one family never blurs another's.
 *
 * History use: COMPLETE trials rank by value; PRUNED ones rank below every COMPLETE one, by last
 * step reached (later is better) then value; FAIL trials are ignored; RUNNING and WAITING trials
 * with parameters join g(x) as provisional bad results (constant liar), so two workers asking at
 * once are steered apart. In g(x) older observations weigh linearly less beyond the latest 25
 * (linear forgetting), and g uses at most `maxAboveObservations` of them (an even stride).
 * The result depends only on the context (seed, trial number, history).
 */
export class TpeSampler implements Sampler {
  readonly name = 'tpe';
  readonly usesHistory = true;
  private readonly nStartup: number;
  private readonly nEi: number;
  private readonly gamma: (n: number) => number;
  private readonly priorWeight: number;
  private readonly minBandwidth: number;
  private readonly maxAbove: number;
  private readonly liar: boolean;
  private readonly forget: number | null;

  constructor(options: TpeSamplerOptions = {}) {
    this.nStartup = intOption(options.nStartupTrials, 'nStartupTrials', 10, 0);
    this.nEi = intOption(options.nEiCandidates, 'nEiCandidates', 24, 1);
    this.maxAbove = intOption(options.maxAboveObservations, 'maxAboveObservations', 200, 1);
    this.priorWeight = numOption(options.priorWeight, 'priorWeight', 1, 1e-12);
    this.minBandwidth = numOption(options.minBandwidth, 'minBandwidth', 0.01, 1e-9);
    if (options.gamma !== undefined && typeof options.gamma !== 'function') {
      throw new AutomlError('E_CONFIG', `tpe sampler: gamma must be a function n -> size of the good set, got ${show(options.gamma)}`, { param: 'gamma', value: options.gamma });
    }
    this.gamma = options.gamma ?? defaultGamma;
    this.liar = options.constantLiar ?? true;
    this.forget = options.linearForgetting === null ? null : intOption(options.linearForgetting, 'linearForgetting', 25, 1);
  }

  sample(ctx: SamplerContext): FlatParams {
    let finished = 0;
    for (const t of ctx.history) if (t.state === 'COMPLETE' || t.state === 'PRUNED') finished++;
    if (finished < this.nStartup) return sampleIndependent(ctx.space, ctx.rng);
    const hist = this.parseHistory(ctx.space, ctx.history, ctx.direction === 'maximize' ? -1 : 1);
    const out: Record<string, ParamValue> = {};
    this.sampleGroup(ctx.space, planGroups(ctx.space), hist, ctx.rng, out);
    return out;
  }

  capacity(): number {
    return Infinity;
  }

  private parseHistory(space: Space, history: readonly TrialRecord[], sign: number): History {
    const m = history.length;
    const enc: Float64Array[] = [];
    const tier = new Int8Array(m);
    const step = new Float64Array(m);
    const value = new Float64Array(m);
    for (const t of history) {
      let tr: number;
      let v = 0;
      let s = 0;
      if (t.state === 'COMPLETE') {
        if (t.value === null || !Number.isFinite(t.value)) continue;
        tr = 0;
        v = t.value;
      } else if (t.state === 'PRUNED') {
        const last = t.intermediate.length > 0 ? t.intermediate[t.intermediate.length - 1]! : null;
        const pv = t.value ?? last?.value ?? null;
        if (pv === null || !Number.isFinite(pv)) continue;
        tr = 1;
        v = pv;
        s = last?.step ?? 0;
      } else if ((t.state === 'RUNNING' || t.state === 'WAITING') && this.liar) {
        tr = 2;
      } else continue;
      const i = enc.length;
      enc.push(encodeRecord(space, t));
      tier[i] = tr;
      step[i] = s;
      value[i] = sign * v;
    }
    return { enc, tier: tier.subarray(0, enc.length), step: step.subarray(0, enc.length), value: value.subarray(0, enc.length) };
  }

  private sampleGroup(space: Space, g: GroupPlan, h: History, rng: Rng, out: Record<string, ParamValue>): void {
    const cols = Int32Array.from([...g.num, ...g.cat]);
    const cond = g.condition;
    const done: number[] = [];
    const liars: number[] = [];
    for (let i = 0; i < h.enc.length; i++) {
      const e = h.enc[i]!;
      if (cond && e[cond.selector] !== cond.branch) continue;
      let ok = true;
      for (let c = 0; c < cols.length; c++) if (e[cols[c]!] !== e[cols[c]!]) ok = false;
      if (!ok) continue;
      if (h.tier[i]! < 2) done.push(i);
      else liars.push(i);
    }
    const num = new Float64Array(this.nEi * g.num.length);
    const cat = new Int32Array(this.nEi * g.cat.length);
    let pick = 0;
    if (done.length === 0) {
      // Nothing finished in this branch yet: explore it uniformly.
      for (let d = 0; d < g.num.length; d++) num[d] = rng.next();
      for (let j = 0; j < g.cat.length; j++) cat[j] = Math.min(g.catSizes[j]! - 1, Math.floor(rng.next() * g.catSizes[j]!));
    } else {
      const nBelow = Math.max(1, Math.min(done.length, Math.round(this.gamma(done.length))));
      const below = topK(done, nBelow, h);
      const inBelow = new Uint8Array(h.enc.length);
      for (const i of below) inBelow[i] = 1;
      const rest: number[] = [];
      for (const i of done) if (inBelow[i] === 0) rest.push(i);
      const above = stride(rest, Math.max(1, this.maxAbove - liars.length));
      for (const i of liars) above.push(i);
      const settings = { priorWeight: this.priorWeight, minBandwidth: this.minBandwidth };
      const l = new ParzenEstimator(gather(h, below, g), g.num.length, g.catSizes, settings);
      const aboveObs = gather(h, above, g);
      const gx = new ParzenEstimator(this.forget === null ? aboveObs : { ...aboveObs, weights: ramp(above.length, this.forget) }, g.num.length, g.catSizes, settings);
      l.sample(rng, this.nEi, num, cat);
      const ll = new Float64Array(this.nEi);
      const lg = new Float64Array(this.nEi);
      l.logPdf(this.nEi, num, cat, ll);
      gx.logPdf(this.nEi, num, cat, lg);
      let best = -Infinity;
      for (let r = 0; r < this.nEi; r++) {
        const s = ll[r]! - lg[r]!;
        if (s > best) {
          best = s;
          pick = r;
        }
      }
    }
    g.num.forEach((pi, d) => {
      out[space.params[pi]!.name] = space.params[pi]!.dimension.decode(num[pick * g.num.length + d]!);
    });
    g.cat.forEach((pi, j) => {
      const q = cat[pick * g.cat.length + j]!;
      const p = space.params[pi]!;
      out[p.name] = (p.dimension as CategoricalDimension).choices[q]!;
      const child = g.children.get(`${pi}:${q}`);
      if (child) this.sampleGroup(space, child, h, rng, out);
    });
  }
}

/** The `k` best of `idx` (ascending rank), found by insertion into a short sorted list. */
function topK(idx: readonly number[], k: number, h: History): number[] {
  const worse = (a: number, b: number): boolean => {
    if (h.tier[a] !== h.tier[b]) return h.tier[a]! > h.tier[b]!;
    if (h.tier[a] === 1 && h.step[a] !== h.step[b]) return h.step[a]! < h.step[b]!;
    if (h.value[a] !== h.value[b]) return h.value[a]! > h.value[b]!;
    return a > b;
  };
  const top: number[] = [];
  for (const i of idx) {
    if (top.length === k && !worse(top[k - 1]!, i)) continue;
    let p = top.length === k ? k - 1 : top.length;
    while (p > 0 && worse(top[p - 1]!, i)) {
      top[p] = top[p - 1]!;
      p--;
    }
    top[p] = i;
  }
  return top;
}

/**
 * Observation weights for g(x), oldest first: the most recent `keep` weigh 1, older ones ramp
 * linearly down to 1/n (hyperopt's "linear forgetting"). g then tracks where the search is now,
 * so a region or category that keeps being proposed without winning loses its appeal.
 */
function ramp(n: number, keep: number): Float64Array {
  const w = new Float64Array(n).fill(1);
  const old = n - keep;
  for (let i = 0; i < old; i++) w[i] = 1 / n + ((1 - 1 / n) * i) / Math.max(1, old - 1);
  return w;
}

/** At most `cap` items of `xs`, evenly spread over it (oldest to newest). */
function stride(xs: number[], cap: number): number[] {
  if (xs.length <= cap) return xs.slice();
  const out: number[] = new Array(cap);
  for (let i = 0; i < cap; i++) out[i] = xs[Math.floor((i * xs.length) / cap)]!;
  return out;
}

function gather(h: History, idx: readonly number[], g: GroupPlan): GroupObservations {
  const nNum = g.num.length;
  const nCat = g.cat.length;
  const num = new Float64Array(idx.length * nNum);
  const cat = new Int32Array(idx.length * nCat);
  idx.forEach((i, r) => {
    const e = h.enc[i]!;
    for (let d = 0; d < nNum; d++) num[r * nNum + d] = e[g.num[d]!]!;
    for (let j = 0; j < nCat; j++) cat[r * nCat + j] = e[g.cat[j]!]!;
  });
  return { n: idx.length, num, cat };
}

function intOption(v: unknown, name: string, dflt: number, min: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) {
    throw new AutomlError('E_CONFIG', `tpe sampler: ${name} must be an integer >= ${min}, got ${show(v)}`, { param: name, value: v });
  }
  return v;
}

function numOption(v: unknown, name: string, dflt: number, min: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min) {
    throw new AutomlError('E_CONFIG', `tpe sampler: ${name} must be a finite number >= ${min}, got ${show(v)}`, { param: name, value: v });
  }
  return v;
}
