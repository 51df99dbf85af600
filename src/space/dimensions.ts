import { AutomlError, show } from '../util/errors.js';
import type { ParamValue } from './params.js';

/** JSON form of a leaf dimension, as written in `search-spaces/*.json`. */
export type DimensionJSON =
  | { type: 'float'; low: number; high: number; log?: boolean; step?: number }
  | { type: 'int'; low: number; high: number; log?: boolean; step?: number }
  | { type: 'categorical'; choices: ParamValue[] };

/**
 * A leaf of a search space. Each kind implements every operation itself, so shared code (samplers,
 * grid, storage) never switches on the kind.
 *
 * `encode` maps a value into [0, 1] and `decode` maps any u in [0, 1] back to a valid value; for
 * every valid v, `decode(encode(v)) === v`. Samplers work in this unit cube.
 */
export interface Dimension<T extends ParamValue = ParamValue> {
  readonly kind: 'float' | 'int' | 'categorical';
  /** Phantom field carrying the value type for `ConfigOf`; never set at run time. */
  readonly __value?: T;
  encode(value: T): number;
  decode(u: number): T;
  contains(value: unknown): value is T;
  /** Every grid value; continuous dimensions need a `step` or a `size`. */
  grid(size?: number, name?: string): T[];
  toJSON(): DimensionJSON;
}

/** Options of numeric dimensions. */
export interface NumericOptions {
  /** Sample uniformly in log space (requires low > 0). */
  readonly log?: boolean;
  /** Restrict values to low + k * step. Cannot be combined with `log`. */
  readonly step?: number;
}

const clamp01 = (u: number): number => (u <= 0 ? 0 : u >= 1 ? 1 : u);

function checkNumeric(kind: 'float' | 'int', low: number, high: number, opts: NumericOptions): void {
  const where = `${kind}(${show(low)}, ${show(high)})`;
  if (typeof low !== 'number' || !Number.isFinite(low)) throw new AutomlError('E_SPACE', `${where}: low must be a finite number, got ${show(low)}`, { value: low });
  if (typeof high !== 'number' || !Number.isFinite(high)) throw new AutomlError('E_SPACE', `${where}: high must be a finite number, got ${show(high)}`, { value: high });
  if (low > high) throw new AutomlError('E_SPACE', `${where}: low (${low}) is greater than high (${high}); swap them`, { value: { low, high } });
  if (kind === 'int' && (!Number.isInteger(low) || !Number.isInteger(high))) {
    throw new AutomlError('E_SPACE', `${where}: int bounds must be integers`, { value: { low, high } });
  }
  if (opts.log !== undefined && typeof opts.log !== 'boolean') throw new AutomlError('E_SPACE', `${where}: log must be true or false, got ${show(opts.log)}`);
  if (opts.log && low <= 0) throw new AutomlError('E_SPACE', `${where}: log scale needs low > 0, got low = ${low}`, { value: low });
  if (opts.step !== undefined) {
    if (typeof opts.step !== 'number' || !Number.isFinite(opts.step) || opts.step <= 0) {
      throw new AutomlError('E_SPACE', `${where}: step must be a positive number, got ${show(opts.step)}`, { value: opts.step });
    }
    if (kind === 'int' && !Number.isInteger(opts.step)) throw new AutomlError('E_SPACE', `${where}: int step must be an integer, got ${opts.step}`);
    if (opts.log) throw new AutomlError('E_SPACE', `${where}: step and log cannot be combined`);
  }
}

/** A real-valued dimension in [low, high], optionally log-scaled or stepped. */
export class FloatDimension implements Dimension<number> {
  readonly kind = 'float' as const;
  declare readonly __value?: number;
  readonly log: boolean;
  readonly step: number | undefined;
  constructor(readonly low: number, readonly high: number, opts: NumericOptions = {}) {
    checkNumeric('float', low, high, opts);
    this.log = opts.log ?? false;
    this.step = opts.step;
  }
  encode(v: number): number {
    if (this.high === this.low) return 0.5;
    if (this.log) return clamp01((Math.log(v) - Math.log(this.low)) / (Math.log(this.high) - Math.log(this.low)));
    return clamp01((v - this.low) / (this.high - this.low));
  }
  decode(u: number): number {
    u = clamp01(u);
    if (this.log) {
      const v = Math.exp(Math.log(this.low) + u * (Math.log(this.high) - Math.log(this.low)));
      return Math.min(this.high, Math.max(this.low, v));
    }
    let v = this.low + u * (this.high - this.low);
    if (this.step !== undefined) {
      const k = Math.round((v - this.low) / this.step);
      const kMax = Math.floor((this.high - this.low) / this.step + 1e-9);
      v = roundStep(this.low + Math.min(k, kMax) * this.step, this.step);
    }
    return Math.min(this.high, Math.max(this.low, v));
  }
  contains(v: unknown): v is number {
    return typeof v === 'number' && Number.isFinite(v) && v >= this.low && v <= this.high;
  }
  grid(size?: number, name = 'float'): number[] {
    if (this.step !== undefined) {
      const n = Math.floor((this.high - this.low) / this.step + 1e-9) + 1;
      return Array.from({ length: n }, (_, k) => roundStep(this.low + k * this.step!, this.step!));
    }
    if (size === undefined) {
      throw new AutomlError('E_SPACE', `grid search: float parameter '${name}' is continuous; give it a step or set a grid size (gridSize / --grid-size)`, { param: name });
    }
    if (size <= 1 || this.low === this.high) return [this.decode(0.5)];
    return Array.from({ length: size }, (_, k) => this.decode(k / (size - 1)));
  }
  toJSON(): DimensionJSON {
    return { type: 'float', low: this.low, high: this.high, ...(this.log ? { log: true } : {}), ...(this.step !== undefined ? { step: this.step } : {}) };
  }
}

