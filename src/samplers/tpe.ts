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

/** One usable trial in the sampler's encoding. */
interface Obs {
  readonly number: number;
  readonly record: TrialRecord;
  readonly enc: Float64Array;
  /** 0 = COMPLETE, 1 = PRUNED, 2 = in flight (constant liar). */
  readonly tier: 0 | 1 | 2;
  /** Last reported step of PRUNED trials (a later step ranks higher). */
  readonly step: number;
  /** Objective value, negated for maximisation so lower is always better. */
  readonly value: number;
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
  /** Memo of finished trials per (space, direction sign); see {@link FinishedIndex}. */
  private readonly indexes = new WeakMap<Space, Map<1 | -1, FinishedIndex>>();

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
    const index = this.indexFor(ctx.space, ctx.direction === 'maximize' ? -1 : 1);
    const liars = index.update(ctx.history, this.liar);
    if (index.finishedCount < this.nStartup) return sampleIndependent(ctx.space, ctx.rng);
    const out: Record<string, ParamValue> = {};
    this.sampleGroup(ctx.space, planGroups(ctx.space), index, liars, ctx.rng, out);
    return out;
  }

  capacity(): number {
    return Infinity;
  }

  /**
   * The memo of finished trials for a space and direction. It only saves work: every ask checks
   * it against the history it is given (record identity) and rebuilds it on any difference, so a
   * result never depends on what was asked before (see the `Sampler` contract).
   */
  private indexFor(space: Space, sign: 1 | -1): FinishedIndex {
    let bySign = this.indexes.get(space);
    if (!bySign) this.indexes.set(space, (bySign = new Map()));
    let index = bySign.get(sign);
    if (!index) bySign.set(sign, (index = new FinishedIndex(space, sign)));
    return index;
  }

  private sampleGroup(space: Space, g: GroupPlan, index: FinishedIndex, allLiars: readonly Obs[], rng: Rng, out: Record<string, ParamValue>): void {
    const done = index.members(g);
    const liars = allLiars.filter((o) => inGroup(g, o.enc));
    const num = new Float64Array(this.nEi * g.num.length);
    const cat = new Int32Array(this.nEi * g.cat.length);
    let pick = 0;
    if (done.length === 0) {
      // Nothing finished in this branch yet: explore it uniformly.
      for (let d = 0; d < g.num.length; d++) num[d] = rng.next();
      for (let j = 0; j < g.cat.length; j++) cat[j] = Math.min(g.catSizes[j]! - 1, Math.floor(rng.next() * g.catSizes[j]!));
    } else {
      const nBelow = Math.max(1, Math.min(done.length, Math.round(this.gamma(done.length))));
      const below = topK(done, nBelow);
      const inBelow = new Set<Obs>(below);
      const rest: Obs[] = [];
      for (const o of done) if (!inBelow.has(o)) rest.push(o);
      const above = stride(rest, Math.max(1, this.maxAbove - liars.length));
      for (const o of liars) above.push(o);
      const settings = { priorWeight: this.priorWeight, minBandwidth: this.minBandwidth };
      const l = new ParzenEstimator(gather(below, g), g.num.length, g.catSizes, settings);
      const aboveObs = gather(above, g);
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
      if (child) this.sampleGroup(space, child, index, allLiars, rng, out);
    });
  }
}

/** True when an encoded trial belongs to group `g`: it took the group's branch and has every one of its parameters. */
function inGroup(g: GroupPlan, e: Float64Array): boolean {
  const cond = g.condition;
  if (cond && e[cond.selector] !== cond.branch) return false;
  for (const c of g.num) if (e[c] !== e[c]) return false;
  for (const c of g.cat) if (e[c] !== e[c]) return false;
  return true;
}

/**
 * The usable finished trials (COMPLETE with a finite value, PRUNED with one) of a study in
 * trial-number order, each group's members among them, and how many trials finished, kept up to
 * date across asks: a study's finished records never change, so each ask only adds the trials that
 * finished since the last one instead of re-reading thousands (on a 2,000-trial tabular study the
 * re-reading was most of an ask's 1.8 ms). Any record it holds that is missing from the history or
 * is another object than the history's is a sign of another history (a refreshed or different
 * study): it then starts over, so the result is always that of a fresh read.
 */
class FinishedIndex {
  private byNumber = new Map<number, Obs>();
  private sorted: Obs[] = [];
  private groups = new Map<GroupPlan, Obs[]>();
  /** COMPLETE and PRUNED trials in the last history, usable or not (the start-up count). */
  finishedCount = 0;

