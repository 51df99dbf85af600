/**
 * `exportStudy()`: a stored study as an MLflow file store, CSV or JSON Lines.
 */
import { existsSync, renameSync, writeFileSync } from 'node:fs';
import type { Storage } from '../../storage/storage.js';
import { AutomlError, show } from '../../util/errors.js';
import { openReader, readStudy } from '../dashboard/reader.js';
import { exportMlflow, type MlflowExport } from './mlflow.js';
import { trialsCsv, trialsJsonl } from './tables.js';

export { exportMlflow, experimentIdOf, runIdOf, type MlflowExport } from './mlflow.js';
export { trialsCsv, trialsJsonl } from './tables.js';

/** Export formats. */
export const EXPORT_FORMATS = ['mlflow', 'csv', 'jsonl'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Options of {@link exportStudy}. */
export interface ExportOptions {
  readonly study: string;
  readonly format: ExportFormat;
  /** mlflow: the store's root folder (default `mlruns`); csv/jsonl: the file (default `<study>.trials.<ext>`). */
  readonly out?: string;
  /** Storage URL or object. Default 'sqlite:automl.db'. */
  readonly storage?: string | Storage;
  /** mlflow: the final model file stored as the parent run's artifact; default `<study>.model.json` if it exists. */
  readonly model?: string;
}

/** What {@link exportStudy} wrote. */
export interface ExportResult {
  readonly format: ExportFormat;
  readonly path: string;
  readonly trials: number;
  readonly mlflow: MlflowExport | null;
}

/**
 * Exports a stored study. @throws AutomlError E_USAGE for an unknown format, E_STUDY_NOT_FOUND,
 * E_FILE_NOT_FOUND for a missing `model`.
 */
export async function exportStudy(o: ExportOptions): Promise<ExportResult> {
  if (!(EXPORT_FORMATS as readonly string[]).includes(o.format)) throw new AutomlError('E_USAGE', `export format must be one of ${EXPORT_FORMATS.join(', ')}, got ${show(o.format)}`, { param: 'format', value: o.format });
  if (o.model && !existsSync(o.model)) throw new AutomlError('E_FILE_NOT_FOUND', `${o.model}: no such model file`, { file: o.model });
  const reader = await openReader(o.storage ?? 'sqlite:automl.db');
  let data;
  try {
    data = await readStudy(reader, o.study);
  } finally {
    await reader.close();
  }
  const { study, trials } = data;
  if (o.format === 'mlflow') {
    const out = o.out ?? 'mlruns';
    const model = o.model ?? (existsSync(`${study.name}.model.json`) ? `${study.name}.model.json` : null);
    const r = exportMlflow(study, trials, out, model);
    return { format: o.format, path: r.experimentDir, trials: trials.length, mlflow: r };
  }
  const out = o.out ?? `${study.name.replace(/[^A-Za-z0-9._-]+/g, '_')}.trials.${o.format}`;
  const text = o.format === 'csv' ? trialsCsv(study, trials) : trialsJsonl(study, trials);
  const tmp = `${out}.tmp-${process.pid}`;
  writeFileSync(tmp, text);
  renameSync(tmp, out);
  return { format: o.format, path: out, trials: trials.length, mlflow: null };
}
