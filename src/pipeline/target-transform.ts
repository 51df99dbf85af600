/**
 * Transform of a regression target before the model sees it (`target_transform` in a pipeline
 * configuration), undone on the model's predictions, so that scores, out-of-fold predictions and
 * the saved model all speak in the target's own units.
 *
 * `log` is the signed logarithm z = sign(y) log(1 + |y|): monotone, defined for every real y, the
 * plain log(1 + y) for non-negative targets. On a skewed target (prices, counts, durations: most
 * rows small, a few very large) a model fitted to z weighs relative errors rather than letting
 * the few large rows dominate the squared loss; whether that helps a given model on given data is
 * for cross-validation to say, which is why it is a search dimension and not a rule.
 *
 * Undoing the logarithm turns an additive error into a multiplicative one, so a model that
 * extrapolates in z (a linear model on an unusual row) could predict absurd values. Predictions
 * are therefore clipped, in z, to the training targets' range widened by {@link LOG_MARGIN} of
 * its width on each side before being mapped back.
 */
import type { Task } from '../models/estimator.js';
import { AutomlError, show } from '../util/errors.js';
import type { JsonAt } from './json-check.js';
import { at, badJson, readEnum, readNumber, readObject } from './json-check.js';

/** The transforms a configuration may name. */
export const TARGET_TRANSFORMS = ['none', 'log'] as const;
export type TargetTransformName = (typeof TARGET_TRANSFORMS)[number];

/** Share of the training targets' range (in z) a prediction may go beyond it on either side. */
export const LOG_MARGIN = 0.1;

/** A fitted transform, as saved in a pipeline file. */
export interface TargetTransformJSON {
  readonly kind: 'log';
  /** Bounds of the model's output in z, applied before mapping back. */
  readonly low: number;
  readonly high: number;
}

/**
 * Checks a configuration's `target_transform` (absent means `none`) against the task.
 * @throws AutomlError E_PARAM for an unknown name, or a transform on a classification target.
 */
export function resolveTargetTransform(value: unknown, task: Task): TargetTransformName {
  if (value === undefined) return 'none';
  if (typeof value !== 'string' || !(TARGET_TRANSFORMS as readonly string[]).includes(value)) {
    throw new AutomlError('E_PARAM', `target_transform is ${show(value)}; expected one of ${TARGET_TRANSFORMS.join(', ')}`, { param: 'target_transform', value });
  }
  if (value !== 'none' && task !== 'regression') {
    throw new AutomlError('E_PARAM', `target_transform ${show(value)} applies to regression only; this is ${task} (leave target_transform out or set it to "none")`, {
      param: 'target_transform',
      value,
    });
  }
  return value as TargetTransformName;
}

const slog = (y: number) => Math.sign(y) * Math.log1p(Math.abs(y));
const sexp = (z: number) => Math.sign(z) * Math.expm1(Math.abs(z));

/** The signed-log transform, fitted on training targets (their range in z bounds the predictions). */
export class LogTargetTransform {
  private constructor(
    readonly low: number,
    readonly high: number,
  ) {}

  /** Fits on `y` and returns the transform with the transformed targets. */
  static fit(y: Float64Array): { transform: LogTargetTransform; z: Float64Array } {
    const z = new Float64Array(y.length);
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < y.length; i++) {
      const v = slog(y[i]!);
      z[i] = v;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (!(lo <= hi)) throw new AutomlError('E_DATA', 'target_transform log: no training targets to fit on', {});
    const margin = LOG_MARGIN * (hi - lo);
    return { transform: new LogTargetTransform(lo - margin, hi + margin), z };
  }

  /** Maps the model's outputs (in z) back to target units, clipping them to the fitted bounds. */
  inverse(pred: Float64Array): Float64Array {
    const out = new Float64Array(pred.length);
    for (let i = 0; i < pred.length; i++) {
      const z = pred[i]!;
      // A NaN stays NaN, so the metric reports the model's failure instead of a clipped value.
      out[i] = Number.isNaN(z) ? NaN : sexp(Math.min(this.high, Math.max(this.low, z)));
    }
    return out;
  }

  toJSON(): TargetTransformJSON {
    return { kind: 'log', low: this.low, high: this.high };
  }

  /** Restores a saved transform, checking every field. @throws AutomlError E_MODEL_FILE with the JSON path. */
  static load(json: unknown, where: JsonAt): LogTargetTransform {
    const o = readObject(json, where);
    for (const k of Object.keys(o)) if (!['kind', 'low', 'high'].includes(k)) throw badJson(at(where, k), 'absent (a target transform holds kind, low, high)', o[k]);
    readEnum(o.kind, ['log'] as const, at(where, 'kind'));
    const low = readNumber(o.low, at(where, 'low'));
    const high = readNumber(o.high, at(where, 'high'));
    if (!(low <= high)) throw badJson(at(where, 'high'), `a number >= low (${low})`, high);
    return new LogTargetTransform(low, high);
  }
}
