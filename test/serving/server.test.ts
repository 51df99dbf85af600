/**
 * Issue 18, item 4: `automl serve`. Every endpoint, every input format MLflow clients send, class
 * probabilities, metadata, Prometheus metrics, the drift ring buffer, and a 4xx naming the row and
 * column for each kind of bad request (Fastify's inject: no sockets). Real sockets, predict
 * threads and the SIGTERM drain are in server-process.test.ts.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FittedModel } from '../../src/serving/model-file.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, PACKAGE_VERSION, serve, type ServeApp } from '../../src/serving/server.js';
import { RecentRows } from '../../src/serving/http-recent.js';
import { datasetFromRows } from '../../src/data/index.js';
import { fitModel, irisModel, mixedModel, mixedRows, regressionModel, waveRows } from './server-fixture.js';

const IRIS_COLS = ['sepal length (cm)', 'sepal width (cm)', 'petal length (cm)', 'petal width (cm)'];
const IRIS_ROWS = [
  [5.1, 3.5, 1.4, 0.2],
  [6.4, 3.2, 4.5, 1.5],
  [6.3, 3.3, 6.0, 2.5],
];
const records = (cols: string[], rows: unknown[][]): Record<string, unknown>[] => rows.map((r) => Object.fromEntries(cols.map((c, j) => [c, r[j]])));

let iris: FittedModel;
let mixed: FittedModel;
let reg: FittedModel;
let app: ServeApp;
let mixedApp: ServeApp;
let regApp: ServeApp;

beforeAll(async () => {
  [iris, mixed, reg] = await Promise.all([irisModel(), mixedModel(), regressionModel()]);
  app = createServer(iris, { workers: 0, driftWindow: 5, maxRows: 1000, maxBodyBytes: 1024 * 1024 });
  mixedApp = createServer(mixed, { workers: 0 });
  regApp = createServer(reg, { workers: 0 });
});
afterAll(async () => {
  await Promise.all([app?.close(), mixedApp?.close(), regApp?.close()]);
});

const post = (a: ServeApp, payload: unknown, opts: { type?: string; query?: string } = {}) =>
  a.inject({
    method: 'POST',
    url: `/invocations${opts.query ?? ''}`,
    headers: { 'content-type': opts.type ?? 'application/json' },
    payload: typeof payload === 'string' || Buffer.isBuffer(payload) ? payload : JSON.stringify(payload),
  });

describe('endpoints', () => {
  it('GET /ping, /health and /version answer 200', async () => {
    const ping = await app.inject({ method: 'GET', url: '/ping' });
    expect(ping.statusCode).toBe(200);
    const health = await app.inject({ method: 'GET', url: '/health' });
    expect(health.statusCode).toBe(200);
    expect(health.json()).toEqual({ status: 'ok' });
    const version = await app.inject({ method: 'GET', url: '/version' });
    expect(version.statusCode).toBe(200);
    expect(version.body).toBe(PACKAGE_VERSION);
    expect(PACKAGE_VERSION).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('GET /metadata gives the input schema, classes, task, metric, scores and the model family', async () => {
    const m = (await mixedApp.inject({ method: 'GET', url: '/metadata' })).json();
    expect(m.task).toBe('classification');
    expect(m.target).toBe('buy');
    expect(m.classes).toEqual(['no_buy', 'yes_buy']);
    expect(m.metric).toBe('accuracy');
    expect(m.cvScore).toBe(0.95);
    expect(m.testScore).toBe(0.9);
    expect(m.inputSchema).toEqual([
      { name: 'size', type: 'numeric' },
      { name: 'color', type: 'categorical', categories: ['blue', 'green', 'red'] },
      { name: 'member', type: 'boolean' },
    ]);
    expect(m.model.ensemble).toBe(false);
    expect(m.model.members[0]).toMatchObject({ trial: 3, weight: 1, family: 'decision_tree' });
    expect(m.server).toMatchObject({ version: PACKAGE_VERSION, workers: 0, maxRows: 100_000, driftWindow: 1000 });
  });

  it('an unknown endpoint is a JSON 404', async () => {
    const r = await app.inject({ method: 'GET', url: '/nope?x=1' });
    expect(r.statusCode).toBe(404);
    expect(r.json()).toMatchObject({ error_code: 'ENDPOINT_NOT_FOUND' });
    expect(r.json().message).toContain('/nope');
  });
});

describe('POST /invocations formats', () => {
  it('dataframe_split, dataframe_records, instances (records, arrays), inputs (columns) and CSV agree with in-process predict', async () => {
    const expected = iris.predict(records(IRIS_COLS, IRIS_ROWS));
    const bodies: [unknown, string?][] = [
      [{ dataframe_split: { columns: IRIS_COLS, data: IRIS_ROWS } }],
      [{ dataframe_split: { index: [0, 1, 2], columns: [...IRIS_COLS].reverse(), data: IRIS_ROWS.map((r) => [...r].reverse()) } }],
      [{ dataframe_records: records(IRIS_COLS, IRIS_ROWS) }],
      [{ instances: records(IRIS_COLS, IRIS_ROWS) }],
      [{ instances: IRIS_ROWS }],
      [{ inputs: Object.fromEntries(IRIS_COLS.map((c, j) => [c, IRIS_ROWS.map((r) => r[j])])) }],
      [`${IRIS_COLS.map((c) => `"${c}"`).join(',')},extra\n${IRIS_ROWS.map((r) => `${r.join(',')},x`).join('\r\n')}\n`, 'text/csv'],
      [{ dataframe_split: { columns: IRIS_COLS, data: IRIS_ROWS.map((r) => r.map(String)) } }],
    ];
    for (const [body, type] of bodies) {
      const r = await post(app, body, { type });
      expect(r.statusCode, r.body).toBe(200);
      expect(r.json()).toEqual({ predictions: expected });
    }
  });

  it('content types with parameters (charset) are accepted', async () => {
    const r = await post(app, { instances: IRIS_ROWS }, { type: 'application/json; charset=utf-8' });
    expect(r.statusCode).toBe(200);
    const csv = await post(app, `${IRIS_COLS.map((c) => `"${c}"`).join(',')}\n${IRIS_ROWS[0]!.join(',')}\n`, { type: 'text/csv; charset=utf-8' });
    expect(csv.statusCode, csv.body).toBe(200);
  });

  it('instances of single values for a one-column model', async () => {
    const one = await fitModel(datasetFromRows(mixedRows().map((r) => ({ size: r.size, buy: r.buy })), { target: 'buy' }), { type: 'decision_tree' });
    const a = createServer(one, { workers: 0 });
    const r = await post(a, { instances: [1, 9.5, null] });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().predictions).toEqual(one.predict([{ size: 1 }, { size: 9.5 }, { size: null }]));
    const wide = await post(app, { instances: [1, 2] });
    expect(wide.statusCode).toBe(400);
    expect(wide.json().message).toMatch(/single value, but the model needs 4 columns/);
    await a.close();
  });

  it('numeric, categorical and boolean columns; an unseen category predicts as unseen and is counted', async () => {
    const rows = mixedRows().slice(0, 20).map(({ buy: _, ...r }) => r);
    const r = await post(mixedApp, { dataframe_records: rows });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().predictions).toEqual(mixed.predict(rows));
    const odd = await post(mixedApp, { dataframe_records: [{ size: 3, color: 'purple', member: true }, { size: '4.5', color: ' red ', member: 'Y' }] });
    expect(odd.statusCode, odd.body).toBe(200);
    expect(odd.json().predictions).toEqual(mixed.predict([{ size: 3, color: 'purple', member: 'yes' }, { size: 4.5, color: 'red', member: 'yes' }]));
    const metrics = (await mixedApp.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/^automl_serve_unseen_category_cells_total 1$/m);
  });

  it('missing values: null, absent keys and the CSV missing tokens ("NaN", "NA", "") read as missing; infinities too, and are counted', async () => {
    const base = { size: null, color: 'red', member: 'no' };
    const expected = mixed.predict([base])[0];
    for (const size of [null, 'NaN', 'nan', 'NA', '', '?', 'null', 'Infinity', '-inf', 1e400]) {
      const r = await post(mixedApp, { dataframe_records: [{ ...base, size }] });
      expect(r.statusCode, `${String(size)}: ${r.body}`).toBe(200);
      expect(r.json().predictions).toEqual([expected]);
    }
    const absent = await post(mixedApp, { dataframe_records: [{ color: 'red', member: 'no' }, { size: 1, color: 'red', member: 'no' }] });
    expect(absent.json().predictions[0]).toBe(expected);
    const metrics = (await mixedApp.inject({ method: 'GET', url: '/metrics' })).body;
    expect(metrics).toMatch(/^automl_serve_non_finite_cells_total 2$/m);
  });

  it('regression answers numbers', async () => {
    const row = { MYCT: 125, MMIN: 256, MMAX: 6000, CACH: 256, CHMIN: 16, CHMAX: 128 };
    const r = await post(regApp, { dataframe_records: [row] });
    expect(r.statusCode, r.body).toBe(200);
    expect(r.json().predictions[0]).toBeCloseTo(reg.predict([row])[0] as number, 9);
  });
});

describe('class probabilities', () => {
  it('on ?proba=true or params.proba, with the predictions; rows sum to 1', async () => {
    const expected = iris.predictProba(records(IRIS_COLS, IRIS_ROWS));
    for (const [body, query] of [
      [{ instances: IRIS_ROWS }, '?proba=true'],
      [{ instances: IRIS_ROWS, params: { proba: true } }, ''],
    ] as const) {
      const r = await post(app, body, { query });
      expect(r.statusCode, r.body).toBe(200);
      const out = r.json();
      expect(out.predictions).toEqual(iris.predict(records(IRIS_COLS, IRIS_ROWS)));
      out.probabilities.forEach((p: Record<string, number>, i: number) => {
        expect(Object.keys(p)).toEqual(iris.classes);
        for (const c of iris.classes!) expect(p[c]).toBeCloseTo(expected[i]![c]!, 12);
        expect(Object.values(p).reduce((a, b) => a + b, 0)).toBeCloseTo(1, 9);
      });
    }
    expect((await post(app, { instances: IRIS_ROWS }, { query: '?proba=false' })).json().probabilities).toBeUndefined();
  });

  it('proba on a regression model, or a proba that is not a boolean, is a 400', async () => {
    const r = await post(regApp, { instances: [[1, 2, 3, 4, 5, 6]] }, { query: '?proba=true' });
    expect(r.statusCode).toBe(400);
    expect(r.json().message).toMatch(/classification/);
    const q = await post(app, { instances: IRIS_ROWS, params: { proba: 'maybe' } });
    expect(q.statusCode).toBe(400);
    expect(q.json().message).toMatch(/params\.proba/);
  });
});

describe('prediction intervals', () => {
  it('?interval=0.9 or params.interval on a Gaussian process: intervals around the predictions', async () => {
    const gp = await fitModel(datasetFromRows(waveRows(), { target: 'y' }), { type: 'gaussian_process' }, 'r2');
    const rows = [[0.5], [2.5], [5.5]];
    const expected = gp.predictInterval(rows.map(([x]) => ({ x })), 0.9);
    const inline = createServer(gp, { workers: 0 });
    try {
      for (const [a, body, query] of [
        [inline, { instances: rows }, '?interval=0.9'],
        [inline, { instances: rows, params: { interval: 0.9 } }, ''],
      ] as const) {
        const r = await post(a, body, { query });
        expect(r.statusCode, r.body).toBe(200);
        const out = r.json();
        expect(out.coverage).toBe(0.9);
        expect(out.predictions).toEqual(gp.predict(rows.map(([x]) => ({ x }))));
        out.intervals.forEach((iv: { lower: number; upper: number }, i: number) => {
          expect(iv.lower).toBeCloseTo(expected[i]!.lower, 9);
          expect(iv.upper).toBeCloseTo(expected[i]!.upper, 9);
          expect(iv.lower).toBeLessThan(out.predictions[i]);
          expect(iv.upper).toBeGreaterThan(out.predictions[i]);
        });
      }
      // Bare ?interval is 95%; without it the answer is the plain one.
      const wide = (await post(inline, { instances: rows }, { query: '?interval' })).json();
      expect(wide.coverage).toBe(0.95);
      expect(wide.intervals[0].upper - wide.intervals[0].lower).toBeGreaterThan(expected[0]!.upper - expected[0]!.lower);
      expect(Object.keys((await post(inline, { instances: rows })).json())).toEqual(['predictions']);
      // /metadata says which extras each model gives.
      expect((await inline.inject({ method: 'GET', url: '/metadata' })).json()).toMatchObject({ probabilities: false, intervals: true });
      expect((await regApp.inject({ method: 'GET', url: '/metadata' })).json()).toMatchObject({ probabilities: false, intervals: false });
      expect((await app.inject({ method: 'GET', url: '/metadata' })).json()).toMatchObject({ probabilities: true, intervals: false });
      const bad = await post(inline, { instances: rows, params: { interval: 2 } });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().message).toMatch(/params\.interval must be the share .* between 0 and 1.*got 2$/);
    } finally {
      await inline.close();
    }
  });

  it('an interval from a model without a predictive distribution, or a classifier, is a 400 saying why', async () => {
    const r = await post(regApp, { instances: [[1, 2, 3, 4, 5, 6]] }, { query: '?interval=0.9' });
    expect(r.statusCode).toBe(400);
    expect(r.json().message).toMatch(/model 'ridge' has no predictive distribution.*gaussian_process/);
    const c = await post(app, { instances: IRIS_ROWS }, { query: '?interval' });
    expect(c.statusCode).toBe(400);
    expect(c.json().message).toMatch(/regression model/);
  });
});

describe('metrics and the drift window', () => {
  it('GET /metrics is Prometheus text with request counts, latency, rows and predictions per class', async () => {
    const a = createServer(iris, { workers: 0, processMetrics: false });
    await post(a, { instances: IRIS_ROWS });
    await post(a, { instances: [[1, 2, 3, 'x']] });
    await a.inject({ method: 'GET', url: '/ping' });
    const r = await a.inject({ method: 'GET', url: '/metrics' });
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toMatch(/^text\/plain/);
    const samples = new Map<string, number>();
    for (const line of r.body.split('\n')) {
      if (line === '' || line.startsWith('#')) continue;
      const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*(?:\{[^}]*\})?) (\S+)$/.exec(line);
      expect(m, line).not.toBeNull();
      samples.set(m![1]!, Number(m![2]));
      expect(Number.isNaN(Number(m![2]))).toBe(false);
    }
    expect(samples.get('automl_serve_requests_total{endpoint="/invocations",status="200"}')).toBe(1);
    expect(samples.get('automl_serve_requests_total{endpoint="/invocations",status="400"}')).toBe(1);
    expect(samples.get('automl_serve_requests_total{endpoint="/ping",status="200"}')).toBe(1);
    expect(samples.get('automl_serve_rows_predicted_total')).toBe(3);
    const predicted = iris.predict(records(IRIS_COLS, IRIS_ROWS));
    for (const c of iris.classes!) expect(samples.get(`automl_serve_predictions_total{class="${c}"}`)).toBe(predicted.filter((p) => p === c).length);
    expect(samples.get('automl_serve_request_duration_seconds_count{endpoint="/invocations"}')).toBe(2);
    expect(samples.get('automl_serve_request_duration_seconds_bucket{le="+Inf",endpoint="/invocations"}')).toBe(2);
    await a.close();
  });

  it('keeps the last driftWindow rows and their predictions, oldest first', async () => {
    const a = createServer(iris, { workers: 0, driftWindow: 4 });
    const batches = [IRIS_ROWS, [[7, 3, 6, 2]], IRIS_ROWS];
    for (const b of batches) expect((await post(a, { instances: b })).statusCode).toBe(200);
    const snap = a.automl.recent.snapshot();
    const all = batches.flat();
    const last = all.slice(-4);
    expect(snap.seen).toBe(7);
    expect(snap.table.nRows).toBe(4);
    expect(Array.from(snap.table.columns[0]!)).toEqual(last.map((r) => r[0]));
    expect(Array.from(snap.predictions, (k) => iris.classes![k])).toEqual(iris.predict(records(IRIS_COLS, last)));
    await a.close();
  });

  it('the ring buffer wraps, takes only the tail of a batch larger than itself, and holds categorical codes', () => {
    const schema = [{ name: 'x', type: 'numeric' as const }, { name: 'c', type: 'categorical' as const, categories: ['a', 'b'] }];
    const ring = new RecentRows(schema, 3);
    const push = (xs: number[]) => ring.push({ nRows: xs.length, features: schema, columns: [Float64Array.from(xs), Int32Array.from(xs, (x) => x % 2)], notes: [] }, xs.map((x) => x * 10));
    push([1, 2]);
    push([3, 4]);
    expect(Array.from(ring.snapshot().table.columns[0]!)).toEqual([2, 3, 4]);
    push([5, 6, 7, 8, 9]);
    const s = ring.snapshot();
    expect(Array.from(s.table.columns[0]!)).toEqual([7, 8, 9]);
    expect(s.table.columns[1]).toBeInstanceOf(Int32Array);
    expect(Array.from(s.table.columns[1]!)).toEqual([1, 0, 1]);
    expect(Array.from(s.predictions)).toEqual([70, 80, 90]);
    expect(s.seen).toBe(9);
    const empty = new RecentRows(schema, 0);
    empty.push({ nRows: 1, features: schema, columns: [Float64Array.of(1), Int32Array.of(0)], notes: [] }, [0]);
    expect(empty.snapshot().table.nRows).toBe(0);
  });
});

describe('bad requests: a 4xx naming the row and column, and the server stays up', () => {
  const cases: { name: string; body: unknown; type?: string; status: number; message: RegExp; row?: number; column?: string }[] = [
    { name: 'malformed JSON', body: '{"instances": [1, 2,, 3]}', status: 400, message: /malformed JSON: .*(position|not valid JSON)/ },
    { name: 'truncated JSON', body: '{"dataframe_split": {"columns": ["a"], "data": [[1', status: 400, message: /malformed JSON/ },
    { name: 'empty JSON body', body: '', status: 400, message: /malformed JSON: the body is empty|empty/ },
    { name: 'prototype poisoning', body: '{"instances": [], "__proto__": {"x": 1}}', status: 400, message: /__proto__/ },
    { name: 'top-level array', body: [[1, 2, 3, 4]], status: 400, message: /expected a JSON object/ },
    { name: 'unknown format key', body: { dataframe: { columns: IRIS_COLS, data: IRIS_ROWS } }, status: 400, message: /unknown key "dataframe".*dataframe_split/ },
    { name: 'no format key', body: { params: {} }, status: 400, message: /no input/ },
    { name: 'two format keys', body: { instances: IRIS_ROWS, dataframe_records: [] }, status: 400, message: /only one of/ },
    { name: 'empty instances', body: { instances: [] }, status: 400, message: /no rows/ },
    { name: 'empty data', body: { dataframe_split: { columns: IRIS_COLS, data: [] } }, status: 400, message: /no rows/ },
    { name: 'string in a numeric column', body: { dataframe_split: { columns: IRIS_COLS, data: [IRIS_ROWS[0], [1, 2, 'abc', 4]] } }, status: 400, message: /row 1 \(dataframe_split\.data\[1\]\), column "petal length \(cm\)": expected a number, got "abc"/, row: 1, column: 'petal length (cm)' },
    { name: 'object cell', body: { dataframe_records: [records(IRIS_COLS, IRIS_ROWS)[0], { ...records(IRIS_COLS, IRIS_ROWS)[0], 'sepal width (cm)': { v: 1 } }] }, status: 400, message: /row 1 .*"sepal width \(cm\)": expected a number, got an object/, row: 1, column: 'sepal width (cm)' },
    { name: 'array cell', body: { instances: [[1, 2, 3, [4]]] }, status: 400, message: /row 0 .*"petal width \(cm\)".*got an array/, row: 0, column: 'petal width (cm)' },
    { name: 'boolean in a numeric column', body: { instances: [[1, true, 3, 4]] }, status: 400, message: /expected a number, got true/, row: 0, column: 'sepal width (cm)' },
    { name: 'missing columns, named', body: { dataframe_records: [{ 'sepal length (cm)': 1, 'sepal width (cm)': 2, 'petal length cm': 3 }] }, status: 400, message: /missing columns the model needs: "petal length \(cm\)" \(found "petal length cm"\?\), "petal width \(cm\)"/, column: 'petal length (cm)' },
    { name: 'ragged dataframe_split row', body: { dataframe_split: { columns: IRIS_COLS, data: [IRIS_ROWS[0], [1, 2, 3]] } }, status: 400, message: /row 1 .* has 3 values, expected 4/, row: 1 },
    { name: 'instances row of the wrong width', body: { instances: [[1, 2, 3, 4], [1, 2, 3, 4, 5]] }, status: 400, message: /row 1 .*expected 4.*model's order/, row: 1 },
    { name: 'record that is not an object', body: { dataframe_records: [records(IRIS_COLS, IRIS_ROWS)[0], 5] }, status: 400, message: /row 1 .*must be an object/, row: 1 },
    { name: 'duplicate column', body: { dataframe_split: { columns: [...IRIS_COLS, IRIS_COLS[0]], data: [[1, 2, 3, 4, 5]] } }, status: 400, message: /twice/ },
    { name: 'unknown dataframe_split key', body: { dataframe_split: { columns: IRIS_COLS, data: IRIS_ROWS, dtypes: {} } }, status: 400, message: /unknown key "dtypes"/ },
    { name: 'deep nesting', body: `{"instances": ${'['.repeat(100_000)}${']'.repeat(100_000)}}`, status: 400, message: /row 0 .*got an array|expected/ },
    { name: 'too many rows', body: { instances: Array.from({ length: 1001 }, () => [1, 2, 3, 4]) }, status: 413, message: /1001 rows, more than the limit of 1000/ },
    { name: 'too many columns', body: { dataframe_split: { columns: Array.from({ length: 10_000 }, (_, j) => `c${j}`), data: [Array.from({ length: 10_000 }, () => 0)] } }, status: 413, message: /10000 columns/ },
    { name: 'body over the limit', body: { instances: [[1, 2, 3, 'x'.repeat(1024 * 1024)]] }, status: 413, message: /larger than the limit of 1048576 bytes/ },
    { name: 'CSV with a ragged line', body: `${IRIS_COLS.map((c) => `"${c}"`).join(',')}\n1,2,3,4\n1,2,3\n`, type: 'text/csv', status: 400, message: /line 3 has 3 fields/, row: 3 },
    { name: 'CSV with a bad value', body: `${IRIS_COLS.map((c) => `"${c}"`).join(',')}\n1,2,3,4\n1,2,x,4\n`, type: 'text/csv', status: 400, message: /row 1 \(line 3\), column "petal length \(cm\)": expected a number, got "x"/, row: 1, column: 'petal length (cm)' },
    { name: 'CSV header only', body: `${IRIS_COLS.map((c) => `"${c}"`).join(',')}\n`, type: 'text/csv', status: 400, message: /no data rows/ },
    { name: 'unsupported content type', body: 'a=1', type: 'application/x-www-form-urlencoded', status: 415, message: /unsupported Content-Type.*text\/csv/ },
    { name: 'text/plain', body: '1,2,3,4', type: 'text/plain', status: 415, message: /unsupported Content-Type/ },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const r = await post(app, c.body, { type: c.type });
      expect(r.statusCode, r.body.slice(0, 300)).toBe(c.status);
      const body = r.json();
      expect(body.error_code).toBe(c.status === 413 ? 'RESOURCE_LIMIT_EXCEEDED' : 'BAD_REQUEST');
      expect(body.message).toMatch(c.message);
      if (c.row !== undefined) expect(body.row).toBe(c.row);
      if (c.column !== undefined) expect(body.column).toBe(c.column);
      expect((await app.inject({ method: 'GET', url: '/ping' })).statusCode).toBe(200);
    });
  }

  it('boolean and categorical columns refuse values of the wrong kind', async () => {
    const bool = await post(mixedApp, { dataframe_records: [{ size: 1, color: 'red', member: 'maybe' }] });
    expect(bool.statusCode).toBe(400);
    expect(bool.json()).toMatchObject({ row: 0, column: 'member' });
    expect(bool.json().message).toMatch(/expected true or false.*got "maybe"/);
    const cat = await post(mixedApp, { dataframe_records: [{ size: 1, color: ['red'], member: true }] });
    expect(cat.statusCode).toBe(400);
    expect(cat.json()).toMatchObject({ row: 0, column: 'color' });
  });

  it('a POST without a body is a 400', async () => {
    const r = await app.inject({ method: 'POST', url: '/invocations' });
    expect(r.statusCode).toBe(400);
    expect(r.json().error_code).toBe('BAD_REQUEST');
  });
});

describe('a real socket', () => {
  it('serve() loads the model file, listens on a free port, answers fetch, and close() stops it', async () => {
    const file = join(mkdtempSync(join(tmpdir(), 'automl-serve-')), 'iris.model.json');
    await iris.save(file);
    const running = await serve(file, { port: 0, workers: 0, handleSignals: false });
    try {
      expect(running.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect((await fetch(`${running.url}/ping`)).status).toBe(200);
      expect(await (await fetch(`${running.url}/version`)).text()).toBe(PACKAGE_VERSION);
      const r = await fetch(`${running.url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ dataframe_split: { columns: IRIS_COLS, data: IRIS_ROWS } }) });
      expect(r.status).toBe(200);
      expect(await r.json()).toEqual({ predictions: iris.predict(records(IRIS_COLS, IRIS_ROWS)) });
      const csv = await fetch(`${running.url}/invocations?proba=true`, { method: 'POST', headers: { 'content-type': 'text/csv' }, body: `${IRIS_COLS.map((c) => `"${c}"`).join(',')}\n${IRIS_ROWS[0]!.join(',')}\n` });
      expect(((await csv.json()) as { probabilities: unknown[] }).probabilities).toHaveLength(1);
      const bad = await fetch(`${running.url}/invocations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"instances": [[1, 2' });
      expect(bad.status).toBe(400);
      expect(((await bad.json()) as { error_code: string }).error_code).toBe('BAD_REQUEST');
    } finally {
      await running.close();
    }
    await running.closed;
    await expect(fetch(`${running.url}/ping`)).rejects.toThrow();
  });
});
