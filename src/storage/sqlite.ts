import { setTimeout as sleep } from 'node:timers/promises';
import Database from 'better-sqlite3';
import { AutomlError, messageOf } from '../util/errors.js';
import { createRng } from '../util/rng.js';
import type { Rng } from '../util/rng.js';
import type { FlatParams, Intermediate, TrialOrigin, TrialRecord, TrialState } from '../trial/trial.js';
import { emptyCounts } from './storage.js';
import type { NewStudy, StartTrialOptions, Storage, StudyRecord, StudySummary, TrialFilter, TrialResult } from './storage.js';
import { checkSqliteFile, migrate, readSchemaVersion } from './sqlite-schema.js';
import { checkReadable, createDatabaseFile, identifyReadOnly } from './sqlite-file.js';

function checkReadableIf(readonly: boolean | undefined, file: string, version: number): void {
  if (readonly) checkReadable(file, version);
}
import { prepareStatements, toStudy, toTrial } from './sqlite-rows.js';
import type { Statements, StudyRow, TrialRow } from './sqlite-rows.js';
import {
  checkEnqueue,
  checkIndex,
  checkIntermediate,
  checkNewStudy,
  checkObject,
  checkParams,
  checkResult,
  checkResultIntermediate,
  deepFreeze,
  notRunning,
  studyNotFound,
  toJson,
  trialNotFound,
} from './validate.js';

/** Tuning of {@link SqliteStorage}; the defaults suit several processes sharing one file. */
export interface SqliteOptions {
  /** How long SQLite itself waits for a lock before reporting busy (ms). Default 250. */
  readonly busyTimeoutMs?: number;
  /** Attempts of one operation on a busy database before giving up. Default 60. */
  readonly maxAttempts?: number;
  /**
   * `normal` (default): WAL with `synchronous=NORMAL`, see {@link SqliteStorage}. `full`: also sync
   * the WAL at every commit, so that not even a power loss drops a committed trial, at the price of
   * one fsync per write (milliseconds on most disks).
   */
  readonly synchronous?: 'normal' | 'full';
  /**
   * Open an existing database read-only (the commands that only read): a missing file is an
   * error ("no such study database"), nothing is created, migrated or written.
   */
  readonly readonly?: boolean;
}

const BACKOFF_BASE_MS = 2;
const BACKOFF_CAP_MS = 500;

/** True for the transient lock errors that a retry resolves. */
function isBusy(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && (code.startsWith('SQLITE_BUSY') || code.startsWith('SQLITE_LOCKED'));
}

/**
 * Storage in one SQLite file through better-sqlite3: the embedded default, shared safely by
 * several processes on one machine.
 *
 * Durability: the database runs in WAL mode with `synchronous=NORMAL`. A crash of the process, or
 * a kill, never loses a committed write; after a power loss or OS crash the database is still
 * consistent but the last few commits may be missing (they were in the WAL, not yet synced). For
 * a search, losing the last trials on power loss is cheap, while a sync per trial would dominate
 * the per-trial overhead.
 *
 * Concurrency: every write is one `BEGIN IMMEDIATE` transaction, so it takes the write lock
 * before reading what it depends on (next number, budget) and cannot be invalidated by another
 * writer. SQLite waits `busyTimeoutMs` for the lock itself; past that, the whole transaction is
 * retried after a jittered, growing pause (async, so the event loop keeps running), up to
 * `maxAttempts` times, so "database is locked" never reaches the caller in normal operation.
 */
export class SqliteStorage implements Storage {
  /** `sqlite:` followed by the file path as given. */
  readonly url: string;
  private readonly st: Statements;
  private readonly maxAttempts: number;
  private readonly rng: Rng;
  /** One transaction wrapper reused for every call: building one per call costs ~10 µs. */
  private readonly tx: Database.Transaction<(fn: () => unknown) => unknown>;
  private closed = false;

  private constructor(
    private readonly db: Database.Database,
    private readonly file: string,
    maxAttempts: number,
  ) {
    this.url = `sqlite:${file}`;
    this.maxAttempts = maxAttempts;
    // Jitter only spreads retries apart; it never influences results, so a per-process seed is fine.
    this.rng = createRng(`sqlite-retry/${process.pid}/${file}`);
    this.st = prepareStatements(db);
    this.tx = db.transaction((fn: () => unknown) => fn());
  }

