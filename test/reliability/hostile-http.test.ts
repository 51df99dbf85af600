/**
 * Issue 18, "Must show: hostile requests": `automl serve` in a child process gets malformed and
 * truncated JSON, a 100 MB body (with and without Content-Length), 100,000-deep nesting,
 * NaN/Infinity, 10,000 columns and slow clients. Each gets a 4xx or is cut off, the server keeps
 * answering, and its resident memory (read from /proc) stays bounded across the whole run.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { loadDataset } from '../../src/data/index.js';
import { fitModel, rowsFrom } from '../serving/server-fixture.js';
import { BIN, DATA, requireBuild, scratch, sleep, startNode, waitFor, type Child } from './helpers.js';

let server: Child;
let url: string;
let port: number;
let columns: string[];
let rows: unknown[][];
const rss: number[] = [];
let sampler: NodeJS.Timeout;

/** The server's resident set size in MB, from /proc (Linux), or null elsewhere. */
function rssMb(pid: number): number | null {
  try {
    const m = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : null;
  } catch {
    return null;
  }
}

beforeAll(async () => {
  requireBuild();
  const dir = scratch('http');
  const model = await fitModel(loadDataset(DATA('breast-cancer.csv'), { target: 'diagnosis' }), { type: 'logistic_regression' });
  const file = await model.save(join(dir, 'bc.model.json'));
  columns = model.features;
  rows = rowsFrom(DATA('breast-cancer.csv'), model, 10);
  server = startNode(BIN, ['serve', file, '--port', '0', '--workers', '1', '--request-timeout', '2s'], dir);
  expect(await waitFor(() => /on http:\/\/\S+ \(POST/.test(server.output()) || server.child.exitCode !== null, 30_000)).toBe(true);
  url = /on (http:\/\/\S+) \(POST/.exec(server.output())![1]!;
  port = Number(new URL(url).port);
  // Warm up, then sample RSS through the whole run.
  for (let k = 0; k < 20; k++) await post(JSON.stringify({ dataframe_split: { columns, data: rows } }));
  sampler = setInterval(() => {
    const v = rssMb(server.child.pid!);
    if (v !== null) rss.push(v);
  }, 50);
  rss.push(rssMb(server.child.pid!) ?? 0);
});

afterAll(async () => {
  clearInterval(sampler);
  if (server && server.child.exitCode === null) {
    server.child.kill('SIGTERM');
    await server.done;
  }
});

const post = (body: string | Uint8Array, type = 'application/json') => fetch(`${url}/invocations`, { method: 'POST', headers: { 'content-type': type }, body });

async function expectUp(): Promise<void> {
  expect(server.child.exitCode).toBeNull();
  const r = await fetch(`${url}/ping`);
  expect(r.status).toBe(200);
}

/** What a raw-socket client saw: the status line, when the server answered or closed, and how much it managed to send. */
interface RawResult {
  status: number | null;
  response: string;
  sent: number;
  closedAfterMs: number;
}

/**
 * Opens a socket, writes `head`, then lets `feed` write the body until it returns or the server
 * closes the connection; resolves once the connection is closed.
 */
function raw(head: string, feed: (sock: Socket, closed: () => boolean) => Promise<void>): Promise<RawResult> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const sock = connect(port, '127.0.0.1');
    let response = '';
    let sent = 0;
    let closed = false;
    sock.on('data', (d) => (response += d.toString('latin1')));
    sock.on('error', () => undefined);
    sock.on('close', () => {
      closed = true;
      const status = /^HTTP\/1\.1 (\d{3})/.exec(response);
      resolve({ status: status ? Number(status[1]) : null, response, sent, closedAfterMs: Date.now() - t0 });
    });
    const write = sock.write.bind(sock);
    sock.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      sent += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
      return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof sock.write;
    sock.once('connect', async () => {
      sock.write(head);
      await feed(sock, () => closed);
      if (!closed) sock.end();
    });
  });
}

