import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AutomlError, isAutomlError, show } from '../util/errors.js';
import { PACKAGE_ROOT } from '../util/package-paths.js';
import { spaceFromJSON } from '../space/json.js';
import type { Space, SpaceJSON } from '../space/index.js';
import type { Task } from '../models/estimator.js';
import { getModel, hasModel, listModels } from '../models/registry.js';
import { resolveTargetTransform } from '../pipeline/target-transform.js';

/** Folder of the bundled search-space files. */
export const SPACES_DIR = join(PACKAGE_ROOT, 'search-spaces');

/**
 * Model families searched by default, fastest and strongest first. The ml.js adapters, the
 * TensorFlow.js MLP and the plain decision tree stay available through `models`/`--models`, but
 * are left out of the default because on a time budget they buy far fewer trials for no better
 * score (see bench/RESULTS.md).
 */
export const DEFAULT_MODELS: readonly string[] = ['gradient_boosting', 'random_forest', 'extra_trees', 'logistic_regression', 'ridge', 'knn', 'gaussian_nb'];

/** The default families that are registered (all of them in a complete build). */
export function defaultModelNames(): string[] {
  return DEFAULT_MODELS.filter((m) => hasModel(m));
}

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** The bundled search space of one model family (`search-spaces/<name>.json`), as JSON. */
export function modelSpaceJSON(name: string): SpaceJSON {
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

/** The space without its top-level `target_transform` when the task is classification. */
export function spaceWithTargetFor(json: SpaceJSON, task: Task): SpaceJSON {
  if (task !== 'classification' || !('target_transform' in json)) return json;
  const { target_transform: _dropped, ...rest } = json;
  return rest;
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

/** Writes `search-spaces/default.json` from the per-model files (`npm run spaces`). */
export function writeDefaultSpace(): string {
  const json = { $comment: 'Generated by `npm run spaces` from preprocess.json, selection.json, target.json and the model files; edit those, or copy this file and pass it with --space.', ...composeSpaceJSON(defaultModelNames()) };
  writeFileSync(DEFAULT_SPACE_FILE, JSON.stringify(json, null, 2) + '\n');
  return DEFAULT_SPACE_FILE;
}

/**
 * Checks a space's `target_transform` values against the task, and its model branches against the
 * models' own parameter rules, before any trial runs:
 * each parameter's extreme values (and every categorical choice) must be accepted by the model,
 * so a range the model refuses is reported with its JSON path instead of failing every trial.
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
      const json = p.dimension.toJSON();
      const values = json.type === 'categorical' ? json.choices : [p.dimension.decode(0), p.dimension.decode(1)];
      for (const v of values) {
        try {
          spec.create({ [key]: v }, { task, nClasses: task === 'classification' ? 2 : 0, seed: 0 });
        } catch (e) {
          if (!isAutomlError(e, 'E_PARAM')) throw e;
          throw new AutomlError('E_SPACE_FILE', `${source}: $.model.branches.${branch}.${key}: the model refuses the value ${show(v)} of this range: ${e.message}`, {
            file: source,
            path: `$.model.branches.${branch}.${key}`,
            value: v,
          });
        }
      }
    }
  }
}
