import type { CategoricalDimension } from '../../space/dimensions.js';
import type { Space } from '../../space/space.js';
import type { TrialRecord } from '../../trial/trial.js';

/**
 * A set of parameters that are always active together: those sharing one activation condition
 * (the root's unconditional parameters, or the parameters of one branch of one choice, nested
 * groups included). Each group is modelled jointly; its choices' branches are child groups.
 */
export interface GroupPlan {
  /** Null for the root group; else the selector's parameter index and the branch's category index. */
  readonly condition: { readonly selector: number; readonly branch: number } | null;
  /** Indices (into `space.params`) of the numeric parameters, in space order. */
  readonly num: readonly number[];
  /** Indices of the categorical parameters (branch selectors included), in space order. */
  readonly cat: readonly number[];
  /** Number of categories of each `cat` parameter. */
  readonly catSizes: readonly number[];
  /** Child groups keyed by `selectorIndex:branchIndex`. */
  readonly children: ReadonlyMap<string, GroupPlan>;
}

const plans = new WeakMap<Space, GroupPlan>();

/** The group decomposition of a space (memoised per space object; spaces are immutable). */
export function planGroups(space: Space): GroupPlan {
  const cached = plans.get(space);
  if (cached) return cached;
  const members = new Map<string, number[]>();
  space.params.forEach((p, i) => {
    const key = p.condition ? `${p.condition.name}\u0000${p.condition.branch}` : '';
    let list = members.get(key);
    if (!list) members.set(key, (list = []));
    list.push(i);
  });
  const build = (key: string, condition: GroupPlan['condition']): GroupPlan => {
    const num: number[] = [];
    const cat: number[] = [];
    const catSizes: number[] = [];
    const children = new Map<string, GroupPlan>();
    for (const i of members.get(key) ?? []) {
      const p = space.params[i]!;
      if (p.dimension.kind === 'categorical') {
        const dim = p.dimension as CategoricalDimension;
        cat.push(i);
        catSizes.push(dim.choices.length);
        if (p.isBranch) {
          dim.choices.forEach((b, bi) => {
            const childKey = `${p.name}\u0000${String(b)}`;
            if (members.has(childKey)) children.set(`${i}:${bi}`, build(childKey, { selector: i, branch: bi }));
          });
        }
      } else num.push(i);
    }
    return { condition, num, cat, catSizes, children };
  };
  const plan = build('', null);
  plans.set(space, plan);
  return plan;
}

const encodings = new WeakMap<Space, WeakMap<TrialRecord, Float64Array>>();

/**
 * A record's parameters in the unit-cube encoding, one slot per `space.params` entry: the encoded
 * value of numeric parameters, the category index of categorical ones, NaN when the parameter is
 * absent or not a valid value of its dimension (a record from another branch or an older space).
 * Memoised per (space, record): records are immutable, so this never changes a result.
 */
export function encodeRecord(space: Space, r: TrialRecord): Float64Array {
  let bySpace = encodings.get(space);
  if (!bySpace) encodings.set(space, (bySpace = new WeakMap()));
  const hit = bySpace.get(r);
  if (hit) return hit;
  const params = space.params;
  const out = new Float64Array(params.length);
  for (let i = 0; i < params.length; i++) {
    const p = params[i]!;
    const v = Object.hasOwn(r.params, p.name) ? r.params[p.name] : undefined;
    if (v === undefined || !p.dimension.contains(v)) out[i] = NaN;
    else if (p.dimension.kind === 'categorical') out[i] = (p.dimension as CategoricalDimension).indexOf(v);
    else out[i] = p.dimension.encode(v);
  }
  if (Object.isFrozen(r)) bySpace.set(r, out);
  return out;
}
