import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { resolveWorkerEntry } from '../../src/coordinator/entry-path.js';
import { WorkerPool } from '../../src/coordinator/pool.js';
import { isAutomlError } from '../../src/util/errors.js';
import { failOf, recordingHooks, task } from './helpers.js';

const noHooks = recordingHooks();
const spanOf = (o: { status: string; userAttrs?: Record<string, unknown> }): [number, number] => {
  expect(o.status).toBe('complete');
  return o.userAttrs!.span as [number, number];
};

describe('WorkerPool: concurrency', () => {
  it('runs `workers` trials at once and queues the rest', async () => {
    const pool = new WorkerPool({ workers: 2 });
    try {
      expect(pool.concurrency).toBe(2);
      const [a, b, c] = await Promise.all([0, 1, 2].map(() => pool.run(task('slow', { ms: 300 }), noHooks)));
      const [sa, sb, sc] = [spanOf(a), spanOf(b), spanOf(c)];
      // The first two overlap: each starts before the other ends.
      expect(sa[0]).toBeLessThan(sb[1]);
      expect(sb[0]).toBeLessThan(sa[1]);
      // The third waited for a free thread.
      expect(sc[0]).toBeGreaterThanOrEqual(Math.min(sa[1], sb[1]) - 5);
      expect(pool.threadCount).toBeLessThanOrEqual(2);
    } finally {
      await pool.close();
    }
  });
});

describe('WorkerPool: workerData', () => {
  it('a SharedArrayBuffer in workerData is shared: a write in a worker is seen here', async () => {
    const buffer = new SharedArrayBuffer(16);
    const view = new Int32Array(buffer);
    view[0] = 100;
    const pool = new WorkerPool({ workers: 2, workerData: { buffer, offset: 5, perThread: { n: 0 } } });
    try {
      const outs = await Promise.all([
        pool.run(task(undefined, { slot: 1, add: 3 }, 'shared-data.mjs'), noHooks),
        pool.run(task(undefined, { slot: 1, add: 4 }, 'shared-data.mjs'), noHooks),
      ]);
      expect(outs.map((o) => o.status)).toEqual(['complete', 'complete']);
      expect(outs[0]).toMatchObject({ value: 105 });
      expect(view[1]).toBe(7);
    } finally {
      await pool.close();
    }
  });

  it('is sent once per thread, not once per trial (per-thread state persists across trials)', async () => {
    const pool = new WorkerPool({ workers: 1, workerData: { buffer: new SharedArrayBuffer(4), offset: 0, perThread: { n: 0 } } });
    try {
      const values = [];
      for (let i = 0; i < 3; i++) {
        const o = await pool.run(task('perThreadCounter', {}, 'shared-data.mjs'), noHooks);
        values.push(o.status === 'complete' ? o.value : o);
      }
      expect(values).toEqual([1, 2, 3]);
    } finally {
      await pool.close();
    }
  });
});

describe('WorkerPool: memory between trials', () => {
  it('a thread collects the arrays a large trial left behind before its next trial', async () => {
    const pool = new WorkerPool({ workers: 1 });
    const held = async (): Promise<number> => {
      const o = await pool.run(task('arraysHeld'), noHooks);
      expect(o.status).toBe('complete');
      return (o as { value: number }).value;
    };
    try {
      // 48 MB: above the worker's 32 MB threshold, below V8's own external-memory trigger (64 MB).
      expect(await held()).toBeGreaterThanOrEqual(0); // the pool gave the thread gc()
      for (let i = 0; i < 3; i++) {
        expect((await pool.run(task('leavesGarbage', { mb: 48 }), noHooks)).status).toBe('complete');
        await new Promise((r) => setTimeout(r, 20));
        expect(await held()).toBeLessThan(16);
      }
    } finally {
      await pool.close();
    }
  });
});

