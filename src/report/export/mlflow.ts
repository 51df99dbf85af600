/**
 * Writes a study in MLflow's file-store layout, so that `mlflow ui --backend-store-uri <dir>` can
 * open it (written from MLflow's documented format; MLflow itself is not needed):
 *
 *   <root>/<experiment_id>/meta.yaml                 the experiment (named after the study)
 *   <root>/<experiment_id>/<run_id>/meta.yaml        one run per trial, plus a parent run
 *   <root>/<experiment_id>/<run_id>/params/<name>    the value as text
 *   <root>/<experiment_id>/<run_id>/metrics/<name>   lines "<timestamp_ms> <value> <step>"
 *   <root>/<experiment_id>/<run_id>/tags/<name>      the value as text (mlflow.runName, mlflow.parentRunId, ...)
 *   <root>/<experiment_id>/<run_id>/artifacts/       the final model (parent run only)
 *
 * Ids are derived from the study name and trial numbers (not random), so exporting the same study
 * twice gives the same tree and replaces the earlier export instead of duplicating it.
 */
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { StudyRecord } from '../../storage/storage.js';
import type { TrialRecord, TrialState } from '../../trial/trial.js';
import { AutomlError } from '../../util/errors.js';

/** MLflow's RunStatus enum values, as stored in a run's meta.yaml. */
const RUN_STATUS: Record<TrialState, number> = { RUNNING: 1, WAITING: 2, COMPLETE: 3, FAIL: 4, PRUNED: 5 };
/** SourceType.LOCAL. */
const SOURCE_LOCAL = 4;

/** What {@link exportMlflow} wrote. */
export interface MlflowExport {
  readonly experimentId: string;
  readonly experimentDir: string;
  readonly parentRunId: string;
  readonly runs: number;
  /** The final model's path inside the parent run, or null. */
  readonly modelArtifact: string | null;
}

function hashHex(...parts: (string | number)[]): string {
  return createHash('sha256').update(parts.join('\u0000')).digest('hex');
}

/** A numeric experiment id (as MLflow makes them), stable for a study name. */
export function experimentIdOf(study: string): string {
  // 18 decimal digits from the hash, never "0" (MLflow's default experiment).
  return (BigInt(`0x${hashHex('automl-experiment', study).slice(0, 15)}`) % 900_000_000_000_000_000n + 100_000_000_000_000_000n).toString();
}

/** A 32-hex-digit run id, stable for (study, trial). */
export function runIdOf(study: string, trial: number | 'parent'): string {
  return hashHex('automl-run', study, trial).slice(0, 32);
}

/** A YAML scalar: numbers and null plain, strings double-quoted (JSON strings are valid YAML). */
function yaml(fields: Record<string, string | number | null | []>): string {
  return (
    Object.entries(fields)
      .map(([k, v]) => `${k}: ${v === null ? 'null' : Array.isArray(v) ? '[]' : typeof v === 'number' ? String(v) : JSON.stringify(v)}`)
      .join('\n') + '\n'
  );
}

/**
 * A file name for a param, metric or tag key: MLflow allows letters, digits, `_ - . space /`;
 * anything else becomes `_`, and `/` too (it would make sub-folders).
 */
export function safeKey(name: string): string {
  const s = name.replace(/[^A-Za-z0-9_.\- ]/g, '_');
  return s === '' || s === '.' || s === '..' ? `_${s}` : s;
}

function metricLine(ts: number, value: number, step: number): string {
  // MLflow reads the value with Python's float(): nan and inf spell the same.
  const v = Number.isNaN(value) ? 'nan' : value === Infinity ? 'inf' : value === -Infinity ? '-inf' : String(value);
  return `${Math.round(ts)} ${v} ${step}\n`;
}

interface RunSpec {
  readonly id: string;
  readonly name: string;
  readonly status: number;
  readonly start: number;
  readonly end: number | null;
  readonly params: Record<string, string>;
  readonly metrics: Record<string, { ts: number; value: number; step: number }[]>;
  readonly tags: Record<string, string>;
}

function writeRun(expDir: string, experimentId: string, r: RunSpec): string {
  const dir = join(expDir, r.id);
  for (const sub of ['params', 'metrics', 'tags', 'artifacts']) mkdirSync(join(dir, sub), { recursive: true });
  writeFileSync(
    join(dir, 'meta.yaml'),
    yaml({
      artifact_uri: pathToFileURL(join(dir, 'artifacts')).href,
      end_time: r.end,
      entry_point_name: '',
      experiment_id: experimentId,
      lifecycle_stage: 'active',
      run_id: r.id,
      run_name: r.name,
      run_uuid: r.id,
      source_name: '',
      source_type: SOURCE_LOCAL,
      source_version: '',
      start_time: r.start,
      status: r.status,
      tags: [],
      user_id: 'automl',
    }),
  );
  for (const [k, v] of Object.entries(r.params)) writeFileSync(join(dir, 'params', safeKey(k)), v);
  for (const [k, v] of Object.entries(r.tags)) writeFileSync(join(dir, 'tags', safeKey(k)), v);
  for (const [k, points] of Object.entries(r.metrics)) if (points.length > 0) writeFileSync(join(dir, 'metrics', safeKey(k)), points.map((p) => metricLine(p.ts, p.value, p.step)).join(''));
  return dir;
}

