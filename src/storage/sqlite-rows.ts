import type Database from 'better-sqlite3';
import type { Direction, FailKind, FlatParams, Intermediate, TrialOrigin, TrialRecord, TrialState } from '../trial/trial.js';
import type { StudyRecord } from './storage.js';
import { AutomlError, messageOf } from '../util/errors.js';
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

/**
 * A JSON column of a stored row. What a file holds is untrusted (another tool or a hand edit may
 * have written it): text that is not JSON, or not the expected shape, gives E_STORAGE naming the
 * column, never a bare SyntaxError.
 */
function parseColumn(text: unknown, column: string, where: string, objectOnly: boolean): unknown {
  let v: unknown;
  try {
    if (typeof text !== 'string') throw new Error(`a ${text === null ? 'NULL' : typeof text} value, not JSON text`);
    v = JSON.parse(text);
  } catch (e) {
    throw new AutomlError('E_STORAGE', `${where}: stored ${column} is not valid JSON (${messageOf(e)}); the study database is damaged or was written by another program`, { path: column });
  }
  if (objectOnly && (typeof v !== 'object' || v === null || Array.isArray(v))) {
    throw new AutomlError('E_STORAGE', `${where}: stored ${column} is ${Array.isArray(v) ? 'an array' : String(v === null ? null : typeof v)}, not a JSON object; the study database is damaged or was written by another program`, { path: column });
  }
  return v;
}

/** The frozen record of a study row. */
export function toStudy(r: StudyRow): StudyRecord {
  const where = `study ${JSON.stringify(String(r.name).slice(0, 100))}`;
  return deepFreeze({
    id: r.id,
    name: r.name,
    direction: r.direction,
    space: parseColumn(r.space, 'space', where, false),
    seed: r.seed,
    sampler: r.sampler,
    settings: parseColumn(r.settings, 'settings', where, true) as Record<string, unknown>,
    createdAt: r.created_at,
  });
}

/** The frozen record of a trial row and its intermediate values (ordered by step). */
export function toTrial(r: TrialRow, intermediate: Intermediate[]): TrialRecord {
  return deepFreeze({
    number: r.number,
    state: r.state,
    params: parseColumn(r.params, 'params', `trial ${r.number}`, true) as FlatParams,
    value: r.value,
    intermediate,
    origin: r.origin,
    retryOf: r.retry_of,
    failKind: r.fail_kind,
    failReason: r.fail_reason,
    userAttrs: parseColumn(r.user_attrs, 'user_attrs', `trial ${r.number}`, true) as Record<string, unknown>,
    worker: r.worker,
    createdAt: r.created_at,
    startedAt: r.started_at,
    finishedAt: r.finished_at,
    heartbeatAt: r.heartbeat_at,
  });
}

const TRIAL_COLUMNS =
  'number, state, params, value, origin, retry_of, fail_kind, fail_reason, user_attrs, worker, created_at, started_at, finished_at, heartbeat_at';

const insertColumns = `study_id, ${TRIAL_COLUMNS}`
  .split(', ')
  .map((c) => `@${c}`)
  .join(', ');

