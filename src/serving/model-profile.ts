/**
 * The training profile attached to a fitted model: built at the end of a search from the searched
 * rows and the model's predictions, and required by the drift checks. Apart from profile.ts so that
 * the profile's types do not depend on the model file (which stores them).
 */
import { AutomlError } from '../util/errors.js';
import type { FeatureTable } from '../data/types.js';
import type { FittedModel } from './model-file.js';
import { predictionProfile, tableProfile, type PredictionSource, type TrainingProfile } from './profile.js';

/**
 * Profiles `model`'s input columns on the training rows `table` and its predictions on them, and
 * returns the model with the profile attached. `oofOf` gives a member trial's out-of-fold
 * predictions on the same rows (probabilities rows x classes, or values); when every member has
 * them, the profile holds their weighted average (the ensemble's own out-of-fold prediction),
 * otherwise the model's in-sample predictions, labelled as such.
 */
export function withTrainingProfile(model: FittedModel, table: FeatureTable, oofOf: ((trial: number) => Float64Array | undefined) | null): FittedModel {
  const classes = model.classes;
  const width = classes ? classes.length : 1;
  let data: Float64Array | null = new Float64Array(table.nRows * width);
  for (const m of model.members) {
    const oof = oofOf && m.trial !== null ? oofOf(m.trial) : undefined;
    if (!oof || oof.length !== data.length) {
      data = null;
      break;
    }
    for (let i = 0; i < oof.length; i++) data[i]! += m.weight * oof[i]!;
  }
  const source: PredictionSource = data ? 'out-of-fold' : 'in-sample';
  if (!data) {
    if (classes) {
      const p = model.predictProba(table);
      data = new Float64Array(table.nRows * width);
      p.forEach((row, i) => classes.forEach((c, k) => (data![i * width + k] = row[c]!)));
    } else data = Float64Array.from(model.predict(table) as number[]);
  }
  return model.withProfile({ ...tableProfile(table, model.info.features), predictions: predictionProfile(classes, data, table.nRows, source) });
}

/**
 * The model's profile, or an error saying why there is none: a file written before profiles
 * existed (versions 1 and 2), or a model built without one.
 * @throws AutomlError E_MODEL_FILE
 */
export function requireProfile(model: FittedModel, file = 'the model'): TrainingProfile {
  const p = model.profile;
  if (p) return p;
  const v = model.fileVersion;
  const why = v !== null && v < 3 ? `this model file was written before profiles (version ${v})` : 'this model has no training profile';
  throw new AutomlError('E_MODEL_FILE', `${file}: ${why}; re-run the search or \`automl retrain\` to get one`, { file, path: '$.profile' });
}
