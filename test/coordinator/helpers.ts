/** Shared helpers for the executor tests: task builder, recording hooks, fixture paths. */
import { fileURLToPath } from 'node:url';
import type { TrialHooks } from '../../src/coordinator/executor.js';
import type { TrialOutcome, TrialTask } from '../../src/protocol/messages.js';

/** Absolute path of an objective fixture module. */
export function fixture(name: string): string {
  return fileURLToPath(new URL(`../fixtures/objectives/${name}`, import.meta.url));
}

/** A task for `exportName` of fixture `file` (default basic.mjs). */
export function task(exportName: string | undefined, config: unknown = {}, file = 'basic.mjs', extra: Partial<TrialTask> = {}): TrialTask {
  return {
    objective: exportName === undefined ? { module: fixture(file) } : { module: fixture(file), exportName },
    trialNumber: 7,
    seed: 1234,
    config,
    params: {},
    ...extra,
  };
}

/** Hooks that record every report and prune from `pruneAt` on. */
export function recordingHooks(pruneAt = Infinity): TrialHooks & { reports: Array<[number, number]> } {
  const reports: Array<[number, number]> = [];
  return {
    reports,
    async report(step, value) {
      reports.push([step, value]);
      return step >= pruneAt;
    },
  };
}

/** Narrows an outcome to a failure, failing the test with the outcome otherwise. */
export function failOf(o: TrialOutcome): Extract<TrialOutcome, { status: 'fail' }> {
  if (o.status !== 'fail') throw new Error(`expected a failure, got ${JSON.stringify(o)}`);
  return o;
}
