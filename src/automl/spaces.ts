import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { AutomlError, isAutomlError, show } from '../util/errors.js';
import { PACKAGE_ROOT, SPACE_SCHEMA_FILE, SPACE_SCHEMA_REF } from '../util/package-paths.js';
import { spaceSchemaText } from '../space/index.js';
import { spaceFromJSON } from '../space/json.js';
import type { Space, SpaceJSON } from '../space/index.js';
import type { ModelSpec, Task } from '../models/estimator.js';
import { checkRange, declOf } from '../models/hyperparams.js';
import type { SearchedRange } from '../models/hyperparams.js';
import { builtinFamilies, getFamily, getModel, hasModel, listModels } from '../models/registry.js';
import { familySpaceFile, familySpaceJSON } from '../models/space-file.js';
import { resolveTargetTransform } from '../pipeline/target-transform.js';

/** Folder of the bundled search-space files. */
export const SPACES_DIR = join(PACKAGE_ROOT, 'search-spaces');

/**
 * Model families searched by default, fastest and strongest first: the built-in families that
 * declare a `searchRank`, in its order. The ml.js adapters, the TensorFlow.js MLP and the plain
 * decision tree declare none: they stay available through `models`/`--models`, but on a time
 * budget they buy far fewer trials for no better score (see bench/RESULTS.md).
 */
export const DEFAULT_MODELS: readonly string[] = builtinFamilies
  .filter((f) => f.searchRank !== undefined)
  .sort((a, b) => a.searchRank! - b.searchRank!)
  .map((f) => f.name);

/** The default families that are registered (all of them in a complete build). */
export function defaultModelNames(): string[] {
  return DEFAULT_MODELS.filter((m) => hasModel(m));
}

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/**
 * The default search space of one model family, as JSON: from its descriptor when it has one
 * (`search-spaces/<name>.json` is generated from it), else from the bundled file of that name
 * (also how `preprocess`, `selection` and `target` are read).
 */
export function modelSpaceJSON(name: string): SpaceJSON {
  const family = getFamily(name);
  if (family) {
    const json = familySpaceJSON(family) as SpaceJSON;
    spaceFromJSONOrEmpty(json, `the default space of model '${name}'`);
    return json;
  }
  const file = join(SPACES_DIR, `${name}.json`);
  if (!existsSync(file)) throw new AutomlError('E_CONFIG', `model '${name}' has no search-space file ${file}; write one (the JSON space format in the README, "Search spaces and studies") or pass a space`, { file });
  const json = readJson(file) as Record<string, unknown>;
  spaceFromJSONOrEmpty(json, file);
  const out: SpaceJSON = {};
  for (const [k, v] of Object.entries(json)) if (!k.startsWith('$')) out[k] = v as SpaceJSON[string];
  return out;
}

function spaceFromJSONOrEmpty(json: Record<string, unknown>, file: string): void {
  if (Object.keys(json).filter((k) => !k.startsWith('$')).length > 0) spaceFromJSON(json, file);
}

/** The bundled preprocessing space (`search-spaces/preprocess.json`), as JSON. */
export function preprocessSpaceJSON(): SpaceJSON {
  return modelSpaceJSON('preprocess');
}

/** The models to search for a task: the requested ones (checked), or the default families. */
export function resolveModels(task: Task, requested?: readonly string[]): string[] {
  if (requested && requested.length > 0) {
    for (const name of requested) {
      const spec = getModel(name);
      if (!spec.tasks.includes(task)) {
        const fit = listModels(task).map((m) => m.name);
        throw new AutomlError('E_CONFIG', `model '${name}' does not support ${task}; models for ${task}: ${fit.join(', ')}`, { param: 'models', value: name });
      }
    }
    return [...new Set(requested)];
  }
  const available = new Set(listModels(task).map((m) => m.name));
  return DEFAULT_MODELS.filter((m) => available.has(m));
}

/**
 * The combined space: preprocessing choices, feature selection (`select`), the target transform
 * (`target_transform`, which {@link spaceForTask} drops for classification), then `model`, a
 * choice of family whose branch holds that family's hyperparameters. `extra` adds or replaces
 * branches (e.g. a user's own model).
 * `search-spaces/default.json` is this for {@link DEFAULT_MODELS} (a test keeps it in sync).
 */