  /**
   * Opens (creating if needed) the study database at `file` (`:memory:` for a private in-memory
   * database). Throws E_STORAGE, leaving the file untouched, if it is not an SQLite database, is
   * another application's database, or has a newer schema than this code.
   */
  static async open(file: string, options: SqliteOptions = {}): Promise<SqliteStorage> {
    const maxAttempts = options.maxAttempts ?? 60;
    const busyMs = Math.max(0, Math.round(options.busyTimeoutMs ?? 250));
    const rng = createRng(`sqlite-open/${process.pid}`);
    const exists = checkSqliteFile(file, options.readonly === true);
    if (file !== ':memory:') {
      // An existing file is identified read-only first: a foreign one is never opened for writing.
      if (exists) checkReadableIf(options.readonly, file, await retrying(file, maxAttempts, rng, () => identifyReadOnly(file, busyMs)));
      else createDatabaseFile(file);
    }
    let db: Database.Database;
    try {
      db = new Database(file, options.readonly ? { readonly: true, fileMustExist: true } : {});
    } catch (e) {
      throw new AutomlError('E_STORAGE', `Cannot open SQLite database "${file}": ${messageOf(e)}.`, { file }, { cause: e });
    }
    try {
      db.pragma(`busy_timeout = ${busyMs}`);
      await retrying(file, maxAttempts, rng, () => {
        const version = readSchemaVersion(db, file);
        if (options.readonly) return checkReadable(file, version);
        // Only now that the file is known to be ours may its journal mode change.
        db.pragma('journal_mode = WAL');
        db.pragma(options.synchronous === 'full' ? 'synchronous = FULL' : 'synchronous = NORMAL');
        migrate(db, file);
      });
      return new SqliteStorage(db, file, maxAttempts);
    } catch (e) {
      db.close();
      throw e;
    }
  }

  /** {@inheritDoc Storage.createStudy} */
  async createStudy(spec: NewStudy): Promise<StudyRecord> {
    checkNewStudy(spec);
    const space = toJson(spec.space ?? null, 'space');
    const settings = toJson(spec.settings ?? {}, 'settings');
    const now = Date.now();
    return this.write(() => {
      if (this.st.studyByName.get(spec.name)) {
        throw new AutomlError('E_STUDY_EXISTS', `A study named "${spec.name}" already exists in ${this.url}; pick another name or resume it.`, {
          value: spec.name,
          file: this.file,
        });
      }
      const { lastInsertRowid } = this.st.studyInsert.run(spec.name, spec.direction, space, spec.seed, spec.sampler, settings, now);
      return toStudy(this.st.studyById.get(lastInsertRowid) as StudyRow);
    });
  }

  /** {@inheritDoc Storage.getStudy} */
  async getStudy(name: string): Promise<StudyRecord | null> {
    return this.read(() => {
      const row = this.st.studyByName.get(name) as StudyRow | undefined;
      return row ? toStudy(row) : null;
    });
  }

  /** {@inheritDoc Storage.listStudies} */
  async listStudies(): Promise<StudySummary[]> {
    return this.read(() => {
      const counts = new Map<number, Record<TrialState, number>>();
      for (const r of this.st.countsAll.all() as { study_id: number; state: TrialState; n: number }[]) {
        let c = counts.get(r.study_id);
        if (!c) counts.set(r.study_id, (c = emptyCounts()));
        c[r.state] = r.n;
      }
      const rows = this.st.studyList.all() as (Omit<StudyRow, 'space' | 'settings' | 'seed'> & { mn: number | null; mx: number | null })[];
      return rows.map((r) =>
        deepFreeze({
          id: r.id,
          name: r.name,
          direction: r.direction,
          sampler: r.sampler,
          createdAt: r.created_at,
          counts: counts.get(r.id) ?? emptyCounts(),
          bestValue: r.direction === 'minimize' ? r.mn : r.mx,
        }),
      );
    });
  }

  /** {@inheritDoc Storage.updateStudySettings} */
  async updateStudySettings(studyId: number, patch: Readonly<Record<string, unknown>>): Promise<void> {
    checkObject(patch, 'updateStudySettings: patch');
    const patchJson = toJson(patch, 'updateStudySettings: patch');
    return this.write(() => {
      const row = this.st.studyById.get(studyId) as StudyRow | undefined;
      if (!row) throw studyNotFound(studyId);
      const settings = { ...(JSON.parse(row.settings) as object), ...(JSON.parse(patchJson) as object) };
      this.st.studySettings.run(JSON.stringify(settings), studyId);
    });
  }

  /** {@inheritDoc Storage.deleteStudy} */
  async deleteStudy(name: string): Promise<boolean> {
    return this.write(() => {
      const row = this.st.studyByName.get(name) as StudyRow | undefined;
      if (!row) return false;
      this.st.deleteIntermediate.run(row.id);
      this.st.deleteTrials.run(row.id);
      this.st.deleteStudy.run(row.id);
      return true;
    });
  }

