/** A study's trials as JSON objects, CSV and a text table (what `automl trials` prints). */
import { foldScoresOf, keptColumnsOf } from '../automl/leaderboard.js';
import { keptFrequency } from '../pipeline/index.js';
import type { Study } from '../study/index.js';
import type { TrialRecord } from '../trial/trial.js';
import { toSafeCsv } from './csv-safe.js';
import { fmtDuration, fmtParams, fmtScore, table } from './format.js';

/** Wall time of a trial: the duration the worker measured, else finish minus start, else null. */
function durationOf(t: TrialRecord): number | null {
  const d = t.userAttrs.durationMs;
  return typeof d === 'number' ? d : t.finishedAt !== null && t.startedAt !== null ? t.finishedAt - t.startedAt : null;
}

/**
 * One trial as a JSON-ready object: number, state, value, config (as given), per-fold scores,
 * kept columns when the pipeline selected features, training rows and rung scores on row rungs,
 * duration, and the failure for FAIL trials.
 */
export function trialJson(t: TrialRecord, config: unknown): Record<string, unknown> {
  const kept = keptColumnsOf(t);
  return {
    number: t.number,
    state: t.state,
    value: t.value,
    config,
    foldScores: foldScoresOf(t),
    ...(kept ? { keptColumns: kept, keptFrequency: keptFrequency(kept) } : {}),
    // Row rungs (large data): the training rows of the last rung it ran and each rung's score.
    ...(typeof t.userAttrs['trainRows'] === 'number' ? { trainRows: t.userAttrs['trainRows'] } : {}),
    ...(Array.isArray(t.userAttrs['rungScores']) ? { rungScores: t.userAttrs['rungScores'] } : {}),
    durationMs: durationOf(t),
    ...(t.state === 'FAIL' ? { failKind: t.failKind, failReason: t.failReason } : {}),
  };
}

function recordedTrials(study: Study): TrialRecord[] {
  return study.trials.filter((t): t is TrialRecord => t !== undefined);
}

/** A trial's configuration, or null for a trial that never got parameters (failed before sampling). */
function configOrNull(study: Study, t: TrialRecord): unknown {
  return Object.keys(t.params).length > 0 ? study.configOf(t) : null;
}

/** Every trial of a study as JSON-ready objects (the array `automl trials --json` prints). */
export function trialsJson(study: Study): Record<string, unknown>[] {
  return recordedTrials(study).map((t) => trialJson(t, configOrNull(study, t)));
}

/**
 * Every trial of a study as a CSV document, one column per search-space parameter. Failure reasons
 * and categorical values can hold any text (from storage, from a space file), so cells that a
 * spreadsheet would take for a formula are escaped.
 */
export function trialsCsv(study: Study): string {
  const names = study.space.params.map((p) => p.name);
  return toSafeCsv(
    ['number', 'state', 'value', 'duration_ms', 'fail_reason', ...names],
    recordedTrials(study).map((t) => [t.number, t.state, t.value, durationOf(t), t.failReason, ...names.map((n) => t.params[n])]),
  );
}

/** Every trial of a study as a text table (model and hyperparameters, or the failure); no trailing newline. */
export function formatTrials(study: Study): string {
  return table(
    ['trial', 'state', 'value', 'time', 'model', 'details'],
    recordedTrials(study).map((t) => {
      const cfg = configOrNull(study, t) as { model?: Record<string, unknown> } | null;
      const model = cfg?.model ? String(cfg.model.type ?? '') : '';
      const params = cfg?.model ? fmtParams(Object.fromEntries(Object.entries(cfg.model).filter(([k]) => k !== 'type'))) : fmtParams(t.params);
      return [String(t.number), t.state, fmtScore(t.value), fmtDuration(durationOf(t)), model, t.state === 'FAIL' ? `${t.failKind}: ${t.failReason ?? ''}` : params];
    }),
  );
}