export function composeSpaceJSON(models: readonly string[], extra: Readonly<Record<string, SpaceJSON>> = {}): SpaceJSON {
  const branches: Record<string, SpaceJSON> = {};
  for (const m of models) branches[m] = extra[m] ?? modelSpaceJSON(m);
  for (const [m, s] of Object.entries(extra)) branches[m] = s;
  if (Object.keys(branches).length === 0) throw new AutomlError('E_CONFIG', 'no model to search: give at least one model');
  const selection = modelSpaceJSON('selection').select;
  const target = modelSpaceJSON('target').target_transform;
  return {
    preprocess: { type: 'group', params: preprocessSpaceJSON() },
    ...(selection ? { select: selection } : {}),
    ...(target ? { target_transform: target } : {}),
    model: { type: 'choice', branches },
  };
}

/**
 * The space as it acts on `task`: without its top-level `target_transform` for classification, and
 * without the model parameters a built-in family declares for the other task only (a forest's
 * `criterion` does nothing in regression, so searching it would only spend trials on twins).
 */
export function spaceWithTargetFor(json: SpaceJSON, task: Task): SpaceJSON {
  let out = json;
  if (task === 'classification' && 'target_transform' in out) {
    const { target_transform: _dropped, ...rest } = out;
    out = rest;
  }
  return withoutOtherTaskParams(out, task);
}

/** Drops, from each `model` branch of a known family, the parameters declared for the other task only. */
function withoutOtherTaskParams(json: SpaceJSON, task: Task): SpaceJSON {
  const model = json.model as { type?: string; branches?: Record<string, SpaceJSON> } | undefined;
  if (!model || model.type !== 'choice' || !model.branches) return json;
  let changed = false;
  const branches: Record<string, SpaceJSON> = {};
  for (const [name, sub] of Object.entries(model.branches)) {
    const decls = hasModel(name) ? getModel(name).params : undefined;
    if (!decls || sub === null || typeof sub !== 'object') {
      branches[name] = sub;
      continue;
    }
    const kept = Object.entries(sub).filter(([key]) => {
      const decl = declOf(decls, key);
      return !decl?.task || decl.task === task;
    });
    if (kept.length !== Object.keys(sub).length) changed = true;
    branches[name] = Object.fromEntries(kept) as SpaceJSON;
  }
  return changed ? { ...json, model: { type: 'choice', branches } } : json;
}

/** Path of the default combined space file. */
export const DEFAULT_SPACE_FILE = join(SPACES_DIR, 'default.json');

/**
 * Keeps only the `model` branches that can do `task` (a model unknown to the registry is an
 * error naming it), and drops a top-level `target_transform` for classification (a class label
 * has no transform). Spaces without a top-level `model` choice are otherwise returned unchanged.
 */
export function spaceForTask(json: SpaceJSON, task: Task, source: string, onNote?: (n: string) => void): SpaceJSON {
  json = spaceWithTargetFor(json, task);
  const model = json.model as { type?: string; branches?: Record<string, SpaceJSON> } | undefined;
  if (!model || model.type !== 'choice' || !model.branches) return json;
  const branches: Record<string, SpaceJSON> = {};
  const dropped: string[] = [];
  for (const [name, sub] of Object.entries(model.branches)) {
    if (!hasModel(name)) {
      const known = listModels().map((m) => m.name).join(', ');
      throw new AutomlError('E_SPACE_FILE', `${source}: $.model.branches.${name}: no model named '${name}'; known models: ${known}`, { file: source, path: `$.model.branches.${name}` });
    }
    if (getModel(name).tasks.includes(task)) branches[name] = sub;
    else dropped.push(name);
  }
  if (Object.keys(branches).length === 0) {
    throw new AutomlError('E_SPACE_FILE', `${source}: none of the models in $.model.branches can do ${task}; add one of: ${listModels(task).map((m) => m.name).join(', ')}`, { file: source });
  }
  if (dropped.length > 0) onNote?.(`${task}: left out model${dropped.length > 1 ? 's' : ''} ${dropped.join(', ')} (${dropped.length > 1 ? 'they do' : 'it does'} not support ${task})`);
  return { ...json, model: { type: 'choice', branches } };
}

/** The default combined space for a task (`search-spaces/default.json`, filtered by task), validated. */
export function defaultSpace(task: Task): Space {
  const json = readJson(DEFAULT_SPACE_FILE) as SpaceJSON;
  return spaceFromJSON(spaceForTask(json, task, DEFAULT_SPACE_FILE), DEFAULT_SPACE_FILE);
}

