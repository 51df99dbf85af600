import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool, PoolClient, QueryResult, QueryResultRow } from 'pg';
import { AutomlError, show } from '../util/errors.js';
import { importOptional } from '../util/optional-import.js';
import { createRng } from '../util/rng.js';
import type { Rng } from '../util/rng.js';
import type { FlatParams, TrialOrigin, TrialRecord, TrialState } from '../trial/trial.js';
import { emptyCounts } from './storage.js';
import type { NewStudy, StartTrialOptions, Storage, StudyRecord, StudySummary, TrialFilter, TrialResult } from './storage.js';
import { redactUrl } from './url.js';
import { migratePg, quoteIdent } from './postgres-schema.js';
import { finishWithIntermediate, pgStatements, pgStudy, pgTrial } from './postgres-sql.js';
import type { PgStatements, PgStudyRow, PgTrialRow } from './postgres-sql.js';
import { isBrokenConnection, isRetryable, pgErrorText, splitSchema } from './postgres-errors.js';
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

/** Tuning of {@link PostgresStorage}. */
export interface PostgresOptions {
  /** Schema holding the tables; overrides `?schema=` in the URL. Default `automl`. */
  readonly schema?: string;
  /** Connections this process keeps open at most. Default 4. */
  readonly poolSize?: number;
  /** Attempts of one operation on transient errors (deadlock, lost connection, ...). Default 60. */
  readonly maxAttempts?: number;
  /** How long to wait for a connection to the server (ms). Default 10 000. */
  readonly connectTimeoutMs?: number;
  /** How long one operation keeps retrying, e.g. while the server restarts (ms). Default 60 000. */
  readonly retryForMs?: number;
}

const INT_MAX = 2 ** 31 - 1;
const BACKOFF_BASE_MS = 2;
const BACKOFF_CAP_MS = 1000;
/** Marks a statement that may run twice with the same effect (see `query`). */
const REPEATABLE = true;

/**
 * Storage in a PostgreSQL database through `pg`: one study shared by processes on several
 * machines. Tables live in their own schema (`automl` unless the URL says `?schema=name`), created
 * and migrated on first use; the schema version is kept in `schema_version`.
 *
 * Concurrency: every write is one statement or one short READ COMMITTED transaction. Trial numbers
 * come from a counter in the study row, taken in the same transaction that inserts the trial, so
 * they are gap-free; a start with a trial budget locks the study row while it counts, and queued
 * (WAITING) trials are claimed with `FOR UPDATE SKIP LOCKED`. Serialization failures, deadlocks,
 * unique violations, lock timeouts and connections lost before a statement was sent are retried
 * after a jittered, growing pause and never reach the caller; so are connections lost before a
 * read or another statement that may run twice, including a start, which carries a claim token
 * that makes it run once. A reused connection is checked before any other statement; one lost
 * while such a statement was in flight is not retried (it may have been applied) and gives
 * E_STORAGE.
 *
 * Times (`createdAt`, `startedAt`, `heartbeatAt`, `finishedAt`) are the server's clock, so that
 * heartbeats written by different machines are compared on one clock.
 */
export class PostgresStorage implements Storage {
  /** The URL without its password. */
  readonly url: string;
  private readonly sql: PgStatements;
  /** The quoted schema name, for statements built per call. */
  private readonly schemaSql: string;
  private readonly rng: Rng;
  private closed = false;
  /** Connections opened and not yet used: they need no check before a first statement. */
  private readonly fresh = new WeakSet<PoolClient>();

  private constructor(
    private readonly pool: Pool,
    url: string,
    private readonly maxAttempts: number,
    private readonly retryForMs: number,
    schema: string,
  ) {
    this.url = url;
    this.schemaSql = quoteIdent(schema);
    this.sql = pgStatements(this.schemaSql);
    // Jitter only spreads retries apart; it never influences results.
    this.rng = createRng(`pg-retry/${process.pid}/${schema}`);
  }

