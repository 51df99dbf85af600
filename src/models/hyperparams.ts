/**
 * Hyperparameter declarations and the one validator every model family goes through. A family
 * declares each parameter once (kind, allowed range, natural scale, default, the task it applies
 * to); `resolveParams` fills defaults, refuses unknown names and checks every value, so a bad
 * configuration fails before any training starts with an E_PARAM error naming the model, the
 * parameter and the value. `checkRange` checks a search range against the same declarations, so
 * a space the model would refuse is caught without creating a model.
 *
 * Names are looked up as own properties only: `constructor`, `toString` or `__proto__` in a
 * user's params are unknown names, never inherited members of the declarations object.
 */
import { AutomlError, show } from '../util/errors.js';
import type { Task } from '../data/types.js';

/** What every declaration can say besides its kind. */
interface DeclBase {
  /** The one task the parameter affects (the model accepts and ignores it for the other). */
  readonly task?: Task;
}

/** An integer parameter, from `min` to `max` (inclusive; no upper bound when `max` is absent). */
export interface IntDecl extends DeclBase {
  readonly kind: 'int';
  readonly min: number;
  readonly max?: number;
  /** Searched on a log scale by default (orders of magnitude matter more than steps). */
  readonly log?: boolean;
  readonly default: number;
}

/** A finite real parameter, from `min` (excluded when `exclusiveMin`) to `max`. */
export interface FloatDecl extends DeclBase {
  readonly kind: 'float';
  readonly min: number;
  readonly max?: number;
  /** When true the minimum itself is not allowed (e.g. a learning rate must be > 0). */
  readonly exclusiveMin?: boolean;
  readonly log?: boolean;
  /** Strings accepted besides numbers and passed on as they are (an SVM's gamma 'scale'); see {@link namedFloat}. */
  readonly named?: readonly string[];
  readonly default: number | string;
}

/**
 * A parameter taking one of a few strings. `aliases` map other accepted values onto a choice
 * (e.g. `true` onto "on"), so older configs keep working while the model sees one spelling.
 */
export interface CategoricalDecl<C extends string = string> extends DeclBase {
  readonly kind: 'categorical';
  readonly choices: readonly C[];
  readonly aliases?: readonly (readonly [boolean | number | string, C])[];
  readonly default: C;
}

/** A true/false parameter; the strings "true" and "false" are accepted too. */
export interface BoolDecl extends DeclBase {
  readonly kind: 'bool';
  readonly default: boolean;
}

/** One declared hyperparameter. */
export type ParamDecl = IntDecl | FloatDecl | CategoricalDecl | BoolDecl;

/** A model's parameter declarations, keyed by parameter name, in the order models store them. */
export type ParamDecls = Readonly<Record<string, ParamDecl>>;

/** The value type a declaration resolves to. */
export type ValueOf<D extends ParamDecl> = D extends CategoricalDecl<infer C>
  ? C
  : D extends BoolDecl
    ? boolean
    : D extends { readonly named: readonly (infer N)[] }
      ? number | N
      : number;

/** The typed params a family's `create` receives: every declared name, defaults filled in. */
export type ParamsOf<D extends ParamDecls> = { readonly [K in keyof D]: ValueOf<D[K]> };

/** Resolved values of an untyped family: numbers, strings or booleans per the declaration. */
export type ResolvedParams = Record<string, number | string | boolean>;

/** Declares an integer parameter. */
export function int(d: Omit<IntDecl, 'kind'>): IntDecl {
  return { kind: 'int', ...d };
}

/** Declares a real parameter. */
export function float(d: Omit<FloatDecl, 'kind' | 'named' | 'default'> & { readonly default: number }): FloatDecl & { readonly default: number } {
  return { kind: 'float', ...d };
}

/**
 * Declares a real parameter that also takes a few names, resolved by the model from the data
 * (scikit-learn's gamma: a number, 'scale' or 'auto'); its values are typed `number | N`.
 */
export function namedFloat<const N extends string>(
  d: Omit<FloatDecl, 'kind' | 'named' | 'default'> & { readonly named: readonly N[]; readonly default: number | N },
): FloatDecl & { readonly named: readonly N[]; readonly default: number | N } {
  return { kind: 'float', ...d };
}

/** Declares a categorical parameter; the choices' literal types become the params' type. */
export function categorical<const C extends string>(d: Omit<CategoricalDecl<C>, 'kind'>): CategoricalDecl<C> {
  return { kind: 'categorical', ...d };
}

/** Declares a boolean parameter. */
export function bool(d: Omit<BoolDecl, 'kind'>): BoolDecl {
  return { kind: 'bool', ...d };
}

/** The declaration of `name`, looked up as an own property (never an inherited member). */
export function declOf(decls: ParamDecls, name: string): ParamDecl | undefined {
  return Object.prototype.hasOwnProperty.call(decls, name) ? decls[name] : undefined;
}

