/**
 * The model-family descriptor: everything the engine knows about a family, declared once in the
 * family's own file. From it the engine derives the registry entry (`familySpec`), the default
 * search space and its file `search-spaces/<name>.json`, the default model list, the warm-start
 * configurations and the range checks of user spaces; nothing else repeats a family's parameters.
 *
 * A family's `create` receives typed, validated params (`ParamsOf<D>`): validation happens once,
 * in the one validator of ./hyperparams.ts, before `create` is called.
 */
import { AutomlError, show } from '../util/errors.js';
import { checkTask } from './common.js';
import type { Estimator, EstimatorJSON, ModelContext, ModelSpec, Task } from './estimator.js';
import { checkRange, declOf, resolveParams, resolveValue } from './hyperparams.js';
import type { BoolDecl, CategoricalDecl, FloatDecl, IntDecl, ParamDecl, ParamDecls, ParamsOf } from './hyperparams.js';

/**
 * The preprocessing a family works best with, used for its warm-start configuration: one-hot
 * columns and standardised features for distance, linear and neural models; ordinal codes and no
 * scaling for trees.
 */
export interface PreprocessingPreference {
  readonly encoding: 'onehot' | 'ordinal';
  readonly scaler: 'standard' | 'none';
}

/** How one parameter is searched by default: a numeric range, or a subset of its choices. */
export type SpaceEntry<D extends ParamDecl> = D extends IntDecl | FloatDecl
  ? {
      readonly low: number;
      readonly high: number;
      /** Overrides the declaration's natural scale for this search. */
      readonly log?: boolean;
    }
  : D extends CategoricalDecl<infer C>
    ? { readonly choices?: readonly C[] }
    : D extends BoolDecl
      ? { readonly choices?: readonly boolean[] }
      : never;

/**
 * The family's default search space, as data: which parameters are searched and over which
 * ranges (often narrower than what the model allows, to spend the budget where scores are).
 * Parameters left out keep their defaults. Key order is the order of the space file.
 */
export interface FamilySpace<D extends ParamDecls> {
  /** The `$comment` of the space file: what is searched and why the ranges are what they are. */
  readonly comment: string;
  readonly params: { readonly [K in keyof D]?: SpaceEntry<D[K]> };
  /** How the space file writes float bounds below 1: plain decimals (default) or exponents ("1e-4"). */
  readonly notation?: 'decimal' | 'exponent';
}

/**
 * The family's place in the warm start (a new study first evaluates each family once with its
 * defaults). The configuration is the declared default of every searched parameter, with
 * `params` overriding the ones whose default the space cannot hold or that depend on the data.
 */
export interface WarmStart<P> {
  /** Order among the warm-start configurations: roughly cheapest fit first. */
  readonly rank: number;
  /** Also tried with the FDR feature filter (the task's linear family and gradient boosting). */
  readonly withSelection?: boolean;
  readonly params?: (task: Task, nFeatures: number) => Partial<P>;
}

/** One model family, declared once. See the file comment for what is derived from it. */
export interface ModelFamily<D extends ParamDecls = ParamDecls> {
  /** Stable name used in configs, `--models`, space files and model files (snake_case). */
  readonly name: string;
  /** One-line description for `--help` and the README. */
  readonly description: string;
  readonly tasks: readonly Task[];
  /** True when the model accepts NaN in X (then imputation is optional for it). */
  readonly handlesMissing?: boolean;
  /** True when `create` honours `ctx.classWeight` (the model weights training rows by class). */
  readonly classWeights?: boolean;
  /** Every hyperparameter, in the order model files store them. */
  readonly params: D;
  readonly preprocessing: PreprocessingPreference;
  readonly space: FamilySpace<D>;
  /** Position in the default search (lower first); absent: searched only when asked for by name. */
  readonly searchRank?: number;
  /** Present when the family takes part in the warm start. */
  readonly warmStart?: WarmStart<ParamsOf<D>>;
  /** Creates an unfitted estimator from validated params. */
  create(params: ParamsOf<D>, ctx: ModelContext): Estimator;
  /** Restores a fitted estimator from `toJSON()` output; validates it and never evaluates code. */
  load(json: EstimatorJSON): Estimator;
}

/** Identity helper that infers a family's params type from its declarations. */
export function defineFamily<const D extends ParamDecls>(family: ModelFamily<D>): ModelFamily<D> {
  return family;
}

/** True when `x` looks like a {@link ModelFamily} (declarations, space and preprocessing) rather than a plain ModelSpec. */
export function isFamily(x: unknown): x is ModelFamily {
  const f = x as Partial<ModelFamily> | null;
  return f !== null && typeof f === 'object' && isObject(f.params) && isObject(f.space) && isObject(f.preprocessing);
}