  /**
   * Connects to the database at `url` (`postgresql://user[:password]@host[:port]/db[?schema=name]`)
   * and creates or migrates the automl schema. Throws E_STORAGE naming the URL (without password)
   * when the server cannot be reached, refuses the login, or holds a newer or foreign schema.
   */
  static async open(url: string, options: PostgresOptions = {}): Promise<PostgresStorage> {
    const shown = redactUrl(url);
    const { connectionString, schema: fromUrl } = splitSchema(url, shown);
    const schema = options.schema ?? fromUrl ?? 'automl';
    if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) {
      throw new AutomlError('E_STORAGE_URL', `Storage URL "${shown}": schema ${show(schema)} is not a plain SQL name; use letters, digits and _.`, {
        value: schema,
      });
    }
    // pg is an optional peer dependency, loaded here so that importing automl never needs it.
    const { default: pg } = await importOptional(
      { specifier: 'pg', neededBy: `PostgreSQL storage (${shown}) needs the pg package`, install: ['pg'] },
      () => import('pg'),
    );
    const pool = new pg.Pool({
      connectionString,
      max: Math.max(1, Math.round(options.poolSize ?? 4)),
      connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
      idleTimeoutMillis: 30_000,
      allowExitOnIdle: true,
      application_name: 'automl',
    });
    // An idle connection dropped by the server emits 'error' on the pool; without a listener that
    // would crash the process. The pool discards the connection and the next call reconnects.
    pool.on('error', () => undefined);
    // JIT compilation pays off for long analytic queries; for ours (index lookups, a study's
    // history) it only adds hundreds of milliseconds to the few that the planner thinks are big.
    let storage: PostgresStorage | undefined;
    pool.on('connect', (client) => {
      client.query('SET jit = off').catch(() => undefined);
      storage?.fresh.add(client as PoolClient);
    });
    try {
      let client: PoolClient;
      try {
        client = await pool.connect();
      } catch (e) {
        throw new AutomlError(
          'E_STORAGE',
          `Cannot connect to PostgreSQL at ${shown}: ${pgErrorText(e)}. Check that the server is running and reachable, the user and ` +
            `database exist, and the password is given (PGPASSWORD or ~/.pgpass rather than in the URL).`,
          { value: shown },
          { cause: e },
        );
      }
      try {
        await migratePg(client, schema, shown);
      } catch (e) {
        if (e instanceof AutomlError) throw e;
        throw new AutomlError('E_STORAGE', `Cannot set up the automl schema "${schema}" in ${shown}: ${pgErrorText(e)}. ` +
          `The user needs the right to create a schema and tables there (or create schema "${schema}" for it).`, { value: shown }, { cause: e });
      } finally {
        client.release();
      }
      storage = new PostgresStorage(pool, shown, Math.max(1, options.maxAttempts ?? 60), options.retryForMs ?? 60_000, schema);
      return storage;
    } catch (e) {
      await pool.end().catch(() => undefined);
      throw e;
    }
  }

  /** {@inheritDoc Storage.createStudy} */
  async createStudy(spec: NewStudy): Promise<StudyRecord> {
    checkNewStudy(spec);
    const space = toJson(spec.space ?? null, 'space');
    const settings = toJson(spec.settings ?? {}, 'settings');
    const r = await this.query<PgStudyRow>(this.sql.studyInsert, [spec.name, spec.direction, space, spec.seed, spec.sampler, settings]);
    if (r.rows.length === 0) {
      throw new AutomlError('E_STUDY_EXISTS', `A study named "${spec.name}" already exists in ${this.url}; pick another name or resume it.`, {
        value: spec.name,
      });
    }
    return pgStudy(r.rows[0]!);
  }

  /** {@inheritDoc Storage.getStudy} */
  async getStudy(name: string): Promise<StudyRecord | null> {
    const r = await this.query<PgStudyRow>(this.sql.studyByName, [name], REPEATABLE);
    return r.rows.length ? pgStudy(r.rows[0]!) : null;
  }

  /** {@inheritDoc Storage.listStudies} */
  async listStudies(): Promise<StudySummary[]> {
    type Row = Pick<PgStudyRow, 'id' | 'name' | 'direction' | 'sampler' | 'created_at'> & {
      mn: number | null;
      mx: number | null;
      counts: Record<TrialState, number | string> | null;
    };
    const r = await this.query<Row>(this.sql.studyList, [], REPEATABLE);
    return r.rows.map((row) => {
      const counts = emptyCounts();
      for (const [k, n] of Object.entries(row.counts ?? {})) counts[k as TrialState] = Number(n);
      return deepFreeze({
        id: row.id,
        name: row.name,
        direction: row.direction,
        sampler: row.sampler,
        createdAt: Number(row.created_at),
        counts,
        bestValue: row.direction === 'minimize' ? row.mn : row.mx,
      });
    });
  }

  /** {@inheritDoc Storage.updateStudySettings} */
  async updateStudySettings(studyId: number, patch: Readonly<Record<string, unknown>>): Promise<void> {
    checkStudyId(studyId);
    checkObject(patch, 'updateStudySettings: patch');
    const patchJson = toJson(patch, 'updateStudySettings: patch');
    await this.transaction(async (c) => {
      const r = await c.query<{ settings: string }>(this.sql.settingsForUpdate, [studyId]);
      if (r.rows.length === 0) throw studyNotFound(studyId);
      const merged = { ...(JSON.parse(r.rows[0]!.settings) as object), ...(JSON.parse(patchJson) as object) };
      await c.query(this.sql.settingsSet, [studyId, JSON.stringify(merged)]);
    });
  }

  /** {@inheritDoc Storage.deleteStudy} */
  async deleteStudy(name: string): Promise<boolean> {
    // Trials and intermediate values go with the study (ON DELETE CASCADE).
    return ((await this.query(this.sql.studyDelete, [name])).rowCount ?? 0) > 0;
  }

  /** {@inheritDoc Storage.startTrial} */
  async startTrial(studyId: number, opts: StartTrialOptions): Promise<TrialRecord | null> {
    checkStudyId(studyId);
    const worker = scrub(String(opts.worker));
    const max = opts.maxTrials;
    try {
      // The claim token makes the start safe to send again after a lost connection (see the schema).
      const claim = randomUUID();
      const limit = max === undefined || Number.isNaN(max) ? null : Math.min(Math.ceil(max), INT_MAX);
      const r = await this.query<PgTrialRow>(this.sql.startTrial, [studyId, worker, limit, claim], REPEATABLE);
      return r.rows.length ? pgTrial(r.rows[0]!) : null;
    } catch (e) {
      if ((e as { cause?: { code?: string } }).cause?.code === 'AU404') throw studyNotFound(studyId);
      throw e;
    }
  }

  /** {@inheritDoc Storage.enqueueTrial} */
  async enqueueTrial(studyId: number, params: FlatParams, opts?: { origin?: TrialOrigin; retryOf?: number }): Promise<TrialRecord> {
    checkStudyId(studyId);
    checkParams(params, `enqueueTrial(study ${studyId})`);
    const { origin, retryOf } = checkEnqueue(opts);
    if (retryOf !== null && retryOf > INT_MAX) return this.missingTrial(studyId, retryOf);
    const r = await this.query<PgTrialRow>(this.sql.insertWaiting, [studyId, toJson(params, 'params'), origin, retryOf]);
    if (r.rows.length > 0) return pgTrial(r.rows[0]!);
    await this.requireStudy(studyId);
    throw trialNotFound(studyId, retryOf!);
  }

  /** {@inheritDoc Storage.setTrialParams} */
  async setTrialParams(studyId: number, number: number, params: FlatParams): Promise<void> {
    checkStudyId(studyId);
    checkIndex(number, 'trial number');
    checkParams(params, `setTrialParams(study ${studyId}, trial ${number})`);
    if (number > INT_MAX) return this.missingTrial(studyId, number);
    const r = await this.query(this.sql.setParams, [studyId, number, toJson(params, 'params')]);
    if (r.rowCount === 1) return;
    const state = await this.stateOf(studyId, number);
    if (state !== 'RUNNING') throw notRunning('setTrialParams', studyId, { number, state });
    throw new AutomlError('E_TRIAL_STATE', `setTrialParams: trial ${number} of study ${studyId} already has params; they are set once.`, {
      value: number,
    });
  }

  /** {@inheritDoc Storage.reportIntermediate} */
  async reportIntermediate(studyId: number, number: number, step: number, value: number): Promise<boolean> {
    checkStudyId(studyId);
    checkIndex(number, 'trial number');
    const v = checkIntermediate(studyId, number, step, value);
    if (number > INT_MAX) return this.missingTrial(studyId, number);
    if (step > INT_MAX) {
      throw new AutomlError('E_TRIAL_STATE', `reportIntermediate(study ${studyId}, trial ${number}): step ${step} is above ${INT_MAX}, the largest step PostgreSQL storage holds.`, {
        param: 'step',
        value: step,
      });
    }
    if ((await this.query(this.sql.upsertIntermediate, [studyId, number, step, v], REPEATABLE)).rowCount === 1) return true;
    const state = await this.stateOf(studyId, number);
    if (state === 'WAITING') throw notRunning('reportIntermediate', studyId, { number, state });
    return false;
  }

  /** {@inheritDoc Storage.heartbeat} */
  async heartbeat(studyId: number, numbers: readonly number[]): Promise<void> {
    checkStudyId(studyId);
    const valid = numbers.filter((n) => Number.isSafeInteger(n) && n >= 0 && n <= INT_MAX);
    const r = await this.query(this.sql.heartbeat, [studyId, valid], REPEATABLE);
    if (r.rowCount === 0) await this.requireStudy(studyId);
  }

  /** {@inheritDoc Storage.finishTrial} */
  async finishTrial(studyId: number, number: number, result: TrialResult): Promise<boolean> {
    checkStudyId(studyId);
    checkIndex(number, 'trial number');
    const value = checkResult(studyId, number, result);
    const attrsJson = result.userAttrs === undefined ? null : toJson(result.userAttrs, 'finishTrial: userAttrs');
    const intermediate = checkResultIntermediate(studyId, number, result);
    if (number > INT_MAX) return this.missingTrial(studyId, number);
    const bigStep = intermediate.find((x) => x.step > INT_MAX);
    if (bigStep) {
      throw new AutomlError('E_TRIAL_STATE', `finishTrial(study ${studyId}, trial ${number}): step ${bigStep.step} is above ${INT_MAX}, the largest step PostgreSQL storage holds.`, {
        param: 'step',
        value: bigStep.step,
      });
    }
    const base = [studyId, number, result.state, value, result.failKind ?? null, result.failReason == null ? null : scrub(result.failReason)];
    // With intermediate values, each finish statement also inserts them, atomically (one statement).
    const withIv = (sql: string, params: unknown[]): [string, unknown[]] =>
      intermediate.length === 0
        ? [sql, params]
        : [finishWithIntermediate(this.schemaSql, sql, params.length), [...params, intermediate.map((x) => x.step), intermediate.map((x) => x.value)]];
    if (attrsJson === null) {
      if ((await this.query(...withIv(this.sql.finish, base))).rowCount === 1) return true;
      await this.stateOf(studyId, number);
      return false;
    }
    if ((await this.query(...withIv(this.sql.finishFirstAttrs, [...base, attrsJson]))).rowCount === 1) return true;
    // Attributes are merged here rather than in SQL (jsonb would reorder keys); the update only
    // applies if the trial is still RUNNING with the attributes read, else it is read again.
    for (;;) {
      const r = await this.query<{ state: TrialState; user_attrs: string }>(this.sql.trialAttrs, [studyId, number], REPEATABLE);
      if (r.rows.length === 0) await this.missingTrial(studyId, number);
      const row = r.rows[0]!;
      if (row.state !== 'RUNNING') return false;
      const merged = JSON.stringify({ ...(JSON.parse(row.user_attrs) as object), ...(JSON.parse(attrsJson) as object) });
      if ((await this.query(...withIv(this.sql.finishWithAttrs, [...base, merged, row.user_attrs]))).rowCount === 1) return true;
    }
  }

  /** {@inheritDoc Storage.getTrial} */
  async getTrial(studyId: number, number: number): Promise<TrialRecord | null> {
    checkStudyId(studyId);
    if (!Number.isSafeInteger(number) || number < 0 || number > INT_MAX) {
      await this.requireStudy(studyId);
      return null;
    }
    const r = await this.query<PgTrialRow & { study: number }>(this.sql.trialGet, [studyId, number], REPEATABLE);
    if (r.rows.length === 0) throw studyNotFound(studyId);
    const row = r.rows[0]!;
    return row.number === null ? null : pgTrial(row);
  }

  /** {@inheritDoc Storage.getTrials} */
  async getTrials(studyId: number, filter?: TrialFilter): Promise<TrialRecord[]> {
    checkStudyId(studyId);
    const from = Math.min(INT_MAX, Math.max(0, Math.ceil(filter?.fromNumber ?? 0)));
    const states = filter?.states ? [...new Set(filter.states)] : null;
    if (states && states.length === 0) {
      await this.requireStudy(studyId);
      return [];
    }
    const r = await this.query<PgTrialRow & { study: number }>(this.sql.trialsFrom, [studyId, from, states], REPEATABLE);
    if (r.rows.length === 0) throw studyNotFound(studyId);
    return r.rows.filter((row) => row.number !== null).map(pgTrial);
  }

  /** {@inheritDoc Storage.countTrials} */
  async countTrials(studyId: number): Promise<Record<TrialState, number>> {
    checkStudyId(studyId);
    const r = await this.query<{ state: TrialState | null; n: number }>(this.sql.counts, [studyId], REPEATABLE);
    if (r.rows.length === 0) throw studyNotFound(studyId);
    const counts = emptyCounts();
    for (const row of r.rows) if (row.state !== null) counts[row.state] = row.n;
    return counts;
  }

  /** {@inheritDoc Storage.close} */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.pool.end();
  }

  private async requireStudy(studyId: number): Promise<void> {
    if ((await this.query(this.sql.studyExists, [studyId], REPEATABLE)).rows.length === 0) throw studyNotFound(studyId);
  }

  /** The state of a trial; throws the not-found error of the study or of the trial. */
  private async stateOf(studyId: number, number: number): Promise<TrialState> {
    const r = await this.query<{ state: TrialState }>(this.sql.trialState, [studyId, number], REPEATABLE);
    if (r.rows.length === 0) return this.missingTrial(studyId, number);
    return r.rows[0]!.state;
  }

  private async missingTrial(studyId: number, number: number): Promise<never> {
    await this.requireStudy(studyId);
    throw trialNotFound(studyId, number);
  }

  /**
   * One statement, retried on transient errors. `repeatable` marks a statement that may run twice
   * with the same effect (a read, a heartbeat, an upsert of the same value, a start with its claim
   * token): it is also retried when its connection is lost before the answer.
   */
  private query<R extends QueryResultRow = QueryResultRow>(text: string, values: unknown[], repeatable = false): Promise<QueryResult<R>> {
    return this.withClient((c) => c.query<R>(text, values), repeatable);
  }

  /** `fn` inside BEGIN ... COMMIT on one connection; the whole transaction is retried on transient errors. */
  private transaction<T>(fn: (c: PoolClient) => Promise<T>): Promise<T> {
    return this.withClient(async (c) => {
      await c.query('BEGIN');
      try {
        const out = await fn(c);
        await c.query('COMMIT');
        return out;
      } catch (e) {
        await c.query('ROLLBACK').catch(() => undefined);
        throw e;
      }
    }, false);
  }

  /**
   * Runs `op` on a pooled connection, retrying transient failures. A connection the server has
   * closed while it sat in the pool (restart, failover, an idle-session kill) is only found out
   * when used; before a statement that must not run twice, a reused connection is therefore
   * checked with a round trip, as SQLAlchemy's `pool_pre_ping` does, so that a dead one costs a
   * retry on a new connection rather than an unknown outcome.
   */
  private async withClient<T>(op: (c: PoolClient) => Promise<T>, repeatable: boolean): Promise<T> {
    const since = Date.now();
    for (let attempt = 1; ; attempt++) {
      if (this.closed) throw new AutomlError('E_STORAGE', `Storage ${this.url} is closed; open a new one.`, { value: this.url });
      let client: PoolClient | null = null;
      let sent = false;
      // A checked-out connection has no listener of the pool's; one that dies between statements
      // would emit an unhandled 'error' and end the process. The failure reaches `op` anyway.
      const onError = (): void => undefined;
      try {
        client = await this.pool.connect();
        client.on('error', onError);
        const unused = this.fresh.delete(client);
        if (!repeatable && !unused) await client.query('SELECT 1');
        sent = true;
        const out = await op(client);
        client.removeListener('error', onError);
        client.release();
        return out;
      } catch (e) {
        // A connection that failed mid-statement is closed rather than given back to the pool.
        const broken = isBrokenConnection(e);
        client?.removeListener('error', onError);
        client?.release(broken ? (e as Error) : undefined);
        if (e instanceof AutomlError) throw e;
        const givenUp = attempt >= this.maxAttempts || Date.now() - since > this.retryForMs;
        if (this.closed || givenUp || !isRetryable(e, sent && !(repeatable && broken))) {
          const hint = sent ? '' : ' (could not get a connection; is the server up and reachable?)';
          throw new AutomlError('E_STORAGE', `PostgreSQL error on ${this.url}: ${pgErrorText(e)}${hint}.`, { value: this.url }, { cause: e });
        }
        const ceiling = Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.min(attempt, 10));
        await sleep(ceiling * (0.5 + this.rng.next()));
      }
    }
  }
}

/** Ids, numbers and steps are PostgreSQL `integer`s; an id outside that range names no study. */
function checkStudyId(studyId: number): void {
  if (!Number.isSafeInteger(studyId) || studyId < 1 || studyId > INT_MAX) throw studyNotFound(studyId);
}

/** PostgreSQL text cannot hold NUL characters; they are replaced rather than failing a trial. */
function scrub(s: string): string {
  return s.includes('\0') ? s.replaceAll('\0', '\uFFFD') : s;
}
