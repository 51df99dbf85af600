import type { Direction, FailKind, FlatParams, TrialOrigin, TrialRecord, TrialState } from '../trial/trial.js';
import type { StudyRecord } from './storage.js';
import { deepFreeze } from './validate.js';

/** A row of `studies`; bigint columns arrive as strings. */
export interface PgStudyRow {
  id: number;
  name: string;
  direction: Direction;
  space: string;
  seed: string | number;
  sampler: string;
  settings: string;
  created_at: string | number;
}

/** A row of `trials` with its intermediate values as two parallel arrays (ordered by step). */
export interface PgTrialRow {
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
  created_at: string | number;
  started_at: string | number | null;
  finished_at: string | number | null;
  heartbeat_at: string | number | null;
  i_steps?: number[] | null;
  i_values?: number[] | null;
}

const num = (v: string | number): number => Number(v);
const numOrNull = (v: string | number | null): number | null => (v === null ? null : Number(v));

/** The frozen record of a study row. */
export function pgStudy(r: PgStudyRow): StudyRecord {
  return deepFreeze({
    id: r.id,
    name: r.name,
    direction: r.direction,
    space: JSON.parse(r.space) as unknown,
    seed: num(r.seed),
    sampler: r.sampler,
    settings: JSON.parse(r.settings) as Record<string, unknown>,
    createdAt: num(r.created_at),
  });
}

/** The frozen record of a trial row. */
export function pgTrial(r: PgTrialRow): TrialRecord {
  const steps = r.i_steps ?? [];
  const values = r.i_values ?? [];
  return deepFreeze({
    number: r.number,
    state: r.state,
    params: JSON.parse(r.params) as FlatParams,
    value: r.value,
    intermediate: steps.map((step, i) => ({ step, value: values[i]! })),
    origin: r.origin,
    retryOf: r.retry_of,
    failKind: r.fail_kind,
    failReason: r.fail_reason,
    userAttrs: JSON.parse(r.user_attrs) as Record<string, unknown>,
    worker: r.worker,
    createdAt: num(r.created_at),
    startedAt: numOrNull(r.started_at),
    finishedAt: numOrNull(r.finished_at),
    heartbeatAt: numOrNull(r.heartbeat_at),
  });
}

const TRIAL_COLUMNS =
  'number, state, params, value, origin, retry_of, fail_kind, fail_reason, user_attrs, worker, created_at, started_at, finished_at, heartbeat_at';
const STUDY_COLUMNS = 'id, name, direction, space, seed, sampler, settings, created_at';

/**
 * Times come from the server's clock, in epoch milliseconds: the heartbeats of workers on several
 * machines are then compared on one clock. `statement_timestamp()` is fixed within a statement, so
 * a started trial gets the same `startedAt` and `heartbeatAt`.
 */
const NOW = `floor(extract(epoch from statement_timestamp()) * 1000)::bigint`;

