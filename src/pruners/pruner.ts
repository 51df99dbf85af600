import type { Direction, Intermediate, TrialRecord } from '../trial/trial.js';

/** What a pruner sees when a trial reports an intermediate value (e.g. one CV fold's score). */
export interface PruneContext {
  readonly direction: Direction;
  /** The step just reported. */
  readonly step: number;
  /** This trial's intermediate values so far (any order; one per step). */
  readonly intermediate: readonly Intermediate[];
  /** The other trials of the study, any state. Never mutated. May be built on first read, so
   * pruners that keep an index (see `Pruner.observe`) should not touch it. */
  readonly history: readonly TrialRecord[];
}

/**
 * Decides from partial results whether a trial should stop early. Contract: `shouldPrune` is a
 * deterministic function of its context (no clock, no randomness), so a resumed or multi-process
 * study prunes exactly as a single process would. The one state a pruner may keep is an index of
 * the finished trials it was shown through `observe`, and only to answer faster: its decisions
 * must equal those it would make by scanning `history`.
 */
export interface Pruner {
  /** Stable name: 'median', 'successive_halving', 'none'. */
  readonly name: string;
  shouldPrune(ctx: PruneContext): boolean;
  /**
   * Optional. A study calls it once for every finished trial it knows of (its own and other
   * processes', in any order) before asking about trials that could see it. A pruner that
   * implements it answers from what it was shown and need not read `ctx.history`, which the study
   * then only builds if read. So an observed pruner instance serves one study.
   */
  observe?(trial: TrialRecord): void;
}

/**
 * The mean of the values of `xs` with step <= `step`, and how many there were. CV fold scores are
 * exchangeable samples rather than a learning curve, so the running mean is the estimate a trial
 * has "so far" and the fair thing to compare across trials at the same step.
 */
export function meanUpTo(xs: readonly Intermediate[], step: number): { mean: number; count: number } {
  let s = 0;
  let c = 0;
  for (const x of xs) {
    if (x.step <= step && Number.isFinite(x.value)) {
      s += x.value;
      c++;
    }
  }
  return { mean: c > 0 ? s / c : NaN, count: c };
}

/** The mean of the first `k` values of `xs` in step order, or NaN if it has fewer than `k`. */
export function meanOfFirst(xs: readonly Intermediate[], k: number): number {
  const finite = xs.filter((x) => Number.isFinite(x.value));
  if (finite.length < k || k <= 0) return NaN;
  const sorted = [...finite].sort((a, b) => a.step - b.step);
  let s = 0;
  for (let i = 0; i < k; i++) s += sorted[i]!.value;
  return s / k;
}

/** True when `a` is strictly worse than `b` for `direction`. */
export function isWorse(a: number, b: number, direction: Direction): boolean {
  return direction === 'minimize' ? a > b : a < b;
}