/** The text of `search-spaces/default.json`: the combined space of {@link DEFAULT_MODELS}. */
export function defaultSpaceText(): string {
  const json = { $schema: SPACE_SCHEMA_REF, $comment: 'Generated by `npm run spaces` from preprocess.json, selection.json, target.json and the model files; edit those, or copy this file and pass it with --space.', ...composeSpaceJSON(defaultModelNames()) };
  return JSON.stringify(json, null, 2) + '\n';
}

/** Writes `search-spaces/default.json` from the model descriptors and the hand-written files. */
export function writeDefaultSpace(): string {
  writeFileSync(DEFAULT_SPACE_FILE, defaultSpaceText());
  return DEFAULT_SPACE_FILE;
}

/**
 * Writes `search-spaces/<name>.json` of every built-in family from its descriptor, then
 * `default.json` and the JSON Schema `schema/space.schema.json` (`npm run spaces`). Returns the
 * files written. A test fails when a checked-in file differs from what this writes.
 */
export function writeSpaceFiles(): string[] {
  mkdirSync(dirname(SPACE_SCHEMA_FILE), { recursive: true });
  writeFileSync(SPACE_SCHEMA_FILE, spaceSchemaText());
  const written: string[] = [SPACE_SCHEMA_FILE];
  for (const family of builtinFamilies) {
    const file = join(SPACES_DIR, `${family.name}.json`);
    writeFileSync(file, familySpaceFile(family));
    written.push(file);
  }
  written.push(writeDefaultSpace());
  return written;
}

/** A dimension's values as the range check sees them: both ends of a numeric range, or every choice. */
function searchedRange(dimension: Space['params'][number]['dimension']): SearchedRange {
  const json = dimension.toJSON();
  return json.type === 'categorical' ? { kind: 'choices', values: json.choices } : { kind: json.type, low: dimension.decode(0) as number, high: dimension.decode(1) as number };
}

/**
 * Checks a space's `target_transform` values against the task, and its model branches against the
 * models' declared parameters, before any trial runs: each searched range must lie inside the
 * declared one (an integer parameter needs an integer range) and every categorical choice must be
 * a valid value, so a range the model refuses is reported with its JSON path instead of failing
 * every trial. A user's model registered without declarations is checked by creating it at the
 * ends of each range instead.
 */
export function checkModelRanges(space: Space, task: Task, source: string): void {
  const transform = space.param('target_transform');
  if (transform) {
    const json = transform.dimension.toJSON();
    const values = json.type === 'categorical' ? json.choices : [transform.dimension.decode(0), transform.dimension.decode(1)];
    for (const v of values) {
      try {
        resolveTargetTransform(v, task);
      } catch (e) {
        if (!isAutomlError(e, 'E_PARAM')) throw e;
        throw new AutomlError('E_SPACE_FILE', `${source}: $.target_transform: ${e.message}`, { file: source, path: '$.target_transform', value: v });
      }
    }
  }
  const selector = space.param('model');
  if (!selector?.isBranch) return;
  for (const branch of (selector.dimension.toJSON() as { choices: string[] }).choices) {
    if (!hasModel(branch)) continue;
    const spec = getModel(branch);
    const prefix = `model.${branch}.`;
    for (const p of space.params) {
      if (!p.name.startsWith(prefix) || p.name.slice(prefix.length).includes('.')) continue;
      const key = p.name.slice(prefix.length);
      const range = searchedRange(p.dimension);
      let refused: { value: unknown; message: string } | undefined;
      if (spec.params) {
        try {
          checkRange(branch, spec.params, key, range);
        } catch (e) {
          if (!isAutomlError(e, 'E_PARAM')) throw e;
          refused = { value: e.details.value, message: e.message };
        }
      } else refused = probeCreate(spec, key, range, task);
      if (refused) {
        throw new AutomlError('E_SPACE_FILE', `${source}: $.model.branches.${branch}.${key}: the model refuses the value ${show(refused.value)} of this range: ${refused.message}`, {
          file: source,
          path: `$.model.branches.${branch}.${key}`,
          value: refused.value,
        });
      }
    }
  }
}

/** For a model without declarations: the first end or choice its `create` refuses, if any. */
function probeCreate(spec: ModelSpec, key: string, range: SearchedRange, task: Task): { value: unknown; message: string } | undefined {
  const values = range.kind === 'choices' ? range.values : [range.low, range.high];
  for (const v of values) {
    try {
      spec.create({ [key]: v }, { task, nClasses: task === 'classification' ? 2 : 0, seed: 0 });
    } catch (e) {
      if (!isAutomlError(e, 'E_PARAM')) throw e;
      return { value: v, message: e.message };
    }
  }
  return undefined;
}
