/**
 * Restoring a {@link Preprocessor} from its JSON form, checking every field (never evaluating
 * anything) so that a damaged model file fails with the JSON path of the first bad value.
 */
import type { ColumnSchema } from '../data/types.js';
import { AutomlError } from '../util/errors.js';
import type { PreprocessConfig } from './config.js';
import { resolvePreprocessConfig } from './config.js';
import type { JsonAt } from './json-check.js';
import { at, badJson, readArray, readBoolean, readEnum, readNumber, readObject, readString, readStrings } from './json-check.js';
import type { ColumnPlan } from './preprocessor.js';
import { Preprocessor } from './preprocessor.js';

/**
 * Restores a preprocessor from {@link Preprocessor.toJSON} output.
 * @param source file name (or other label) used in error messages
 * @param path JSON path of `json` inside a larger document, e.g. `$.preprocessor`
 * @throws AutomlError E_MODEL_FILE naming the JSON path of the first bad value.
 */
export function loadPreprocessor(json: unknown, source = 'model', path = '$'): Preprocessor {
  const where: JsonAt = { source, path };
  const o = readObject(json, where);
  if (o.format !== 'automl.preprocessor') throw badJson(at(where, 'format'), '"automl.preprocessor"', o.format);
  if (o.version !== 1) throw badJson(at(where, 'version'), '1 (the only version this build reads)', o.version);
  const config = readConfig(o.config, at(where, 'config'));
  const inputs = readArray(o.inputs, at(where, 'inputs')).map((c, i) => readSchema(c, at(at(where, 'inputs'), i)));
  const plansAt = at(where, 'plans');
  const plans = readArray(o.plans, plansAt).map((p, i) => readPlan(p, at(plansAt, i)));
  if (plans.length !== inputs.length) throw badJson(plansAt, `an array of ${inputs.length} plans (one per input)`, `${plans.length} plans`);
  plans.forEach((p, i) => {
    const input = inputs[i]!;
    const expected = p.kind === 'numeric' ? p.sourceType : 'categorical';
    if (p.source !== input.name || input.type !== expected) {
      throw badJson(at(at(plansAt, i), 'source'), `${JSON.stringify(input.name)} (${input.type}), matching $.inputs[${i}]`, `${p.source} (${expected})`);
    }
  });
  return new Preprocessor(config, inputs, plans);
}

function readConfig(v: unknown, where: JsonAt): Required<PreprocessConfig> {
  const o = readObject(v, where);
  try {
    return resolvePreprocessConfig(o as Partial<PreprocessConfig>);
  } catch (e) {
    const param = e instanceof AutomlError && typeof e.details.param === 'string' ? e.details.param.replace(/^preprocess\./, '') : '';
    throw badJson(at(where, param || '?'), 'a valid preprocessing setting', param ? o[param] : o);
  }
}

function readSchema(v: unknown, where: JsonAt): ColumnSchema {
  const o = readObject(v, where);
  const name = readString(o.name, at(where, 'name'));
  const type = readEnum(o.type, ['numeric', 'categorical', 'boolean'] as const, at(where, 'type'));
  if (type !== 'categorical') return { name, type };
  return { name, type, categories: readStrings(o.categories, at(where, 'categories')) };
}

function readPlan(v: unknown, where: JsonAt): ColumnPlan {
  const o = readObject(v, where);
  const kind = readEnum(o.kind, ['numeric', 'categorical'] as const, at(where, 'kind'));
  const source = readString(o.source, at(where, 'source'));
  const indicator = readBoolean(o.indicator, at(where, 'indicator'));
  if (kind === 'numeric') {
    const scale = readNumber(o.scale, at(where, 'scale'));
    if (scale === 0) throw badJson(at(where, 'scale'), 'a non-zero number', scale);
    return {
      kind,
      source,
      sourceType: readEnum(o.sourceType, ['numeric', 'boolean'] as const, at(where, 'sourceType')),
      fill: readNumber(o.fill, at(where, 'fill')),
      indicator,
      center: readNumber(o.center, at(where, 'center')),
      scale,
    };
  }
  const fill = o.fill === null ? null : readString(o.fill, at(where, 'fill'));
  return {
    kind,
    source,
    encoding: readEnum(o.encoding, ['onehot', 'ordinal'] as const, at(where, 'encoding')),
    levels: readStrings(o.levels, at(where, 'levels')),
    other: readStrings(o.other, at(where, 'other')),
    missingLevel: readBoolean(o.missingLevel, at(where, 'missingLevel')),
    fill,
    indicator,
  };
}
