import type { PoolClient } from 'pg';
import { AutomlError } from '../util/errors.js';

/**
 * The PostgreSQL schema as an ordered list of migrations. Migration `i` (0-based) brings the
 * schema from version `i` to `i + 1`; a released migration is never edited, a change is a new
 * step at the end. `{S}` stands for the quoted schema name.
 *
 * JSON fields (space, settings, params, user attributes) are `text`, not `jsonb`: jsonb reorders
 * object keys and rejects `\u0000`, while the study compares stored spaces by their JSON text and
 * every backend must hand back exactly what it was given.
 */
export const PG_MIGRATIONS: readonly (readonly string[])[] = [
  [
    `CREATE TABLE {S}.studies (
       id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
       name text NOT NULL UNIQUE,
       direction text NOT NULL CHECK (direction IN ('minimize', 'maximize')),
       space text NOT NULL,
       seed bigint NOT NULL,
       sampler text NOT NULL,
       settings text NOT NULL,
       created_at bigint NOT NULL,
       -- The next trial number. Taking a number updates this row, so numbers are handed out one
       -- transaction at a time and a rolled-back start gives its number back (no gaps).
       next_number integer NOT NULL DEFAULT 0
     )`,
    `CREATE TABLE {S}.trials (
       study_id integer NOT NULL REFERENCES {S}.studies (id) ON DELETE CASCADE,
       number integer NOT NULL,
       state text NOT NULL CHECK (state IN ('WAITING', 'RUNNING', 'COMPLETE', 'FAIL', 'PRUNED')),
       params text NOT NULL,
       value double precision,
       origin text NOT NULL,
       retry_of integer,
       fail_kind text,
       fail_reason text,
       user_attrs text NOT NULL,
       worker text,
       created_at bigint NOT NULL,
       started_at bigint,
       finished_at bigint,
       heartbeat_at bigint,
       PRIMARY KEY (study_id, number)
     )`,
    // Partial indexes hold only the small sets the hot queries look for, so a start, a claim or a
    // recovery scan costs the same at trial 10 and at trial 100,000: WAITING trials (claimed lowest
    // number first), RUNNING ones (heartbeats, recovery of abandoned trials), interrupted failures
    // (the budget leaves them out) and COMPLETE values (best value per study).
    `CREATE INDEX trials_waiting ON {S}.trials (study_id, number) WHERE state = 'WAITING'`,
    `CREATE INDEX trials_running ON {S}.trials (study_id, number) WHERE state = 'RUNNING'`,
    `CREATE INDEX trials_interrupted ON {S}.trials (study_id) WHERE state = 'FAIL' AND fail_kind = 'interrupted'`,
    `CREATE INDEX trials_complete ON {S}.trials (study_id, value) WHERE state = 'COMPLETE'`,
    // Starting a trial is one call, so it costs one round trip rather than six (BEGIN, lock,
    // count, claim, insert, COMMIT); on a busy network or machine, round trips are the cost.
    // A start with a budget holds the study row exclusively (FOR UPDATE) while it counts and takes
    // a trial, so two starts never both take the last slot; one without a budget only keeps such a
    // count out (FOR KEY SHARE) and runs alongside the others. In a VOLATILE function each
    // statement takes a new snapshot, so the count sees every start committed before the lock
    // was granted. WAITING trials are claimed with SKIP LOCKED: concurrent claimers each take a
    // different one. Numbers come from the study row's counter, updated in the same transaction
    // as the insert, so a rolled-back start leaves no gap. SQLSTATE AU404: no such study.
    `CREATE FUNCTION {S}.start_trial(p_study integer, p_worker text, p_max integer) RETURNS SETOF {S}.trials
     LANGUAGE plpgsql VOLATILE AS $fn$
     DECLARE
       used bigint;
       now_ms bigint := floor(extract(epoch from statement_timestamp()) * 1000)::bigint;
     BEGIN
       IF p_max IS NULL THEN
         PERFORM 1 FROM {S}.studies WHERE id = p_study FOR KEY SHARE;
       ELSE
         PERFORM 1 FROM {S}.studies WHERE id = p_study FOR UPDATE;
       END IF;
       IF NOT FOUND THEN
         RAISE EXCEPTION 'automl: no study with id %', p_study USING ERRCODE = 'AU404';
       END IF;
       IF p_max IS NOT NULL THEN
         SELECT s.next_number
              - (SELECT count(*) FROM {S}.trials x WHERE x.study_id = p_study AND x.state = 'WAITING')
              - (SELECT count(*) FROM {S}.trials x WHERE x.study_id = p_study AND x.state = 'FAIL' AND x.fail_kind = 'interrupted')
           INTO used FROM {S}.studies s WHERE s.id = p_study;
         IF used >= p_max THEN
           RETURN;
         END IF;
       END IF;
       RETURN QUERY UPDATE {S}.trials t SET state = 'RUNNING', worker = p_worker, started_at = now_ms, heartbeat_at = now_ms
         WHERE t.study_id = p_study AND t.number = (
           SELECT w.number FROM {S}.trials w WHERE w.study_id = p_study AND w.state = 'WAITING' ORDER BY w.number LIMIT 1 FOR UPDATE SKIP LOCKED)
         RETURNING t.*;
       IF FOUND THEN
         RETURN;
       END IF;
       RETURN QUERY WITH n AS (
           UPDATE {S}.studies SET next_number = next_number + 1 WHERE id = p_study RETURNING next_number - 1 AS number)
         INSERT INTO {S}.trials AS t (study_id, number, state, params, origin, user_attrs, worker, created_at, started_at, heartbeat_at)
         SELECT p_study, n.number, 'RUNNING', '{}', 'sampler', '{}', p_worker, now_ms, now_ms, now_ms FROM n
         RETURNING t.*;
     END
     $fn$`,
    `CREATE TABLE {S}.trial_intermediate (
       study_id integer NOT NULL,
       number integer NOT NULL,
       step integer NOT NULL,
       value double precision NOT NULL,
       PRIMARY KEY (study_id, number, step),
       FOREIGN KEY (study_id, number) REFERENCES {S}.trials (study_id, number) ON DELETE CASCADE
     )`,
  ],
  // Version 2: a start carries a claim token, unique to the call, stored on the trial it took. When
  // the connection is lost before the answer, the start is sent again with the same token and
  // answers with the trial already taken, so a start runs exactly once.
  [
    `ALTER TABLE {S}.trials ADD COLUMN claim text`,
    `CREATE UNIQUE INDEX trials_claim ON {S}.trials (study_id, claim) WHERE claim IS NOT NULL`,
    `DROP FUNCTION {S}.start_trial(integer, text, integer)`,
    `CREATE FUNCTION {S}.start_trial(p_study integer, p_worker text, p_max integer, p_claim text) RETURNS SETOF {S}.trials
     LANGUAGE plpgsql VOLATILE AS $fn$
     DECLARE
       used bigint;
       now_ms bigint := floor(extract(epoch from statement_timestamp()) * 1000)::bigint;
     BEGIN
       IF p_claim IS NOT NULL THEN
         RETURN QUERY SELECT * FROM {S}.trials t WHERE t.study_id = p_study AND t.claim = p_claim;
         IF FOUND THEN
           RETURN;
         END IF;
       END IF;
       IF p_max IS NULL THEN
         PERFORM 1 FROM {S}.studies WHERE id = p_study FOR KEY SHARE;
       ELSE
         PERFORM 1 FROM {S}.studies WHERE id = p_study FOR UPDATE;
       END IF;
       IF NOT FOUND THEN
         RAISE EXCEPTION 'automl: no study with id %', p_study USING ERRCODE = 'AU404';
       END IF;
       IF p_max IS NOT NULL THEN
         SELECT s.next_number
              - (SELECT count(*) FROM {S}.trials x WHERE x.study_id = p_study AND x.state = 'WAITING')
              - (SELECT count(*) FROM {S}.trials x WHERE x.study_id = p_study AND x.state = 'FAIL' AND x.fail_kind = 'interrupted')
           INTO used FROM {S}.studies s WHERE s.id = p_study;
         IF used >= p_max THEN
           RETURN;
         END IF;
       END IF;
       RETURN QUERY UPDATE {S}.trials t SET state = 'RUNNING', worker = p_worker, started_at = now_ms, heartbeat_at = now_ms, claim = p_claim
         WHERE t.study_id = p_study AND t.number = (
           SELECT w.number FROM {S}.trials w WHERE w.study_id = p_study AND w.state = 'WAITING' ORDER BY w.number LIMIT 1 FOR UPDATE SKIP LOCKED)
         RETURNING t.*;
       IF FOUND THEN
         RETURN;
       END IF;
       RETURN QUERY WITH n AS (
           UPDATE {S}.studies SET next_number = next_number + 1 WHERE id = p_study RETURNING next_number - 1 AS number)
         INSERT INTO {S}.trials AS t (study_id, number, state, params, origin, user_attrs, worker, created_at, started_at, heartbeat_at, claim)
         SELECT p_study, n.number, 'RUNNING', '{}', 'sampler', '{}', p_worker, now_ms, now_ms, now_ms, p_claim FROM n
         RETURNING t.*;
     END
     $fn$`,
  ],
];

