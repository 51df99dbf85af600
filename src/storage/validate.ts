import { AutomlError, messageOf, show } from '../util/errors.js';
import type { FailKind, FlatParams, Intermediate, TrialOrigin, TrialRecord } from '../trial/trial.js';
import type { NewStudy, TrialResult } from './storage.js';

/**
 * Argument checks and helpers shared by every storage backend, so that all of them reject the
 * same inputs with the same codes and messages (the contract suite relies on that).
 */

/** Checks a new study's fields; throws E_CONFIG naming the field and value. */
export function checkNewStudy(spec: NewStudy): void {
  if (typeof spec.name !== 'string' || spec.name.trim() === '') {
    throw new AutomlError('E_CONFIG', `Study name must be a non-empty string, got ${show(spec.name)}; pass a name such as "my-study".`, {
      param: 'name',
      value: spec.name,
    });
  }
  if (spec.direction !== 'minimize' && spec.direction !== 'maximize') {
    throw new AutomlError('E_CONFIG', `Study "${spec.name}": direction must be "minimize" or "maximize", got ${show(spec.direction)}.`, {
      param: 'direction',
      value: spec.direction,
    });
  }
  if (!Number.isSafeInteger(spec.seed)) {
    throw new AutomlError('E_CONFIG', `Study "${spec.name}": seed must be an integer, got ${show(spec.seed)}.`, {
      param: 'seed',
      value: spec.seed,
    });
  }
  if (spec.settings !== undefined) checkObject(spec.settings, `Study "${spec.name}": settings`);
  if (typeof spec.sampler !== 'string' || spec.sampler === '') {
    throw new AutomlError('E_CONFIG', `Study "${spec.name}": sampler must be a non-empty string, got ${show(spec.sampler)}.`, {
      param: 'sampler',
      value: spec.sampler,
    });
  }
}

/** Checks a flat parameter assignment: string, boolean or finite number values only. */
export function checkParams(params: FlatParams, where: string): void {
  if (params === null || typeof params !== 'object' || Array.isArray(params)) {
    throw new AutomlError('E_PARAM', `${where}: params must be an object of name -> value, got ${show(params)}.`, { value: params });
  }
  for (const [name, v] of Object.entries(params)) {
    const ok = typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
    if (!ok) {
      throw new AutomlError(
        'E_PARAM',
        `${where}: parameter "${name}" has value ${show(v)}; a stored parameter must be a string, a boolean or a finite number.`,
        { param: name, value: v },
      );
    }
  }
}

/** Checks a trial or step number argument. */
export function checkIndex(value: number, what: string): void {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new AutomlError('E_TRIAL_STATE', `${what} must be a non-negative integer, got ${show(value)}.`, { param: what, value });
  }
}

const FAIL_KINDS: readonly FailKind[] = ['error', 'timeout', 'out-of-memory', 'invalid-value', 'interrupted'];

/** Checks a `finishTrial` result; returns the value to store (null for a non-finite FAIL value). */
export function checkResult(studyId: number, number: number, result: TrialResult): number | null {
  const where = `finishTrial(study ${studyId}, trial ${number})`;
  const { state } = result;
  if (state !== 'COMPLETE' && state !== 'FAIL' && state !== 'PRUNED') {
    throw new AutomlError('E_TRIAL_STATE', `${where}: state must be COMPLETE, FAIL or PRUNED, got ${show(state)}.`, {
      param: 'state',
      value: state,
    });
  }
  if (result.userAttrs !== undefined) checkObject(result.userAttrs, `${where}: userAttrs`);
  const kind = result.failKind ?? null;
  if (kind !== null && !FAIL_KINDS.includes(kind)) {
    throw new AutomlError('E_TRIAL_STATE', `${where}: failKind must be one of ${FAIL_KINDS.join(', ')}, got ${show(kind)}.`, {
      param: 'failKind',
      value: kind,
    });
  }
  const value = result.value ?? null;
  if (value !== null && typeof value !== 'number') {
    throw new AutomlError('E_TRIAL_STATE', `${where}: value must be a number or null, got ${show(value)}.`, { param: 'value', value });
  }
  // `+ 0` turns -0 into 0: SQLite may store an integral REAL as an integer and drop the sign, and
  // every backend must return the same value.
  if (state === 'FAIL') return value !== null && Number.isFinite(value) ? value + 0 : null;
  if (value !== null && !Number.isFinite(value)) {
    throw new AutomlError(
      'E_TRIAL_STATE',
      `${where}: a ${state} trial needs a finite value, got ${show(value)}; finish it as FAIL with failKind "invalid-value" instead.`,
      { param: 'value', value },
    );
  }
  if (state === 'COMPLETE' && value === null) {
    throw new AutomlError('E_TRIAL_STATE', `${where}: a COMPLETE trial needs a finite value, got none.`, { param: 'value', value });
  }
  return value === null ? null : value + 0;
}

