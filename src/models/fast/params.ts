/**
 * Hyperparameter reading shared by the fast learners: each reader validates one named value and
 * throws `AutomlError('E_PARAM')` naming the model, the parameter and the offending value.
 */
import { AutomlError, show } from '../../util/errors.js';

/** Bounds and integrality for a numeric hyperparameter. */
export interface NumRule {
  /** Inclusive lower bound unless `minExclusive`. */
  readonly min?: number;
  readonly minExclusive?: boolean;
  /** Inclusive upper bound. */
  readonly max?: number;
  readonly int?: boolean;
}

/** Reads numeric hyperparameter `name` of `model`, or `dflt` when it is absent (undefined or null). */
export function numParam(
  model: string,
  params: Record<string, unknown>,
  name: string,
  dflt: number,
  rule: NumRule = {},
): number {
  const raw = params[name];
  if (raw === undefined || raw === null) return dflt;
  const v = raw;
  const range = `${rule.min !== undefined ? (rule.minExclusive ? `> ${rule.min}` : `>= ${rule.min}`) : ''}${
    rule.max !== undefined ? ` and <= ${rule.max}` : ''
  }`;
  if (typeof v !== 'number' || !Number.isFinite(v)) {
    throw new AutomlError('E_PARAM', `${model}: parameter "${name}" must be a finite number, got ${show(raw)}`, {
      param: name,
      value: raw,
    });
  }
  if (rule.int && !Number.isInteger(v)) {
    throw new AutomlError('E_PARAM', `${model}: parameter "${name}" must be an integer, got ${show(raw)}`, {
      param: name,
      value: raw,
    });
  }
  const low = rule.min !== undefined && (rule.minExclusive ? v <= rule.min : v < rule.min);
  const high = rule.max !== undefined && v > rule.max;
  if (low || high) {
    throw new AutomlError('E_PARAM', `${model}: parameter "${name}" must be ${range.trim()}, got ${show(raw)}`, {
      param: name,
      value: raw,
    });
  }
  return v;
}

/** Reads a string hyperparameter restricted to `choices`. */
export function choiceParam<T extends string>(
  model: string,
  params: Record<string, unknown>,
  name: string,
  dflt: T,
  choices: readonly T[],
): T {
  const raw = params[name];
  if (raw === undefined || raw === null) return dflt;
  if (typeof raw !== 'string' || !(choices as readonly string[]).includes(raw)) {
    throw new AutomlError(
      'E_PARAM',
      `${model}: parameter "${name}" must be one of ${choices.map((c) => JSON.stringify(c)).join(', ')}, got ${show(raw)}`,
      { param: name, value: raw },
    );
  }
  return raw as T;
}

/** Reads a boolean hyperparameter. */
export function boolParam(model: string, params: Record<string, unknown>, name: string, dflt: boolean): boolean {
  const raw = params[name];
  if (raw === undefined || raw === null) return dflt;
  if (typeof raw !== 'boolean') {
    throw new AutomlError('E_PARAM', `${model}: parameter "${name}" must be true or false, got ${show(raw)}`, {
      param: name,
      value: raw,
    });
  }
  return raw;
}

/** Rejects parameter names a model does not know, so typos in space files fail loudly. */
export function rejectUnknown(model: string, params: Record<string, unknown>, known: readonly string[]): void {
  for (const key of Object.keys(params)) {
    if (!known.includes(key)) {
      throw new AutomlError(
        'E_PARAM',
        `${model}: unknown parameter "${key}" (value ${show(params[key])}); known parameters: ${known.join(', ')}`,
        { param: key, value: params[key] },
      );
    }
  }
}