describe('WorkerPool: close', () => {
  it('interrupts running trials, refuses later ones, is idempotent and leaves no thread', async () => {
    const pool = new WorkerPool({ workers: 1 });
    const running = pool.run(task('infiniteLoop'), noHooks);
    await new Promise((r) => setTimeout(r, 150));
    await Promise.all([pool.close(), pool.close()]);
    const f = failOf(await running);
    expect(f.failKind).toBe('interrupted');
    expect(f.message).toContain('closed');
    expect(failOf(await pool.run(task('square', { x: 1 }), noHooks)).failKind).toBe('interrupted');
    expect(pool.threadCount).toBe(0);
  });

  it('the process exits after close(), and also with an idle pool never closed', () => {
    const poolUrl = pathToFileURL(fileURLToPath(new URL('../../dist/coordinator/pool.js', import.meta.url))).href;
    const mod = fileURLToPath(new URL('../fixtures/objectives/basic.mjs', import.meta.url));
    for (const close of [true, false]) {
      const script = `
        import { WorkerPool } from ${JSON.stringify(poolUrl)};
        const pool = new WorkerPool({ workers: 2 });
        const t = { objective: { module: ${JSON.stringify(mod)}, exportName: 'square' }, trialNumber: 0, seed: 1, config: { x: 4 }, params: {} };
        const outs = await Promise.all([pool.run(t, { report: async () => false }), pool.run(t, { report: async () => false })]);
        console.log(outs.map((o) => o.value).join(','));
        ${close ? 'await pool.close();' : ''}
      `;
      const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { timeout: 10_000, encoding: 'utf8' });
      expect(r.error, `close=${close}: ${r.stderr}`).toBeUndefined();
      expect(r.status).toBe(0);
      expect(r.stdout.trim()).toBe('4,4');
    }
  });
});

describe('WorkerPool: configuration', () => {
  it.each([
    [{ workers: 0 }, 'workers must be an integer >= 1, got 0'],
    [{ workers: 1.5 }, 'workers'],
    [{ memoryLimitMb: -1 }, 'memoryLimitMb must be a positive number of megabytes, got -1'],
    [{ idleTimeout: Number.NaN }, 'idleTimeout'],
  ])('rejects %j', (opts, message) => {
    let err: unknown;
    try {
      new WorkerPool(opts);
    } catch (e) {
      err = e;
    }
    expect(isAutomlError(err, 'E_CONFIG')).toBe(true);
    expect((err as Error).message).toContain(message);
  });

  it('threads that cannot start (heap limit too small) fail the queued trials instead of hanging', async () => {
    const pool = new WorkerPool({ workers: 1, memoryLimitMb: 1 });
    try {
      const f = failOf(await pool.run(task('square', { x: 1 }), noHooks));
      expect(f.failKind).toBe('error');
      expect(f.message).toContain('memoryLimitMb (1) is too small');
    } finally {
      await pool.close();
    }
  });

  it('an invalid timeoutMs fails the run without starting it', async () => {
    const pool = new WorkerPool({ workers: 1 });
    try {
      expect(failOf(await pool.run(task('square'), noHooks, { timeoutMs: -5 })).message).toContain('timeoutMs must be a positive number');
    } finally {
      await pool.close();
    }
  });
});

describe('resolveWorkerEntry', () => {
  it('maps a module under src/ to the compiled entry under dist/', () => {
    const here = new URL('../../src/coordinator/pool.ts', import.meta.url).href;
    expect(resolveWorkerEntry(here)).toBe(fileURLToPath(new URL('../../dist/worker/entry.js', import.meta.url)));
  });

  it('uses the entry beside a module under dist/', () => {
    const inDist = new URL('../../dist/coordinator/pool.js', import.meta.url).href;
    expect(resolveWorkerEntry(inDist)).toBe(fileURLToPath(new URL('../../dist/worker/entry.js', import.meta.url)));
  });

  it('says to run the build when the compiled entry is missing', () => {
    let err: unknown;
    try {
      resolveWorkerEntry('file:///nonexistent/project/src/coordinator/pool.ts');
    } catch (e) {
      err = e;
    }
    expect(isAutomlError(err, 'E_CONFIG')).toBe(true);
    expect((err as Error).message).toContain('/nonexistent/project/dist/worker/entry.js');
    expect((err as Error).message).toContain('npm run build');
  });
});