  /** {@inheritDoc Storage.startTrial} */
  async startTrial(studyId: number, opts: StartTrialOptions): Promise<TrialRecord | null> {
    const worker = String(opts.worker);
    return this.write(() => {
      this.requireStudy(studyId);
      const next = this.st.nextNumber.get(studyId) as number;
      if (opts.maxTrials !== undefined) {
        // Numbers are gap-free, so `next` is the trial count; subtract the ones that do not count.
        const waiting = this.st.countWaiting.get(studyId) as number;
        const interrupted = this.st.countInterrupted.get(studyId) as number;
        if (next - waiting - interrupted >= opts.maxTrials) return null;
      }
      const now = Date.now();
      const row = this.st.firstWaiting.get(studyId) as TrialRow | undefined;
      if (row) {
        this.st.claim.run(worker, now, now, studyId, row.number);
        return toTrial({ ...row, state: 'RUNNING', worker, started_at: now, heartbeat_at: now }, []);
      }
      const fresh: TrialRow = {
        number: next,
        state: 'RUNNING',
        params: '{}',
        value: null,
        origin: 'sampler',
        retry_of: null,
        fail_kind: null,
        fail_reason: null,
        user_attrs: '{}',
        worker,
        created_at: now,
        started_at: now,
        finished_at: null,
        heartbeat_at: now,
      };
      this.st.insertTrial.run({ study_id: studyId, ...fresh });
      return toTrial(fresh, []);
    });
  }

  /** {@inheritDoc Storage.enqueueTrial} */
  async enqueueTrial(studyId: number, params: FlatParams, opts?: { origin?: TrialOrigin; retryOf?: number }): Promise<TrialRecord> {
    checkParams(params, `enqueueTrial(study ${studyId})`);
    const { origin, retryOf } = checkEnqueue(opts);
    const paramsJson = toJson(params, 'params');
    return this.write(() => {
      this.requireStudy(studyId);
      if (retryOf !== null && this.st.trialState.get(studyId, retryOf) === undefined) throw trialNotFound(studyId, retryOf);
      const row: TrialRow = {
        number: this.st.nextNumber.get(studyId) as number,
        state: 'WAITING',
        params: paramsJson,
        value: null,
        origin,
        retry_of: retryOf,
        fail_kind: null,
        fail_reason: null,
        user_attrs: '{}',
        worker: null,
        created_at: Date.now(),
        started_at: null,
        finished_at: null,
        heartbeat_at: null,
      };
      this.st.insertTrial.run({ study_id: studyId, ...row });
      return toTrial(row, []);
    });
  }

  /** {@inheritDoc Storage.setTrialParams} */
  async setTrialParams(studyId: number, number: number, params: FlatParams): Promise<void> {
    checkIndex(number, 'trial number');
    checkParams(params, `setTrialParams(study ${studyId}, trial ${number})`);
    const paramsJson = toJson(params, 'params');
    return this.write(() => {
      if (this.st.setParams.run(paramsJson, studyId, number).changes === 1) return;
      const state = this.trialState(studyId, number);
      if (state !== 'RUNNING') throw notRunning('setTrialParams', studyId, { number, state });
      throw new AutomlError('E_TRIAL_STATE', `setTrialParams: trial ${number} of study ${studyId} already has params; they are set once.`, {
        value: number,
      });
    });
  }

  /** {@inheritDoc Storage.reportIntermediate} */
  async reportIntermediate(studyId: number, number: number, step: number, value: number): Promise<boolean> {
    checkIndex(number, 'trial number');
    const v = checkIntermediate(studyId, number, step, value);
    return this.write(() => {
      const state = this.trialState(studyId, number);
      if (state === 'WAITING') throw notRunning('reportIntermediate', studyId, { number, state });
      if (state !== 'RUNNING') return false;
      this.st.upsertIntermediate.run(studyId, number, step, v);
      return true;
    });
  }

  /** {@inheritDoc Storage.heartbeat} */
  async heartbeat(studyId: number, numbers: readonly number[]): Promise<void> {
    return this.write(() => {
      this.requireStudy(studyId);
      const now = Date.now();
      for (const n of numbers) this.st.heartbeat.run(now, studyId, n);
    });
  }

  /** {@inheritDoc Storage.finishTrial} */
  async finishTrial(studyId: number, number: number, result: TrialResult): Promise<boolean> {
    checkIndex(number, 'trial number');
    const value = checkResult(studyId, number, result);
    const attrsJson = result.userAttrs === undefined ? null : toJson(result.userAttrs, 'finishTrial: userAttrs');
    const intermediate = checkResultIntermediate(studyId, number, result);
    return this.write(() => {
      let merged: string | null = null;
      if (attrsJson !== null) {
        const row = this.st.trialAttrs.get(studyId, number) as { state: TrialState; user_attrs: string } | undefined;
        if (!row) throw this.missingTrial(studyId, number);
        if (row.state !== 'RUNNING') return false;
        merged = JSON.stringify({ ...(JSON.parse(row.user_attrs) as object), ...(JSON.parse(attrsJson) as object) });
      }
      const args = [result.state, value, result.failKind ?? null, result.failReason ?? null, merged, Date.now(), studyId, number];
      if (this.st.finish.run(...args).changes === 1) {
        for (const x of intermediate) this.st.upsertIntermediate.run(studyId, number, x.step, x.value);
        return true;
      }
      this.trialState(studyId, number);
      return false;
    });
  }