/** Refuses to write into a store that already has another experiment of the same name. */
function checkNameFree(root: string, name: string, experimentId: string): void {
  if (!existsSync(root)) return;
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name === experimentId) continue;
    const meta = join(root, entry.name, 'meta.yaml');
    if (!existsSync(meta)) continue;
    const m = /^name: (.*)$/m.exec(readFileSync(meta, 'utf8'));
    const stored = m ? m[1]!.trim().replace(/^(['"])(.*)\1$/, '$2') : null;
    if (stored === name) {
      throw new AutomlError('E_USAGE', `${root} already holds an experiment named ${JSON.stringify(name)} (id ${entry.name}); export to another folder or delete that experiment`, { file: meta });
    }
  }
}

/**
 * Writes `study` and its trials under `root` (created if needed). The study is a parent run
 * holding the settings, the best value and, when `modelFile` is given, the final model as the
 * artifact `model.json`; every trial is a child run with its parameters (params), its value and
 * per-fold scores (metrics: `<metric>` and `<metric>_fold` with the folds as steps) and tags.
 */
export function exportMlflow(study: StudyRecord, trials: readonly TrialRecord[], root: string, modelFile: string | null): MlflowExport {
  const abs = resolve(root);
  const experimentId = experimentIdOf(study.name);
  checkNameFree(abs, study.name, experimentId);
  const expDir = join(abs, experimentId);
  // A deterministic id: an earlier export of this study is replaced, not merged.
  rmSync(expDir, { recursive: true, force: true });
  mkdirSync(expDir, { recursive: true });
  mkdirSync(join(abs, '.trash'), { recursive: true });
  const lastTime = trials.reduce((m, t) => Math.max(m, t.finishedAt ?? t.startedAt ?? t.createdAt), study.createdAt);
  writeFileSync(join(expDir, 'meta.yaml'), yaml({ artifact_location: pathToFileURL(expDir).href, creation_time: study.createdAt, experiment_id: experimentId, last_update_time: lastTime, lifecycle_stage: 'active', name: study.name }));
  const settings = study.settings as Record<string, unknown>;
  const metric = typeof settings.metric === 'string' ? settings.metric : 'value';
  const parentId = runIdOf(study.name, 'parent');
  const done = trials.filter((t) => t.state === 'COMPLETE' && t.value !== null);
  const best = done.reduce<TrialRecord | null>((b, t) => (b === null || (study.direction === 'maximize' ? t.value! > b.value! : t.value! < b.value!) ? t : b), null);
  const unfinished = trials.some((t) => t.state === 'RUNNING' || t.state === 'WAITING');
  const parentParams: Record<string, string> = { direction: study.direction, sampler: study.sampler, seed: String(study.seed) };
  for (const [k, v] of Object.entries(settings)) if (v !== null && ['string', 'number', 'boolean'].includes(typeof v)) parentParams[`settings.${k}`] = String(v);
  const parentDir = writeRun(expDir, experimentId, {
    id: parentId,
    name: study.name,
    status: unfinished ? RUN_STATUS.RUNNING : RUN_STATUS.COMPLETE,
    start: study.createdAt,
    end: unfinished ? null : lastTime,
    params: parentParams,
    metrics: {
      ...(best ? { [`best_${metric}`]: [{ ts: best.finishedAt ?? lastTime, value: best.value!, step: 0 }] } : {}),
      trials_complete: [{ ts: lastTime, value: done.length, step: 0 }],
    },
    tags: { 'mlflow.runName': study.name, 'mlflow.user': 'automl', 'automl.study': study.name, ...(best ? { 'automl.best_trial': String(best.number) } : {}) },
  });
  let modelArtifact: string | null = null;
  if (modelFile) {
    modelArtifact = join(parentDir, 'artifacts', 'model.json');
    copyFileSync(modelFile, modelArtifact);
  }
  for (const t of trials) {
    const folds = Array.isArray(t.userAttrs.foldScores) ? (t.userAttrs.foldScores as unknown[]).filter((x): x is number => typeof x === 'number') : t.intermediate.map((x) => x.value);
    const end = t.finishedAt ?? t.heartbeatAt ?? t.startedAt ?? t.createdAt;
    const metrics: RunSpec['metrics'] = { [`${metric}_fold`]: folds.map((value, step) => ({ ts: end, value, step })) };
    if (t.value !== null) metrics[metric] = [{ ts: end, value: t.value, step: 0 }];
    if (typeof t.userAttrs.durationMs === 'number') metrics.duration_s = [{ ts: end, value: t.userAttrs.durationMs / 1000, step: 0 }];
    const tags: Record<string, string> = {
      'mlflow.runName': `trial-${t.number}`,
      'mlflow.parentRunId': parentId,
      'mlflow.user': 'automl',
      'automl.trial': String(t.number),
      'automl.state': t.state,
      'automl.origin': t.origin,
    };
    if (typeof t.params.model === 'string') tags['automl.model'] = t.params.model;
    if (t.worker) tags['automl.worker'] = t.worker;
    if (t.failKind) tags['automl.fail_kind'] = t.failKind;
    if (t.failReason) tags['automl.fail_reason'] = t.failReason.slice(0, 5000);
    writeRun(expDir, experimentId, {
      id: runIdOf(study.name, t.number),
      name: `trial-${t.number}`,
      status: RUN_STATUS[t.state],
      start: t.startedAt ?? t.createdAt,
      end: t.finishedAt,
      params: Object.fromEntries(Object.entries(t.params).map(([k, v]) => [k, String(v)])),
      metrics,
      tags,
    });
  }
  return { experimentId, experimentDir: expDir, parentRunId: parentId, runs: trials.length + 1, modelArtifact };
}