/** Checks `enqueueTrial` options and returns the origin to store. */
export function checkEnqueue(opts: { origin?: TrialOrigin; retryOf?: number } | undefined): { origin: TrialOrigin; retryOf: number | null } {
  const origin = opts?.origin ?? (opts?.retryOf !== undefined ? 'retry' : 'enqueued');
  if (origin !== 'sampler' && origin !== 'enqueued' && origin !== 'retry') {
    throw new AutomlError('E_TRIAL_STATE', `enqueueTrial: origin must be "sampler", "enqueued" or "retry", got ${show(origin)}.`, {
      param: 'origin',
      value: origin,
    });
  }
  const retryOf = opts?.retryOf ?? null;
  if (retryOf !== null) checkIndex(retryOf, 'retryOf');
  return { origin, retryOf };
}

/**
 * The JSON text of `value` (`null` for undefined); throws E_CONFIG naming `what` when it cannot be
 * serialised (a BigInt, a cycle), so such input never reaches a backend half-written.
 */
export function toJson(value: unknown, what: string): string {
  try {
    return JSON.stringify(value) ?? 'null';
  } catch (e) {
    throw new AutomlError('E_CONFIG', `${what} must be JSON-serialisable: ${messageOf(e)}.`, { param: what }, { cause: e });
  }
}

/** A deep copy through JSON, so every backend hands back exactly what a JSON column would. */
export function jsonCopy<T>(value: T, what: string): T {
  return JSON.parse(toJson(value, what)) as T;
}

/** Checks that `value` is a plain JSON object (settings, a settings patch, userAttrs). */
export function checkObject(value: unknown, what: string): void {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new AutomlError('E_CONFIG', `${what} must be an object of name -> JSON value, got ${show(value)}.`, { param: what, value });
  }
}

/** Freezes `value` and everything reachable from it; returns it. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as object)) deepFreeze(v);
  }
  return value;
}

/** The error for an unknown study id. */
export function studyNotFound(studyId: number): AutomlError {
  return new AutomlError('E_STUDY_NOT_FOUND', `No study with id ${show(studyId)} in this storage; list studies with \`automl studies\`.`, {
    value: studyId,
  });
}

/** The error for an unknown trial. */
export function trialNotFound(studyId: number, number: number): AutomlError {
  return new AutomlError('E_TRIAL_STATE', `Study ${studyId} has no trial number ${show(number)}.`, { value: number });
}

/** The error for a method that needs a RUNNING trial. */
export function notRunning(what: string, studyId: number, t: Pick<TrialRecord, 'number' | 'state'>): AutomlError {
  return new AutomlError('E_TRIAL_STATE', `${what}: trial ${t.number} of study ${studyId} is ${t.state}, not RUNNING.`, {
    value: t.state,
  });
}

/**
 * Checks the intermediate values of a `finishTrial` result; returns them one per step (the last
 * given for a step wins), ordered by step, values with -0 as 0. Empty when there are none.
 */
export function checkResultIntermediate(studyId: number, number: number, result: TrialResult): Intermediate[] {
  const xs = result.intermediate;
  if (xs === undefined) return [];
  if (!Array.isArray(xs)) {
    throw new AutomlError('E_TRIAL_STATE', `finishTrial(study ${studyId}, trial ${number}): intermediate must be an array of { step, value }, got ${show(xs)}.`, {
      param: 'intermediate',
      value: xs,
    });
  }
  const bySteps = new Map<number, number>();
  for (const x of xs as readonly Intermediate[]) {
    if (typeof x !== 'object' || x === null) {
      throw new AutomlError('E_TRIAL_STATE', `finishTrial(study ${studyId}, trial ${number}): each intermediate value must be { step, value }, got ${show(x)}.`, {
        param: 'intermediate',
        value: x,
      });
    }
    bySteps.set(x.step, checkIntermediate(studyId, number, x.step, x.value));
  }
  return [...bySteps].sort((a, b) => a[0] - b[0]).map(([step, value]) => ({ step, value }));
}

/** Checks an intermediate value (finite only, since pruners compare them); returns it with -0 as 0. */
export function checkIntermediate(studyId: number, number: number, step: number, value: number): number {
  checkIndex(step, 'step');
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new AutomlError(
      'E_TRIAL_STATE',
      `reportIntermediate(study ${studyId}, trial ${number}, step ${step}): value must be a finite number, got ${show(value)}.`,
      { param: 'value', value },
    );
  }
  return value + 0;
}
