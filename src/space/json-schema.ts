/**
 * The search-space file format, defined once: the kinds of node (`float`, `int`, `categorical`,
 * `choice`, `group`), the keys each accepts and what each key holds. `json.ts` validates files
 * against this table with its own precise messages (file, JSON path, "did you mean"), and
 * {@link spaceFileSchema} turns the same table into the published JSON Schema
 * (`schema/space.schema.json`, draft 2020-12) that editors use to complete and check space files.
 *
 * Rules a JSON Schema cannot state (`low <= high`, the nesting depth limit) are only in the
 * validator, which stays the authority; test/space/schema.test.ts checks that both accept the
 * bundled files and refuse the same bad ones.
 */
import type { NodeJSON } from './space.js';

/** A JSON Schema fragment (plain data). */
export type SchemaNode = { readonly [key: string]: unknown };

/** The keys besides `type` of one kind of node in the TypeScript form of a space file (`NodeJSON`). */
type KeysOf<K extends NodeJSON['type']> = Exclude<keyof Extract<NodeJSON, { type: K }>, 'type'> & string;

/**
 * One kind of node: its keys besides `type` (with their schemas) and which are required. Typed by
 * the keys of that kind in `NodeJSON`, so the TypeScript type, the validator and the schema cannot
 * drift apart: a key missing here or present only here does not compile.
 */
export interface NodeKind<Keys extends string = string> {
  readonly description: string;
  readonly keys: Readonly<Record<Keys, SchemaNode>>;
  readonly required: readonly Keys[];
}

/** Keys of an object of parameters that are annotations, not parameters. */
export const ANNOTATION_KEYS: readonly string[] = ['$schema', '$comment'];

/** Object keys refused anywhere in a space file (they would reach Object.prototype). */
export const FORBIDDEN_KEYS: readonly string[] = ['__proto__', 'constructor', 'prototype'];

const finite: SchemaNode = { type: 'number' };
const numericKeys = (kind: 'float' | 'int'): Record<KeysOf<'float' | 'int'>, SchemaNode> => {
  const bound = kind === 'int' ? { type: 'integer' } : finite;
  return {
    low: { ...bound, description: 'Smallest value (inclusive).' },
    high: { ...bound, description: 'Largest value (inclusive); at least `low`.' },
    log: { type: 'boolean', description: 'Sample uniformly in log space; needs low > 0 and no `step`.' },
    step: { ...bound, exclusiveMinimum: 0, description: 'Only values low + k * step.' },
  };
};

/** The node kinds of a space file, keyed by their `type`. */
export const NODE_KINDS: { readonly [K in NodeJSON['type']]: NodeKind<KeysOf<K>> } = {
  float: { description: 'A real number in [low, high].', keys: numericKeys('float'), required: ['low', 'high'] },
  int: { description: 'An integer in [low, high].', keys: numericKeys('int'), required: ['low', 'high'] },
  categorical: {
    description: 'One of a list of values.',
    keys: { choices: { type: 'array', minItems: 1, uniqueItems: true, items: { type: ['string', 'number', 'boolean'] }, description: 'The values, all different: strings, finite numbers or booleans.' } },
    required: ['choices'],
  },
  choice: {
    description: 'A conditional parameter: one branch is chosen (the configuration holds { "type": branch, ...its parameters }).',
    keys: {
      branches: {
        type: 'object',
        minProperties: 1,
        propertyNames: { not: { enum: [...FORBIDDEN_KEYS] } },
        additionalProperties: { $ref: '#/$defs/branch' },
        description: 'Branch name to the parameters searched when that branch is chosen (may be {}).',
      },
    },
    required: ['branches'],
  },
  group: {
    description: 'Named parameters grouped under one key (a nested object in the configuration).',
    keys: { params: { $ref: '#/$defs/params', description: 'The grouped parameters.' } },
    required: ['params'],
  },
};

/** A parameter name: non-empty, no '.', not one of {@link FORBIDDEN_KEYS}. */
const paramName = (extraForbidden: readonly string[] = []): SchemaNode => ({
  minLength: 1,
  pattern: '^[^.]*$',
  not: { enum: [...FORBIDDEN_KEYS, ...extraForbidden] },
});

function paramsObject(minProperties: number, extraForbidden: readonly string[] = []): SchemaNode {
  const properties: Record<string, SchemaNode> = {};
  for (const k of ANNOTATION_KEYS) properties[k] = { type: 'string' };
  return {
    type: 'object',
    properties,
    propertyNames: paramName(extraForbidden),
    additionalProperties: { $ref: '#/$defs/node' },
    ...(minProperties > 0 ? { minProperties } : {}),
  };
}

function kindSchema(type: string, kind: NodeKind): SchemaNode {
  const s: Record<string, unknown> = {
    description: kind.description,
    type: 'object',
    properties: { type: { const: type }, ...kind.keys },
    required: ['type', ...kind.required],
    additionalProperties: false,
  };
  if (type === 'float' || type === 'int') {
    // log needs low > 0 and excludes step.
    s.if = { properties: { log: { const: true } }, required: ['log'] };
    s.then = { properties: { low: { type: 'number', exclusiveMinimum: 0 }, step: false } };
  }
  return s;
}

/** The JSON Schema (draft 2020-12) of a search-space file, built from the node kinds (`NODE_KINDS`). */
export function spaceFileSchema(): SchemaNode {
  const defs: Record<string, SchemaNode> = {
    // A branch's parameters may be empty ("none": {}), and none may be named "type" (the branch key).
    branch: paramsObject(0, ['type']),
    params: paramsObject(0),
    node: {
      type: 'object',
      required: ['type'],
      properties: { type: { enum: Object.keys(NODE_KINDS) } },
      oneOf: Object.keys(NODE_KINDS).map((k) => ({ $ref: `#/$defs/${k}` })),
    },
  };
  for (const [type, kind] of Object.entries(NODE_KINDS)) defs[type] = kindSchema(type, kind);
  return {
    $schema: 'https://json-schema.org/draft/2020-12/schema',
    title: 'automl search-space file',
    description:
      'An object of named parameters (float, int, categorical, choice, group), as in search-spaces/*.json. ' +
      'Generated by `npm run spaces` from src/space/json-schema.ts. Also checked when loaded: low <= high, at most 32 levels of nesting.',
    ...paramsObject(1),
    $defs: defs,
  };
}

/** The text of `schema/space.schema.json`. */
export function spaceSchemaText(): string {
  return JSON.stringify(spaceFileSchema(), null, 2) + '\n';
}
