// The candidate pool of the portfolio, shared by evaluate.mjs, select.mjs and lodo.mjs.
// Per task: the warm start's defaults of each family (referenced, not copied: some depend on the
// data, e.g. the forests' feature fraction), the declared defaults of the families outside the
// warm start (svm, svr, gaussian_process, linear_regression, elastic_net), and K seeded random
// configurations per family drawn from that family's default space (preprocess, select, target
// transform and model, as a search samples them).
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultConfigs } from '../../dist/automl/warm-start.js';
import { composeSpaceJSON, DEFAULT_MODELS, spaceWithTargetFor } from '../../dist/automl/spaces.js';
import { builtinFamilies, kernelLinearFamilies } from '../../dist/models/registry.js';
import { declOf } from '../../dist/models/hyperparams.js';
import { spaceFromJSON } from '../../dist/space/index.js';
import { sampleIndependent } from '../../dist/samplers/sampler.js';
import { createRng, deriveSeed } from '../../dist/util/rng.js';

export const HERE = dirname(fileURLToPath(import.meta.url));
export const ROOT = join(HERE, '..', '..');
export const CORPUS_DIR = join(ROOT, 'bench', 'out', 'corpus');
export const CANDIDATE_SEED = 'portfolio-candidates-v1';

/** The corpus manifest (corpus.json). */
export function corpus() {
  return JSON.parse(readFileSync(join(HERE, 'corpus.json'), 'utf8')).datasets;
}

/** Families a default study searches for the task (the others' configurations a default space refuses). */
export function defaultFamilies(task) {
  return DEFAULT_MODELS.filter((m) => builtinFamilies.find((f) => f.name === m).tasks.includes(task));
}

function familiesFor(task) {
  return [...defaultFamilies(task), ...kernelLinearFamilies.filter((f) => f.tasks.includes(task)).map((f) => f.name)];
}

/** The declared defaults of a family without a warm start, as a full pipeline configuration. */
function declaredDefault(family, task) {
  const model = { type: family.name };
  for (const name of Object.keys(family.space.params)) model[name] = declOf(family.params, name).default;
  const pre = { imputation: 'median', missing_indicator: false, encoding: family.preprocessing.encoding, scaler: family.preprocessing.scaler };
  return { preprocess: pre, select: { type: 'none' }, ...(task === 'regression' ? { target_transform: 'none' } : {}), model };
}

/**
 * The candidates of a task: `{ id, family, kind: 'default', select }` (resolved per dataset by
 * {@link resolve}) or `{ id, family, kind: 'config', config }`.
 */
export function candidates(task, k) {
  const out = [];
  const warm = new Set(defaultConfigs(task, 10, 100, 2).map((c) => `${c.model.type}/${c.select.type}`));
  for (const name of familiesFor(task)) {
    const family = builtinFamilies.find((f) => f.name === name);
    for (const sel of ['none', 'fdr']) {
      if (warm.has(`${name}/${sel}`)) out.push({ id: `default:${name}${sel === 'fdr' ? '+fdr' : ''}`, family: name, kind: 'default', select: sel });
    }
    if (!family.warmStart) out.push({ id: `default:${name}`, family: name, kind: 'config', config: declaredDefault(family, task) });
    const space = spaceFromJSON(spaceWithTargetFor(composeSpaceJSON([name]), task), `${name} space`);
    for (let i = 0; i < k; i++) {
      const flat = sampleIndependent(space, createRng(deriveSeed(CANDIDATE_SEED, task, name, i)));
      out.push({ id: `random:${name}:${i}`, family: name, kind: 'config', config: space.build(flat) });
    }
  }
  return out;
}

/** A candidate's configuration on a dataset (the warm start's default for its shape, or the stored one). */
export function resolve(candidate, task, nFeatures, nRows, nClasses) {
  if (candidate.kind === 'config') return candidate.config;
  const c = defaultConfigs(task, nFeatures, nRows, nClasses).find((d) => d.model.type === candidate.family && d.select.type === candidate.select);
  if (!c) throw new Error(`no warm-start default ${candidate.id} for ${task}`);
  return task === 'regression' ? { ...c, target_transform: 'none' } : c;
}