/** The SQL of every statement that returns rows or changes. */
const SQL = {
  studyInsert: 'INSERT INTO studies (name, direction, space, seed, sampler, settings, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)',
  studyByName: 'SELECT * FROM studies WHERE name = ?',
  studyById: 'SELECT * FROM studies WHERE id = ?',
  studySettings: 'UPDATE studies SET settings = ? WHERE id = ?',
  studyList: `SELECT id, name, direction, sampler, created_at,
      (SELECT min(value) FROM trials t WHERE t.study_id = s.id AND t.state = 'COMPLETE') AS mn,
      (SELECT max(value) FROM trials t WHERE t.study_id = s.id AND t.state = 'COMPLETE') AS mx
    FROM studies s ORDER BY id`,
  countsAll: 'SELECT study_id, state, count(*) AS n FROM trials GROUP BY study_id, state',
  counts: 'SELECT state, count(*) AS n FROM trials WHERE study_id = ? GROUP BY state',
  deleteIntermediate: 'DELETE FROM trial_intermediate WHERE study_id = ?',
  deleteTrials: 'DELETE FROM trials WHERE study_id = ?',
  deleteStudy: 'DELETE FROM studies WHERE id = ?',
  // Without stats the planner walks the primary key in number order and filters on state, which
  // costs a scan of the whole study per start; the partial index holds only WAITING trials.
  firstWaiting: `SELECT ${TRIAL_COLUMNS} FROM trials INDEXED BY trials_waiting
    WHERE study_id = ? AND state = 'WAITING' ORDER BY number LIMIT 1`,
  claim: `UPDATE trials SET state = 'RUNNING', worker = ?, started_at = ?, heartbeat_at = ? WHERE study_id = ? AND number = ?`,
  insertTrial: `INSERT INTO trials (study_id, ${TRIAL_COLUMNS}) VALUES (${insertColumns})`,
  trialGet: `SELECT ${TRIAL_COLUMNS} FROM trials WHERE study_id = ? AND number = ?`,
  trialAttrs: 'SELECT state, user_attrs FROM trials WHERE study_id = ? AND number = ?',
  trialsFrom: `SELECT ${TRIAL_COLUMNS} FROM trials WHERE study_id = ? AND number >= ? ORDER BY number`,
  setParams: `UPDATE trials SET params = ? WHERE study_id = ? AND number = ? AND state = 'RUNNING' AND params = '{}'`,
  upsertIntermediate: `INSERT INTO trial_intermediate (study_id, number, step, value) VALUES (?, ?, ?, ?)
    ON CONFLICT (study_id, number, step) DO UPDATE SET value = excluded.value`,
  intermediateOf: 'SELECT step, value FROM trial_intermediate WHERE study_id = ? AND number = ? ORDER BY step',
  intermediateFrom: 'SELECT number, step, value FROM trial_intermediate WHERE study_id = ? AND number >= ? ORDER BY number, step',
  heartbeat: `UPDATE trials SET heartbeat_at = ? WHERE study_id = ? AND number = ? AND state = 'RUNNING'`,
  finish: `UPDATE trials SET state = ?, value = ?, fail_kind = ?, fail_reason = ?, user_attrs = coalesce(?, user_attrs), finished_at = ?
    WHERE study_id = ? AND number = ? AND state = 'RUNNING'`,
} as const;

/** The SQL of statements returning one value (read with `pluck`). */
const SCALAR_SQL = {
  studyExists: 'SELECT 1 FROM studies WHERE id = ?',
  nextNumber: 'SELECT coalesce(max(number) + 1, 0) FROM trials WHERE study_id = ?',
  countWaiting: `SELECT count(*) FROM trials WHERE study_id = ? AND state = 'WAITING'`,
  countInterrupted: `SELECT count(*) FROM trials WHERE study_id = ? AND state = 'FAIL' AND fail_kind = 'interrupted'`,
  trialState: 'SELECT state FROM trials WHERE study_id = ? AND number = ?',
} as const;

/** The prepared statements of one connection. @internal */
export type Statements = { readonly [K in keyof typeof SQL | keyof typeof SCALAR_SQL]: Database.Statement } & {
  /** Trials from a number with a state among `n` given states (statement cached per `n`). */
  trialsFromIn(n: number): Database.Statement;
};

/** Prepares every statement the backend runs, once per connection. @internal */
export function prepareStatements(db: Database.Database): Statements {
  const out: Record<string, Database.Statement> = {};
  for (const [k, sql] of Object.entries(SQL)) out[k] = db.prepare(sql);
  for (const [k, sql] of Object.entries(SCALAR_SQL)) out[k] = db.prepare(sql).pluck();
  const inCache = new Map<number, Database.Statement>();
  const trialsFromIn = (n: number): Database.Statement => {
    let st = inCache.get(n);
    if (!st) {
      const marks = Array.from({ length: n }, () => '?').join(', ');
      st = db.prepare(`SELECT ${TRIAL_COLUMNS} FROM trials WHERE study_id = ? AND number >= ? AND state IN (${marks}) ORDER BY number`);
      inCache.set(n, st);
    }
    return st;
  };
  return { ...(out as { [K in keyof typeof SQL | keyof typeof SCALAR_SQL]: Database.Statement }), trialsFromIn };
}
