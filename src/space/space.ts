import { AutomlError, show } from '../util/errors.js';
import type { FlatParams, ParamValue } from './params.js';
import { CategoricalDimension, FloatDimension, IntDimension, type Dimension, type DimensionJSON } from './dimensions.js';

/** The key that names the chosen branch in a configuration produced by a {@link Choice}. */
export const BRANCH_KEY = 'type';

/** A node of a space: a leaf dimension, a conditional choice, or a nested group of nodes. */
export type SpaceNode = Dimension<any> | Choice<any> | SpaceShape;

/** An object of named nodes. */
export interface SpaceShape {
  readonly [name: string]: SpaceNode;
}

/**
 * A conditional choice between named branches, each with its own sub-space: the chosen branch's
 * parameters exist only when it is chosen. The configuration value is `{ type: branch, ...params }`.
 */
export class Choice<B extends Record<string, SpaceShape>> {
  readonly kind = 'choice' as const;
  readonly branches: B;
  constructor(branches: B) {
    if (branches === null || typeof branches !== 'object' || Array.isArray(branches)) {
      throw new AutomlError('E_SPACE', `choice(): expects an object of branches, got ${show(branches)}`);
    }
    const names = Object.keys(branches);
    if (names.length === 0) throw new AutomlError('E_SPACE', 'choice(): needs at least one branch');
    for (const n of names) {
      checkName(n, `choice branch`);
      const sub = branches[n];
      if (sub === null || typeof sub !== 'object' || isDimension(sub) || sub instanceof Choice) {
        throw new AutomlError('E_SPACE', `choice(): branch '${n}' must be an object of parameters (use {} for none), got ${show(sub)}`);
      }
      if (Object.hasOwn(sub, BRANCH_KEY)) {
        throw new AutomlError('E_SPACE', `choice(): branch '${n}' has a parameter named '${BRANCH_KEY}', which is reserved for the branch name; rename it`);
      }
    }
    this.branches = branches;
  }
}

/** A conditional choice: `choice({ rf: { n_estimators: int(10, 500) }, lr: { C: float(1e-3, 1e3, { log: true }) } })`. */
export function choice<const B extends Record<string, SpaceShape>>(branches: B): Choice<B> {
  return new Choice(branches);
}

type Simplify<T> = { [K in keyof T]: T[K] } & {};

/** The configuration type a node produces. */
export type ValueOf<N> = N extends Dimension<infer T>
  ? T
  : N extends Choice<infer B>
    ? { [K in keyof B & string]: Simplify<{ readonly type: K } & ConfigOfShape<B[K]>> }[keyof B & string]
    : N extends SpaceShape
      ? ConfigOfShape<N>
      : never;

type ConfigOfShape<S> = Simplify<{ readonly [K in keyof S]: ValueOf<S[K]> }>;

/** The configuration type of a space (or of a shape): inferred, never written by hand. */
export type ConfigOf<S> = S extends Space<infer Shape> ? ConfigOfShape<Shape> : ConfigOfShape<S>;

/**
 * One parameter of the flattened space. Parameters are listed parents first, so a sampler that
 * walks `space.params` in order always knows whether a parameter is active when it reaches it.
 */
export interface ParamDef {
  /** Dotted name, unique in the space: `lr`, `model` (a choice's branch selector), `model.rf.n_estimators`. */
  readonly name: string;
  readonly dimension: Dimension;
  /** Active only when the selector `condition.name` chose `condition.branch`; null = always active. */
  readonly condition: { readonly name: string; readonly branch: string } | null;
  /** True for a choice's branch selector. */
  readonly isBranch: boolean;
}

const FORBIDDEN_NAMES = new Set(['__proto__', 'constructor', 'prototype']);

