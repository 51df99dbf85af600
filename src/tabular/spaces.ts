import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AutomlError } from '../util/errors.js';
import { PACKAGE_ROOT } from '../util/package-paths.js';
import { spaceFromJSON } from '../space/json.js';
import type { Space, SpaceJSON } from '../space/index.js';
import type { Task } from '../models/estimator.js';
import { getModel, listModels } from '../models/registry.js';

/** Folder of the bundled search-space files. */
export const SPACES_DIR = join(PACKAGE_ROOT, 'search-spaces');

/**
 * Model families searched by default, fastest and strongest first. The ml.js adapters, the
 * TensorFlow.js MLP and the plain decision tree stay available through `models`/`--models`, but
 * are left out of the default because on a time budget they buy far fewer trials for no better
 * score (see bench/RESULTS.md).
 */
export const DEFAULT_MODELS: readonly string[] = ['gradient_boosting', 'random_forest', 'extra_trees', 'logistic_regression', 'ridge', 'knn', 'gaussian_nb'];

function readJson(file: string): unknown {
  return JSON.parse(readFileSync(file, 'utf8'));
}

/** The bundled search space of one model family (`search-spaces/<name>.json`), as JSON. */
export function modelSpaceJSON(name: string): SpaceJSON {
  const file = join(SPACES_DIR, `${name}.json`);
  if (!existsSync(file)) return {};
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
 * The combined space: preprocessing choices, then `model`, a choice of family whose branch holds
 * that family's hyperparameters. `extra` adds or replaces branches (e.g. a user's own model).
 */
export function defaultSpaceJSON(models: readonly string[], extra: Readonly<Record<string, SpaceJSON>> = {}): SpaceJSON {
  const branches: Record<string, SpaceJSON> = {};
  for (const m of models) branches[m] = extra[m] ?? modelSpaceJSON(m);
  for (const [m, s] of Object.entries(extra)) branches[m] = s;
  if (Object.keys(branches).length === 0) throw new AutomlError('E_CONFIG', 'no model to search: give at least one model');
  return { preprocess: { type: 'group', params: preprocessSpaceJSON() }, model: { type: 'choice', branches } };
}

/** The default combined space for a task, built and validated. */
export function defaultSpace(task: Task, models?: readonly string[]): Space {
  return spaceFromJSON(defaultSpaceJSON(resolveModels(task, models)), 'default space');
}
