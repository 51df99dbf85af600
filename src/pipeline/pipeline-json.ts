/**
 * Reading a pipeline back from its JSON (`Pipeline.toJSON`): every field checked against what
 * this build writes, nothing evaluated. Apart from pipeline.ts, which fits and predicts.
 */
import type { Estimator, EstimatorJSON, MatrixPrecision } from '../models/estimator.js';
import { AutomlError, messageOf, show } from '../util/errors.js';
import { checkKeys, checkKnownKeys } from '../util/json-read.js';
import { probeEstimator } from './load-checks.js';
import type { JsonAt } from './json-check.js';
import { at, badJson, readArray, readEnum, readNumber, readObject, readString, readStrings } from './json-check.js';
import { loadPreprocessor } from './preprocessor-json.js';
import { resolveSelectConfig } from './selection/config.js';
import type { FeatureStep } from './feature-step.js';
import { loadSelectionStep } from './selection/step.js';
import { LogTargetTransform, TARGET_TRANSFORMS } from './target-transform.js';
import { Pipeline, type ModelLookup, type PipelineConfig } from './pipeline.js';

/**
 * Restores a pipeline from {@link Pipeline.toJSON} output. Every field is checked and nothing is
 * evaluated; the estimator is restored by its own spec's `load`.
 * @param source file name for messages
 * @throws AutomlError E_MODEL_FILE with the JSON path of the first bad value; E_MODEL for an
 * unknown model name.
 */
