/**
 * The last check of a loaded pipeline: one prediction on a probe row. Field checks cannot see
 * every inconsistency between the parts a file combines (an estimator fitted for another class
 * count or column width, a family whose loader a user wrote), and these show up as blank,
 * shifted or non-normalised predictions long after loading. The probe turns them into an
 * E_MODEL_FILE error at load time instead.
 */
import type { Estimator, Matrix, Task } from '../models/estimator.js';
import { matrix } from '../models/estimator.js';
import { AutomlError, messageOf } from '../util/errors.js';
import { jsonError } from '../util/json-read.js';

/**
 * Predicts one all-zero row of `width` columns (zero is the centre of scaled features and a valid
 * code of every encoding) and checks the output: finite values, a class index below `nClasses`,
 * `nClasses` probability columns summing to 1.
 * @throws AutomlError E_MODEL_FILE at `where.path` (the estimator's JSON path).
 */
export function probeEstimator(est: Estimator, task: Task, nClasses: number, width: number, where: { source: string; path: string }): void {
  const fail = (expected: string, value: unknown): AutomlError => jsonError(where.source, where.path, expected, value);
  const X: Matrix = matrix(1, width);
  let pred: Float64Array;
  let proba: Matrix | undefined;
  try {
    pred = est.predict(X);
    if (task === 'classification' && est.predictProba) proba = est.predictProba(X);
  } catch (e) {
    if (e instanceof AutomlError && e.code === 'E_PREDICT_COLUMNS') throw fail(`an estimator fitted on the ${width} columns the preprocessing gives`, messageOf(e));
    throw fail('an estimator that can predict', messageOf(e));
  }
  if (pred.length !== 1 || !Number.isFinite(pred[0]!)) throw fail('an estimator whose predictions are finite', pred[0]);
  if (task === 'classification') {
    const k = pred[0]!;
    if (!Number.isInteger(k) || k < 0 || k >= nClasses) throw fail(`an estimator predicting class indices in 0..${nClasses - 1}`, k);
    if (proba) {
      if (proba.rows !== 1 || proba.cols !== nClasses) throw fail(`an estimator of ${nClasses} classes (the pipeline's)`, `${proba.cols} probability columns`);
      let sum = 0;
      for (let j = 0; j < proba.cols; j++) {
        const p = proba.data[j]!;
        if (!(p >= 0 && p <= 1 + 1e-9)) throw fail('an estimator whose probabilities lie in [0, 1]', p);
        sum += p;
      }
      if (Math.abs(sum - 1) > 1e-6) throw fail('an estimator whose probabilities sum to 1', sum);
    }
  }
}
