/**
 * Hyperparameter validation shared by the model adapters. A model declares its parameters once
 * (kind, range, default) and `resolveParams` fills defaults, rejects unknown names and checks every
 * value, so a bad configuration fails before any training starts, with an E_PARAM error naming the
 * model, the parameter and the value.
 */
import { AutomlError, show } from '../util/errors.js';

/** One declared hyperparameter. */
export type ParamDecl =
  | { readonly kind: 'int'; readonly min: number; readonly max?: number; readonly default: number }
  | {
      readonly kind: 'float';
      readonly min: number;
      readonly max?: number;
      /** When true the minimum itself is not allowed (e.g. a learning rate must be > 0). */
      readonly exclusiveMin?: boolean;
      readonly default: number;
    }
  | { readonly kind: 'choice'; readonly choices: readonly string[]; readonly default: string }
  | { readonly kind: 'bool'; readonly default: boolean };

/** A model's parameter declarations, keyed by snake_case parameter name. */
export type ParamDecls = Readonly<Record<string, ParamDecl>>;

/** Resolved values: numbers, strings or booleans per the declaration. */
export type ResolvedParams = Record<string, number | string | boolean>;

function bad(model: string, name: string, value: unknown, rule: string): AutomlError {
  return new AutomlError(
    'E_PARAM',
    `model "${model}": parameter "${name}" = ${show(value)} is invalid; it must be ${rule}`,
    { param: name, value, model },
  );
}

function rangeText(min: number, max: number | undefined, exclusiveMin = false): string {
  const lo = exclusiveMin ? `> ${min}` : `>= ${min}`;
  return max === undefined ? lo : `${lo} and <= ${max}`;
}

/**
 * Fills defaults and validates `params` against `decls`. Integers arriving as integral floats
 * (e.g. 3.0 from a sampler) are accepted; booleans also accept the strings "true"/"false" since
 * categorical dimensions store strings.
 * @throws AutomlError('E_PARAM') for an unknown name or an invalid value.
 */
export function resolveParams(model: string, decls: ParamDecls, params: Record<string, unknown>): ResolvedParams {
  if (params === null || typeof params !== 'object' || Array.isArray(params)) {
    throw new AutomlError('E_PARAM', `model "${model}": params must be an object, got ${show(params)}`, { value: params, model });
  }
  const out: ResolvedParams = {};
  for (const key of Object.keys(params)) {
    if (!(key in decls)) {
      throw new AutomlError(
        'E_PARAM',
        `model "${model}": unknown parameter "${key}" = ${show(params[key])}; known parameters: ${Object.keys(decls).join(', ')}`,
        { param: key, value: params[key], model },
      );
    }
  }
  for (const [name, decl] of Object.entries(decls)) {
    const raw = params[name];
    if (raw === undefined) {
      out[name] = decl.default;
      continue;
    }
    switch (decl.kind) {
      case 'int': {
        if (typeof raw !== 'number' || !Number.isInteger(raw) || raw < decl.min || (decl.max !== undefined && raw > decl.max)) {
          throw bad(model, name, raw, `an integer ${rangeText(decl.min, decl.max)}`);
        }
        out[name] = raw;
        break;
      }
      case 'float': {
        const ok =
          typeof raw === 'number' &&
          Number.isFinite(raw) &&
          (decl.exclusiveMin ? raw > decl.min : raw >= decl.min) &&
          (decl.max === undefined || raw <= decl.max);
        if (!ok) throw bad(model, name, raw, `a finite number ${rangeText(decl.min, decl.max, decl.exclusiveMin)}`);
        out[name] = raw;
        break;
      }
      case 'choice': {
        if (typeof raw !== 'string' || !decl.choices.includes(raw)) {
          throw bad(model, name, raw, `one of ${decl.choices.map((c) => JSON.stringify(c)).join(', ')}`);
        }
        out[name] = raw;
        break;
      }
      case 'bool': {
        if (typeof raw === 'boolean') out[name] = raw;
        else if (raw === 'true' || raw === 'false') out[name] = raw === 'true';
        else throw bad(model, name, raw, 'true or false');
        break;
      }
    }
  }
  return out;
}

/** The declared defaults, as a plain params object (what `create({})` uses). */
export function defaultParams(decls: ParamDecls): ResolvedParams {
  const out: ResolvedParams = {};
  for (const [name, decl] of Object.entries(decls)) out[name] = decl.default;
  return out;
}

/**
 * A 31-bit non-negative integer derived from a model seed and a purpose label, for libraries that
 * insist on an integer seed (ml-random-forest). FNV-1a keeps it dependent on the inputs only.
 */
export function intSeed(seed: number, purpose: string): number {
  const text = `${seed}/${purpose}`;
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0) & 0x7fffffff;
}
