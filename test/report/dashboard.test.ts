import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { createDashboard } from '../../src/report/dashboard/server.js';
import { SqliteReader } from '../../src/report/dashboard/reader.js';
import { SqliteStorage } from '../../src/storage/sqlite.js';
import { MemoryStorage } from '../../src/storage/memory.js';
import { describePg, freshSchemas, withSchema } from '../fixtures/pg/env.js';
import { openStorage } from '../../src/storage/open.js';
import { syntheticSqliteStudy } from './synthetic.js';

const HOSTILE = 'a </script><!-- /../b';
let dir: string;
let db: string;
let app: FastifyInstance;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'automl-dash-'));
  db = join(dir, 's.db');
  await syntheticSqliteStudy(db, HOSTILE, 50);
  app = await createDashboard({ storage: `sqlite:${db}`, modelDir: dir, importanceEveryMs: 60_000 });
});
afterAll(async () => app?.close());

const url = (path: string): string => `/api/studies/${encodeURIComponent(HOSTILE)}${path}`;

describe('dashboard server', () => {
  it('serves the page shell with no study data in it, and safe headers', async () => {
    for (const path of ['/', `/study/${encodeURIComponent(HOSTILE)}`]) {
      const r = await app.inject(path);
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-type']).toMatch(/text\/html/);
      expect(r.headers['content-security-policy']).toMatch(/script-src 'self'/);
      expect(r.headers['x-content-type-options']).toBe('nosniff');
      expect(r.body).not.toContain('</script><!--');
    }
    const js = await app.inject('/assets/dashboard.js');
    expect(js.statusCode).toBe(200);
    expect(js.body).toMatch(/^\(function \(\) \{/);
    expect(js.body).not.toMatch(/^(import|export) /m);
    expect((await app.inject('/assets/echarts.min.js')).body.length).toBeGreaterThan(500_000);
  });

  it('lists studies and answers a study, its trials from a number on, and 404 for an unknown one', async () => {
    const list = (await app.inject('/api/studies')).json();
    expect(list.studies.map((s: { name: string }) => s.name)).toEqual([HOSTILE]);
    expect(list.studies[0].counts.COMPLETE + list.studies[0].counts.PRUNED + list.studies[0].counts.FAIL).toBe(50);
    const head = (await app.inject(url(''))).json();
    expect(head.study.name).toBe(HOSTILE);
    expect(head.params.length).toBeGreaterThan(20);
    const all = (await app.inject(url('/trials'))).json();
    expect(all.trials).toHaveLength(50);
    expect(all.more).toBe(false);
    const tail = (await app.inject(url('/trials?from=45'))).json();
    expect(tail.trials.map((t: { n: number }) => t.n)).toEqual([45, 46, 47, 48, 49]);
    expect((await app.inject(url('/trials?from=abc'))).json().trials).toHaveLength(50);
    const missing = await app.inject('/api/studies/nope/trials');
    expect(missing.statusCode).toBe(404);
    expect(missing.json()).toMatchObject({ code: 'E_STUDY_NOT_FOUND' });
  });

  it('computes importance once per interval, and says why there is no final model', async () => {
    const a = (await app.inject(url('/importance'))).json();
    expect(a.importance.params[0].name).toBe('model');
    const b = (await app.inject(url('/importance'))).json();
    expect(b).toEqual(a);
    const f = (await app.inject(url('/final'))).json();
    expect(f.final).toBeNull();
    expect(f.note).toMatch(/not a file name/);
  });

  it('pages large answers', async () => {
    const small = await createDashboard({ storage: `sqlite:${db}`, pageSize: 20 });
    try {
      const r = (await small.inject(url('/trials?from=10'))).json();
      expect(r.trials).toHaveLength(20);
      expect(r.more).toBe(true);
    } finally {
      await small.close();
    }
  });

  it('works over any Storage object (memory), through its read methods', async () => {
    const storage = new MemoryStorage();
    const s = await storage.createStudy({ name: 'mem', direction: 'minimize', space: { x: { type: 'float', low: 0, high: 1 } }, seed: 0, sampler: 'random' });
    const t = (await storage.startTrial(s.id, { worker: 'h:1:a' }))!;
    await storage.setTrialParams(s.id, t.number, { x: 0.5 });
    await storage.finishTrial(s.id, t.number, { state: 'COMPLETE', value: 1 });
    const mem = await createDashboard({ storage });
    try {
      expect((await mem.inject('/api/studies/mem/trials')).json().trials).toMatchObject([{ n: 0, s: 'C', v: 1, p: { 0: 0.5 } }]);
    } finally {
      await mem.close();
    }
  });
});

describe('read-only SQLite reader', () => {
  it('cannot write, and a writer commits while a reader holds the database open', async () => {
    const file = join(dir, 'rw.db');
    const storage = await SqliteStorage.open(file);
    const s = await storage.createStudy({ name: 'rw', direction: 'minimize', space: { x: { type: 'float', low: 0, high: 1 } }, seed: 0, sampler: 'random' });
    const reader = new SqliteReader(file);
    expect(await reader.trials(s.id)).toEqual([]);
    expect(() => (reader as unknown as { db: Database.Database }).db.prepare("INSERT INTO studies (name, direction, space, seed, sampler, settings, created_at) VALUES ('x', 'minimize', '{}', 0, 'r', '{}', 0)").run()).toThrow(/readonly/);
    for (let i = 0; i < 20; i++) {
      const t = (await storage.startTrial(s.id, { worker: 'h:1:a' }))!;
      await storage.setTrialParams(s.id, t.number, { x: i / 20 });
      expect((await reader.trials(s.id, t.number)).map((r) => r.state)).toEqual(['RUNNING']);
      await storage.finishTrial(s.id, t.number, { state: 'COMPLETE', value: i, intermediate: [{ step: 0, value: i }] });
    }
    const read = await reader.trials(s.id);
    expect(read).toHaveLength(20);
    expect(read[7]!.intermediate).toEqual([{ step: 0, value: 7 }]);
    await reader.close();
    await storage.close();
    expect(() => new SqliteReader(join(dir, 'missing.db'))).toThrow(/no study database at/);
  });
});

describePg('dashboard on PostgreSQL', (pgUrl) => {
  const schema = freshSchemas(pgUrl, 'dash');
  it('lists a study and its trials through the storage class', async () => {
    const u = withSchema(pgUrl, schema());
    const storage = await openStorage(u);
    const s = await storage.createStudy({ name: 'pg-study', direction: 'maximize', space: { x: { type: 'float', low: 0, high: 1 } }, seed: 0, sampler: 'random' });
    for (let i = 0; i < 3; i++) {
      const t = (await storage.startTrial(s.id, { worker: 'h:1:a' }))!;
      await storage.setTrialParams(s.id, t.number, { x: i / 3 });
      await storage.finishTrial(s.id, t.number, { state: 'COMPLETE', value: i });
    }
    await storage.close();
    const pgApp = await createDashboard({ storage: u });
    try {
      expect((await pgApp.inject('/api/studies')).json().studies.map((x: { name: string }) => x.name)).toEqual(['pg-study']);
      expect((await pgApp.inject('/api/studies/pg-study/trials?from=1')).json().trials.map((t: { n: number }) => t.n)).toEqual([1, 2]);
    } finally {
      await pgApp.close();
    }
  });
});
