/**
 * ROC and precision-recall curves of class probabilities, one-vs-rest, thinned to a few hundred
 * points for drawing; their areas are computed on every threshold.
 */
import type { Matrix } from '../../models/estimator.js';
import type { Rng } from '../../util/rng.js';

/** One curve: its class, its area (ROC AUC, or average precision), and [x, y] points. */
export interface Curve {
  readonly label: string;
  readonly area: number;
  readonly points: [number, number][];
}

const MAX_POINTS = 300;

/**
 * One-vs-rest ROC and precision-recall curves of `proba` (rows x classes) against class indices
 * `y`: for two classes only the second (positive) class, as scikit-learn plots a binary problem.
 * A class absent from `y` (or present in every row) has no curve.
 */
export function curves(y: Float64Array, proba: Matrix, classes: readonly string[]): { roc: Curve[]; pr: Curve[] } {
  const k = proba.cols;
  const roc: Curve[] = [];
  const pr: Curve[] = [];
  for (const c of k === 2 ? [1] : Array.from({ length: k }, (_, i) => i)) {
    const score = Float64Array.from({ length: proba.rows }, (_, i) => proba.data[i * k + c]!);
    const r = oneVsRest(y, score, c);
    if (!r) continue;
    roc.push({ label: classes[c]!, ...r.roc });
    pr.push({ label: classes[c]!, ...r.pr });
  }
  return { roc, pr };
}

/** Sweeps thresholds from the highest score down, one step per distinct score. */
function oneVsRest(y: Float64Array, score: Float64Array, positive: number): { roc: Omit<Curve, 'label'>; pr: Omit<Curve, 'label'> } | null {
  const n = y.length;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => score[b]! - score[a]!);
  let P = 0;
  for (let i = 0; i < n; i++) if (y[i] === positive) P++;
  const N = n - P;
  if (P === 0 || N === 0) return null;
  const rocPts: [number, number][] = [[0, 0]];
  const prPts: [number, number][] = [[0, 1]];
  let tp = 0;
  let fp = 0;
  let auc = 0;
  let ap = 0;
  let prevFpr = 0;
  let prevTpr = 0;
  let prevRecall = 0;
  for (let i = 0; i < n; ) {
    let j = i;
    // Tied scores move together: one threshold.
    while (j < n && score[order[j]!] === score[order[i]!]) {
      if (y[order[j]!] === positive) tp++;
      else fp++;
      j++;
    }
    const fpr = fp / N;
    const tpr = tp / P;
    auc += ((fpr - prevFpr) * (tpr + prevTpr)) / 2;
    const precision = tp / (tp + fp);
    ap += (tpr - prevRecall) * precision;
    rocPts.push([fpr, tpr]);
    prPts.push([tpr, precision]);
    prevFpr = fpr;
    prevTpr = tpr;
    prevRecall = tpr;
    i = j;
  }
  return { roc: { area: auc, points: thin(rocPts) }, pr: { area: ap, points: thin(prPts) } };
}

/** Keeps at most MAX_POINTS points, always the first and the last. */
function thin(points: [number, number][]): [number, number][] {
  if (points.length <= MAX_POINTS) return points.map(round);
  const out: [number, number][] = [];
  const step = (points.length - 1) / (MAX_POINTS - 1);
  for (let i = 0; i < MAX_POINTS; i++) out.push(round(points[Math.round(i * step)]!));
  return out;
}

function round(p: [number, number]): [number, number] {
  return [Number(p[0].toPrecision(5)), Number(p[1].toPrecision(5))];
}

/** Up to `max` distinct indices of 0..n-1, in increasing order: all of them when n <= max, else a seeded sample. */
export function sample(n: number, max: number, rng: Rng): number[] {
  const all = Array.from({ length: n }, (_, i) => i);
  if (n <= max) return all;
  return rng.shuffle(all).slice(0, max).sort((a, b) => a - b);
}
