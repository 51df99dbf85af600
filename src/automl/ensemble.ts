/**
 * The final model as a weighted average of the best pipelines, chosen by greedy ensemble
 * selection with replacement over their out-of-fold predictions (Caruana et al., "Ensemble
 * selection from libraries of models", ICML 2004; the method auto-sklearn uses).
 *
 * Why: a search that runs thousands of trials on a few hundred rows picks its winner as the
 * maximum of many noisy CV means, so the winner's CV score is optimistic and its test score is
 * often beaten by a runner-up. Averaging several good pipelines cancels part of that noise. The
 * out-of-fold predictions come from the trials' own CV (handed back as artifacts, never stored), so
 * choosing the ensemble costs no extra fits; only its members are refit at the end.
 */
import { OOF_ARTIFACT } from './worker/data.js';
import type { Metric } from '../evaluation/metrics.js';
import { matrix } from '../models/estimator.js';
import { argmaxRows } from '../models/common.js';

/** Trials whose out-of-fold predictions would exceed this many numbers (rows x classes) hand none back. */
export const MAX_OOF_VALUES = 2_000_000;
/** Candidates kept for the ensemble: the best this many complete trials. */
export const DEFAULT_ENSEMBLE_CANDIDATES = 20;
/** Rounds of greedy selection (with replacement), i.e. the largest total weight in units. */
export const DEFAULT_ENSEMBLE_ROUNDS = 25;

/** One trial's out-of-fold predictions: rows x width, row i = searched row i. */
export interface OofCandidate {
  readonly trial: number;
  /** The trial's CV value (mean over folds), which ranks candidates. */
  readonly value: number;
  /** Class probabilities (width = classes) or predicted values (width 1). */
  readonly data: Float64Array;
}

/**
 * Keeps the out-of-fold predictions of the best `capacity` complete trials seen so far, so memory
 * stays at capacity x rows x classes numbers however long the search runs.
 */
export class OofPool {
  readonly #byTrial = new Map<number, OofCandidate>();

  constructor(
    readonly capacity: number,
    readonly direction: 'minimize' | 'maximize',
  ) {}

  /** Offers a trial's predictions; kept when among the best `capacity`. */
  offer(c: OofCandidate): void {
    if (!Number.isFinite(c.value) || this.capacity <= 0) return;
    this.#byTrial.set(c.trial, c);
    if (this.#byTrial.size > this.capacity) {
      const worst = this.sorted().at(-1)!;
      this.#byTrial.delete(worst.trial);
    }
  }

  has(trial: number): boolean {
    return this.#byTrial.has(trial);
  }

  get size(): number {
    return this.#byTrial.size;
  }

