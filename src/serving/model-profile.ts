/**
 * The training profile attached to a fitted model: built at the end of a search from the searched
 * rows and the model's predictions, and required by the drift checks. Apart from profile.ts so that
 * the profile's types do not depend on the model file (which stores them).
 */
import { AutomlError } from '../util/errors.js';
import type { FeatureTable } from '../data/types.js';
import { takeRows } from '../data/ops.js';
import type { FittedModel } from './model-file.js';
import { predictionProfile, tableProfile, type PredictionSource, type TrainingProfile } from './profile.js';

/**
 * Most training rows a profile describes. Beyond it the profile is built from an evenly spaced
 * sample of this many rows: quantiles and category shares of 100,000 rows are as good a reference
 * for drift checks as those of a million, and predicting a million rows in-sample at the end of a
 * search would spend seconds of its time budget (and memory) for nothing.
 */
export const PROFILE_MAX_ROWS = 100_000;

/**
 * Profiles `model`'s input columns on the training rows `table` and its predictions on them, and
 * returns the model with the profile attached. `oofOf` gives a member trial's out-of-fold
 * predictions on the same rows (probabilities rows x classes, or values); when every member has
 * them, the profile holds their weighted average (the ensemble's own out-of-fold prediction),
 * otherwise the model's in-sample predictions, labelled as such. A table of more than
 * `PROFILE_MAX_ROWS` (100,000) rows is profiled on an evenly spaced sample of that many.
 */
export function withTrainingProfile(model: FittedModel, table: FeatureTable, oofOf: ((trial: number) => Float64Array | undefined) | null): FittedModel {
  const classes = model.classes;
  const width = classes ? classes.length : 1;
  const sample = table.nRows > PROFILE_MAX_ROWS ? evenlySpaced(table.nRows, PROFILE_MAX_ROWS) : null;
  const rows: FeatureTable = sample ? { ...table, nRows: sample.length, columns: table.columns.map((c) => takeRows(c, sample)) } : table;
  let data: Float64Array | null = new Float64Array(rows.nRows * width);
  for (const m of model.members) {
    const oof = oofOf && m.trial !== null ? oofOf(m.trial) : undefined;
    if (!oof || oof.length !== table.nRows * width) {
      data = null;
      break;
    }
    for (let i = 0; i < rows.nRows; i++) {
      const from = (sample ? sample[i]! : i) * width;
      for (let k = 0; k < width; k++) data[i * width + k]! += m.weight * oof[from + k]!;
    }
  }
  const source: PredictionSource = data ? 'out-of-fold' : 'in-sample';
  if (!data) data = classes ? Float64Array.from(model.probaMatrix(rows).data) : Float64Array.from(model.predict(rows) as number[]);
  return model.withProfile({ ...tableProfile(rows, model.info.features), predictions: predictionProfile(classes, data, rows.nRows, source) });
}

/** `m` row indices spread evenly over `n` rows (the first, then every n/m-th). */
function evenlySpaced(n: number, m: number): Int32Array {
  const out = new Int32Array(m);
  for (let i = 0; i < m; i++) out[i] = Math.floor((i * n) / m);
  return out;
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
