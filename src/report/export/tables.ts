/**
 * Flat exports of a study's trials: CSV (one row per trial, one column per parameter of the
 * space and per fold) and JSON Lines (one trial record per line, everything kept).
 */
import type { StudyRecord } from '../../storage/storage.js';
import type { TrialRecord } from '../../trial/trial.js';
import { spaceOf } from '../html/payload.js';

/** One CSV field, quoted when it must be (RFC 4180); a field that a spreadsheet would run as a formula gets a leading quote. */
function field(v: unknown): string {
  let s = v === null || v === undefined ? '' : typeof v === 'number' && !Number.isFinite(v) ? '' : String(v);
  if (/^[=+\-@\t\r]/.test(s) && typeof v === 'string') s = `'${s}`;
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

function folds(t: TrialRecord): number[] {
  const f = t.userAttrs.foldScores;
  return Array.isArray(f) ? f.filter((x): x is number => typeof x === 'number') : t.intermediate.map((x) => x.value);
}

/** The trials as CSV: fixed columns, `fold_1..k`, then the space's parameters (empty where inactive). */
export function trialsCsv(study: StudyRecord, trials: readonly TrialRecord[]): string {
  const space = spaceOf(study);
  const names = space ? space.params.map((p) => p.name) : [...new Set(trials.flatMap((t) => Object.keys(t.params)))].sort();
  const k = trials.reduce((m, t) => Math.max(m, folds(t).length), 0);
  const header = ['number', 'state', 'value', 'duration_ms', 'started_at', 'finished_at', 'worker', 'origin', 'fail_kind', 'fail_reason', ...Array.from({ length: k }, (_, i) => `fold_${i + 1}`), ...names];
  const iso = (ms: number | null): string => (ms === null ? '' : new Date(ms).toISOString());
  const rows = trials.map((t) => {
    const d = t.userAttrs.durationMs;
    const f = folds(t);
    return [
      t.number, t.state, t.value, typeof d === 'number' ? d : t.finishedAt !== null && t.startedAt !== null ? t.finishedAt - t.startedAt : null,
      iso(t.startedAt), iso(t.finishedAt), t.worker, t.origin, t.failKind, t.failReason,
      ...Array.from({ length: k }, (_, i) => f[i] ?? null), ...names.map((n) => t.params[n]),
    ];
  });
  return [header, ...rows].map((r) => r.map(field).join(',')).join('\n') + '\n';
}

/** The trials as JSON Lines: the stored record of each trial, with the study's name. */
export function trialsJsonl(study: StudyRecord, trials: readonly TrialRecord[]): string {
  return trials.map((t) => JSON.stringify({ study: study.name, ...t })).join('\n') + (trials.length > 0 ? '\n' : '');
}
