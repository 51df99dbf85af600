/**
 * Hyperparameter importance by functional ANOVA (fANOVA: Hutter, Hoos and Leyton-Brown, "An
 * Efficient Approach for Assessing Hyperparameter Importance", ICML 2014), computed on our own
 * seeded regression forest fitted over a study's complete trials.
 *
 * Each tree partitions the unit cube of encoded parameters (`Dimension.encode`) into boxes; the
 * variance of the tree's prediction over the cube (uniform measure) splits exactly into the main
 * effect of each parameter plus interactions. A parameter's importance in one tree is the share of
 * that variance its main effect explains; the forest's is the mean over trees (with their spread).
 *
 * Conditional parameters: a parameter counts only on the trials where its branch was chosen. The
 * space is split into contexts, the root (unconditional parameters and branch selectors) and one
 * per branch (`model=random_forest`), each with the trials that chose it. A context's forest uses
 * its own parameters plus those of its ancestors (minus the selectors fixed along the way), so an
 * inactive parameter is never encoded, imputed or integrated over. A branch parameter's fraction of
 * its branch's variance is then scaled by the share of the study's variance that lies within that
 * branch (law of total variance: trials in the branch / all trials x branch variance / total
 * variance), so every importance is a fraction of the same total and they rank together.
 */
import type { ParamValue, TrialRecord } from '../trial/trial.js';
import { Space, spaceFromJSON, type ParamDef, type SpaceJSON } from '../space/index.js';
import { getModel } from '../models/registry.js';
import { matrix } from '../models/estimator.js';
import { treeFromJSON, type Tree } from '../models/fast/tree.js';
import { AutomlError, show } from '../util/errors.js';

/** What importance is computed over: a Study, or a space with its trials. */
export interface ImportanceInput {
  /** The study's search space (a Space or its JSON form). */
  readonly space: Space | SpaceJSON;
  /** The study's trials; only COMPLETE ones with a finite value count. */
  readonly trials: readonly (TrialRecord | undefined)[];
}

/** Options of {@link parameterImportance}. */
export interface ImportanceOptions {
  /** Seed of the forest (bootstrap samples, feature subsets). Default 0. */
  readonly seed?: number;
  /** Trees per forest. Default 32. */
  readonly trees?: number;
  /** A context (the root, or a branch) with fewer complete trials gets no importance. Default 5. */
  readonly minTrials?: number;
  /**
   * At most this many trials per forest, the most recent ones: beyond a few thousand trials the
   * ranking no longer moves, while the fit keeps growing. Default 2500.
   */
  readonly maxTrials?: number;
}

/** The importance of one parameter. */
export interface ParamImportance {
  /** Dotted parameter name (`model.random_forest.n_estimators`). */
  readonly name: string;
  /**
   * Fraction of the variance of the objective over all complete trials explained by this
   * parameter's main effect, where it is active; null when too few trials chose its branch.
   */
  readonly importance: number | null;
  /** `importance` normalised so that the parameters' importances sum to 1 (null likewise). */
  readonly share: number | null;
  /** Fraction of the variance within its own branch (equals `importance` for unconditional ones). */
  readonly withinBranch: number | null;
  /** Standard deviation of `withinBranch` over the forest's trees. */
  readonly std: number | null;
  /** The branch the parameter belongs to, or null for unconditional parameters. */
  readonly condition: { readonly name: string; readonly branch: string } | null;
  /** Complete trials on which the parameter was active (the ones its importance is computed on). */
  readonly activeTrials: number;
}

/** What {@link parameterImportance} returns. */
export interface ImportanceResult {
  readonly method: 'fanova';
  /** Complete trials used. */
  readonly trials: number;
  /** Every parameter of the space, most important first (null importances last). */
  readonly params: readonly ParamImportance[];
  /** What was left out and why (too few trials in a branch, values outside the space, ...). */
  readonly notes: readonly string[];
}

interface Context {
  readonly key: string;
  readonly condition: ParamDef['condition'];
  readonly own: ParamDef[];
  /** Parameters the context's forest sees: its own plus its ancestors' minus the fixed selectors. */
  features: ParamDef[];
}

const DEFAULTS = { seed: 0, trees: 32, minTrials: 5, maxTrials: 2500 };

/**
 * fANOVA importance of every parameter of a study's space (see the module comment for how
 * conditional parameters are handled). Deterministic for a given seed.
 * @throws AutomlError E_CONFIG on bad options, E_SPACE_FILE when the space JSON is invalid.
 */