/** Removes floating-point noise from low + k * step (e.g. 0.30000000000000004 -> 0.3). */
function roundStep(v: number, step: number): number {
  const decimals = Math.max(0, Math.min(15, -Math.floor(Math.log10(step)) + 6));
  return Number(v.toFixed(decimals));
}

/** An integer dimension in [low, high] (inclusive), optionally log-scaled or stepped. */
export class IntDimension implements Dimension<number> {
  readonly kind = 'int' as const;
  declare readonly __value?: number;
  readonly log: boolean;
  readonly step: number;
  constructor(readonly low: number, readonly high: number, opts: NumericOptions = {}) {
    checkNumeric('int', low, high, opts);
    this.log = opts.log ?? false;
    this.step = opts.step ?? 1;
  }
  /** Number of distinct values. */
  get size(): number {
    return Math.floor((this.high - this.low) / this.step) + 1;
  }
  encode(v: number): number {
    if (this.log) {
      // Each integer owns the log-interval [v - 0.5, v + 0.5], so decode(encode(v)) === v.
      const lo = Math.log(this.low - 0.5 > 0 ? this.low - 0.5 : this.low / 2);
      const hi = Math.log(this.high + 0.5);
      return clamp01((Math.log(v) - lo) / (hi - lo));
    }
    return clamp01(((v - this.low) / this.step + 0.5) / this.size);
  }
  decode(u: number): number {
    u = clamp01(u);
    if (this.log) {
      const lo = Math.log(this.low - 0.5 > 0 ? this.low - 0.5 : this.low / 2);
      const hi = Math.log(this.high + 0.5);
      const v = Math.round(Math.exp(lo + u * (hi - lo)));
      return Math.min(this.high, Math.max(this.low, v));
    }
    const k = Math.min(this.size - 1, Math.floor(u * this.size));
    return this.low + k * this.step;
  }
  contains(v: unknown): v is number {
    return typeof v === 'number' && Number.isInteger(v) && v >= this.low && v <= this.high && (v - this.low) % this.step === 0;
  }
  grid(size?: number): number[] {
    const all = this.size;
    if (size === undefined || all <= size) return Array.from({ length: all }, (_, k) => this.low + k * this.step);
    const out = new Set<number>();
    for (let k = 0; k < size; k++) out.add(this.decode(size === 1 ? 0.5 : k / (size - 1)));
    return [...out].sort((a, b) => a - b);
  }
  toJSON(): DimensionJSON {
    return { type: 'int', low: this.low, high: this.high, ...(this.log ? { log: true } : {}), ...(this.step !== 1 ? { step: this.step } : {}) };
  }
}

/** A dimension over a fixed list of values (strings, numbers or booleans). */
export class CategoricalDimension<T extends ParamValue = ParamValue> implements Dimension<T> {
  readonly kind = 'categorical' as const;
  declare readonly __value?: T;
  readonly choices: readonly T[];
  constructor(choices: readonly T[]) {
    if (!Array.isArray(choices) || choices.length === 0) {
      throw new AutomlError('E_SPACE', `categorical(): needs at least one choice, got ${show(choices)}`, { value: choices });
    }
    const seen = new Set<unknown>();
    for (const c of choices) {
      const ok = typeof c === 'string' || typeof c === 'boolean' || (typeof c === 'number' && Number.isFinite(c));
      if (!ok) throw new AutomlError('E_SPACE', `categorical(): choices must be strings, finite numbers or booleans, got ${show(c)}`, { value: c });
      if (seen.has(c)) throw new AutomlError('E_SPACE', `categorical(): duplicate choice ${show(c)}`, { value: c });
      seen.add(c);
    }
    this.choices = Object.freeze([...choices]);
  }
  /** Index of `v` in the choices, or -1. */
  indexOf(v: unknown): number {
    return this.choices.indexOf(v as T);
  }
  encode(v: T): number {
    const i = this.indexOf(v);
    return (Math.max(0, i) + 0.5) / this.choices.length;
  }
  decode(u: number): T {
    const n = this.choices.length;
    return this.choices[Math.min(n - 1, Math.floor(clamp01(u) * n))]!;
  }
  contains(v: unknown): v is T {
    return this.indexOf(v) >= 0;
  }
  grid(): T[] {
    return [...this.choices];
  }
  toJSON(): DimensionJSON {
    return { type: 'categorical', choices: [...this.choices] };
  }
}

/** A float dimension: `float(1e-4, 1, { log: true })`. */
export function float(low: number, high: number, opts: NumericOptions = {}): FloatDimension {
  return new FloatDimension(low, high, opts);
}

/** An integer dimension (both bounds inclusive): `int(10, 500, { log: true })`. */
export function int(low: number, high: number, opts: NumericOptions = {}): IntDimension {
  return new IntDimension(low, high, opts);
}

/** A categorical dimension whose value type is the union of its choices: `categorical(['gini', 'entropy'])`. */
export function categorical<const T extends ParamValue>(choices: readonly T[]): CategoricalDimension<T> {
  return new CategoricalDimension<T>(choices);
}
