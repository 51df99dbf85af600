import { readFileSync, statSync } from 'node:fs';
import { AutomlError, isAutomlError, show } from '../util/errors.js';
import { CategoricalDimension, FloatDimension, IntDimension } from './dimensions.js';
import { ANNOTATION_KEYS, FORBIDDEN_KEYS, NODE_KINDS } from './json-schema.js';
import { Choice, Space, type SpaceNode, type SpaceShape } from './space.js';

/** Largest search-space file accepted (a space is a few KB; anything larger is a mistake). */
export const MAX_SPACE_FILE_BYTES = 5 * 1024 * 1024;
const MAX_DEPTH = 32;

/** Keys each kind of node accepts: `type` and the keys of {@link NODE_KINDS} (also the JSON Schema's source). */
const KEYS: Record<string, readonly string[]> = Object.fromEntries(Object.entries(NODE_KINDS).map(([type, kind]) => [type, ['type', ...Object.keys(kind.keys)]]));

/**
 * Validates a space written as JSON and builds it. Errors (E_SPACE_FILE) name the source, the JSON
 * path (`$.model.branches.rf.n_estimators.low`) and what is wrong.
 */
export function spaceFromJSON(json: unknown, source = '(inline JSON)'): Space {
  const shape = shapeFrom(json, '$', source, 0);
  try {
    return new Space(shape);
  } catch (e) {
    if (isAutomlError(e)) throw new AutomlError('E_SPACE_FILE', `${source}: ${e.message}`, { file: source }, { cause: e });
    throw e;
  }
}

/** Reads, parses and validates a search-space JSON file. */
export function loadSpaceFile(file: string): Space {
  let size: number;
  try {
    size = statSync(file).size;
  } catch {
    throw new AutomlError('E_FILE_NOT_FOUND', `search-space file not found: ${file}`, { file });
  }
  if (size > MAX_SPACE_FILE_BYTES) {
    throw new AutomlError('E_SPACE_FILE', `${file}: ${size} bytes is too large for a search-space file (limit ${MAX_SPACE_FILE_BYTES}); is this the right file?`, { file });
  }
  const text = readFileSync(file, 'utf8');
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    const m = /position (\d+)/.exec((e as Error).message);
    let where = '';
    if (m) {
      const pos = Number(m[1]);
      const before = text.slice(0, pos);
      const line = before.split('\n').length;
      const col = pos - before.lastIndexOf('\n');
      where = ` at line ${line}, column ${col}`;
    }
    throw new AutomlError('E_SPACE_FILE', `${file}: invalid JSON${where}: ${(e as Error).message}`, { file });
  }
  return spaceFromJSON(json, file);
}

function fail(source: string, path: string, msg: string, value?: unknown): never {
  throw new AutomlError('E_SPACE_FILE', `${source}: ${path}: ${msg}`, { file: source, path, value });
}

function isObject(x: unknown): x is Record<string, unknown> {
  return x !== null && typeof x === 'object' && !Array.isArray(x);
}

function checkKeys(obj: Record<string, unknown>, path: string, source: string): void {
  for (const k of Object.keys(obj)) {
    if (FORBIDDEN_KEYS.includes(k)) fail(source, `${path}.${k}`, `key '${k}' is not allowed`);
  }
}

function shapeFrom(json: unknown, path: string, source: string, depth: number): SpaceShape {
  if (depth > MAX_DEPTH) fail(source, path, `nested deeper than ${MAX_DEPTH} levels`);
  if (!isObject(json)) fail(source, path, `expected an object of named parameters, got ${show(json)}`);
  checkKeys(json, path, source);
  if (Object.keys(json).length === 0 && depth === 0) fail(source, path, 'the space has no parameters');
  const shape: Record<string, SpaceNode> = {};
  for (const [name, node] of Object.entries(json)) {
    if (ANNOTATION_KEYS.includes(name)) continue;
    if (name === '' || name.includes('.')) fail(source, `${path}.${name}`, `parameter names must be non-empty and contain no '.'`);
    shape[name] = nodeFrom(node, `${path}.${name}`, source, depth + 1);
  }
  return shape;
}

function num(obj: Record<string, unknown>, key: string, path: string, source: string): number {
  const v = obj[key];
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(source, `${path}.${key}`, `must be a finite number, got ${show(v)}`, v);
  return v;
}

function nodeFrom(json: unknown, path: string, source: string, depth: number): SpaceNode {
  if (!isObject(json)) fail(source, path, `expected an object like {"type": "float", "low": 0, "high": 1}, got ${show(json)}`);
  checkKeys(json, path, source);
  const type = json.type;
  if (typeof type !== 'string' || !Object.hasOwn(KEYS, type)) {
    fail(source, `${path}.type`, `unknown kind ${show(type)}; expected one of ${Object.keys(NODE_KINDS).join(', ')}`, type);
  }
  const allowed = KEYS[type]!;
  for (const k of Object.keys(json)) {
    if (!allowed.includes(k)) {
      const hint = allowed.find((a) => a.startsWith(k.slice(0, 2))) ?? allowed.join(', ');
      fail(source, `${path}.${k}`, `unknown key '${k}' for ${type === 'int' ? 'an' : 'a'} ${type} (did you mean '${hint}'?)`);
    }
  }
  try {
    switch (type) {
      case 'float':
      case 'int': {
        const low = num(json, 'low', path, source);
        const high = num(json, 'high', path, source);
        if (json.log !== undefined && typeof json.log !== 'boolean') fail(source, `${path}.log`, `must be true or false, got ${show(json.log)}`);
        if (json.step !== undefined) num(json, 'step', path, source);
        const opts = { log: json.log as boolean | undefined, step: json.step as number | undefined };
        if (low > high) fail(source, path, `low (${low}) is greater than high (${high})`, { low, high });
        if (opts.log && low <= 0) fail(source, `${path}.low`, `log scale needs low > 0, got ${low}`, low);
        return type === 'float' ? new FloatDimension(low, high, opts) : new IntDimension(low, high, opts);
      }
      case 'categorical': {
        const choices = json.choices;
        if (!Array.isArray(choices)) fail(source, `${path}.choices`, `must be an array, got ${show(choices)}`);
        if (choices.length === 0) fail(source, `${path}.choices`, 'is empty; give at least one choice');
        choices.forEach((c, i) => {
          const ok = typeof c === 'string' || typeof c === 'boolean' || (typeof c === 'number' && Number.isFinite(c));
          if (!ok) fail(source, `${path}.choices[${i}]`, `must be a string, finite number or boolean, got ${show(c)}`, c);
        });
        return new CategoricalDimension(choices as (string | number | boolean)[]);
      }
      case 'choice': {
        const branches = json.branches;
        if (!isObject(branches)) fail(source, `${path}.branches`, `must be an object of branches, got ${show(branches)}`);
        checkKeys(branches, `${path}.branches`, source);
        if (Object.keys(branches).length === 0) fail(source, `${path}.branches`, 'is empty; give at least one branch');
        const out: Record<string, SpaceShape> = {};
        for (const [b, sub] of Object.entries(branches)) out[b] = shapeFrom(sub, `${path}.branches.${b}`, source, depth + 1);
        return new Choice(out);
      }
      default: {
        return shapeFrom(json.params, `${path}.params`, source, depth + 1);
      }
    }
  } catch (e) {
    if (isAutomlError(e) && e.code === 'E_SPACE') fail(source, path, e.message);
    throw e;
  }
}