export function loadPipeline(json: unknown, lookupModel: ModelLookup, source = 'model', path = '$'): Pipeline {
  const where: JsonAt = { source, path };
  const o = readObject(json, where);
  const keys = ['format', 'version', 'task', 'target', 'classes', 'config', 'preprocessor', 'steps', 'estimator', 'targetTransform', 'precision'];
  for (const k of Object.keys(o)) {
    if (!keys.includes(k)) {
      throw new AutomlError('E_MODEL_FILE', `${source}: ${at(where, k).path}: unknown key (a pipeline holds ${keys.join(', ')}); the model file was edited or damaged`, { file: source, path: at(where, k).path });
    }
  }
  if (o.format !== 'automl.pipeline') throw badJson(at(where, 'format'), '"automl.pipeline"', o.format);
  if (o.version !== 1 && o.version !== 2) throw badJson(at(where, 'version'), '1 or 2 (the versions this build reads)', o.version);
  const task = readEnum(o.task, ['classification', 'regression'] as const, at(where, 'task'));
  // Version 2 is a regression pipeline with a target transform; version 1 has none.
  if (o.version === 1 && o.targetTransform !== undefined) throw badJson(at(where, 'targetTransform'), 'absent in a version 1 pipeline (target transforms came with version 2)', o.targetTransform);
  if (o.version === 2 && task !== 'regression') throw badJson(at(where, 'task'), '"regression" in a version 2 pipeline (it transforms its target)', o.task);
  const targetTransform = o.version === 2 ? LogTargetTransform.load(o.targetTransform, at(where, 'targetTransform')) : null;
  const precision: MatrixPrecision = o.precision === undefined ? 'float64' : readEnum(o.precision, ['float32'] as const, at(where, 'precision'));
  const target = readString(o.target, at(where, 'target'));
  const classes = o.classes === null && task === 'regression' ? null : readStrings(o.classes, at(where, 'classes'));
  if (task === 'classification' && (classes!.length < 2 || new Set(classes).size !== classes!.length)) {
    throw badJson(at(where, 'classes'), 'at least 2 distinct class labels', o.classes);
  }
  const configO = readObject(o.config, at(where, 'config'));
  checkKeys(configO, ['preprocess', 'select', 'target_transform', 'model'], source, at(where, 'config').path);
  const modelAt = at(at(where, 'config'), 'model');
  const modelO = readObject(configO.model, modelAt);
  const modelType = readString(modelO.type, at(modelAt, 'type'));
  if (configO.preprocess !== undefined) readObject(configO.preprocess, at(at(where, 'config'), 'preprocess'));
  const transformAt = at(at(where, 'config'), 'target_transform');
  const configured = configO.target_transform === undefined ? 'none' : readEnum(configO.target_transform, TARGET_TRANSFORMS, transformAt);
  if ((configured === 'log') !== (targetTransform !== null)) throw badJson(transformAt, targetTransform ? '"log" (the pipeline holds a fitted log transform)' : '"none" or absent (the pipeline holds no fitted transform)', configO.target_transform);
  const preprocessor = loadPreprocessor(o.preprocessor, source, at(where, 'preprocessor').path);
  if (configO.select !== undefined) {
    try {
      resolveSelectConfig(configO.select, task);
    } catch (e) {
      const param = e instanceof AutomlError && typeof e.details.param === 'string' ? e.details.param.replace(/^select\.?/, '') : '';
      throw badJson(param ? at(at(at(where, 'config'), 'select'), param) : at(at(where, 'config'), 'select'), `a valid selection setting (${messageOf(e)})`, configO.select);
    }
  }
  const stepsAt = at(where, 'steps');
  const stepsRaw = readArray(o.steps, stepsAt);
  const steps: FeatureStep[] = [];
  let names: readonly string[] = preprocessor.outputNames;
  for (let i = 0; i < stepsRaw.length; i++) {
    const step = loadSelectionStep(stepsRaw[i], at(stepsAt, i), task, classes?.length ?? 0, names);
    names = step.outputNames(names);
    steps.push(step);
  }
  const estAt = at(where, 'estimator');
  const est = readObject(o.estimator, estAt);
  const model = readString(est.model, at(estAt, 'model'));
  readNumber(est.version, at(estAt, 'version'));
  readObject(est.params, at(estAt, 'params'));
  const pipeline = new Pipeline(lookupModel);
  const spec = pipeline.spec(model);
  if (model !== modelType) throw badJson(at(estAt, 'model'), `${show(modelType)} (as config.model.type says)`, model);
  if (spec.params) checkKeys(modelO, ['type', ...Object.keys(spec.params)], source, modelAt.path);
  // Sizes the estimator declares are checked against the pipeline before its loader allocates by them.
  const state = est.state;
  if (state !== null && typeof state === 'object' && !Array.isArray(state)) {
    const st = state as Record<string, unknown>;
    if (task === 'classification' && 'nClasses' in st && st.nClasses !== classes!.length) {
      throw badJson(at(at(estAt, 'state'), 'nClasses'), `${classes!.length} (the pipeline's class count)`, st.nClasses);
    }
    if (task === 'regression' && 'nClasses' in st && st.nClasses !== 0) throw badJson(at(at(estAt, 'state'), 'nClasses'), '0 (a regression pipeline has no classes)', st.nClasses);
    if ('nFeatures' in st && st.nFeatures !== names.length) {
      throw badJson(at(at(estAt, 'state'), 'nFeatures'), `${names.length} (the columns the preprocessing and selection give the model)`, st.nFeatures);
    }
  }
  let estimator: Estimator;
  try {
    estimator = spec.load(est as unknown as EstimatorJSON);
  } catch (e) {
    if (e instanceof AutomlError && e.code === 'E_MODEL_FILE' && typeof e.details.path === 'string' && e.details.path.startsWith('$')) throw e;
    if (e instanceof AutomlError) {
      const inner = typeof e.details.path === 'string' ? `.${e.details.path.replace(/^\$\.?/, '')}` : '';
      const p = `${estAt.path}${inner === '.' ? '' : inner}`;
      throw new AutomlError('E_MODEL_FILE', `${source}: ${p}: ${e.message}`, { ...e.details, file: source, path: p }, { cause: e });
    }
    throw new AutomlError('E_MODEL_FILE', `${source}: ${at(where, 'estimator').path} could not be restored: ${messageOf(e)}`, { file: source, path: at(where, 'estimator').path }, { cause: e });
  }
  // Every key the file holds must be one this build writes back for the same objects.
  checkKnownKeys(o.preprocessor, preprocessor.toJSON(), source, at(where, 'preprocessor').path);
  checkKnownKeys(o.steps, steps.map((s) => s.toJSON()), source, stepsAt.path);
  checkKnownKeys(o.estimator, estimator.toJSON(), source, estAt.path);
  probeEstimator(estimator, task, classes?.length ?? 0, names.length, { source, path: estAt.path });
  return pipeline.restore({
    task,
    target,
    classes,
    config: configO as unknown as PipelineConfig,
    preprocessor,
    steps,
    estimator,
    targetTransform,
    precision,
  });
}