  constructor(
    private readonly space: Space,
    private readonly sign: 1 | -1,
  ) {}

  /** Brings the index up to `history`; returns the in-flight trials to treat as bad results. */
  update(history: readonly TrialRecord[], liar: boolean): Obs[] {
    const liars: Obs[] = [];
    const added: Obs[] = [];
    let matched = 0;
    let finished = 0;
    for (const t of history) {
      const have = this.byNumber.get(t.number);
      if (have !== undefined) {
        if (have.record !== t) return this.restart(history, liar);
        matched++;
        finished++;
        continue;
      }
      if (t.state === 'COMPLETE' || t.state === 'PRUNED') finished++;
      const o = this.observe(t, liar);
      if (o === null) continue;
      if (o.tier === 2) liars.push(o);
      else added.push(o);
    }
    if (matched !== this.byNumber.size) return this.restart(history, liar);
    this.finishedCount = finished;
    for (const o of added) {
      this.byNumber.set(o.number, o);
      insertByNumber(this.sorted, o);
      for (const [g, list] of this.groups) if (inGroup(g, o.enc)) insertByNumber(list, o);
    }
    return liars;
  }

  /** The group's usable finished trials, in trial-number order. */
  members(g: GroupPlan): readonly Obs[] {
    let list = this.groups.get(g);
    if (!list) this.groups.set(g, (list = this.sorted.filter((o) => inGroup(g, o.enc))));
    return list;
  }

  private restart(history: readonly TrialRecord[], liar: boolean): Obs[] {
    this.byNumber = new Map();
    this.sorted = [];
    this.groups = new Map();
    return this.update(history, liar);
  }

  private observe(t: TrialRecord, liar: boolean): Obs | null {
    let tier: 0 | 1 | 2;
    let v = 0;
    let s = 0;
    if (t.state === 'COMPLETE') {
      if (t.value === null || !Number.isFinite(t.value)) return null;
      tier = 0;
      v = t.value;
    } else if (t.state === 'PRUNED') {
      const last = t.intermediate.length > 0 ? t.intermediate[t.intermediate.length - 1]! : null;
      const pv = t.value ?? last?.value ?? null;
      if (pv === null || !Number.isFinite(pv)) return null;
      tier = 1;
      v = pv;
      s = last?.step ?? 0;
    } else if ((t.state === 'RUNNING' || t.state === 'WAITING') && liar) {
      tier = 2;
    } else return null;
    return { number: t.number, record: t, enc: encodeRecord(this.space, t), tier, step: s, value: this.sign * v };
  }
}

/** Inserts `o` into `list` (ascending trial numbers); trials mostly finish in order, so usually an append. */
function insertByNumber(list: Obs[], o: Obs): void {
  let i = list.length;
  while (i > 0 && list[i - 1]!.number > o.number) i--;
  list.splice(i, 0, o);
}

/** The `k` best of `obs` (ascending rank), found by insertion into a short sorted list. */
function topK(obs: readonly Obs[], k: number): Obs[] {
  const worse = (a: Obs, b: Obs): boolean => {
    if (a.tier !== b.tier) return a.tier > b.tier;
    if (a.tier === 1 && a.step !== b.step) return a.step < b.step;
    if (a.value !== b.value) return a.value > b.value;
    return a.number > b.number;
  };
  const top: Obs[] = [];
  for (const o of obs) {
    if (top.length === k && !worse(top[k - 1]!, o)) continue;
    let p = top.length === k ? k - 1 : top.length;
    while (p > 0 && worse(top[p - 1]!, o)) {
      top[p] = top[p - 1]!;
      p--;
    }
    top[p] = o;
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
function stride<T>(xs: T[], cap: number): T[] {
  if (xs.length <= cap) return xs.slice();
  const out: T[] = new Array<T>(cap);
  for (let i = 0; i < cap; i++) out[i] = xs[Math.floor((i * xs.length) / cap)]!;
  return out;
}

function gather(obs: readonly Obs[], g: GroupPlan): GroupObservations {
  const nNum = g.num.length;
  const nCat = g.cat.length;
  const num = new Float64Array(obs.length * nNum);
  const cat = new Int32Array(obs.length * nCat);
  obs.forEach((o, r) => {
    const e = o.enc;
    for (let d = 0; d < nNum; d++) num[r * nNum + d] = e[g.num[d]!]!;
    for (let j = 0; j < nCat; j++) cat[r * nCat + j] = e[g.cat[j]!]!;
  });
  return { n: obs.length, num, cat };
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
