/**
 * Calls one objective and turns whatever it does into a {@link TrialOutcome}. Shared by the worker
 * entry (objective loaded from a module, reports over a MessagePort) and the in-process executor
 * (objective is a function, reports go straight to the study), so both classify the same way.
 * Time limits and interruption are the executor's business, not this function's: it only knows how
 * the call itself ended.
 *
 * Why in protocol/, which otherwise holds plain types: these rules are the meaning of a
 * `TrialOutcome` (which behaviour of an objective gives which status and failKind), and both
 * executors need them while neither may import the other (the coordinator never imports worker/).
 * util/ cannot hold it, being below the protocol. It owns no thread, port or timer: what connects
 * it to a study comes in as {@link ObjectiveIo}.
 */
import { isTrialPruned } from './messages.js';
import type { ObjectiveContext, ObjectiveFn, TrialOutcome, TrialTask } from './messages.js';
import { describeError } from '../util/describe-error.js';
import { AutomlError, show } from '../util/errors.js';

/** What the caller provides to connect the objective with the study. */
export interface ObjectiveIo {
  /**
   * Forwards an intermediate value to the study; resolves true when the trial should be pruned.
   * Must never reject: a failure to record is the executor's to handle (it ends the trial).
   */
  report(step: number, value: number): Promise<boolean>;
  /** Passed to the objective as `ctx.signal`. */
  readonly signal: AbortSignal;
}

/**
 * Runs `fn(task.config, ctx)` and classifies the result:
 * - a finite number: `complete`;
 * - `TrialPruned` thrown: `pruned`, with the last reported value (or null);
 * - anything else thrown or rejected: `fail`/`error` with the error's name and message;
 * - a non-number, NaN or ±Infinity returned: `fail`/`invalid-value` saying what came back.
 *
 * Waits for every report the objective started (even unawaited ones) before resolving, so the study
 * has seen all intermediate values by the time it receives the outcome. Never rejects.
 */
export async function runObjective(fn: ObjectiveFn, task: TrialTask, io: ObjectiveIo): Promise<TrialOutcome> {
  const started = performance.now();
  const attrs: Record<string, unknown> = {};
  const artifacts: Record<string, unknown> = {};
  const pending: Promise<boolean>[] = [];
  let lastValue: number | null = null;

  const ctx: ObjectiveContext = {
    trialNumber: task.trialNumber,
    seed: task.seed,
    data: task.data,
    signal: io.signal,
    report(step: number, value: number): Promise<boolean> {
      // Thrown synchronously: a rejected promise the objective forgot to await would be an
      // unhandled rejection, which kills a worker thread (or the whole process in-process).
      checkReport(task.trialNumber, step, value);
      lastValue = value;
      const p = io.report(step, value);
      pending.push(p);
      return p;
    },
    setUserAttr(key: string, value: unknown): void {
      attrs[checkAttrKey(task.trialNumber, key)] = jsonCopy(task.trialNumber, key, value);
    },
    setArtifact(key: string, value: unknown): void {
      artifacts[checkAttrKey(task.trialNumber, key, 'setArtifact')] = value;
    },
  };

  let result: unknown;
  let thrown: { error: unknown } | null = null;
  try {
    result = await fn(task.config, ctx);
  } catch (e) {
    thrown = { error: e };
  }
  await Promise.all(pending);
  const durationMs = performance.now() - started;
  const userAttrs = {
    ...(Object.keys(attrs).length > 0 ? { userAttrs: attrs } : {}),
    ...(Object.keys(artifacts).length > 0 ? { artifacts } : {}),
  };

  if (thrown) {
    if (isTrialPruned(thrown.error)) return { status: 'pruned', value: lastValue, ...userAttrs, durationMs };
    return { status: 'fail', failKind: 'error', message: describeError(thrown.error), durationMs };
  }
  const invalid = invalidValueMessage(result);
  if (invalid !== null) return { status: 'fail', failKind: 'invalid-value', message: invalid, durationMs };
  return { status: 'complete', value: result as number, ...userAttrs, durationMs };
}

/** The failure message for an objective's return value, or null when it is a finite number. */
export function invalidValueMessage(result: unknown): string | null {
  if (typeof result === 'number' && Number.isFinite(result)) return null;
  const what =
    typeof result === 'number'
      ? String(result)
      : result === undefined
        ? 'undefined (is a `return` missing?)'
        : result === null
          ? 'null'
          : Array.isArray(result)
            ? `an array (${show(result)})`
            : `${article(typeof result)} ${typeof result} (${show(result)})`;
  return `the objective returned ${what}; it must return (or resolve to) a finite number`;
}

function article(word: string): string {
  return /^[aeiou]/.test(word) ? 'an' : 'a';
}

function checkReport(trial: number, step: unknown, value: unknown): void {
  if (typeof step !== 'number' || !Number.isInteger(step) || step < 0) {
    throw new AutomlError('E_OBJECTIVE', `trial ${trial}: ctx.report(step, value): step must be an integer >= 0, got ${show(step)}`, {
      param: 'step',
      value: step,
    });
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new AutomlError(
      'E_OBJECTIVE',
      `trial ${trial}: ctx.report(${step}, value): value must be a finite number, got ${show(value)}`,
      { param: 'value', value },
    );
  }
}

function checkAttrKey(trial: number, key: unknown, method = 'setUserAttr'): string {
  if (typeof key !== 'string' || key.length === 0) {
    throw new AutomlError('E_OBJECTIVE', `trial ${trial}: ctx.${method}(key, value): key must be a non-empty string, got ${show(key)}`, {
      param: 'key',
      value: key,
    });
  }
  return key;
}

// A JSON round trip both validates (attrs end up in storage as JSON) and detaches the value from
// objects the objective may keep mutating.
function jsonCopy(trial: number, key: string, value: unknown): unknown {
  let json: string | undefined;
  try {
    json = JSON.stringify(value);
  } catch {
    json = undefined;
  }
  if (json === undefined) {
    throw new AutomlError(
      'E_OBJECTIVE',
      `trial ${trial}: ctx.setUserAttr(${JSON.stringify(key)}, value): value must be JSON-serialisable (no undefined, functions, BigInt or cycles), got ${show(value)}`,
      { param: key, value },
    );
  }
  return JSON.parse(json) as unknown;
}
