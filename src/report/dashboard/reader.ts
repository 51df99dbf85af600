/**
 * Read-only access to stored studies, shared by `automl report`, `importance`, `export` and the
 * dashboard. SQLite is opened with a read-only connection (better-sqlite3 `readonly: true`): in
 * WAL mode readers never block the writer and the writer never blocks them, and a read-only
 * connection cannot write, migrate or change the journal mode of a file a search is using. Every
 * query is one short statement. Other storages (PostgreSQL, memory) go through the Storage
 * interface, of which only the read methods are called.
 */
import Database from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { AutomlError, messageOf } from '../../util/errors.js';
import type { TrialRecord, TrialState } from '../../trial/trial.js';
import { emptyCounts, type Storage, type StudyRecord, type StudySummary } from '../../storage/storage.js';
import { openStorage, parseStorageUrl } from '../../storage/open.js';
import { readSchemaVersion } from '../../storage/sqlite-schema.js';
import { toStudy, toTrial, type StudyRow, type TrialRow } from '../../storage/sqlite-rows.js';
import type { Intermediate } from '../../trial/trial.js';

/** What the report side reads from a storage. Implementations never write. */
export interface StudyReader {
  /** The storage's display URL (no credentials). */
  readonly url: string;
  listStudies(): Promise<StudySummary[]>;
  getStudy(name: string): Promise<StudyRecord | null>;
  /** Trials of a study with number >= `fromNumber` (default 0), ordered by number. */
  trials(studyId: number, fromNumber?: number): Promise<TrialRecord[]>;
  close(): Promise<void>;
}

const TRIAL_COLUMNS = 'number, state, params, value, origin, retry_of, fail_kind, fail_reason, user_attrs, worker, created_at, started_at, finished_at, heartbeat_at';

/** A read-only SQLite connection to an automl study file. */
export class SqliteReader implements StudyReader {
  readonly url: string;
  private readonly db: Database.Database;
  private readonly st: Record<'studies' | 'counts' | 'study' | 'trials' | 'inter', Database.Statement>;

  /** @throws AutomlError E_STORAGE when the file is missing or not an automl study database. */
  constructor(file: string) {
    this.url = `sqlite:${file}`;
    if (!existsSync(file)) throw new AutomlError('E_STORAGE', `no study database at ${resolve(file)}; give the file \`automl search --storage\` wrote`, { file });
    try {
      this.db = new Database(file, { readonly: true, fileMustExist: true });
      // A reader waits only while a checkpoint restarts the WAL; never for ordinary writes.
      this.db.pragma('busy_timeout = 2000');
      readSchemaVersion(this.db, file);
    } catch (e) {
      if (e instanceof AutomlError) throw e;
      throw new AutomlError('E_STORAGE', `cannot open ${resolve(file)} read-only: ${messageOf(e)}`, { file }, { cause: e });
    }
    const db = this.db;
    this.st = {
      studies: db.prepare(`SELECT id, name, direction, sampler, created_at,
          (SELECT min(value) FROM trials t WHERE t.study_id = s.id AND t.state = 'COMPLETE') AS mn,
          (SELECT max(value) FROM trials t WHERE t.study_id = s.id AND t.state = 'COMPLETE') AS mx
        FROM studies s ORDER BY id`),
      counts: db.prepare('SELECT study_id, state, count(*) AS n FROM trials GROUP BY study_id, state'),
      study: db.prepare('SELECT * FROM studies WHERE name = ?'),
      trials: db.prepare(`SELECT ${TRIAL_COLUMNS} FROM trials WHERE study_id = ? AND number >= ? ORDER BY number`),
      inter: db.prepare('SELECT number, step, value FROM trial_intermediate WHERE study_id = ? AND number >= ? ORDER BY number, step'),
    };
  }

  async listStudies(): Promise<StudySummary[]> {
    const counts = new Map<number, Record<TrialState, number>>();
    for (const r of this.st.counts.all() as { study_id: number; state: TrialState; n: number }[]) {
      let c = counts.get(r.study_id);
      if (!c) counts.set(r.study_id, (c = emptyCounts()));
      c[r.state] = r.n;
    }
    const rows = this.st.studies.all() as { id: number; name: string; direction: 'minimize' | 'maximize'; sampler: string; created_at: number; mn: number | null; mx: number | null }[];
    return rows.map((r) => ({ id: r.id, name: r.name, direction: r.direction, sampler: r.sampler, createdAt: r.created_at, counts: counts.get(r.id) ?? emptyCounts(), bestValue: r.direction === 'minimize' ? r.mn : r.mx }));
  }

  async getStudy(name: string): Promise<StudyRecord | null> {
    const row = this.st.study.get(name) as StudyRow | undefined;
    return row ? toStudy(row) : null;
  }

  async trials(studyId: number, fromNumber = 0): Promise<TrialRecord[]> {
    // Both reads in one read transaction: a snapshot, so intermediate values match their trials.
    return this.db.transaction(() => {
      const rows = this.st.trials.all(studyId, fromNumber) as TrialRow[];
      const inter = new Map<number, Intermediate[]>();
      for (const r of this.st.inter.all(studyId, fromNumber) as { number: number; step: number; value: number }[]) {
        let list = inter.get(r.number);
        if (!list) inter.set(r.number, (list = []));
        list.push({ step: r.step, value: r.value });
      }
      return rows.map((r) => toTrial(r, inter.get(r.number) ?? []));
    }).deferred();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

/** Reads through a Storage object; only its read methods are called. */
export class StorageReader implements StudyReader {
  constructor(
    private readonly storage: Storage,
    private readonly owned: boolean,
  ) {}
  get url(): string {
    return this.storage.url;
  }
  listStudies(): Promise<StudySummary[]> {
    return this.storage.listStudies();
  }
  getStudy(name: string): Promise<StudyRecord | null> {
    return this.storage.getStudy(name);
  }
  trials(studyId: number, fromNumber = 0): Promise<TrialRecord[]> {
    return this.storage.getTrials(studyId, fromNumber > 0 ? { fromNumber } : undefined);
  }
  async close(): Promise<void> {
    if (this.owned) await this.storage.close();
  }
}

/**
 * Opens a storage URL (or wraps a Storage object) for reading. SQLite files are opened read-only
 * and must exist; PostgreSQL goes through the storage class.
 */
export async function openReader(storage: string | Storage): Promise<StudyReader> {
  if (typeof storage !== 'string') return new StorageReader(storage, false);
  const target = parseStorageUrl(storage);
  if (target.kind === 'sqlite' && target.file !== ':memory:') return new SqliteReader(target.file);
  return new StorageReader(await openStorage(storage), true);
}

/** The study named `name` with all its trials. @throws AutomlError E_STUDY_NOT_FOUND listing the stored names. */
export async function readStudy(reader: StudyReader, name: string): Promise<{ study: StudyRecord; trials: TrialRecord[] }> {
  const study = await reader.getStudy(name);
  if (!study) {
    const names = (await reader.listStudies()).map((s) => s.name);
    throw new AutomlError('E_STUDY_NOT_FOUND', `no study '${name}' in ${reader.url}${names.length > 0 ? `; studies: ${names.slice(0, 20).join(', ')}` : ' (it holds no study)'}`, { value: name });
  }
  return { study, trials: await reader.trials(study.id) };
}