export function parameterImportance(input: ImportanceInput, options: ImportanceOptions = {}): ImportanceResult {
  const o = { ...DEFAULTS, ...options };
  for (const [k, min] of [['trees', 1], ['minTrials', 2], ['maxTrials', 2]] as const) {
    if (!Number.isInteger(o[k]) || o[k] < min) throw new AutomlError('E_CONFIG', `parameterImportance: ${k} must be an integer >= ${min}, got ${show(o[k])}`, { param: k, value: o[k] });
  }
  const space = input.space instanceof Space ? input.space : spaceFromJSON(input.space, 'study space');
  const complete = input.trials.filter((t): t is TrialRecord => t !== undefined && t.state === 'COMPLETE' && typeof t.value === 'number' && Number.isFinite(t.value));
  const contexts = buildContexts(space);
  const notes: string[] = [];
  const root = contexts.get('')!;
  const rootTrials = trialsOf(root, complete);
  const totalVar = variance(rootTrials.map((t) => t.value!));
  if (complete.length > rootTrials.length) notes.push(`${complete.length - rootTrials.length} complete trials have parameter values outside the study's space and were left out`);
  const results = new Map<string, ParamImportance>();
  const sparse: string[] = [];
  for (const ctx of contexts.values()) {
    const trials = ctx === root ? rootTrials : trialsOf(ctx, rootTrials);
    let fractions: { mean: Float64Array; std: Float64Array } | null = null;
    if (trials.length < o.minTrials) {
      if (ctx === root) notes.push(`${trials.length} complete trials, fewer than ${o.minTrials}: no importance`);
      else if (ctx.own.length > 0) sparse.push(`${ctx.key} (${trials.length})`);
    } else {
      const used = trials.length > o.maxTrials ? trials.slice(-o.maxTrials) : trials;
      if (used.length < trials.length && ctx === root) notes.push(`forests fitted on the ${o.maxTrials} most recent complete trials of each branch`);
      fractions = fanova(ctx.features, used, o.seed, o.trees, ctx.key);
    }
    const weight = totalVar > 0 && rootTrials.length > 0 ? (trials.length / rootTrials.length) * (variance(trials.map((t) => t.value!)) / totalVar) : 0;
    for (const p of ctx.own) {
      const j = ctx.features.indexOf(p);
      const within = fractions && j >= 0 ? fractions.mean[j]! : fractions ? 0 : null;
      results.set(p.name, {
        name: p.name,
        importance: within === null ? null : within * weight,
        share: null,
        withinBranch: within,
        std: fractions && j >= 0 ? fractions.std[j]! : null,
        condition: p.condition,
        activeTrials: trials.length,
      });
    }
  }
  if (sparse.length > 0) notes.push(`branches with fewer than ${o.minTrials} complete trials, whose parameters get no importance: ${sparse.slice(0, 4).join(', ')}${sparse.length > 4 ? ` and ${sparse.length - 4} more` : ''}`);
  const sum = [...results.values()].reduce((s, r) => s + (r.importance ?? 0), 0);
  const order = new Map(space.params.map((p, i) => [p.name, i]));
  const params = [...results.values()]
    .map((r) => ({ ...r, share: r.importance === null ? null : sum > 0 ? r.importance / sum : 0 }))
    .sort((a, b) => (b.importance ?? -1) - (a.importance ?? -1) || order.get(a.name)! - order.get(b.name)!);
  return { method: 'fanova', trials: rootTrials.length, params, notes };
}

/** Groups the space's parameters by the branch that activates them, with each context's features. */
function buildContexts(space: Space): Map<string, Context> {
  const keyOf = (c: ParamDef['condition']): string => (c ? `${c.name}=${c.branch}` : '');
  const contexts = new Map<string, Context>();
  for (const p of space.params) {
    const key = keyOf(p.condition);
    let ctx = contexts.get(key);
    if (!ctx) contexts.set(key, (ctx = { key, condition: p.condition, own: [], features: [] }));
    ctx.own.push(p);
  }
  if (!contexts.has('')) contexts.set('', { key: '', condition: null, own: [], features: [] });
  const featuresOf = (ctx: Context): ParamDef[] => {
    if (ctx.features.length > 0 || ctx.own.length === 0) return ctx.features;
    if (!ctx.condition) return (ctx.features = [...ctx.own]);
    const selector = space.param(ctx.condition.name)!;
    const parent = contexts.get(keyOf(selector.condition)) ?? { key: '', condition: null, own: [], features: [] };
    // The selector is constant on the context's trials: it explains nothing there.
    return (ctx.features = [...featuresOf(parent).filter((p) => p !== selector), ...ctx.own]);
  };
  for (const ctx of contexts.values()) featuresOf(ctx);
  return contexts;
}

/** The trials on which every feature of `ctx` is active with a value inside its dimension. */
function trialsOf(ctx: Context, trials: readonly TrialRecord[]): TrialRecord[] {
  return trials.filter((t) => {
    if (ctx.condition && t.params[ctx.condition.name] !== ctx.condition.branch) return false;
    return ctx.features.every((p) => Object.hasOwn(t.params, p.name) && p.dimension.contains(t.params[p.name]));
  });
}

function variance(v: readonly number[]): number {
  if (v.length < 2) return 0;
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  return v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length;
}

