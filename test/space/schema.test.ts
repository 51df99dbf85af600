import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { describe, expect, it } from 'vitest';
import { SPACES_DIR } from '../../src/automl/spaces.js';
import { categorical, choice, float, int, space, spaceFileSchema, spaceFromJSON, spaceSchemaText } from '../../src/space/index.js';
import { isAutomlError } from '../../src/util/errors.js';
import { SPACE_SCHEMA_FILE, SPACE_SCHEMA_REF } from '../../src/util/package-paths.js';

const ajv = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true });
const validate = ajv.compile(JSON.parse(readFileSync(SPACE_SCHEMA_FILE, 'utf8')));

function schemaErrors(json: unknown): string {
  return validate(json) ? '' : ajv.errorsText(validate.errors);
}

describe('the JSON Schema of space files (schema/space.schema.json)', () => {
  it('is what src/space/json-schema.ts generates, byte for byte (run `npm run spaces` if this fails)', () => {
    expect(readFileSync(SPACE_SCHEMA_FILE, 'utf8')).toBe(spaceSchemaText());
    expect(spaceFileSchema().$schema).toBe('https://json-schema.org/draft/2020-12/schema');
  });

  it('accepts every bundled search-spaces/*.json, each of which points at it with $schema', () => {
    const files = readdirSync(SPACES_DIR).filter((f) => f.endsWith('.json'));
    expect(files.length).toBeGreaterThan(10);
    for (const f of files) {
      const json = JSON.parse(readFileSync(join(SPACES_DIR, f), 'utf8')) as Record<string, unknown>;
      expect(json.$schema, f).toBe(SPACE_SCHEMA_REF);
      expect(schemaErrors(json), f).toBe('');
    }
    // The relative reference resolves to the schema file from the folder of the space files.
    expect(join(SPACES_DIR, SPACE_SCHEMA_REF)).toBe(SPACE_SCHEMA_FILE);
  });

  it('accepts what the DSL writes: every kind, options, nested groups and an empty branch', () => {
    const s = space({
      lr: float(1e-4, 1, { log: true }),
      depth: int(1, 12, { step: 1 }),
      frac: float(0, 1, { step: 0.25 }),
      flag: categorical([true, false, 3, 'x']),
      model: choice({ none: {}, tree: { depth: int(1, 5), prep: { scale: categorical(['a']) } } }),
    });
    expect(schemaErrors(s.toJSON())).toBe('');
  });

  // Each bad space is refused by both the loader (with its precise message) and the schema.
  it.each([
    ['log with low <= 0', '{"x": {"type": "float", "low": 0, "high": 1, "log": true}}', 'log scale needs low > 0'],
    ['log with step', '{"x": {"type": "float", "low": 1, "high": 2, "log": true, "step": 0.5}}', 'cannot be combined'],
    ['non-positive step', '{"x": {"type": "int", "low": 0, "high": 9, "step": 0}}', 'step must be a positive number'],
    ['empty categorical', '{"c": {"type": "categorical", "choices": []}}', 'is empty'],
    ['unknown kind', '{"x": {"type": "uniform", "low": 0, "high": 1}}', 'unknown kind "uniform"'],
    ['typo key', '{"x": {"type": "int", "lo": 0, "high": 1}}', "did you mean 'low'"],
    ['string bound', '{"x": {"type": "int", "low": "0", "high": 1}}', 'must be a finite number'],
    ['non-integer int bound', '{"x": {"type": "int", "low": 0.5, "high": 3}}', 'must be integers'],
    ['not an object', '[1,2]', 'expected an object'],
    ['empty space', '{}', 'no parameters'],
    ['empty branches', '{"m": {"type": "choice", "branches": {}}}', 'is empty'],
    ['null choice value', '{"c": {"type": "categorical", "choices": ["a", null]}}', 'got null'],
    ['dotted name', '{"a.b": {"type": "float", "low": 0, "high": 1}}', "contain no '.'"],
    ['__proto__ key', '{"__proto__": {"type": "float", "low": 0, "high": 1}}', 'not allowed'],
    ['group without params', '{"g": {"type": "group"}}', 'expected an object of named parameters'],
    ['duplicate choice', '{"c": {"type": "categorical", "choices": ["a", "b", "a"]}}', 'duplicate choice "a"'],
    ['prototype as a branch', '{"m": {"type": "choice", "branches": {"prototype": {}}}}', 'not allowed'],
    ['"type" inside a branch', '{"m": {"type": "choice", "branches": {"a": {"type": {"type": "int", "low": 0, "high": 1}}}}}', 'reserved for the branch name'],
  ])('rejects %s in the loader and in the schema', (_label, text, message) => {
    const json: unknown = JSON.parse(text);
    let error: unknown;
    try {
      spaceFromJSON(json, 'bad.json');
    } catch (e) {
      error = e;
    }
    expect(isAutomlError(error, 'E_SPACE_FILE'), String(error)).toBe(true);
    expect((error as Error).message).toContain('bad.json');
    expect((error as Error).message).toContain(message);
    expect(schemaErrors(json)).not.toBe('');
  });

  it('leaves low <= high to the loader (a JSON Schema cannot compare two values)', () => {
    const json = { x: { type: 'float', low: 5, high: 1 } };
    expect(schemaErrors(json)).toBe('');
    expect(() => spaceFromJSON(json, 'swap.json')).toThrow(/swap\.json: \$\.x: .*low \(5\) is greater than high \(1\)/);
  });
});