/** The schema version this code writes. */
export const PG_SCHEMA_VERSION = PG_MIGRATIONS.length;

/** Quotes an SQL identifier. */
export function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function storageError(url: string, message: string): AutomlError {
  return new AutomlError('E_STORAGE', message, { value: url });
}

/**
 * The version of the automl schema in `schema`: 0 when the schema is absent or empty. Throws
 * E_STORAGE if it holds other tables but no automl schema, or a newer version than this code.
 * @internal
 */
export async function readPgSchemaVersion(client: PoolClient, schema: string, url: string): Promise<number> {
  const tables = (
    await client.query<{ table_name: string }>(
      `SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`,
      [schema],
    )
  ).rows.map((r) => r.table_name);
  if (tables.length === 0) return 0;
  if (!tables.includes('schema_version')) {
    throw storageError(
      url,
      `Schema "${schema}" of ${url} holds tables (${tables.slice(0, 5).join(', ')}) but no automl study storage; it was left unchanged. ` +
        `Give another schema with ?schema=<name> in the URL (the default is "automl").`,
    );
  }
  const row = (await client.query<{ v: number | null }>(`SELECT max(version) AS v FROM ${quoteIdent(schema)}.schema_version`)).rows[0];
  const version = row?.v ?? 0;
  if (version > PG_SCHEMA_VERSION) {
    throw storageError(
      url,
      `Schema "${schema}" of ${url} has storage schema version ${version}, newer than the ${PG_SCHEMA_VERSION} this automl understands; ` +
        `it was left unchanged. Upgrade automl on this machine.`,
    );
  }
  return version;
}