/** Fits a seeded regression forest on the encoded features and returns per-feature main-effect fractions. */
function fanova(features: readonly ParamDef[], trials: readonly TrialRecord[], seed: number, trees: number, key: string): { mean: Float64Array; std: Float64Array } {
  const p = features.length;
  const n = trials.length;
  const X = matrix(n, p);
  const y = new Float64Array(n);
  trials.forEach((t, i) => {
    y[i] = t.value!;
    features.forEach((f, j) => (X.data[i * p + j] = f.dimension.encode(t.params[f.name] as ParamValue)));
  });
  const mean = new Float64Array(p);
  const std = new Float64Array(p);
  if (p === 0 || variance(Array.from(y)) === 0) return { mean, std };
  // A few features per split decorrelates the trees (as in the fANOVA paper's forests); leaves of
  // 3 or more trials keep single noisy trials from looking like effects.
  const forest = getModel('random_forest').create(
    { n_estimators: trees, max_features: p <= 2 ? 1 : 0.7, min_samples_leaf: 3, bootstrap: true },
    { task: 'regression', nClasses: 0, seed: seedNumber(seed, key) },
  );
  forest.fit(X, y);
  const state = forest.toJSON().state as { trees: unknown[] };
  const perTree: Float64Array[] = [];
  state.trees.forEach((j, i) => {
    const f = mainEffects(treeFromJSON('random_forest', `importance forest tree ${i}`, j, p), p);
    if (f) perTree.push(f);
  });
  if (perTree.length === 0) return { mean, std };
  for (const f of perTree) for (let j = 0; j < p; j++) mean[j]! += f[j]! / perTree.length;
  for (const f of perTree) for (let j = 0; j < p; j++) std[j]! += (f[j]! - mean[j]!) ** 2 / perTree.length;
  for (let j = 0; j < p; j++) std[j] = Math.sqrt(std[j]!);
  return { mean, std };
}

/** A stable 32-bit seed per (seed, context), so each branch's forest has its own stream. */
function seedNumber(seed: number, key: string): number {
  let h = (seed >>> 0) ^ 0x811c9dc5;
  for (let i = 0; i < key.length; i++) h = Math.imul(h ^ key.charCodeAt(i), 0x01000193) >>> 0;
  return h >>> 0;
}

/**
 * Main-effect variance fractions of one tree over the unit cube [0, 1]^p: the marginal prediction
 * a_j(x) averages the tree over every other coordinate; V_j is its variance over x, V the tree's
 * variance over the cube. Null when the tree is constant.
 */
export function mainEffects(tree: Tree, p: number): Float64Array | null {
  const nLeaves = tree.feature.length + 1;
  const leafLo = new Float64Array(nLeaves * p);
  const leafHi = new Float64Array(nLeaves * p);
  const value = new Float64Array(nLeaves);
  const vol = new Float64Array(nLeaves);
  let m = 0;
  const lo = new Float64Array(p);
  const hi = new Float64Array(p).fill(1);
  // Depth-first walk keeping the current box in lo/hi and restoring it on the way back.
  const walk = (node: number): void => {
    if (node < 0) {
      let v = 1;
      for (let j = 0; j < p; j++) v *= hi[j]! - lo[j]!;
      if (v <= 0) return;
      leafLo.set(lo, m * p);
      leafHi.set(hi, m * p);
      value[m] = tree.values[~node * tree.width]!;
      vol[m++] = v;
      return;
    }
    const f = tree.feature[node]!;
    const t = Math.min(1, Math.max(0, tree.threshold[node]!));
    const oldLo = lo[f]!;
    const oldHi = hi[f]!;
    if (t > oldLo) {
      hi[f] = Math.min(oldHi, t);
      walk(tree.left[node]!);
      hi[f] = oldHi;
    }
    if (t < oldHi) {
      lo[f] = Math.max(oldLo, t);
      walk(tree.right[node]!);
      lo[f] = oldLo;
    }
  };
  walk(tree.feature.length === 0 ? ~0 : 0);
  let f0 = 0;
  for (let l = 0; l < m; l++) f0 += vol[l]! * value[l]!;
  let total = 0;
  for (let l = 0; l < m; l++) total += vol[l]! * (value[l]! - f0) ** 2;
  if (!(total > 1e-300)) return null;
  const out = new Float64Array(p);
  for (let j = 0; j < p; j++) {
    // Every leaf edge along j is 0, 1 or a threshold of a split on j.
    const ts: number[] = [0, 1];
    for (let k = 0; k < tree.feature.length; k++) if (tree.feature[k] === j) ts.push(Math.min(1, Math.max(0, tree.threshold[k]!)));
    if (ts.length === 2) continue;
    const cuts = Float64Array.from(new Set(ts)).sort();
    const diff = new Float64Array(cuts.length);
    for (let l = 0; l < m; l++) {
      const a = leafLo[l * p + j]!;
      const b = leafHi[l * p + j]!;
      // The leaf covers its slab of coordinate j with weight = its share of the other coordinates.
      const c = (value[l]! * vol[l]!) / (b - a);
      diff[search(cuts, a)]! += c;
      diff[search(cuts, b)]! -= c;
    }
    let a = 0;
    let v = 0;
    for (let k = 0; k < cuts.length - 1; k++) {
      a += diff[k]!;
      v += (cuts[k + 1]! - cuts[k]!) * (a - f0) ** 2;
    }
    out[j] = v / total;
  }
  return out;
}

/** Index of `x` in the sorted array `a` (which holds it). */
function search(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
