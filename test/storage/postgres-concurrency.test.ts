import net from 'node:net';
import pg from 'pg';
import { expect, it } from 'vitest';
import { PostgresStorage } from '../../src/storage/postgres.js';
import { describePg, freshSchemas, withSchema } from '../fixtures/pg/env.js';

describePg('PostgresStorage under contention', (url) => {
  const schema = freshSchemas(url, 'conc');
  const spec = { name: 's', direction: 'minimize', space: {}, seed: 1, sampler: 'random' } as const;

  it('three connection pools racing starts and enqueues: exact budget, gap-free numbers, queued trials claimed once', async () => {
    const name = schema();
    const pools = await Promise.all([0, 1, 2].map(() => PostgresStorage.open(url, { schema: name, poolSize: 3 })));
    const { id } = await pools[0]!.createStudy(spec);
    const calls: Promise<unknown>[] = [];
    for (let i = 0; i < 90; i++) {
      const s = pools[i % 3]!;
      calls.push(i % 5 === 0 ? s.enqueueTrial(id, { i }) : s.startTrial(id, { worker: `w${i % 3}`, maxTrials: 40 }));
    }
    const got = await Promise.all(calls);
    const started = got.filter((t) => t !== null && (t as { state: string }).state === 'RUNNING') as { number: number }[];
    expect(started).toHaveLength(40);
    expect(new Set(started.map((t) => t.number)).size).toBe(40);
    const trials = await pools[1]!.getTrials(id);
    expect(trials.map((t) => t.number)).toEqual(trials.map((_, i) => i));
    expect(trials.filter((t) => t.state === 'RUNNING')).toHaveLength(40);
    // 18 enqueued, each kept its params; no trial was lost or claimed twice.
    const enqueued = trials.filter((t) => t.origin === 'enqueued');
    expect(enqueued).toHaveLength(18);
    expect(enqueued.every((t) => typeof t.params.i === 'number')).toBe(true);
    expect(trials.length).toBe(40 + trials.filter((t) => t.state === 'WAITING').length);
    expect(await pools[2]!.startTrial(id, { worker: 'late', maxTrials: 40 })).toBeNull();
    await Promise.all(pools.map((s) => s.close()));
  });

  it('retries lock timeouts until the lock is free: the caller never sees them', async () => {
    const name = schema();
    // Every statement of this storage gives up on a lock after 30 ms (SQLSTATE 55P03), so a
    // blocked start fails again and again until the blocker lets go.
    const s = await PostgresStorage.open(withSchema(`${url}${url.includes('?') ? '&' : '?'}options=-c%20lock_timeout%3D30`, name));
    const { id } = await s.createStudy(spec);
    const blocker = new pg.Client({ connectionString: url });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query(`SELECT 1 FROM "${name}".studies WHERE id = $1 FOR UPDATE`, [id]);
    const t0 = Date.now();
    const pending = s.startTrial(id, { worker: 'w', maxTrials: 5 });
    await new Promise((r) => setTimeout(r, 400));
    await blocker.query('COMMIT');
    await blocker.end();
    const t = await pending;
    expect(t).toMatchObject({ number: 0, state: 'RUNNING' });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(400);
    await s.close();
  });

  it('carries on after the server closes its connections (restart, failover, idle kill)', async () => {
    const name = schema();
    const app = `automl-test-${process.pid}`;
    const s = await PostgresStorage.open(`${url}${url.includes('?') ? '&' : '?'}application_name=${app}`, { schema: name });
    const { id } = await s.createStudy(spec);
    await Promise.all([s.startTrial(id, { worker: 'w' }), s.startTrial(id, { worker: 'w' }), s.countTrials(id)]);
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    const killed = await admin.query(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1`, [app]);
    await admin.end();
    expect(killed.rowCount).toBeGreaterThan(0);
    const more = await Promise.all([s.startTrial(id, { worker: 'w' }), s.startTrial(id, { worker: 'w' })]);
    expect(more.map((t) => t!.number).sort()).toEqual([2, 3]);
    expect(await s.finishTrial(id, 3, { state: 'COMPLETE', value: 1, userAttrs: { a: 1 } })).toBe(true);
    expect((await s.countTrials(id)).RUNNING).toBe(3);
    await s.close();
  });

  /**
   * A TCP proxy to the test server that can cut its connections the way a failover or a NAT
   * timeout does: `cutIdle()` closes the server side without telling the client, whose next bytes
   * get the connection closed without an answer; `cutNextAnswer()` lets the client's next
   * statement through and closes the connection instead of passing the answer back.
   */
  async function proxy(): Promise<{ url: string; cutIdle: () => void; cutNextAnswer: () => void; cuts: () => number; close: () => void }> {
    const target = new URL(url);
    const pairs: { client: net.Socket; server: net.Socket; cut: boolean; dropAnswer: boolean }[] = [];
    const server = net.createServer((client) => {
      const upstream = net.connect(Number(target.port || 5432), target.hostname);
      const pair = { client, server: upstream, cut: false, dropAnswer: false };
      pairs.push(pair);
      client.on('data', (d) => (pair.cut ? client.destroy() : upstream.write(d)));
      upstream.on('data', (d) => {
        if (pair.dropAnswer) {
          pair.cut = true;
          client.destroy();
          upstream.destroy();
        } else client.write(d);
      });
      client.on('error', () => undefined);
      upstream.on('error', () => undefined);
      client.on('close', () => upstream.destroy());
      upstream.on('close', () => (pair.cut ? undefined : client.destroy()));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const proxied = new URL(url);
    proxied.hostname = '127.0.0.1';
    proxied.port = String((server.address() as net.AddressInfo).port);
    const live = () => pairs.filter((p) => !p.cut && !p.client.destroyed);
    return {
      url: proxied.toString(),
      cutIdle: () => {
        for (const p of live()) {
          p.cut = true;
          p.server.destroy();
        }
      },
      cutNextAnswer: () => {
        for (const p of live()) p.dropAnswer = true;
      },
      cuts: () => pairs.filter((p) => p.cut).length,
      close: () => server.close(),
    };
  }

  it('finds out a pooled connection that died unnoticed before a write or a read uses it, and retries on a new one', async () => {
    // Without the check before a write, finishTrial would go out on such a connection and fail
    // with an unknown outcome.
    const px = await proxy();
    const s = await PostgresStorage.open(px.url, { schema: schema(), poolSize: 2 });
    try {
      const { id } = await s.createStudy(spec);
      await Promise.all([s.startTrial(id, { worker: 'w' }), s.countTrials(id)]);
      px.cutIdle();
      expect((await s.startTrial(id, { worker: 'w' }))!.number).toBe(1);
      px.cutIdle();
      expect(await s.finishTrial(id, 1, { state: 'COMPLETE', value: 0.5 })).toBe(true);
      px.cutIdle();
      expect((await s.getTrials(id)).map((t) => [t.number, t.state])).toEqual([
        [0, 'RUNNING'],
        [1, 'COMPLETE'],
      ]);
      expect(px.cuts()).toBeGreaterThanOrEqual(3);
    } finally {
      await s.close();
      px.close();
    }
  });

  it('a start whose answer is lost is sent again and answers with the trial it took: no second trial', async () => {
    const px = await proxy();
    const s = await PostgresStorage.open(px.url, { schema: schema(), poolSize: 1 });
    try {
      const { id } = await s.createStudy(spec);
      await s.enqueueTrial(id, { a: 1 });
      await s.countTrials(id);
      px.cutNextAnswer();
      // Claims the queued trial 0; the answer is lost, so the start is sent again on a new connection.
      const t = await s.startTrial(id, { worker: 'w', maxTrials: 5 });
      expect(px.cuts()).toBe(1);
      expect(t).toMatchObject({ number: 0, state: 'RUNNING', params: { a: 1 } });
      px.cutNextAnswer();
      const u = await s.startTrial(id, { worker: 'w', maxTrials: 5 });
      expect(px.cuts()).toBe(2);
      expect(u).toMatchObject({ number: 1, state: 'RUNNING' });
      expect(await s.countTrials(id)).toMatchObject({ RUNNING: 2, WAITING: 0 });
      expect((await s.startTrial(id, { worker: 'w' }))!.number).toBe(2);
    } finally {
      await s.close();
      px.close();
    }
  });

  it('answers ids, numbers and steps beyond PostgreSQL integers like unknown ones, not with a server error', async () => {
    const s = await PostgresStorage.open(url, { schema: schema(), poolSize: 1 });
    const { id } = await s.createStudy(spec);
    const t = (await s.startTrial(id, { worker: 'w' }))!;
    const code = (p: Promise<unknown>) => p.then(() => 'ok', (e: { code?: string }) => e.code);
    const big = 2 ** 40;
    expect(await code(s.getTrials(big))).toBe('E_STUDY_NOT_FOUND');
    expect(await code(s.startTrial(1.5, { worker: 'w' }))).toBe('E_STUDY_NOT_FOUND');
    expect(await code(s.heartbeat(big, [0]))).toBe('E_STUDY_NOT_FOUND');
    expect(await code(s.finishTrial(id, big, { state: 'COMPLETE', value: 1 }))).toBe('E_TRIAL_STATE');
    expect(await code(s.setTrialParams(id, big, { a: 1 }))).toBe('E_TRIAL_STATE');
    expect(await code(s.enqueueTrial(id, {}, { retryOf: big }))).toBe('E_TRIAL_STATE');
    expect(await code(s.reportIntermediate(id, t.number, big, 1))).toBe('E_TRIAL_STATE');
    expect(await s.getTrial(id, big)).toBeNull();
    expect(await s.startTrial(id, { worker: 'w', maxTrials: big })).toMatchObject({ number: 1 });
    expect((await s.getTrials(id)).map((x) => x.number)).toEqual([0, 1]);
    await s.close();
  });
});
