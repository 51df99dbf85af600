/**
 * `report()`: the offline HTML report of a study (see page.ts for the file, payload.ts for its
 * data). Reads the study through a read-only reader, computes parameter importance, and, when a
 * model file and labelled held-out rows are at hand, the final model's charts.
 */
import { writeFileSync, renameSync } from 'node:fs';
import type { Storage, StudyRecord } from '../../storage/storage.js';
import type { TrialRecord } from '../../trial/trial.js';
import { messageOf } from '../../util/errors.js';
import { parameterImportance, type ImportanceOptions, type ImportanceResult } from '../importance.js';
import { openReader, readStudy } from '../dashboard/reader.js';
import { finalModelSection, type FinalModelOptions, type FinalModelSection } from './final-model.js';
import { buildPayload, spaceOf, type Payload } from './payload.js';
import { reportHtml } from './page.js';

/** Options of {@link report}. */
export interface ReportOptions extends FinalModelOptions {
  /** Study name. */
  readonly study: string;
  /** Storage URL or object. Default 'sqlite:automl.db'. */
  readonly storage?: string | Storage;
  /** Write the page here (atomically); the HTML is returned either way. */
  readonly out?: string;
  /** Options of the parameter importance; false leaves it out. */
  readonly importance?: ImportanceOptions | false;
  /** Leave the final-model section out. */
  readonly noFinal?: boolean;
}

/** What {@link report} returns. */
export interface ReportResult {
  readonly html: string;
  /** Where the page was written, or null. */
  readonly path: string | null;
  readonly payload: Payload;
  /** Milliseconds spent per stage: read, importance, final, render. */
  readonly timings: Readonly<Record<string, number>>;
}

/**
 * Builds the report of `options.study`. Sections that cannot be built (no model file, data moved)
 * are replaced by a visible note; an explicit `model` or `data` that cannot be read throws.
 * @throws AutomlError E_STUDY_NOT_FOUND, E_STORAGE, E_MODEL_FILE, E_FILE_NOT_FOUND, ...
 */
export async function report(options: ReportOptions): Promise<ReportResult> {
  const timings: Record<string, number> = {};
  let t0 = performance.now();
  const reader = await openReader(options.storage ?? 'sqlite:automl.db');
  let study: StudyRecord;
  let trials: TrialRecord[];
  try {
    ({ study, trials } = await readStudy(reader, options.study));
  } finally {
    await reader.close();
  }
  timings.read = performance.now() - t0;
  const result = reportFromRecords({ ...options, study, trials, storageUrl: reader.url }, timings);
  if (options.out) {
    t0 = performance.now();
    const tmp = `${options.out}.tmp-${process.pid}`;
    writeFileSync(tmp, result.html);
    renameSync(tmp, options.out);
    timings.write = performance.now() - t0;
  }
  return { ...result, path: options.out ?? null, timings };
}

/** The report of records already in memory (what {@link report} does after reading). */
export function reportFromRecords(
  o: Omit<ReportOptions, 'study' | 'storage' | 'out'> & { study: StudyRecord; trials: readonly TrialRecord[]; storageUrl: string; now?: Date },
  timings: Record<string, number> = {},
): Omit<ReportResult, 'path'> {
  let t0 = performance.now();
  let importance: ImportanceResult | null = null;
  let importanceNote: string | null = null;
  const space = spaceOf(o.study);
  if (o.importance === false) importanceNote = 'importance was not asked for';
  else if (!space) importanceNote = "the study's stored space could not be read";
  else {
    try {
      importance = parameterImportance({ space, trials: o.trials }, o.importance ?? {});
    } catch (e) {
      importanceNote = `importance could not be computed: ${messageOf(e)}`;
    }
  }
  timings.importance = performance.now() - t0;
  t0 = performance.now();
  let final: FinalModelSection | null = null;
  let finalNote: string | null = null;
  if (o.noFinal) finalNote = 'left out (--no-final)';
  else ({ section: final, note: finalNote } = finalModelSection(o.study, o));
  timings.final = performance.now() - t0;
  t0 = performance.now();
  const payload = buildPayload({ study: o.study, storageUrl: o.storageUrl, trials: o.trials, importance, importanceNote, final, finalNote, ...(o.now ? { now: o.now } : {}) });
  const html = reportHtml(payload);
  timings.render = performance.now() - t0;
  return { html, payload, timings };
}