  /** Candidates best first (ties: lower trial number first, so the order is deterministic). */
  sorted(): OofCandidate[] {
    const sign = this.direction === 'maximize' ? -1 : 1;
    return [...this.#byTrial.values()].sort((a, b) => sign * (a.value - b.value) || a.trial - b.trial);
  }
}

/** The chosen ensemble. */
export interface EnsembleChoice {
  /** Members with their weights (summing to 1), heaviest first. */
  readonly members: readonly { readonly trial: number; readonly weight: number }[];
  /** Metric of the weighted average of the members' out-of-fold predictions. */
  readonly score: number;
  /** The same metric for the best single candidate's out-of-fold predictions. */
  readonly singleScore: number;
  /** Trial number of that best single candidate. */
  readonly singleTrial: number;
}

/** Options of {@link selectEnsemble}. */
export interface EnsembleOptions {
  /** Greedy rounds (each adds one unit of weight to one candidate). Default {@link DEFAULT_ENSEMBLE_ROUNDS}. */
  readonly rounds?: number;
}

/**
 * Greedy ensemble selection with replacement: start from the candidate whose out-of-fold
 * predictions score best, then repeatedly add (again, possibly) the candidate that most improves
 * the score of the running average; keep the best ensemble seen. For classification with a
 * label metric (accuracy, F1...), many additions tie on the metric, so ties are broken by the
 * log loss of the averaged probabilities, which moves toward better calibrated averages instead of
 * stopping at the first plateau. Deterministic: ties between candidates go to the earlier one.
 *
 * @param candidates best first (as {@link OofPool.sorted} gives them); at least one
 * @param yTrue the searched rows' targets (class indices or values)
 * @param nClasses classes (0 for regression)
 */
export function selectEnsemble(candidates: readonly OofCandidate[], yTrue: Float64Array, nClasses: number, metric: Metric, opts: EnsembleOptions = {}): EnsembleChoice {
  if (candidates.length === 0) throw new Error('selectEnsemble: no candidates');
  const rounds = opts.rounds ?? DEFAULT_ENSEMBLE_ROUNDS;
  const n = yTrue.length;
  const width = nClasses > 0 ? nClasses : 1;
  const sign = metric.direction === 'maximize' ? 1 : -1;
  const tieBreak = nClasses > 0 && !metric.needsProba;
  const evaluate = (avg: Float64Array): { score: number; tie: number } => {
    const score = sign * scoreAverage(avg, yTrue, nClasses, metric);
    return { score, tie: tieBreak ? -logLoss(avg, yTrue, nClasses) : 0 };
  };
  const better = (a: { score: number; tie: number }, b: { score: number; tie: number }): boolean =>
    a.score > b.score + 1e-12 || (Math.abs(a.score - b.score) <= 1e-12 && a.tie > b.tie + 1e-12);

  // Start: the best single candidate on pooled out-of-fold predictions.
  let first = 0;
  let firstEval = evaluate(candidates[0]!.data);
  for (let c = 1; c < candidates.length; c++) {
    const e = evaluate(candidates[c]!.data);
    if (better(e, firstEval)) {
      first = c;
      firstEval = e;
    }
  }
  const counts = new Int32Array(candidates.length);
  counts[first] = 1;
  const sum = Float64Array.from(candidates[first]!.data);
  let bestEval = firstEval;
  let bestCounts = Int32Array.from(counts);
  const trialAvg = new Float64Array(n * width);
  for (let r = 2; r <= rounds; r++) {
    let pick = -1;
    let pickEval: { score: number; tie: number } | null = null;
    for (let c = 0; c < candidates.length; c++) {
      const d = candidates[c]!.data;
      for (let i = 0; i < sum.length; i++) trialAvg[i] = (sum[i]! + d[i]!) / r;
      const e = evaluate(trialAvg);
      if (pickEval === null || better(e, pickEval)) {
        pick = c;
        pickEval = e;
      }
    }
    counts[pick]!++;
    const d = candidates[pick]!.data;
    for (let i = 0; i < sum.length; i++) sum[i]! += d[i]!;
    if (better(pickEval!, bestEval)) {
      bestEval = pickEval!;
      bestCounts = Int32Array.from(counts);
    }
  }
  let total = 0;
  for (const k of bestCounts) total += k;
  const members = [...bestCounts]
    .map((k, c) => ({ trial: candidates[c]!.trial, weight: k / total, c }))
    .filter((m) => m.weight > 0)
    .sort((a, b) => b.weight - a.weight || a.c - b.c)
    .map(({ trial, weight }) => ({ trial, weight }));
  return { members, score: sign * bestEval.score, singleScore: sign * firstEval.score, singleTrial: candidates[first]!.trial };
}

/** The metric of averaged out-of-fold predictions (probabilities, or values for regression). */
export function scoreAverage(avg: Float64Array, yTrue: Float64Array, nClasses: number, metric: Metric): number {
  const n = yTrue.length;
  if (nClasses === 0) return metric.score(yTrue, avg);
  const proba = matrix(n, nClasses, avg);
  return metric.score(yTrue, argmaxRows(proba), proba, nClasses);
}

function logLoss(p: Float64Array, y: Float64Array, k: number): number {
  let s = 0;
  for (let i = 0; i < y.length; i++) s -= Math.log(Math.max(p[i * k + y[i]!]!, 1e-15));
  return s / y.length;
}

export { OOF_ARTIFACT };