function checkName(name: string, what: string): void {
  if (FORBIDDEN_NAMES.has(name)) throw new AutomlError('E_SPACE', `${what} name '${name}' is not allowed`, { param: name });
  if (name === '' || name.includes('.')) {
    throw new AutomlError('E_SPACE', `${what} name ${show(name)} must be non-empty and contain no '.'`, { param: name });
  }
}

/** True for leaf dimensions. */
export function isDimension(x: unknown): x is Dimension {
  return x instanceof FloatDimension || x instanceof IntDimension || x instanceof CategoricalDimension;
}

/** JSON form of a space, as in `search-spaces/*.json`. */
export type SpaceJSON = { [name: string]: NodeJSON };
export type NodeJSON =
  | DimensionJSON
  | { type: 'choice'; branches: { [branch: string]: SpaceJSON } }
  | { type: 'group'; params: SpaceJSON };

/**
 * A typed search space. Build with {@link space}; its configuration type is `ConfigOf<typeof s>`.
 * Immutable after construction.
 */
export class Space<S extends SpaceShape = SpaceShape> {
  readonly shape: S;
  readonly params: readonly ParamDef[];
  private readonly byName: ReadonlyMap<string, ParamDef>;

  constructor(shape: S) {
    if (shape === null || typeof shape !== 'object' || Array.isArray(shape) || isDimension(shape) || shape instanceof Choice) {
      throw new AutomlError('E_SPACE', `space(): expects an object of named parameters, got ${show(shape)}`);
    }
    this.shape = shape;
    const params: ParamDef[] = [];
    flattenShape(shape, '', null, params, 0);
    if (params.length === 0) throw new AutomlError('E_SPACE', 'space(): has no parameters');
    this.params = Object.freeze(params);
    this.byName = new Map(params.map((p) => [p.name, p]));
  }

  /** The parameter named `name`, or undefined. */
  param(name: string): ParamDef | undefined {
    return this.byName.get(name);
  }

  /** Whether `def` is active given the (parent) values assigned so far. */
  static isActive(def: ParamDef, assigned: Readonly<Record<string, ParamValue>>): boolean {
    return def.condition === null || assigned[def.condition.name] === def.condition.branch;
  }

  /** The active parameters of a complete flat assignment, in order. */
  activeParams(flat: FlatParams): ParamDef[] {
    return this.params.filter((p) => Space.isActive(p, flat));
  }

  /**
   * Checks that `flat` assigns exactly the active parameters with valid values; throws E_PARAM
   * naming the parameter and value otherwise.
   */
  validate(flat: FlatParams): void {
    for (const p of this.params) {
      const active = Space.isActive(p, flat);
      const has = Object.hasOwn(flat, p.name);
      if (active && !has) throw new AutomlError('E_PARAM', `parameter '${p.name}' is missing`, { param: p.name });
      if (!active && has) throw new AutomlError('E_PARAM', `parameter '${p.name}' is set but its branch is not chosen`, { param: p.name });
      if (active && !p.dimension.contains(flat[p.name])) {
        throw new AutomlError('E_PARAM', `parameter '${p.name}' = ${show(flat[p.name])} is outside its range ${show(p.dimension.toJSON(), 120)}`, { param: p.name, value: flat[p.name] });
      }
    }
    for (const k of Object.keys(flat)) {
      if (!this.byName.has(k)) throw new AutomlError('E_PARAM', `unknown parameter '${k}'`, { param: k });
    }
  }

  /** Assembles the nested configuration from a valid flat assignment. */
  build(flat: FlatParams): ConfigOf<S> {
    return buildShape(this.shape, '', flat) as ConfigOf<S>;
  }

  /** The flat assignment of a nested configuration (inverse of {@link build}); validates it. */
  flatten(config: ConfigOf<S>): FlatParams {
    const out: Record<string, ParamValue> = {};
    flattenConfig(this.shape, '', config as unknown, out);
    this.validate(out);
    return out;
  }