function isObject(x: unknown): boolean {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

const specs = new WeakMap<ModelFamily, ModelSpec>();

/**
 * The registry entry of a family: `create` takes untyped params (a sampled config, a user's
 * object), checks the task, validates them against the declarations and hands the typed result
 * to the family. One spec per family, so lookups return the same object.
 */
export function familySpec(family: ModelFamily): ModelSpec {
  let spec = specs.get(family);
  if (!spec) {
    spec = {
      name: family.name,
      description: family.description,
      tasks: family.tasks,
      ...(family.handlesMissing ? { handlesMissing: true } : {}),
      ...(family.classWeights ? { classWeights: true } : {}),
      params: family.params,
      create(params: Record<string, unknown>, ctx: ModelContext): Estimator {
        checkTask(family.name, ctx.task, family.tasks);
        return family.create(resolveParams(family.name, family.params, params), ctx);
      },
      load: (json: EstimatorJSON) => family.load(json),
    };
    specs.set(family, spec);
  }
  return spec;
}

const PARAM_NAME = /^[A-Za-z][A-Za-z0-9_]*$/;

function declProblems(name: string, d: ParamDecl, model: string): string[] {
  const out: string[] = [];
  if (!PARAM_NAME.test(name)) out.push(`parameter name ${show(name)} must be a letter followed by letters, digits or _`);
  if (d === null || typeof d !== 'object' || !['int', 'float', 'categorical', 'bool'].includes(d.kind)) return [...out, `parameter "${name}" has no valid kind (int, float, categorical or bool)`];
  if ((d.kind === 'int' || d.kind === 'float') && (!Number.isFinite(d.min) || (d.max !== undefined && !(d.max >= d.min)))) out.push(`parameter "${name}" has an invalid min/max`);
  if (d.kind === 'categorical' && (!Array.isArray(d.choices) || d.choices.length === 0)) out.push(`parameter "${name}" has no choices`);
  try {
    resolveValue(model, name, d, d.default);
  } catch (e) {
    out.push(`the default of "${name}" is invalid (${(e as Error).message})`);
  }
  return out;
}

function spaceProblems(family: ModelFamily): string[] {
  const out: string[] = [];
  const space = family.space;
  if (typeof space.comment !== 'string') out.push('space.comment must be a string');
  for (const [name, entry] of Object.entries(space.params as Record<string, Record<string, unknown>>)) {
    const decl = declOf(family.params, name);
    if (!decl) {
      out.push(`space.params.${name} is not a declared parameter`);
      continue;
    }
    try {
      if (decl.kind === 'int' || decl.kind === 'float') {
        const { low, high } = entry as { low: number; high: number };
        const log = (entry['log'] as boolean | undefined) ?? decl.log;
        if (!(low < high)) out.push(`space.params.${name}: low ${show(low)} must be below high ${show(high)}`);
        if (log && !(low > 0)) out.push(`space.params.${name}: a log range needs low > 0`);
        checkRange(family.name, family.params, name, { kind: decl.kind, low, high });
      } else {
        const values = (entry['choices'] as readonly unknown[] | undefined) ?? (decl.kind === 'bool' ? [true, false] : decl.choices);
        checkRange(family.name, family.params, name, { kind: 'choices', values });
      }
    } catch (e) {
      out.push(`space.params.${name}: ${(e as Error).message}`);
    }
  }
  return out;
}

/**
 * Checks a family's declarations against themselves: valid kinds and defaults, a default space
 * inside the declared ranges, a known preprocessing preference.
 * @throws AutomlError('E_CONFIG') listing every problem.
 */
export function checkFamily(family: ModelFamily): void {
  const problems: string[] = [];
  for (const [name, d] of Object.entries(family.params)) problems.push(...declProblems(name, d, family.name));
  const prep = family.preprocessing;
  if (!['onehot', 'ordinal'].includes(prep.encoding) || !['standard', 'none'].includes(prep.scaler)) {
    problems.push(`preprocessing ${show(prep)} must have encoding "onehot" or "ordinal" and scaler "standard" or "none"`);
  }
  if (isObject(family.space.params)) problems.push(...spaceProblems(family));
  else problems.push('space.params must be an object');
  if (family.warmStart !== undefined && !Number.isFinite(family.warmStart.rank)) problems.push('warmStart.rank must be a number');
  if (family.searchRank !== undefined && !Number.isFinite(family.searchRank)) problems.push('searchRank must be a number');
  if (problems.length > 0) {
    throw new AutomlError('E_CONFIG', `registerModel: invalid model family ${show(family.name)} (${problems.join('; ')})`, { value: family.name });
  }
}
