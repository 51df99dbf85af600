/**
 * Cross-validation splitters. Each returns plain `{ train, test }` row-index arrays (ascending
 * within each array, so models read rows in memory order), is deterministic for a given seed, and
 * rejects impossible requests (more folds than rows or groups) with an E_CONFIG error.
 */
import { AutomlError, show } from '../util/errors.js';
import { createRng, deriveSeed } from '../util/rng.js';

/** One train/test split: row indices into the dataset. */
export interface Split {
  readonly train: Int32Array;
  readonly test: Int32Array;
}

function checkFolds(fn: string, n: number, k: number, what = 'rows'): void {
  if (!Number.isInteger(n) || n < 0) throw new AutomlError('E_CONFIG', `${fn}: n = ${show(n)} must be a non-negative integer`, { param: 'n', value: n });
  if (!Number.isInteger(k) || k < 2) {
    throw new AutomlError('E_CONFIG', `${fn}: folds = ${show(k)} must be an integer >= 2`, { param: 'folds', value: k });
  }
  if (k > n) {
    throw new AutomlError('E_CONFIG', `${fn}: cannot make ${k} folds from ${n} ${what}; use at most ${n} folds or more data`, {
      param: 'folds',
      value: k,
    });
  }
}

/** Builds splits from a fold number per row: fold f tests the rows assigned to f. */
function fromAssignment(fold: Int32Array, k: number): Split[] {
  const sizes = new Int32Array(k);
  for (const f of fold) sizes[f]!++;
  const out: Split[] = [];
  for (let f = 0; f < k; f++) {
    const test = new Int32Array(sizes[f]!);
    const train = new Int32Array(fold.length - sizes[f]!);
    let a = 0;
    let b = 0;
    for (let i = 0; i < fold.length; i++) {
      if (fold[i] === f) test[a++] = i;
      else train[b++] = i;
    }
    out.push({ train, test });
  }
  return out;
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/**
 * K-fold: rows (shuffled with `seed` when `shuffle`) are cut into k contiguous folds whose sizes
 * differ by at most one, the first `n % k` folds taking the extra row (as scikit-learn's KFold).
 */
export function kFold(n: number, k: number, seed: number | string, shuffle = true): Split[] {
  checkFolds('kFold', n, k);
  const order = range(n);
  if (shuffle) createRng(deriveSeed(seed, 'kfold')).shuffle(order);
  const fold = new Int32Array(n);
  const base = Math.floor(n / k);
  const extra = n % k;
  let pos = 0;
  for (let f = 0; f < k; f++) {
    const size = base + (f < extra ? 1 : 0);
    for (let j = 0; j < size; j++) fold[order[pos++]!] = f;
  }
  return fromAssignment(fold, k);
}

/**
 * Stratified k-fold for classification: each class's rows are shuffled with `seed`, the classes are
 * laid end to end and dealt round-robin to the folds, so every fold holds each class's count to
 * within one and fold sizes differ by at most one. A class with fewer than k rows is simply absent
 * from some test folds (metrics must cope, see roc_auc).
 */
export function stratifiedKFold(yClassIdx: ArrayLike<number>, k: number, seed: number | string): Split[] {
  const n = yClassIdx.length;
  checkFolds('stratifiedKFold', n, k);
  const byClass = new Map<number, number[]>();
  for (let i = 0; i < n; i++) {
    const c = yClassIdx[i]!;
    if (!Number.isFinite(c)) throw new AutomlError('E_DATA', `stratifiedKFold: label at row ${i} is ${show(c)}; expected a class index`, { row: i, value: c });
    let list = byClass.get(c);
    if (!list) byClass.set(c, (list = []));
    list.push(i);
  }
  const rng = createRng(deriveSeed(seed, 'stratified-kfold'));
  const fold = new Int32Array(n);
  let pos = 0;
  for (const c of [...byClass.keys()].sort((a, b) => a - b)) {
    for (const i of rng.shuffle(byClass.get(c)!)) fold[i] = pos++ % k;
  }
  return fromAssignment(fold, k);
}

/**
 * Group k-fold: rows sharing a group value are never split between train and test. Groups are
 * taken largest first and each goes to the fold with the fewest rows so far (ties: lowest fold),
 * which balances fold sizes; no randomness is involved unless `seed` is given (it then orders
 * the groups of equal size, so each seed gives another balanced split).
 */
export function groupKFold(groups: ArrayLike<number | string>, k: number, seed?: number | string): Split[] {
  const n = groups.length;
  const rowsOf = new Map<number | string, number[]>();
  for (let i = 0; i < n; i++) {
    const g = groups[i]!;
    let list = rowsOf.get(g);
    if (!list) rowsOf.set(g, (list = []));
    list.push(i);
  }
  checkFolds('groupKFold', rowsOf.size, k, 'distinct groups');
  // Sort by size, then by first row so that equal-sized groups are placed in a stable order; with
  // a seed, equal-sized groups come in a seeded random order instead (a reshuffled split).
  const lists = [...rowsOf.values()];
  if (seed !== undefined) createRng(deriveSeed(seed, 'group-kfold')).shuffle(lists);
  const ordered = seed !== undefined ? lists.sort((a, b) => b.length - a.length) : lists.sort((a, b) => b.length - a.length || a[0]! - b[0]!);
  const load = new Array<number>(k).fill(0);
  const fold = new Int32Array(n);
  for (const rows of ordered) {
    let best = 0;
    for (let f = 1; f < k; f++) if (load[f]! < load[best]!) best = f;
    load[best]! += rows.length;
    for (const i of rows) fold[i] = best;
  }
  return fromAssignment(fold, k);
}

/**
 * Time-series split (rows in time order): k folds, each testing the next block of
 * floor(n / (k + 1)) rows and training on every row before it, as scikit-learn's TimeSeriesSplit.
 * The earliest rows are never tested, and each test block comes after its training rows.
 */
export function timeSeriesSplit(n: number, k: number): Split[] {
  checkFolds('timeSeriesSplit', n, k + 1);
  const size = Math.floor(n / (k + 1));
  const out: Split[] = [];
  for (let f = 0; f < k; f++) {
    const start = n - (k - f) * size;
    out.push({
      train: Int32Array.from(range(start)),
      test: Int32Array.from({ length: size }, (_, j) => start + j),
    });
  }
  return out;
}

/**
 * A single shuffled train/test split, for the held-out test rows. `testSize` is a fraction in
 * (0, 1) or a row count in [1, n - 1]. With `stratify` (class indices), each class contributes its
 * share of test rows (largest-remainder rounding so the total is exact).
 */
export function trainTestSplit(n: number, testSize: number, seed: number | string, stratify?: ArrayLike<number>): Split {
  if (!Number.isInteger(n) || n < 2) throw new AutomlError('E_CONFIG', `trainTestSplit: need at least 2 rows, got ${show(n)}`, { param: 'n', value: n });
  const nTest = testSize > 0 && testSize < 1 ? Math.round(n * testSize) : testSize;
  if (!Number.isInteger(nTest) || nTest < 1 || nTest > n - 1) {
    throw new AutomlError(
      'E_CONFIG',
      `trainTestSplit: testSize = ${show(testSize)} gives ${show(nTest)} test rows out of ${n}; use a fraction in (0, 1) or a count in 1..${n - 1}`,
      { param: 'testSize', value: testSize },
    );
  }
  const rng = createRng(deriveSeed(seed, 'train-test-split'));
  const isTest = new Uint8Array(n);
  if (stratify) {
    if (stratify.length !== n) throw new AutomlError('E_CONFIG', `trainTestSplit: stratify has ${stratify.length} labels for ${n} rows`, { param: 'stratify' });
    const byClass = new Map<number, number[]>();
    for (let i = 0; i < n; i++) {
      let list = byClass.get(stratify[i]!);
      if (!list) byClass.set(stratify[i]!, (list = []));
      list.push(i);
    }
    const classes = [...byClass.keys()].sort((a, b) => a - b);
    const exact = classes.map((c) => (byClass.get(c)!.length * nTest) / n);
    const take = exact.map(Math.floor);
    let left = nTest - take.reduce((a, b) => a + b, 0);
    // Largest remainders first; ties go to the larger class, then the lower label.
    const order = classes
      .map((_, j) => j)
      .sort((a, b) => exact[b]! - take[b]! - (exact[a]! - take[a]!) || exact[b]! - exact[a]! || a - b);
    for (const j of order) {
      if (left === 0) break;
      take[j]!++;
      left--;
    }
    classes.forEach((c, j) => {
      for (const i of rng.shuffle(byClass.get(c)!).slice(0, take[j])) isTest[i] = 1;
    });
  } else {
    for (const i of rng.shuffle(range(n)).slice(0, nTest)) isTest[i] = 1;
  }
  const test = new Int32Array(nTest);
  const train = new Int32Array(n - nTest);
  let a = 0;
  let b = 0;
  for (let i = 0; i < n; i++) {
    if (isTest[i]) test[a++] = i;
    else train[b++] = i;
  }
  return { train, test };
}

/**
 * One group-wise holdout split: the distinct groups, in a seeded random order, go to the test side
 * until it holds at least `testShare` (0..1) of the rows; a group is never on both sides. At
 * least one group stays on each side.
 */
export function groupHoldout(groups: ArrayLike<number | string>, testShare: number, seed: number | string): Split {
  const n = groups.length;
  const rowsOf = new Map<number | string, number[]>();
  for (let i = 0; i < n; i++) {
    let list = rowsOf.get(groups[i]!);
    if (!list) rowsOf.set(groups[i]!, (list = []));
    list.push(i);
  }
  if (rowsOf.size < 2) {
    throw new AutomlError('E_CONFIG', `groupHoldout: ${rowsOf.size} distinct group(s); a group-wise split needs at least 2, so give a column with more groups`, { param: 'groups', value: rowsOf.size });
  }
  if (!(testShare > 0 && testShare < 1)) throw new AutomlError('E_CONFIG', `groupHoldout: testShare = ${show(testShare)} must be between 0 and 1`, { param: 'testShare', value: testShare });
  const lists = createRng(deriveSeed(seed, 'group-holdout')).shuffle([...rowsOf.values()]);
  const isTest = new Uint8Array(n);
  let taken = 0;
  for (let g = 0; g < lists.length - 1 && taken < testShare * n; g++) {
    for (const i of lists[g]!) isTest[i] = 1;
    taken += lists[g]!.length;
  }
  return splitOf(isTest);
}

/** The split whose test rows are those flagged in `isTest`, both sides ascending. */
export function splitOf(isTest: Uint8Array): Split {
  let nTest = 0;
  for (const f of isTest) nTest += f;
  const test = new Int32Array(nTest);
  const train = new Int32Array(isTest.length - nTest);
  let a = 0;
  let b = 0;
  for (let i = 0; i < isTest.length; i++) {
    if (isTest[i]) test[a++] = i;
    else train[b++] = i;
  }
  return { train, test };
}
