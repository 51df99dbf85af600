import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { isAutomlError } from '../../src/util/errors.js';
import { openStorage } from '../../src/storage/open.js';
import { PostgresStorage } from '../../src/storage/postgres.js';
import { PG_MIGRATIONS, PG_SCHEMA_VERSION } from '../../src/storage/postgres-schema.js';
import { describePg, freshSchemas, withSchema } from '../fixtures/pg/env.js';

async function failure(p: Promise<unknown>): Promise<Error> {
  const e = await p.then(
    () => null,
    (err: unknown) => err,
  );
  expect(e).toBeInstanceOf(Error);
  return e as Error;
}

describe('PostgreSQL URLs without a server', () => {
  it('reports an unreachable server with E_STORAGE, naming the URL without its password', async () => {
    // Port 1 on localhost: nothing listens there, so the connection is refused at once.
    const e = await failure(openStorage('postgresql://bob:s3cret@127.0.0.1:1/studies'));
    expect(isAutomlError(e, 'E_STORAGE'), String(e)).toBe(true);
    expect(e.message).toContain('postgresql://bob:***@127.0.0.1:1/studies');
    expect(e.message).toMatch(/Cannot connect to PostgreSQL/);
    expect(e.message).not.toContain('s3cret');
  });

  it('refuses a schema name that is not a plain SQL name', async () => {
    const e = await failure(openStorage('postgres://u:pw@127.0.0.1:1/db?schema=a;drop'));
    expect(isAutomlError(e, 'E_STORAGE_URL'), String(e)).toBe(true);
    expect(e.message).toContain('a;drop');
    expect(e.message).not.toContain('pw@');
  });
});

describePg('PostgreSQL storage setup', (url) => {
  const schema = freshSchemas(url, 'open');
  const raw = async <T>(fn: (c: pg.Client) => Promise<T>): Promise<T> => {
    const c = new pg.Client({ connectionString: url });
    await c.connect();
    try {
      return await fn(c);
    } finally {
      await c.end();
    }
  };

  it('opens postgresql:// and postgres:// URLs with ?schema=, and finds the study from another connection', async () => {
    const name = schema();
    const a = await openStorage(withSchema(url, name));
    expect(a).toBeInstanceOf(PostgresStorage);
    expect(a.url).toBe(withSchema(url, name));
    await a.createStudy({ name: 'x', direction: 'maximize', space: { b: 1, a: 2 }, seed: 2 ** 40, sampler: 'tpe' });
    const b = await openStorage(withSchema(url.replace(/^postgresql:/, 'postgres:'), name));
    const st = (await b.getStudy('x'))!;
    expect(st).toMatchObject({ sampler: 'tpe', seed: 2 ** 40 });
    expect(JSON.stringify(st.space)).toBe('{"b":1,"a":2}');
    await a.close();
    await b.close();
    const tables = await raw((c) => c.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1`, [name]));
    expect(tables.rows.map((r) => r.table_name)).toEqual(['schema_version', 'studies', 'trial_intermediate', 'trials']);
  });

  it('migrates once when several processes open a new schema at the same time', async () => {
    const name = schema();
    const all = await Promise.all(Array.from({ length: 6 }, () => PostgresStorage.open(url, { schema: name, poolSize: 1 })));
    const versions = await raw((c) => c.query(`SELECT version FROM "${name}".schema_version`));
    expect(versions.rows).toEqual([{ version: PG_SCHEMA_VERSION }]);
    await all[0]!.createStudy({ name: 's', direction: 'minimize', space: {}, seed: 1, sampler: 'random' });
    expect((await all[5]!.listStudies()).map((s) => s.name)).toEqual(['s']);
    await Promise.all(all.map((s) => s.close()));
  });

  it('upgrades a version 1 schema in place: its studies and trials are kept and starts work', async () => {
    const name = schema();
    const S = `"${name}"`;
    await raw(async (c) => {
      await c.query(`CREATE SCHEMA ${S}`);
      await c.query(`CREATE TABLE ${S}.schema_version (version integer NOT NULL)`);
      for (const sql of PG_MIGRATIONS[0]!) await c.query(sql.replaceAll('{S}', S));
      await c.query(`INSERT INTO ${S}.schema_version VALUES (1)`);
      await c.query(`INSERT INTO ${S}.studies (name, direction, space, seed, sampler, settings, created_at) VALUES ('old', 'minimize', '{}', 1, 'random', '{}', 0)`);
      await c.query(`SELECT * FROM ${S}.start_trial(1, 'v1-worker', NULL)`);
    });
    const s = await PostgresStorage.open(url, { schema: name });
    const { id } = (await s.getStudy('old'))!;
    expect((await s.getTrials(id)).map((t) => [t.number, t.state, t.worker])).toEqual([[0, 'RUNNING', 'v1-worker']]);
    expect(await s.startTrial(id, { worker: 'v2', maxTrials: 2 })).toMatchObject({ number: 1, worker: 'v2' });
    expect(await s.startTrial(id, { worker: 'v2', maxTrials: 2 })).toBeNull();
    await s.close();
    const versions = await raw((c) => c.query(`SELECT version FROM ${S}.schema_version`));
    expect(versions.rows).toEqual([{ version: PG_SCHEMA_VERSION }]);
    expect(PG_SCHEMA_VERSION).toBe(2);
  });

  it("refuses a schema holding other tables, or a newer automl schema, and leaves it unchanged", async () => {
    const other = schema();
    await raw((c) => c.query(`CREATE SCHEMA "${other}"; CREATE TABLE "${other}".customers (id int)`));
    const e = await failure(PostgresStorage.open(url, { schema: other }));
    expect(isAutomlError(e, 'E_STORAGE'), String(e)).toBe(true);
    expect(e.message).toMatch(/customers.*no automl study storage/);
    const newer = schema();
    const s = await PostgresStorage.open(url, { schema: newer });
    await s.close();
    await raw((c) => c.query(`UPDATE "${newer}".schema_version SET version = $1`, [PG_SCHEMA_VERSION + 1]));
    const e2 = await failure(PostgresStorage.open(url, { schema: newer }));
    expect(isAutomlError(e2, 'E_STORAGE') && /newer than the/.test(e2.message), String(e2)).toBe(true);
    const left = await raw((c) => c.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1`, [other]));
    expect(left.rows).toEqual([{ table_name: 'customers' }]);
  });

  it('reports a missing database with E_STORAGE and no retries', async () => {
    const start = Date.now();
    const e = await failure(openStorage(url.replace(/\/[^/?]+(\?|$)/, '/no_such_db_automl$1')));
    expect(isAutomlError(e, 'E_STORAGE'), String(e)).toBe(true);
    expect(e.message).toMatch(/no_such_db_automl/);
    expect(Date.now() - start).toBeLessThan(5000);
  });
});
