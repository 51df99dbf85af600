import type { CategoricalDimension } from '../../space/dimensions.js';
import type { Space } from '../../space/space.js';
import type { FlatParams, ParamValue } from '../../trial/trial.js';
import type { Rng } from '../../util/rng.js';

/**
 * How a configuration becomes a GP input. A configuration is first held as a "param vector", one
 * slot per `space.params` entry: the unit-cube value of a numeric parameter, the category index
 * of a categorical one, NaN when inactive (the same form as the TPE's record encoding). Features
 * are then: one column per numeric parameter (its unit value; 0.5 when inactive) and one-hot
 * columns per categorical parameter (all zero when inactive). Branch selectors are categorical,
 * so two configurations in different branches differ in the selector's columns, and an inactive
 * parameter sits at a fixed, neutral value rather than being dropped.
 */
export class FeatureMap {
  /** Number of feature columns. */
  readonly d: number;
  private readonly offsets: Int32Array;
  private readonly sizes: Int32Array;
  /** For each param, the index of its selector (-1 if unconditional) and the branch's index. */
  private readonly condSel: Int32Array;
  private readonly condBranch: Int32Array;

  constructor(readonly space: Space) {
    const p = space.params;
    this.offsets = new Int32Array(p.length);
    this.sizes = new Int32Array(p.length);
    this.condSel = new Int32Array(p.length).fill(-1);
    this.condBranch = new Int32Array(p.length);
    const index = new Map(p.map((q, i) => [q.name, i]));
    let d = 0;
    p.forEach((q, i) => {
      this.offsets[i] = d;
      this.sizes[i] = q.dimension.kind === 'categorical' ? (q.dimension as CategoricalDimension).choices.length : 0;
      d += Math.max(1, this.sizes[i]!);
      if (q.condition) {
        const s = index.get(q.condition.name)!;
        this.condSel[i] = s;
        this.condBranch[i] = (p[s]!.dimension as CategoricalDimension).indexOf(q.condition.branch);
      }
    });
    this.d = d;
  }

  /** Whether param `i` is active in the (partially filled, parents-first) vector `v`. */
  active(v: Float64Array, i: number): boolean {
    const s = this.condSel[i]!;
    return s < 0 || v[s] === this.condBranch[i];
  }

  /** True for categorical params. */
  isCategorical(i: number): boolean {
    return this.sizes[i]! > 0;
  }

  /** Writes the features of param vector `v` into `out` (offset `o`). */
  features(v: Float64Array, out: Float64Array, o = 0): void {
    out.fill(0, o, o + this.d);
    for (let i = 0; i < v.length; i++) {
      const x = v[i]!;
      const at = o + this.offsets[i]!;
      if (this.sizes[i]! > 0) {
        if (x === x) out[at + x] = 1;
      } else out[at] = x === x ? x : 0.5;
    }
  }

  /** A uniformly random param vector (active params only), parents first. */
  random(rng: Rng): Float64Array {
    const p = this.space.params;
    const v = new Float64Array(p.length).fill(NaN);
    for (let i = 0; i < p.length; i++) {
      if (!this.active(v, i)) continue;
      const u = rng.next();
      v[i] = this.sizes[i]! > 0 ? Math.min(this.sizes[i]! - 1, Math.floor(u * this.sizes[i]!)) : u;
    }
    return v;
  }

  /**
   * A neighbour of `v`: numeric active params moved by N(0, scale^2) (reflected into [0, 1]),
   * and with probability `flip` one categorical param redrawn; params that become active or
   * inactive through a redrawn selector are drawn or cleared.
   */
  perturb(v: Float64Array, rng: Rng, scale: number, flip: number): Float64Array {
    const p = this.space.params;
    const out = v.slice();
    const cats: number[] = [];
    for (let i = 0; i < p.length; i++) if (this.sizes[i]! > 0 && out[i] === out[i]) cats.push(i);
    const flipAt = cats.length > 0 && rng.next() < flip ? cats[Math.floor(rng.next() * cats.length)]! : -1;
    for (let i = 0; i < p.length; i++) {
      if (!this.active(out, i)) {
        out[i] = NaN;
        continue;
      }
      const size = this.sizes[i]!;
      if (size > 0) {
        if (i === flipAt || out[i] !== out[i]) out[i] = Math.min(size - 1, Math.floor(rng.next() * size));
      } else if (out[i] !== out[i]) out[i] = rng.next();
      else {
        let x = out[i]! + scale * rng.normal();
        x = Math.abs(x);
        if (x > 1) x = Math.max(0, 2 - x);
        out[i] = x;
      }
    }
    return out;
  }

  /** The flat parameter assignment of a param vector. */
  decode(v: Float64Array): FlatParams {
    const out: Record<string, ParamValue> = {};
    this.space.params.forEach((q, i) => {
      const x = v[i]!;
      if (x !== x) return;
      out[q.name] = this.sizes[i]! > 0 ? (q.dimension as CategoricalDimension).choices[x]! : q.dimension.decode(x);
    });
    return out;
  }
}
