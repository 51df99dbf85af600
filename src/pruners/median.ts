import { AutomlError, show } from '../util/errors.js';
import type { Intermediate, TrialRecord } from '../trial/trial.js';
import { isWorse, meanUpTo, type PruneContext, type Pruner } from './pruner.js';

/** Options of {@link MedianPruner}. */
export interface MedianPrunerOptions {
  /** No pruning until this many reference trials (see `reference`) have reported the step in question. Default 5. */
  readonly nStartupTrials?: number;
  /**
   * A trial is never pruned before it has reported more than this many values. Default 0: with
   * CV folds as steps, a fold fit is the whole cost of a trial, so the first fold is the one
   * worth judging (later folds only narrow the running mean).
   */
  readonly nWarmupSteps?: number;
  /**
   * Which finished trials set the median at a step: 'finished' (default) COMPLETE and PRUNED
   * ones that reached the step, so about half of the trials reaching a step go on; 'complete'
   * only COMPLETE ones, a stricter bar (they are the survivors) that ratchets up as the search
   * improves and, on small noisy folds, prunes good configurations with one unlucky fold.
   */
  readonly reference?: 'complete' | 'finished';
  /**
   * What to do with a trial whose running mean equals the median. 'prune' (default): prune it
   * unless it also equals the best reference mean at that step. Scores such as accuracy on small
   * folds are multiples of 1/fold size, so many trials tie at the median: a trial that is merely
   * typical so far is unlikely to beat the best, and keeping every tie lets most trials through
   * (on iris, 78% of trials passed the first fold). A tie with the best always goes on. 'keep':
   * only strictly worse trials are pruned. Continuous scores (R^2, log loss) almost never tie,
   * so there the two agree.
   */
  readonly ties?: 'prune' | 'keep';
}

/**
 * Prunes a trial whose running mean at step s (the mean of its values at steps <= s) is worse
 * than the median of the same running mean over the reference trials (finished ones by default)
 * that reported step s. The running mean rather than the latest value is compared because
 * per-fold CV scores are noisy, exchangeable samples: one hard fold should not kill a good
 * configuration.
 *
 * Two ways to use it, with the same decisions: scanning `ctx.history` on every call (O(trials)),
 * or, once a study feeds it finished trials through {@link MedianPruner.observe}, from an index
 * of sorted running means per step (a median is then a lookup; adding a trial is a binary search
 * and an array insert).
 */
export class MedianPruner implements Pruner {
  readonly name = 'median';
  private readonly nStartup: number;
  private readonly nWarmup: number;
  private readonly states: ReadonlySet<string>;
  private readonly pruneTies: boolean;
  /** step -> running means at that step of the reference trials observed, ascending. */
  private readonly byStep = new Map<number, number[]>();
  private readonly seen = new Set<number>();
  private observed = false;

  constructor(options: MedianPrunerOptions = {}) {
    this.nStartup = count(options.nStartupTrials, 'nStartupTrials', 5);
    this.nWarmup = count(options.nWarmupSteps, 'nWarmupSteps', 0);
    const ref = options.reference ?? 'finished';
    if (ref !== 'complete' && ref !== 'finished') {
      throw new AutomlError('E_CONFIG', `median pruner: reference must be 'complete' or 'finished', got ${show(ref)}`, { param: 'reference', value: ref });
    }
    this.states = new Set(ref === 'complete' ? ['COMPLETE'] : ['COMPLETE', 'PRUNED']);
    const ties = options.ties ?? 'prune';
    if (ties !== 'prune' && ties !== 'keep') {
      throw new AutomlError('E_CONFIG', `median pruner: ties must be 'prune' or 'keep', got ${show(ties)}`, { param: 'ties', value: ties });
    }
    this.pruneTies = ties === 'prune';
  }

  /** Adds a finished trial to the index (once per trial number; later calls for it are ignored). */
  observe(trial: TrialRecord): void {
    this.observed = true;
    if (!this.states.has(trial.state) || this.seen.has(trial.number)) return;
    this.seen.add(trial.number);
    for (const [step, mean] of runningMeans(trial.intermediate)) {
      let xs = this.byStep.get(step);
      if (!xs) this.byStep.set(step, (xs = []));
      xs.splice(upperBound(xs, mean), 0, mean);
    }
  }

  shouldPrune(ctx: PruneContext): boolean {
    const own = meanUpTo(ctx.intermediate, ctx.step);
    if (own.count <= this.nWarmup || !Number.isFinite(own.mean)) return false;
    const ref = this.observed ? this.indexedReference(ctx.step) : this.scannedReference(ctx);
    if (ref === null) return false;
    const median = medianOfSorted(ref);
    if (isWorse(own.mean, median, ctx.direction)) return true;
    if (!this.pruneTies || !sameScore(own.mean, median)) return false;
    // A tie with the median: prune unless it also ties the best reference trial at this step.
    const best = ctx.direction === 'minimize' ? ref[0]! : ref[ref.length - 1]!;
    return !sameScore(own.mean, best);
  }

  /** The reference running means at `step`, ascending, or null below the startup count. */
  private indexedReference(step: number): readonly number[] | null {
    const xs = this.byStep.get(step);
    return !xs || xs.length < this.nStartup || xs.length === 0 ? null : xs;
  }

  private scannedReference(ctx: PruneContext): readonly number[] | null {
    const others: number[] = [];
    for (const t of ctx.history) {
      if (!this.states.has(t.state) || !t.intermediate.some((x) => x.step === ctx.step)) continue;
      const m = meanUpTo(t.intermediate, ctx.step);
      if (Number.isFinite(m.mean)) others.push(m.mean);
    }
    if (others.length < this.nStartup || others.length === 0) return null;
    return others.sort((a, b) => a - b);
  }
}

/**
 * Equal up to rounding: running means of the same fold scores summed in another order can differ
 * in the last bits.
 */
function sameScore(a: number, b: number): boolean {
  return Math.abs(a - b) <= 1e-9 * Math.max(1, Math.abs(a), Math.abs(b));
}

/** [step, running mean up to that step] for every step a trial reported a finite value at. */
function runningMeans(xs: readonly Intermediate[]): [number, number][] {
  const finite = xs.filter((x) => Number.isFinite(x.value)).sort((a, b) => a.step - b.step);
  const out: [number, number][] = [];
  let sum = 0;
  for (let i = 0; i < finite.length; i++) {
    sum += finite[i]!.value;
    out.push([finite[i]!.step, sum / (i + 1)]);
  }
  return out;
}

function medianOfSorted(xs: readonly number[]): number {
  const h = xs.length >> 1;
  return xs.length % 2 === 1 ? xs[h]! : (xs[h - 1]! + xs[h]!) / 2;
}

/** The first index whose value is > x (keeps equal values in insertion order; any order gives the same median). */
function upperBound(xs: readonly number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (xs[mid]! <= x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function count(v: unknown, name: string, dflt: number): number {
  if (v === undefined) return dflt;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 0) {
    throw new AutomlError('E_CONFIG', `median pruner: ${name} must be an integer >= 0, got ${show(v)}`, { param: name, value: v });
  }
  return v;
}