/**
 * Brings `schema` to the current version. Several processes may open a new database at once:
 * the migration runs in one transaction under an advisory lock named after the schema, and the
 * version is read again once the lock is held, so exactly one process migrates.
 * @internal
 */
export async function migratePg(client: PoolClient, schema: string, url: string): Promise<void> {
  if ((await readPgSchemaVersion(client, schema, url)) === PG_SCHEMA_VERSION) return;
  const S = quoteIdent(schema);
  await client.query('BEGIN');
  try {
    await client.query(`SELECT pg_advisory_xact_lock(hashtext($1))`, [`automl-migrate:${schema}`]);
    const version = await readPgSchemaVersion(client, schema, url);
    if (version < PG_SCHEMA_VERSION) {
      await client.query(`CREATE SCHEMA IF NOT EXISTS ${S}`);
      if (version === 0) await client.query(`CREATE TABLE ${S}.schema_version (version integer NOT NULL)`);
      for (let v = version; v < PG_SCHEMA_VERSION; v++) for (const sql of PG_MIGRATIONS[v]!) await client.query(sql.replaceAll('{S}', S));
      await client.query(`DELETE FROM ${S}.schema_version`);
      await client.query(`INSERT INTO ${S}.schema_version (version) VALUES ($1)`, [PG_SCHEMA_VERSION]);
    }
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  }
}