  /** The JSON form (see `search-spaces/`); `spaceFromJSON(s.toJSON())` is equivalent to `s`. */
  toJSON(): SpaceJSON {
    return shapeToJSON(this.shape);
  }
}

/** Creates a typed search space: `space({ lr: float(1e-4, 1, { log: true }), depth: int(1, 12) })`. */
export function space<const S extends SpaceShape>(shape: S): Space<S> {
  return new Space(shape);
}

const MAX_DEPTH = 32;

function flattenShape(shape: SpaceShape, prefix: string, condition: ParamDef['condition'], out: ParamDef[], depth: number): void {
  if (depth > MAX_DEPTH) throw new AutomlError('E_SPACE', `space nests deeper than ${MAX_DEPTH} levels at '${prefix}'`);
  for (const key of Object.keys(shape)) {
    checkName(key, 'parameter');
    const node = shape[key];
    const name = prefix + key;
    if (isDimension(node)) {
      out.push({ name, dimension: node, condition, isBranch: false });
    } else if (node instanceof Choice) {
      const names = Object.keys(node.branches);
      out.push({ name, dimension: new CategoricalDimension(names), condition, isBranch: true });
      for (const b of names) flattenShape(node.branches[b]!, `${name}.${b}.`, { name, branch: b }, out, depth + 1);
    } else if (node !== null && typeof node === 'object' && !Array.isArray(node)) {
      flattenShape(node as SpaceShape, `${name}.`, condition, out, depth + 1);
    } else {
      throw new AutomlError('E_SPACE', `parameter '${name}': expected float(), int(), categorical(), choice() or a nested object, got ${show(node)}`, { param: name });
    }
  }
}

function buildShape(shape: SpaceShape, prefix: string, flat: FlatParams): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(shape)) {
    const node = shape[key];
    const name = prefix + key;
    if (isDimension(node)) out[key] = flat[name];
    else if (node instanceof Choice) {
      const b = flat[name] as string;
      out[key] = { [BRANCH_KEY]: b, ...buildShape(node.branches[b]!, `${name}.${b}.`, flat) };
    } else out[key] = buildShape(node as SpaceShape, `${name}.`, flat);
  }
  return out;
}

function flattenConfig(shape: SpaceShape, prefix: string, config: unknown, out: Record<string, ParamValue>): void {
  if (config === null || typeof config !== 'object') {
    throw new AutomlError('E_PARAM', `configuration at '${prefix.slice(0, -1) || '(root)'}' must be an object, got ${show(config)}`);
  }
  const c = config as Record<string, unknown>;
  for (const key of Object.keys(shape)) {
    const node = shape[key];
    const name = prefix + key;
    if (isDimension(node)) out[name] = c[key] as ParamValue;
    else if (node instanceof Choice) {
      const v = c[key] as Record<string, unknown> | undefined;
      const b = v?.[BRANCH_KEY];
      if (typeof b !== 'string' || !Object.hasOwn(node.branches, b)) {
        throw new AutomlError('E_PARAM', `parameter '${name}.${BRANCH_KEY}' must be one of ${show(Object.keys(node.branches), 200)}, got ${show(b)}`, { param: name, value: b });
      }
      out[name] = b;
      flattenConfig(node.branches[b]!, `${name}.${b}.`, v, out);
    } else flattenConfig(node as SpaceShape, `${name}.`, c[key], out);
  }
}

function shapeToJSON(shape: SpaceShape): SpaceJSON {
  const out: SpaceJSON = {};
  for (const key of Object.keys(shape)) {
    const node = shape[key];
    if (isDimension(node)) out[key] = node.toJSON();
    else if (node instanceof Choice) {
      const branches: { [b: string]: SpaceJSON } = {};
      for (const b of Object.keys(node.branches)) branches[b] = shapeToJSON(node.branches[b]!);
      out[key] = { type: 'choice', branches };
    } else out[key] = { type: 'group', params: shapeToJSON(node as SpaceShape) };
  }
  return out;
}