/** Every statement of the backend, with table names qualified by the quoted schema `S`. */
export function pgStatements(S: string) {
  const t = (alias: string): string =>
    TRIAL_COLUMNS.split(', ')
      .map((c) => `${alias}.${c}`)
      .join(', ');
  // Intermediate values of the trials numbered from $2, grouped per trial as two arrays in step
  // order and joined by number: one pass over the study's values rather than a lookup per trial.
  const inter = (numberCond: string): string => `LEFT JOIN (
      SELECT i.number, array_agg(i.step ORDER BY i.step) AS i_steps, array_agg(i.value ORDER BY i.step) AS i_values
      FROM ${S}.trial_intermediate i WHERE i.study_id = $1 AND ${numberCond} GROUP BY i.number) iv ON iv.number = t.number`;
  return {
    studyInsert: `INSERT INTO ${S}.studies (name, direction, space, seed, sampler, settings, created_at)
      VALUES ($1, $2, $3, $4, $5, $6, ${NOW}) ON CONFLICT (name) DO NOTHING RETURNING ${STUDY_COLUMNS}`,
    studyByName: `SELECT ${STUDY_COLUMNS} FROM ${S}.studies WHERE name = $1`,
    studyExists: `SELECT 1 FROM ${S}.studies WHERE id = $1`,
    studyList: `SELECT s.id, s.name, s.direction, s.sampler, s.created_at,
        (SELECT min(value) FROM ${S}.trials x WHERE x.study_id = s.id AND x.state = 'COMPLETE') AS mn,
        (SELECT max(value) FROM ${S}.trials x WHERE x.study_id = s.id AND x.state = 'COMPLETE') AS mx,
        (SELECT json_object_agg(c.state, c.n) FROM (SELECT state, count(*) AS n FROM ${S}.trials x WHERE x.study_id = s.id GROUP BY state) c) AS counts
      FROM ${S}.studies s ORDER BY s.id`,
    settingsForUpdate: `SELECT settings FROM ${S}.studies WHERE id = $1 FOR UPDATE`,
    settingsSet: `UPDATE ${S}.studies SET settings = $2 WHERE id = $1`,
    studyDelete: `DELETE FROM ${S}.studies WHERE name = $1`,
    startTrial: `SELECT ${TRIAL_COLUMNS} FROM ${S}.start_trial($1, $2, $3, $4)`,
    // The retried trial must exist; the check sits in the counter's WHERE so that a refused
    // enqueue takes no number.
    insertWaiting: `WITH n AS (UPDATE ${S}.studies s SET next_number = next_number + 1
          WHERE s.id = $1 AND ($4::integer IS NULL OR EXISTS (SELECT 1 FROM ${S}.trials r WHERE r.study_id = $1 AND r.number = $4))
          RETURNING next_number - 1 AS number)
      INSERT INTO ${S}.trials AS t (study_id, number, state, params, origin, retry_of, user_attrs, created_at)
      SELECT $1, n.number, 'WAITING', $2, $3, $4, '{}', ${NOW} FROM n
      RETURNING ${t('t')}`,
    trialState: `SELECT state FROM ${S}.trials WHERE study_id = $1 AND number = $2`,
    trialAttrs: `SELECT state, user_attrs FROM ${S}.trials WHERE study_id = $1 AND number = $2`,
    setParams: `UPDATE ${S}.trials SET params = $3 WHERE study_id = $1 AND number = $2 AND state = 'RUNNING' AND params = '{}'`,
    // FOR SHARE waits for a finish in flight and then re-checks the state, so a value is never
    // added to a trial that has just finished.
    upsertIntermediate: `INSERT INTO ${S}.trial_intermediate (study_id, number, step, value)
      SELECT study_id, number, $3, $4 FROM ${S}.trials WHERE study_id = $1 AND number = $2 AND state = 'RUNNING' FOR SHARE
      ON CONFLICT (study_id, number, step) DO UPDATE SET value = excluded.value`,
    heartbeat: `UPDATE ${S}.trials SET heartbeat_at = ${NOW} WHERE study_id = $1 AND number = ANY($2::integer[]) AND state = 'RUNNING'`,
    finish: `UPDATE ${S}.trials SET state = $3, value = $4, fail_kind = $5, fail_reason = $6, finished_at = ${NOW}
      WHERE study_id = $1 AND number = $2 AND state = 'RUNNING'`,
    // Attributes are merged in JS (jsonb would reorder keys). A trial gets its attributes when it
    // finishes, so they are almost always still empty and the merge is the new ones: one round
    // trip. Otherwise a compare-and-set on the attributes read just before.
    finishFirstAttrs: `UPDATE ${S}.trials SET state = $3, value = $4, fail_kind = $5, fail_reason = $6, finished_at = ${NOW}, user_attrs = $7
      WHERE study_id = $1 AND number = $2 AND state = 'RUNNING' AND user_attrs = '{}'`,
    finishWithAttrs: `UPDATE ${S}.trials SET state = $3, value = $4, fail_kind = $5, fail_reason = $6, finished_at = ${NOW}, user_attrs = $7
      WHERE study_id = $1 AND number = $2 AND state = 'RUNNING' AND user_attrs = $8`,
    // Joined from the study so that one round trip also tells an unknown study from an empty one.
    trialGet: `SELECT s.id AS study, ${t('t')}, iv.i_steps, iv.i_values
      FROM ${S}.studies s LEFT JOIN ${S}.trials t ON t.study_id = s.id AND t.number = $2 ${inter('i.number = $2')}
      WHERE s.id = $1`,
    trialsFrom: `SELECT s.id AS study, ${t('t')}, iv.i_steps, iv.i_values
      FROM ${S}.studies s
      LEFT JOIN ${S}.trials t ON t.study_id = s.id AND t.number >= $2 AND ($3::text[] IS NULL OR t.state = ANY($3::text[]))
      ${inter('i.number >= $2')}
      WHERE s.id = $1 ORDER BY t.number`,
    counts: `SELECT s.id AS study, t.state, count(t.number)::integer AS n
      FROM ${S}.studies s LEFT JOIN ${S}.trials t ON t.study_id = s.id WHERE s.id = $1 GROUP BY s.id, t.state`,
  } as const;
}

/**
 * `finish` (one of the three finish updates, with `nParams` parameters) made to also store
 * intermediate values, given as two more parameters (steps, values), in the same statement: the
 * values are inserted only if the update finished the trial, and `rowCount` is still the number of
 * trials finished (0 or 1).
 */
export function finishWithIntermediate(S: string, finish: string, nParams: number): string {
  const steps = `$${nParams + 1}::integer[]`;
  const values = `$${nParams + 2}::double precision[]`;
  return `WITH f AS (${finish} RETURNING study_id, number),
    iv AS (INSERT INTO ${S}.trial_intermediate (study_id, number, step, value)
      SELECT f.study_id, f.number, x.step, x.value FROM f CROSS JOIN unnest(${steps}, ${values}) AS x(step, value)
      ON CONFLICT (study_id, number, step) DO UPDATE SET value = excluded.value)
    SELECT number FROM f`;
}

/** The statements of one schema. */
export type PgStatements = ReturnType<typeof pgStatements>;
