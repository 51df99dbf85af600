/**
 * The model registry: every model family by its stable snake_case name. Built-ins are the
 * descriptors of the adapters in this folder plus the fast native learners of ./fast; users add
 * their own with `registerModel`, either as a descriptor (`ModelFamily`, typed params, a default
 * space) or as a plain `ModelSpec`.
 *
 * Tasks of the built-in adapters:
 * - classification and regression: `ml_random_forest`, `decision_tree`, `knn`, `mlp`;
 * - classification only: `ml_logistic_regression`, `gaussian_nb`, `svm`;
 * - regression only: `svr`, `gaussian_process`, `linear_regression`, `elastic_net`.
 * Each family's `tasks` field is authoritative; `listModels(task)` filters on it.
 *
 * The registry is per thread (module state): a worker thread sees the built-ins, and custom models
 * must be registered in the worker too (e.g. from a module the worker imports).
 */
import { AutomlError, show } from '../util/errors.js';
import type { ModelFamily } from './descriptor.js';
import { checkFamily, familySpec, isFamily } from './descriptor.js';
import type { ModelSpec, Task } from './estimator.js';
import { decisionTreeFamily } from './decision-tree.js';
import { fastFamilies } from './fast/index.js';
import { gaussianNbFamily } from './gaussian-nb.js';
import { gaussianProcessFamily } from './gpr/index.js';
import { knnFamily } from './knn.js';
import { mlLogisticRegressionFamily } from './logistic-regression.js';
import { mlpFamily } from './mlp.js';
import { mlRandomForestFamily } from './random-forest.js';
import { elasticNetFamily } from './linear-elastic-net.js';
import { linearRegressionFamily } from './linear-regression.js';
import { svmFamily, svrFamily } from './svm/index.js';

/** The families of the adapters defined in src/models (not counting the fast learners). */
export const adapterFamilies: readonly ModelFamily[] = [mlRandomForestFamily, mlLogisticRegressionFamily, decisionTreeFamily, knnFamily, gaussianNbFamily, mlpFamily];

/** The kernel and linear families of issue #20; outside the default search until measurements say otherwise. */
export const kernelLinearFamilies: readonly ModelFamily[] = [svmFamily, svrFamily, gaussianProcessFamily, linearRegressionFamily, elasticNetFamily];

/** Every built-in family, in registration order (the order `listModels` reports). */
export const builtinFamilies: readonly ModelFamily[] = [...adapterFamilies, ...fastFamilies, ...kernelLinearFamilies];

/** The registry entries of the adapters defined in src/models. */
export const adapterModels: readonly ModelSpec[] = adapterFamilies.map(familySpec);

const registry = new Map<string, ModelSpec>();
const families = new Map<string, ModelFamily>();
let builtinsLoaded = false;

function checkSpec(spec: unknown): asserts spec is ModelSpec | ModelFamily {
  const s = spec as Partial<ModelSpec> | null;
  const problems: string[] = [];
  if (s === null || typeof s !== 'object') problems.push('it is not an object');
  else {
    if (typeof s.name !== 'string' || !/^[a-z][a-z0-9_]*$/.test(s.name)) problems.push(`name ${show(s.name)} is not snake_case`);
    if (typeof s.description !== 'string') problems.push('description is missing');
    if (!Array.isArray(s.tasks) || s.tasks.length === 0 || s.tasks.some((t) => t !== 'classification' && t !== 'regression')) {
      problems.push(`tasks ${show(s.tasks)} must list "classification" and/or "regression"`);
    }
    if (typeof s.create !== 'function') problems.push('create is not a function');
    if (typeof s.load !== 'function') problems.push('load is not a function');
  }
  if (problems.length > 0) {
    throw new AutomlError('E_CONFIG', `registerModel: invalid model spec (${problems.join('; ')})`, { value: (s as { name?: unknown } | null)?.name });
  }
}

function add(entry: ModelSpec | ModelFamily): void {
  if (isFamily(entry)) {
    checkFamily(entry);
    families.set(entry.name, entry);
    registry.set(entry.name, familySpec(entry));
  } else registry.set(entry.name, entry);
}

/**
 * Adds a model family, e.g. a user's custom estimator, so that configs, `--models` and model files
 * can name it. A descriptor (`ModelFamily`) is checked against itself (defaults and default space
 * inside the declared ranges) and its `create` then receives validated, typed params; a plain
 * `ModelSpec` is registered as it is and validates its own params.
 * @throws AutomlError('E_CONFIG') when the spec is malformed or its name is already taken.
 */
export function registerModel(spec: ModelSpec | ModelFamily): void {
  ensureBuiltins();
  checkSpec(spec);
  if (registry.has(spec.name)) {
    throw new AutomlError('E_CONFIG', `registerModel: a model named "${spec.name}" is already registered; choose another name`, {
      value: spec.name,
    });
  }
  add(spec);
}

function ensureBuiltins(): void {
  if (builtinsLoaded) return;
  builtinsLoaded = true;
  for (const family of builtinFamilies) if (!registry.has(family.name)) add(family);
}

/**
 * The model family called `name`.
 * @throws AutomlError('E_CONFIG') listing the known names when there is none.
 */
export function getModel(name: string): ModelSpec {
  ensureBuiltins();
  const spec = registry.get(name);
  if (!spec) {
    throw new AutomlError('E_CONFIG', `unknown model ${show(name)}; known models: ${[...registry.keys()].sort().join(', ')}`, { value: name });
  }
  return spec;
}

/** The descriptor of family `name`, when it was registered as one (every built-in is); undefined otherwise. */
export function getFamily(name: string): ModelFamily | undefined {
  ensureBuiltins();
  return families.get(name);
}

/** True when a model family called `name` is registered (built-in or custom). */
export function hasModel(name: string): boolean {
  ensureBuiltins();
  return registry.has(name);
}

/** All registered model families, optionally only those supporting `task`, in registration order. */
export function listModels(task?: Task): ModelSpec[] {
  ensureBuiltins();
  return [...registry.values()].filter((s) => task === undefined || s.tasks.includes(task));
}
