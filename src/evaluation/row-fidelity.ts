/**
 * Row-subsampling multi-fidelity: on large data a trial first trains on a small subsample of its
 * training rows, and only a configuration that ranks well there (see pruners/rung.ts) trains on
 * three times as many, and so on up to every training row. Every rung scores on the same
 * validation rows, so a trial's rung values are comparable with other trials' at the same rung.
 * In the spirit of FLAML's growing sample sizes and Hyperband with data size as the resource.
 *
 * Deterministic: a trial's rows are a function of its objective seed (the study seed and the
 * trial number; a retry keeps its original's) and the rung, never of scheduling. The subsamples
 * are nested: rung r's rows are the first n_r of one seeded order of the training rows.
 */
import type { TargetInfo } from '../data/types.js';
import { createRng, deriveSeed } from '../util/rng.js';

/** Training rows of the first rung (at least; see {@link rungSizes}). */
export const RUNG_FIRST_ROWS = 2000;
/** Each rung trains on this many times the previous rung's rows, and keeps the best 1/RUNG_GROWTH. */
export const RUNG_GROWTH = 3;
/** At most this many rungs below the full training set (the first rung grows with the data). */
export const RUNG_MAX_BELOW = 3;

/**
 * The training-row counts of the rungs for `nTrain` training rows, ascending, the last always
 * `nTrain`: the first is RUNG_FIRST_ROWS, or nTrain / 27 when larger, each next one three times
 * the previous while it is at most half of nTrain. `[nTrain]` (one rung) below 2 x RUNG_FIRST_ROWS.
 */
export function rungSizes(nTrain: number): number[] {
  const out: number[] = [];
  let size = Math.max(RUNG_FIRST_ROWS, Math.ceil(nTrain / RUNG_GROWTH ** RUNG_MAX_BELOW));
  while (size * 2 <= nTrain) {
    out.push(size);
    size *= RUNG_GROWTH;
  }
  out.push(nTrain);
  return out;
}

/**
 * The order in which a trial's rungs take its training rows (`train`, positions into the
 * dataset), seeded by `seed`: time-ordered data takes the latest rows first (the most relevant to
 * the validation rows after them); classification interleaves the classes so that every prefix
 * keeps the class shares and holds every class from its first rows; regression is a shuffle.
 */
export function rungOrder(train: Int32Array, target: TargetInfo, seed: number, timeOrdered = false): Int32Array {
  const n = train.length;
  if (timeOrdered) return Int32Array.from({ length: n }, (_, i) => train[n - 1 - i]!);
  const rng = createRng(deriveSeed(seed, 'row-rungs'));
  // Typed arrays throughout: this runs once per trial on up to a million rows, in every worker
  // thread (an array of row objects took ~50 MB of each thread's heap per trial).
  const shuffle = (a: Int32Array): Int32Array => (rng.shuffle(a as unknown as number[]), a);
  if (target.task !== 'classification') return shuffle(Int32Array.from(train));
  const classes: number[] = [];
  const counts = new Map<number, number>();
  for (let i = 0; i < n; i++) {
    const c = target.values[train[i]!]!;
    const k = counts.get(c);
    if (k === undefined) {
      counts.set(c, 1);
      classes.push(c);
    } else counts.set(c, k + 1);
  }
  classes.sort((a, b) => a - b);
  const slot = new Map(classes.map((c, k) => [c, k]));
  const lists = classes.map((c) => new Int32Array(counts.get(c)!));
  const fill = new Int32Array(classes.length);
  for (let i = 0; i < n; i++) {
    const k = slot.get(target.values[train[i]!]!)!;
    lists[k]![fill[k]!++] = train[i]!;
  }
  for (const list of lists) shuffle(list);
  // A row's place is its rank within its shuffled class over the class size, ties by class: every
  // prefix keeps the class shares. Each class's keys increase, so this merges the class lists.
  const out = new Int32Array(n);
  const next = new Int32Array(classes.length);
  for (let o = 0; o < n; o++) {
    let best = -1;
    let bestKey = Infinity;
    for (let k = 0; k < lists.length; k++) {
      const list = lists[k]!;
      if (next[k]! >= list.length) continue;
      const key = next[k]! / list.length;
      if (key < bestKey) {
        bestKey = key;
        best = k;
      }
    }
    out[o] = lists[best]![next[best]!++]!;
  }
  return out;
}

/** The first `size` rows of `order`, ascending (models read rows in memory order). */
export function rungRows(order: Int32Array, size: number): Int32Array {
  return order.slice(0, size).sort();
}