  /** {@inheritDoc Storage.getTrial} */
  async getTrial(studyId: number, number: number): Promise<TrialRecord | null> {
    return this.read(() => {
      const row = this.st.trialGet.get(studyId, number) as TrialRow | undefined;
      if (!row) {
        this.requireStudy(studyId);
        return null;
      }
      return toTrial(row, this.st.intermediateOf.all(studyId, number) as Intermediate[]);
    });
  }

  /** {@inheritDoc Storage.getTrials} */
  async getTrials(studyId: number, filter?: TrialFilter): Promise<TrialRecord[]> {
    const from = Math.max(0, Math.ceil(filter?.fromNumber ?? 0));
    const states = filter?.states;
    if (states && states.length === 0) {
      return this.read(() => {
        this.requireStudy(studyId);
        return [];
      });
    }
    return this.read(() => {
      this.requireStudy(studyId);
      const rows = (
        states ? this.st.trialsFromIn(new Set(states).size).all(studyId, from, ...new Set(states)) : this.st.trialsFrom.all(studyId, from)
      ) as TrialRow[];
      if (rows.length === 0) return [];
      const inter = new Map<number, Intermediate[]>();
      for (const r of this.st.intermediateFrom.all(studyId, rows[0]!.number) as (Intermediate & { number: number })[]) {
        let list = inter.get(r.number);
        if (!list) inter.set(r.number, (list = []));
        list.push({ step: r.step, value: r.value });
      }
      return rows.map((r) => toTrial(r, inter.get(r.number) ?? []));
    });
  }

  /** {@inheritDoc Storage.countTrials} */
  async countTrials(studyId: number): Promise<Record<TrialState, number>> {
    return this.read(() => {
      this.requireStudy(studyId);
      const counts = emptyCounts();
      for (const r of this.st.counts.all(studyId) as { state: TrialState; n: number }[]) counts[r.state] = r.n;
      return counts;
    });
  }

  /** {@inheritDoc Storage.close} */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.db.close();
  }

  private requireStudy(studyId: number): void {
    if (this.st.studyExists.get(studyId) === undefined) throw studyNotFound(studyId);
  }

  /** The state of a trial, throwing for an unknown study or trial. */
  private trialState(studyId: number, number: number): TrialState {
    const state = this.st.trialState.get(studyId, number) as TrialState | undefined;
    if (state === undefined) throw this.missingTrial(studyId, number);
    return state;
  }

  private missingTrial(studyId: number, number: number): AutomlError {
    this.requireStudy(studyId);
    return trialNotFound(studyId, number);
  }

  /** Runs `fn` in one IMMEDIATE transaction, retried as a whole while the database is busy. */
  private write<T>(fn: () => T): Promise<T> {
    return this.retry(() => this.tx.immediate(fn) as T);
  }

  /** Runs `fn` in one read transaction, so multi-statement reads see one snapshot. */
  private read<T>(fn: () => T): Promise<T> {
    return this.retry(() => this.tx.deferred(fn) as T);
  }

  private retry<T>(op: () => T): Promise<T> {
    if (this.closed) return Promise.reject(new AutomlError('E_STORAGE', `Storage ${this.url} is closed; open a new one.`, { file: this.file }));
    return retrying(this.file, this.maxAttempts, this.rng, op, () => this.closed);
  }
}

/**
 * Runs `op`, retrying it after a jittered exponential pause while SQLite reports busy/locked.
 * AutomlErrors pass through; other SQLite errors become E_STORAGE naming the file.
 */
async function retrying<T>(file: string, maxAttempts: number, rng: Rng, op: () => T, closed: () => boolean = () => false): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return op();
    } catch (e) {
      if (e instanceof AutomlError) throw e;
      if (!isBusy(e) || attempt >= maxAttempts || closed()) {
        const hint = isBusy(e) ? ' (the database stayed locked; is another program holding a long transaction on it?)' : '';
        throw new AutomlError('E_STORAGE', `SQLite error on "${file}": ${messageOf(e)}${hint}.`, { file }, { cause: e });
      }
      const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.min(attempt, 10));
      await sleep(ceiling * (0.5 + rng.next()));
    }
  }
}
