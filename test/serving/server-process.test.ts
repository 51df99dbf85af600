/**
 * Issue 18, item 4, with real processes and threads (needs dist/: `npm run build`): large batches
 * are predicted in worker threads with the same answers as inline, `/ping` stays fast while one
 * runs, and SIGTERM lets a request in flight finish before `automl serve` exits 0.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import type { FittedModel } from '../../src/serving/model-file.js';
import { createServer } from '../../src/serving/server.js';
import { BIN, requireBuild, scratch, startNode, waitFor, type Child } from '../reliability/helpers.js';
import { DATA, fitModel, irisModel, rowsFrom, slowModel, waveRows } from './server-fixture.js';
import { datasetFromRows } from '../../src/data/index.js';

let dir: string;
let slow: FittedModel;
let slowFile: string;
const children: Child[] = [];

beforeAll(async () => {
  requireBuild();
  dir = scratch('serve');
  slow = await slowModel();
  slowFile = await slow.save(join(dir, 'knn.model.json'));
});
afterAll(() => {
  for (const c of children) if (c.child.exitCode === null) c.child.kill('SIGKILL');
});

/** Starts `automl serve` on a free port; resolves with its URL once it listens. */
async function startServe(args: string[]): Promise<{ run: Child; url: string }> {
  const run = startNode(BIN, ['serve', slowFile, '--port', '0', ...args], dir);
  children.push(run);
  expect(await waitFor(() => /serving .* on http:\/\/\S+/.test(run.output()) || run.child.exitCode !== null, 30_000)).toBe(true);
  const url = /on (http:\/\/\S+) \(POST \/invocations\)/.exec(run.output())?.[1];
  expect(url, run.output()).toBeDefined();
  return { run, url: url! };
}