/** Writes `total` bytes of a JSON-looking body in 1 MB chunks, waiting for drain, until done or closed. */
async function pour(sock: Socket, closed: () => boolean, total: number, chunked: boolean): Promise<void> {
  const chunk = Buffer.alloc(1024 * 1024, '1,');
  let written = 0;
  const first = Buffer.from('{"instances": [[');
  sock.write(chunked ? Buffer.concat([Buffer.from(`${first.length.toString(16)}\r\n`), first, Buffer.from('\r\n')]) : first);
  while (written < total && !closed()) {
    const body = chunked ? Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]) : chunk;
    const ok = sock.write(body);
    written += chunk.length;
    if (!ok) await new Promise<void>((r) => {
      const done = (): void => r();
      sock.once('drain', done);
      sock.once('close', done);
    });
  }
}

describe('hostile requests against automl serve', () => {
  it('malformed, truncated and non-standard JSON get a 400', async () => {
    const full = JSON.stringify({ dataframe_split: { columns, data: rows } });
    for (const body of [full.slice(0, full.length / 2), full.slice(0, -1), '{"instances": [[1, 2,, 3]]}', 'null', '"text"', '{', '\u0000\u0001', `{"instances": [[${'NaN,'.repeat(29)}Infinity]]}`]) {
      const r = await post(body);
      expect(r.status, body.slice(0, 40)).toBe(400);
      const out = (await r.json()) as { error_code: string; message: string };
      expect(out.error_code).toBe('BAD_REQUEST');
    }
    await expectUp();
  });

  it('a body shorter than its Content-Length is cut off when the client goes away', async () => {
    const res = await raw(`POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n`, async (sock) => {
      sock.write('{"instances": [[1, 2');
      await sleep(100);
      sock.destroy();
    });
    expect(res.status).toBeNull();
    await expectUp();
  });

  it('a 100 MB body is refused at the 10 MB limit without being buffered: 413, or cut off mid-upload', async () => {
    const total = 100 * 1024 * 1024;
    const head = (extra: string) => `POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n${extra}\r\n`;
    // A client that asks first (Expect: 100-continue, as curl does) gets the 413 without sending the body.
    const asked = await raw(head(`Content-Length: ${total}\r\nExpect: 100-continue\r\n`), async (_sock, closed) => {
      await waitFor(closed, 5_000, 10);
    });
    expect(asked.status).toBe(413);
    expect(asked.response).toMatch(/RESOURCE_LIMIT_EXCEEDED/);
    expect(asked.response).not.toMatch(/100 Continue/);
    // One that just sends is answered 413 at once (Content-Length) or at the limit (chunked), and its
    // connection is closed: its client may see the 413 or only the reset, and stops well before 100 MB.
    const declared = await raw(head(`Content-Length: ${total}\r\n`), (sock, closed) => pour(sock, closed, total, false));
    const chunked = await raw(head('Transfer-Encoding: chunked\r\n'), (sock, closed) => pour(sock, closed, total, true));
    for (const res of [declared, chunked]) {
      if (res.status !== null) expect(res.status).toBe(413);
      expect(res.sent).toBeLessThan(40 * 1024 * 1024);
      expect(res.closedAfterMs).toBeLessThan(10_000);
    }
    console.log(`100 MB upload cut off after ${(declared.sent / 2 ** 20).toFixed(1)} MB (Content-Length, status ${declared.status}) and ${(chunked.sent / 2 ** 20).toFixed(1)} MB (chunked, status ${chunked.status})`);
    const csv = await post(Buffer.alloc(11 * 1024 * 1024, 'a'), 'text/csv').then((r) => r.status, () => 'cut off');
    expect([413, 'cut off']).toContain(csv);
    await expectUp();
  });

  it('100,000-deep nesting gets a 400, in arrays, objects and next to a __proto__ key', async () => {
    const deepArrays = `{"instances": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const deepObjects = `{"instances": [${'{"a":'.repeat(100_000)}1${'}'.repeat(100_000)}]}`;
    const poisoned = `{"__proto__": {}, "instances": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`;
    const deepCell = `{"dataframe_split": {"columns": ${JSON.stringify(columns)}, "data": [[${'['.repeat(100_000)}${']'.repeat(100_000)}${', 1'.repeat(columns.length - 1)}]]}}`;
    for (const body of [deepArrays, deepObjects, poisoned, deepCell]) {
      const r = await post(body);
      expect(r.status).toBe(400);
      if (body === deepCell) expect(await r.json()).toMatchObject({ row: 0, column: columns[0] });
    }
    await expectUp();
  });

  it('"NaN" and "Infinity" strings read as missing values (as the CSV loader reads them); bare NaN tokens are malformed JSON', async () => {
    const bad = rows.map((r) => r.map((v, j) => (j % 3 === 0 ? 'NaN' : j % 3 === 1 ? '-Infinity' : v)));
    const r = await post(JSON.stringify({ dataframe_split: { columns, data: bad } }));
    expect(r.status).toBe(200);
    expect(((await r.json()) as { predictions: unknown[] }).predictions).toHaveLength(rows.length);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(Number(/^automl_serve_non_finite_cells_total (\d+)/m.exec(metrics)?.[1])).toBeGreaterThan(0);
    const bare = await post(`{"instances": [[${Array.from({ length: columns.length }, () => 'NaN').join(',')}]]}`);
    expect(bare.status).toBe(400);
    await expectUp();
  });

  it('10,000 columns get a 413 in every format', async () => {
    const wide = Array.from({ length: 10_000 }, (_, j) => `c${j}`);
    const bodies: [string, string][] = [
      [JSON.stringify({ dataframe_split: { columns: wide, data: [wide.map(() => 1)] } }), 'application/json'],
      [JSON.stringify({ dataframe_records: [Object.fromEntries(wide.map((c) => [c, 1]))] }), 'application/json'],
      [JSON.stringify({ inputs: Object.fromEntries(wide.map((c) => [c, [1]])) }), 'application/json'],
      [`${wide.join(',')}\n${wide.map(() => 1).join(',')}\n`, 'text/csv'],
    ];
    for (const [body, type] of bodies) {
      const r = await post(body, type);
      expect(r.status).toBe(413);
      expect(((await r.json()) as { message: string }).message).toMatch(/the request has \d+ columns, more than the limit of 1000/);
    }
    await expectUp();
  });

  it('slow clients are cut off by the request timeout (2 s here), many at once, while others are served', async () => {
    const slowBody = (): Promise<RawResult> =>
      raw(`POST /invocations HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n`, async (sock, closed) => {
        for (let k = 0; k < 200 && !closed(); k++) {
          sock.write('1');
          await sleep(50);
        }
      });
    const slowHeaders = (): Promise<RawResult> =>
      raw('POST /invocations HTTP/1.1\r\n', async (sock, closed) => {
        for (let k = 0; k < 200 && !closed(); k++) {
          sock.write(`X-Slow-${k}: 1\r\n`);
          await sleep(50);
        }
      });
    const t0 = Date.now();
    const clients = [...Array.from({ length: 20 }, slowBody), ...Array.from({ length: 20 }, slowHeaders)];
    // Meanwhile, ordinary requests are answered.
    for (let k = 0; k < 5; k++) {
      const r = await post(JSON.stringify({ dataframe_split: { columns, data: rows } }));
      expect(r.status).toBe(200);
      await sleep(100);
    }
    const results = await Promise.all(clients);
    for (const res of results) {
      expect(res.closedAfterMs).toBeLessThan(8_000);
      if (res.status !== null) expect(res.status).toBe(408);
    }
    expect(Date.now() - t0).toBeLessThan(10_000);
    await expectUp();
  });

  it('the server never crashed, and its memory stayed bounded (RSS growth < 300 MB)', async () => {
    await expectUp();
    clearInterval(sampler);
    const base = rss[0]!;
    const peak = Math.max(...rss);
    const last = rssMb(server.child.pid!) ?? base;
    // The figure for bench/serve/RESULTS.md.
    console.log(`automl serve RSS over the hostile run: start ${base.toFixed(0)} MB, peak ${peak.toFixed(0)} MB (+${(peak - base).toFixed(0)} MB), end ${last.toFixed(0)} MB`);
    if (base > 0) expect(peak - base).toBeLessThan(300);
    server.child.kill('SIGTERM');
    const end = await server.done;
    expect(end.code, end.stderr).toBe(0);
    expect(end.stderr).not.toMatch(/internal error|\n\s+at /);
  });
});