function bad(model: string, name: string, value: unknown, rule: string): AutomlError {
  return new AutomlError('E_PARAM', `model "${model}": parameter "${name}" = ${show(value)} is invalid; it must be ${rule}`, { param: name, value, model });
}

function unknown(model: string, decls: ParamDecls, name: string, value: unknown): AutomlError {
  return new AutomlError('E_PARAM', `model "${model}": unknown parameter "${name}" = ${show(value)}; known parameters: ${Object.keys(decls).join(', ')}`, {
    param: name,
    value,
    model,
  });
}

function rangeText(min: number, max: number | undefined, exclusiveMin = false): string {
  const lo = exclusiveMin ? `> ${min}` : `>= ${min}`;
  return max === undefined ? lo : `${lo} and <= ${max}`;
}

/** Checks one value against its declaration and returns it in the declared type. */
export function resolveValue(model: string, name: string, decl: ParamDecl, raw: unknown): number | string | boolean {
  switch (decl.kind) {
    case 'int':
      if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < decl.min || (decl.max !== undefined && raw > decl.max)) {
        throw bad(model, name, raw, `an integer ${rangeText(decl.min, decl.max)}`);
      }
      return raw;
    case 'float': {
      if (typeof raw === 'string' && decl.named?.includes(raw)) return raw;
      const ok = typeof raw === 'number' && Number.isFinite(raw) && (decl.exclusiveMin ? raw > decl.min : raw >= decl.min) && (decl.max === undefined || raw <= decl.max);
      const names = decl.named?.length ? ` or one of ${decl.named.map((c) => JSON.stringify(c)).join(', ')}` : '';
      if (!ok) throw bad(model, name, raw, `a finite number ${rangeText(decl.min, decl.max, decl.exclusiveMin)}${names}`);
      return raw as number;
    }
    case 'categorical': {
      if (typeof raw === 'string' && decl.choices.includes(raw)) return raw;
      const alias = decl.aliases?.find(([from]) => from === raw);
      if (alias) return alias[1];
      throw bad(model, name, raw, `one of ${decl.choices.map((c) => JSON.stringify(c)).join(', ')}`);
    }
    case 'bool':
      if (typeof raw === 'boolean') return raw;
      // Categorical dimensions of older spaces stored booleans as strings.
      if (raw === 'true' || raw === 'false') return raw === 'true';
      throw bad(model, name, raw, 'true or false');
  }
}

/**
 * Fills defaults and validates `params` against `decls`. A value that is `undefined` or `null`
 * means "the default" (JSON has no undefined). Integers arriving as integral floats (3.0 from a
 * sampler) are integers.
 * @throws AutomlError('E_PARAM') for a params value that is not an object, an unknown name or an invalid value.
 */
export function resolveParams<D extends ParamDecls>(model: string, decls: D, params: unknown): ParamsOf<D> {
  if (params === null || typeof params !== 'object' || Array.isArray(params)) {
    throw new AutomlError('E_PARAM', `model "${model}": params must be an object, got ${show(params)}`, { value: params, model });
  }
  const given = params as Record<string, unknown>;
  for (const key of Object.keys(given)) if (!declOf(decls, key)) throw unknown(model, decls, key, given[key]);
  const out: Record<string, number | string | boolean> = {};
  for (const [name, decl] of Object.entries(decls)) {
    const raw = Object.prototype.hasOwnProperty.call(given, name) ? given[name] : undefined;
    out[name] = raw === undefined || raw === null ? decl.default : resolveValue(model, name, decl, raw);
  }
  return out as ParamsOf<D>;
}

/** The declared defaults, as a params object (what `create({})` uses). */
export function defaultParams<D extends ParamDecls>(decls: D): ParamsOf<D> {
  const out: Record<string, number | string | boolean> = {};
  for (const [name, decl] of Object.entries(decls)) out[name] = decl.default;
  return out as ParamsOf<D>;
}

/** A searched range, as the range check sees it (models know nothing of search spaces). */
export type SearchedRange =
  | { readonly kind: 'int' | 'float'; readonly low: number; readonly high: number }
  | { readonly kind: 'choices'; readonly values: readonly unknown[] };

/**
 * Checks a searched range of parameter `name` against its declaration: a numeric range must lie
 * inside the declared one (its two ends are checked, since a range is an interval) and hold only
 * integers for an integer parameter; every choice must be a valid value.
 * @throws AutomlError('E_PARAM') whose `details.value` is the first value the model refuses.
 */
export function checkRange(model: string, decls: ParamDecls, name: string, range: SearchedRange): void {
  const values = range.kind === 'choices' ? range.values : [range.low, range.high];
  const decl = declOf(decls, name);
  if (!decl) throw unknown(model, decls, name, values[0]);
  if (range.kind === 'float' && decl.kind === 'int') {
    throw bad(model, name, range.low, `an integer: search it with "type": "int" rather than a float range`);
  }
  for (const v of values) resolveValue(model, name, decl, v);
}