const invoke = (url: string, rows: unknown[][], names: string[]) =>
  fetch(`${url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ dataframe_split: { columns: names, data: rows } }) });

describe('predict threads', () => {
  it('give the answers of an inline predict, with probabilities, from the model file or from the model in memory', async () => {
    const iris = await irisModel();
    const file = await iris.save(join(dir, 'iris.model.json'));
    const rows = rowsFrom(DATA('iris.csv'), iris, 150);
    const payload = JSON.stringify({ instances: rows });
    const inline = createServer(iris, { workers: 0 });
    const fromFile = createServer(iris, { workers: 1, inlineRows: 0, modelPath: file });
    const fromMemory = createServer(iris, { workers: 2, inlineRows: 10 });
    try {
      expect(fromFile.automl.predictor.isInline(1)).toBe(false);
      expect(fromMemory.automl.predictor.isInline(10)).toBe(true);
      expect(fromMemory.automl.predictor.isInline(11)).toBe(false);
      const answers = await Promise.all(
        [inline, fromFile, fromMemory].map((a) => a.inject({ method: 'POST', url: '/invocations?proba=true', headers: { 'content-type': 'application/json' }, payload })),
      );
      for (const r of answers) expect(r.statusCode, r.body.slice(0, 200)).toBe(200);
      expect(answers[1]!.json()).toEqual(answers[0]!.json());
      expect(answers[2]!.json()).toEqual(answers[0]!.json());
      expect(fromFile.automl.recent.snapshot().seen).toBe(150);
    } finally {
      await Promise.all([inline.close(), fromFile.close(), fromMemory.close()]);
    }
  });

  it('give the prediction intervals of a Gaussian process as inline does', async () => {
    const gp = await fitModel(datasetFromRows(waveRows(), { target: 'y' }), { type: 'gaussian_process' }, 'r2');
    const payload = JSON.stringify({ instances: [[0.5], [2.5], [5.5]] });
    const inline = createServer(gp, { workers: 0 });
    const threaded = createServer(gp, { workers: 1, inlineRows: 0 });
    try {
      const [a, b] = await Promise.all([inline, threaded].map((s) => s.inject({ method: 'POST', url: '/invocations?interval=0.8', headers: { 'content-type': 'application/json' }, payload })));
      expect(a!.statusCode, a!.body).toBe(200);
      expect(b!.statusCode, b!.body).toBe(200);
      expect(b!.json()).toEqual(a!.json());
      expect(a!.json().intervals).toHaveLength(3);
    } finally {
      await Promise.all([inline.close(), threaded.close()]);
    }
  });

  it('the default inline threshold is calibrated on the model: about 1 ms of predict work', () => {
    const a = createServer(slow, { workers: 1 });
    const n = a.automl.predictor.inlineRows;
    expect(n).toBeGreaterThanOrEqual(0);
    expect(n).toBeLessThan(100_000);
    const rows = Math.max(1, n);
    const table = slow.table(rowsFrom(DATA('breast-cancer.csv'), slow, rows).map((r) => Object.fromEntries(slow.features.map((f, j) => [f, r[j]]))));
    slow.predict(table);
    const t0 = performance.now();
    slow.predict(table);
    // Generous: the machine is shared, and the calibration ran at another moment.
    expect(performance.now() - t0).toBeLessThan(25);
    return a.close();
  });
});

describe('automl serve in a child process', () => {
  it('/ping stays fast while a 8,000-row batch is predicted in a thread', async () => {
    const { run, url } = await startServe(['--workers', '1']);
    const rows = rowsFrom(DATA('breast-cancer.csv'), slow, 8_000);
    const t0 = performance.now();
    let bigDone = 0;
    const big = invoke(url, rows, slow.features).then(async (r) => {
      bigDone = performance.now();
      return { status: r.status, body: (await r.json()) as { predictions: unknown[] } };
    });
    const pings: number[] = [];
    while (bigDone === 0) {
      const p0 = performance.now();
      expect((await fetch(`${url}/ping`)).status).toBe(200);
      pings.push(performance.now() - p0);
      await new Promise((r) => setTimeout(r, 10));
    }
    const answer = await big;
    expect(answer.status).toBe(200);
    expect(answer.body.predictions).toHaveLength(8_000);
    const took = bigDone - t0;
    pings.sort((a, b) => a - b);
    const median = pings[Math.floor(pings.length / 2)]!;
    // While the batch runs in its thread, pings keep being answered in milliseconds.
    expect(took, `batch took ${took} ms`).toBeGreaterThan(300);
    expect(pings.length).toBeGreaterThan(5);
    expect(median, `pings ${pings.map((p) => p.toFixed(1)).join(' ')}`).toBeLessThan(50);
    run.child.kill('SIGTERM');
    expect((await run.done).code).toBe(0);
  });

  it('SIGTERM lets a large request in flight finish, refuses new connections, and exits 0', async () => {
    const { run, url } = await startServe(['--workers', '1']);
    const rows = rowsFrom(DATA('breast-cancer.csv'), slow, 8_000);
    const big = invoke(url, rows, slow.features).then(async (r) => ({ status: r.status, body: (await r.json()) as { predictions: unknown[] } }));
    // In flight: the scrape itself and the batch.
    let inFlight = 0;
    for (let k = 0; k < 200 && inFlight < 2; k++) {
      const text = await (await fetch(`${url}/metrics`)).text();
      inFlight = Number(/^automl_serve_requests_in_flight (\d+)/m.exec(text)?.[1] ?? 0);
      if (inFlight < 2) await new Promise((r) => setTimeout(r, 20));
    }
    expect(inFlight).toBe(2);
    run.child.kill('SIGTERM');
    await waitFor(() => run.output().includes('SIGTERM: finishing'), 5_000, 5);
    // A new request is refused: no listener (connection refused), or 503 on a socket still open.
    const late = await fetch(`${url}/ping`).then((r) => r.status, () => 'refused');
    expect([503, 'refused']).toContain(late);
    const answer = await big;
    expect(answer.status).toBe(200);
    expect(answer.body.predictions).toHaveLength(8_000);
    expect(answer.body.predictions.slice(0, 50)).toEqual(slow.predict(slow.table(rows.slice(0, 50).map((r) => Object.fromEntries(slow.features.map((f, j) => [f, r[j]]))))));
    const end = await run.done;
    expect(end.code, end.stderr).toBe(0);
    expect(end.stderr).toMatch(/SIGTERM: finishing 1 request in flight/);
    expect(end.stderr).toMatch(/stopped/);
  });

  it('a port in use is a usage error naming the port', async () => {
    const { run, url } = await startServe(['--workers', '0']);
    const port = new URL(url).port;
    const second = startNode(BIN, ['serve', slowFile, '--port', port, '--workers', '0'], dir);
    children.push(second);
    const end = await second.done;
    expect(end.code).toBe(2);
    expect(end.stderr).toMatch(new RegExp(`error \\[E_USAGE\\]: cannot listen on 127\\.0\\.0\\.1:${port} \\(EADDRINUSE`));
    run.child.kill('SIGINT');
    expect((await run.done).code).toBe(0);
  });
});
