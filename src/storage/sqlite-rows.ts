import type Database from 'better-sqlite3';
import type { Direction, FailKind, FlatParams, Intermediate, TrialOrigin, TrialRecord, TrialState } from '../trial/trial.js';
import type { StudyRecord } from './storage.js';
import { deepFreeze } from './validate.js';

/** A row of `studies` as better-sqlite3 returns it. */
export interface StudyRow {
  id: number;
  name: string;
  direction: Direction;
  space: string;
  seed: number;
  sampler: string;
  settings: string;
  created_at: number;
}

/** A row of `trials` without its study id, as read and as written. */
export interface TrialRow {
  number: number;
  state: TrialState;
  params: string;
  value: number | null;
  origin: TrialOrigin;
  retry_of: number | null;
  fail_kind: FailKind | null;
  fail_reason: string | null;
  user_attrs: string;
  worker: string | null;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  heartbeat_at: number | null;
}

/** The frozen record of a study row. */
export function toStudy(r: StudyRow): StudyRecord {
  return deepFreeze({
    id: r.id,
    name: r.name,
    direction: r.direction,
    space: JSON.parse(r.space) as unknown,
    seed: r.seed,
    sampler: r.sampler,
    settings: JSON.parse(r.settings) as Record<string, unknown>,
    createdAt: r.created_at,
  });
}

/** The frozen record of a trial row and its intermediate values (ordered by step). */
export function toTrial(r: TrialRow, intermediate: Intermediate[]): TrialRecord {
  return deepFreeze({
    number: r.number,
    state: r.state,
    params: JSON.parse(r.params) as FlatParams,
    value: r.value,
    intermediate,
    origin: r.origin,
    retryOf: r.retry_of,
    failKind: r.fail_kind,
    failReason: r.fail_reason,
    userAttrs: JSON.parse(r.user_attrs) as Record<string, unknown>,
    worker: r.worker,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    heartbeatAt: r.heartbeat_at,
  });
}

const TRIAL_COLUMNS =
  'number, state, params, value, origin, retry_of, fail_kind, fail_reason, user_attrs, worker, created_at, started_at, finished_at, heartbeat_at';

/** Every statement the backend runs, prepared once per connection. */
export function prepareStatements(db: Database.Database) {
  const inCache = new Map<number, Database.Statement>();
  return {
    studyInsert: db.prepare(
      'INSERT INTO studies (name, direction, space, seed, sampler, settings, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
    ),
    studyByName: db.prepare('SELECT * FROM studies WHERE name = ?'),
    studyById: db.prepare('SELECT * FROM studies WHERE id = ?'),
    studyExists: db.prepare('SELECT 1 FROM studies WHERE id = ?').pluck(),
    studySettings: db.prepare('UPDATE studies SET settings = ? WHERE id = ?'),
    studyList: db.prepare(
      `SELECT id, name, direction, sampler, created_at,
         (SELECT min(value) FROM trials t WHERE t.study_id = s.id AND t.state = 'COMPLETE') AS mn,
         (SELECT max(value) FROM trials t WHERE t.study_id = s.id AND t.state = 'COMPLETE') AS mx
       FROM studies s ORDER BY id`,
    ),
    countsAll: db.prepare('SELECT study_id, state, count(*) AS n FROM trials GROUP BY study_id, state'),
    counts: db.prepare('SELECT state, count(*) AS n FROM trials WHERE study_id = ? GROUP BY state'),
    deleteIntermediate: db.prepare('DELETE FROM trial_intermediate WHERE study_id = ?'),
    deleteTrials: db.prepare('DELETE FROM trials WHERE study_id = ?'),
    deleteStudy: db.prepare('DELETE FROM studies WHERE id = ?'),
    nextNumber: db.prepare('SELECT coalesce(max(number) + 1, 0) FROM trials WHERE study_id = ?').pluck(),
    countState: db.prepare('SELECT count(*) FROM trials WHERE study_id = ? AND state = ?').pluck(),
    countInterrupted: db
      .prepare(`SELECT count(*) FROM trials WHERE study_id = ? AND state = 'FAIL' AND fail_kind = 'interrupted'`)
      .pluck(),
    firstWaiting: db.prepare(`SELECT ${TRIAL_COLUMNS} FROM trials WHERE study_id = ? AND state = 'WAITING' ORDER BY number LIMIT 1`),
    claim: db.prepare(
      `UPDATE trials SET state = 'RUNNING', worker = ?, started_at = ?, heartbeat_at = ? WHERE study_id = ? AND number = ?`,
    ),
    insertTrial: db.prepare(
      `INSERT INTO trials (study_id, ${TRIAL_COLUMNS}) VALUES (@study_id, ${TRIAL_COLUMNS.split(', ')
        .map((c) => `@${c}`)
        .join(', ')})`,
    ),
    trialGet: db.prepare(`SELECT ${TRIAL_COLUMNS} FROM trials WHERE study_id = ? AND number = ?`),
    trialState: db.prepare('SELECT state FROM trials WHERE study_id = ? AND number = ?').pluck(),
    trialAttrs: db.prepare('SELECT state, user_attrs FROM trials WHERE study_id = ? AND number = ?'),
    trialsFrom: db.prepare(`SELECT ${TRIAL_COLUMNS} FROM trials WHERE study_id = ? AND number >= ? ORDER BY number`),
    /** Trials from a number with a state among `n` given states (statement cached per `n`). */
    trialsFromIn(n: number): Database.Statement {
      let s = inCache.get(n);
      if (!s) {
        const marks = Array.from({ length: n }, () => '?').join(', ');
        s = db.prepare(`SELECT ${TRIAL_COLUMNS} FROM trials WHERE study_id = ? AND number >= ? AND state IN (${marks}) ORDER BY number`);
        inCache.set(n, s);
      }
      return s;
    },
    setParams: db.prepare(
      `UPDATE trials SET params = ? WHERE study_id = ? AND number = ? AND state = 'RUNNING' AND params = '{}'`,
    ),
    upsertIntermediate: db.prepare(
      `INSERT INTO trial_intermediate (study_id, number, step, value) VALUES (?, ?, ?, ?)
       ON CONFLICT (study_id, number, step) DO UPDATE SET value = excluded.value`,
    ),
    intermediateOf: db.prepare('SELECT step, value FROM trial_intermediate WHERE study_id = ? AND number = ? ORDER BY step'),
    intermediateFrom: db.prepare(
      'SELECT number, step, value FROM trial_intermediate WHERE study_id = ? AND number >= ? ORDER BY number, step',
    ),
    heartbeat: db.prepare(`UPDATE trials SET heartbeat_at = ? WHERE study_id = ? AND number = ? AND state = 'RUNNING'`),
    finish: db.prepare(
      `UPDATE trials SET state = ?, value = ?, fail_kind = ?, fail_reason = ?, user_attrs = coalesce(?, user_attrs), finished_at = ?
       WHERE study_id = ? AND number = ? AND state = 'RUNNING'`,
    ),
  };
}

/** The prepared statements of one connection. */
export type Statements = ReturnType<typeof prepareStatements>;
