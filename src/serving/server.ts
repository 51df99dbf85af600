/**
 * `automl serve`: an HTTP scoring server on Fastify whose endpoints match MLflow's scoring server
 * (`GET /ping`, `/health`, `/version`, `POST /invocations`), so existing MLflow clients work,
 * plus `GET /metadata` and Prometheus `GET /metrics`.
 *
 * Requests are data: bodies are size-limited before parsing, checked cell by cell against the
 * model's schema, and refused with a 4xx naming the row and column; the server stays up. Large
 * batches are predicted in worker threads (see `http-predictor.ts`). The last rows predicted are
 * kept in a ring buffer ({@link ServeState.recent}) for drift monitoring.
 */
import { createServer as createHttpServer } from 'node:http';
import { readFileSync } from 'node:fs';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { loadModel, type FittedModel } from './model-file.js';
import { HttpInputError, parseCsvInput, parseJsonInput, wantsInterval, wantsProba, type InputLimits } from './http-input.js';
import { DEFAULT_DRIFT_INTERVAL_MS, DEFAULT_DRIFT_MIN_ROWS, DriftGauges, ServeMetrics, type DriftGaugeOptions } from './http-metrics.js';
import { defaultPredictWorkers, Predictor, QueueFullError } from './http-predictor.js';
import { RecentRows } from './http-recent.js';
import type { PredictResult } from './http-predict.js';

/** Options of {@link createServer}. */
export interface ServerOptions {
  /** The model's file: predict threads load it from here (else they get `model.toJSON()`). */
  readonly modelPath?: string;
  /** Largest request body in bytes; larger ones get 413 without being read. Default 10 MiB. */
  readonly maxBodyBytes?: number;
  /** Most rows in one request (413 beyond). Default 100,000. */
  readonly maxRows?: number;
  /** Most columns in one request (413 beyond). Default max(1,000, 2 x the model's columns). */
  readonly maxColumns?: number;
  /** Predict threads for large batches; 0 predicts on the event loop. Default: cores - 1, 1 to 4. */
  readonly workers?: number;
  /** Batches of at most this many rows are predicted inline. Default: calibrated on the model at start (about 1 ms of work). */
  readonly inlineRows?: number;
  /** Rows kept for drift monitoring (the last N predicted). Default 1,000. */
  readonly driftWindow?: number;
  /** Drift gauges on /metrics over the window (fewest rows, cache interval, thresholds); ignored for a model without a training profile. */
  readonly drift?: DriftGaugeOptions;
  /** Time a client has to send a whole request (headers and body) before 408 and close. Default 30 s. */
  readonly requestTimeoutMs?: number;
  /** Time a client has to send the headers. Default 10 s (at most requestTimeoutMs). */
  readonly headersTimeoutMs?: number;
  /** A socket with no traffic at all for this long is closed. Default 120 s. */
  readonly idleTimeoutMs?: number;
  /** Also export Node's process metrics (memory, CPU, event-loop lag) on /metrics. Default true. */
  readonly processMetrics?: boolean;
}

/** What a server holds, reachable as `app.automl` (for tests, the drift monitor and the CLI). */
export interface ServeState {
  readonly model: FittedModel;
  readonly predictor: Predictor;
  readonly metrics: ServeMetrics;
  /** Drift hook: the last `driftWindow` rows predicted, with their predictions. */
  readonly recent: RecentRows;
  /** The drift gauges of /metrics; null when the model file has no training profile (older than version 3). */
  readonly drift: DriftGauges | null;
  readonly limits: InputLimits & { readonly maxBodyBytes: number };
  /** The body of GET /metadata. */
  readonly metadata: Record<string, unknown>;
}

/** The Fastify instance `createServer` returns, with the server's state. */
export type ServeApp = FastifyInstance & { readonly automl: ServeState };

/** automl's package version, answered by GET /version. */
export const PACKAGE_VERSION: string = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;

/** Default largest request body: 10 MiB, about 40,000 rows of 30 numbers as JSON. */
export const DEFAULT_MAX_BODY_BYTES = 10 * 1024 * 1024;
/** Default most rows per request. */
export const DEFAULT_MAX_ROWS = 100_000;
/** Default drift window in rows. */
export const DEFAULT_DRIFT_WINDOW = 1000;

/**
 * Builds the server (not listening yet: call `listen`, or `inject` in tests). Closing it waits for
 * the requests in flight, then stops the predict threads.
 * @throws AutomlError E_CONFIG when worker threads are asked for and dist/ is not built.
 */
export function createServer(model: FittedModel, options: ServerOptions = {}): ServeApp {
  const schema = model.info.features;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  const limits = { maxRows: options.maxRows ?? DEFAULT_MAX_ROWS, maxColumns: options.maxColumns ?? Math.max(1000, 2 * schema.length), maxBodyBytes };
  const requestTimeout = options.requestTimeoutMs ?? 30_000;
  const headersTimeout = Math.min(options.headersTimeoutMs ?? 10_000, requestTimeout);
  const app = Fastify({
    logger: false,
    bodyLimit: maxBodyBytes,
    requestTimeout,
    connectionTimeout: options.idleTimeoutMs ?? 120_000,
    // Node checks request and header timeouts on this interval (30 s by default, too coarse for a 10 s limit).
    http: { requestTimeout, headersTimeout, connectionsCheckingInterval: Math.max(100, Math.min(1000, headersTimeout / 4)) },
    serverFactory: (handler, opts) => createHttpServer((opts as { http: object }).http, handler),
    return503OnClosing: true,
  });
  // With a serverFactory Fastify leaves the socket timeouts to us.
  app.server.requestTimeout = requestTimeout;
  app.server.headersTimeout = headersTimeout;
  app.server.setTimeout(options.idleTimeoutMs ?? 120_000);

  const predictor = new Predictor(model, { workers: options.workers ?? defaultPredictWorkers(), ...(options.inlineRows !== undefined ? { inlineRows: options.inlineRows } : {}), ...(options.modelPath !== undefined ? { modelPath: options.modelPath } : {}) });
  const metrics = new ServeMetrics(model.classes, options.processMetrics ?? true);
  const recent = new RecentRows(schema, options.driftWindow ?? DEFAULT_DRIFT_WINDOW);
  const drift = model.profile !== null ? new DriftGauges(metrics.registry, model, recent, options.drift) : null;
  const metadata = describeModel(model, { version: PACKAGE_VERSION, workers: predictor.workers, inlineRows: Number.isFinite(predictor.inlineRows) ? predictor.inlineRows : null, ...limits, driftWindow: recent.capacity });
  metadata['drift'] = drift
    ? { available: true, window: recent.capacity, minRows: options.drift?.minRows ?? DEFAULT_DRIFT_MIN_ROWS, intervalMs: options.drift?.intervalMs ?? DEFAULT_DRIFT_INTERVAL_MS }
    : { available: false, reason: `the model file has no training profile (${model.fileVersion !== null ? `file version ${model.fileVersion}` : 'a model built without one'}; profiles came with model-file version 3): refit the model with automl search or resume to monitor drift` };
  const state: ServeState = { model, predictor, metrics, recent, drift, limits, metadata };
  app.decorate('automl', state);

  // A client that asks before sending (Expect: 100-continue, as curl does for bodies over 1 MB) learns
  // of a body over the limit without sending it; others are cut off at the limit by Fastify.
  app.server.on('checkContinue', (req, res) => {
    if (Number(req.headers['content-length']) > maxBodyBytes) {
      res.writeHead(413, { 'content-type': 'application/json; charset=utf-8', connection: 'close' });
      res.end(JSON.stringify(tooLargeBody(maxBodyBytes)));
      metrics.answered(req.url?.split('?')[0] === '/invocations' ? '/invocations' : 'not_found', 413, 0);
      return;
    }
    res.writeContinue();
    app.server.emit('request', req, res);
  });
  // text/plain is not an input format; dropping its parser makes Fastify answer 415 for it.
  app.removeContentTypeParser(['text/plain', 'application/json']);
  app.addContentTypeParser('text/csv', { parseAs: 'buffer' }, (_req, body, done) => done(null, body));
  // Fastify's JSON parser (which refuses __proto__ and constructor.prototype keys), but saying where the JSON breaks.
  const fastifyJson = app.getDefaultJsonParser('error', 'error');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    fastifyJson(request, body as string, (error, parsed) => {
      if (error === null || error === undefined) return done(null, parsed);
      done(new HttpInputError(400, 'BAD_REQUEST', `malformed JSON: ${jsonProblem(body as string)}`), undefined);
    });
  });

  app.addHook('onRequest', async (_request, reply) => {
    metrics.inFlightNow++;
    // 'close' fires once per response, finished or cut off, so the count cannot drift.
    reply.raw.once('close', () => metrics.inFlightNow--);
  });
  app.addHook('onResponse', async (request, reply) => {
    metrics.answered(request.routeOptions.url ?? 'not_found', reply.statusCode, reply.elapsedTime / 1000);
  });
  app.setErrorHandler((error, _request, reply) => sendError(reply, error, limits.maxBodyBytes));
  app.setNotFoundHandler((request, reply) => {
    void reply.code(404).send({ error_code: 'ENDPOINT_NOT_FOUND', message: `no endpoint ${request.method} ${request.url.split('?')[0]}; see GET /metadata, POST /invocations` });
  });
  app.addHook('onClose', async () => predictor.close());

  app.get('/ping', async (_req, reply) => reply.type('application/json').send('\n'));
  app.get('/health', async () => ({ status: 'ok' }));
  app.get('/version', async (_req, reply) => reply.type('text/plain; charset=utf-8').send(PACKAGE_VERSION));
  app.get('/metadata', async () => metadata);
  app.get('/metrics', async (_req, reply) => {
    try {
      drift?.update();
    } catch (e) {
      // A failed drift computation must not take the other metrics down: they are still served.
      process.stderr.write(`automl serve: drift on /metrics failed: ${e instanceof Error ? e.message : String(e)}\n`);
    }
    return reply.type(metrics.registry.contentType).send(await metrics.text());
  });
  app.post('/invocations', async (request, reply) => invoke(state, request, reply));
  // decorate() has added the property; Fastify's types do not track it.
  return app as unknown as ServeApp;
}

async function invoke(state: ServeState, request: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  const { model, predictor, metrics, recent, limits } = state;
  const body = request.body;
  if (body === undefined || body === null) throw new HttpInputError(400, 'BAD_REQUEST', 'the request has no body: send JSON (Content-Type: application/json) or CSV (Content-Type: text/csv)');
  const input = Buffer.isBuffer(body) ? parseCsvInput(body, model.info.features, limits) : parseJsonInput(body, model.info.features, limits);
  // The parsed body (about 5x the typed table's size) is garbage now; under load, hundreds of
  // requests wait for a predict thread, so let it go before waiting.
  request.body = undefined;
  const proba = wantsProba(request.query, input.params);
  if (proba && model.classes === null) throw new HttpInputError(400, 'BAD_REQUEST', 'proba needs a classification model; this model does regression');
  const interval = wantsInterval(request.query, input.params);
  if (interval !== null) {
    const why = model.distributionProblem();
    if (why) throw new HttpInputError(400, 'BAD_REQUEST', why);
  }
  let result: PredictResult;
  try {
    result = await predictor.run(input.table, proba, interval);
  } catch (e) {
    if (e instanceof QueueFullError) throw new HttpInputError(503, 'TEMPORARILY_UNAVAILABLE', e.message);
    throw e;
  }
  metrics.predicted(result.encoded);
  if (input.unseen > 0) metrics.unseen.inc(input.unseen);
  if (input.nonFinite > 0) metrics.nonFinite.inc(input.nonFinite);
  recent.push(input.table, result.encoded);
  const classes = model.classes;
  const predictions = classes === null ? Array.from(result.encoded) : Array.from(result.encoded, (k) => classes[k]!);
  if (interval !== null && result.lower && result.upper) {
    const { lower, upper } = result;
    return reply.send({ predictions, coverage: interval, intervals: Array.from(lower, (lo, i) => ({ lower: lo, upper: upper[i]! })) });
  }
  if (!result.proba || classes === null) return reply.send({ predictions });
  const p = result.proba;
  const probabilities = predictions.map((_, i) => {
    const row: Record<string, number> = {};
    for (let k = 0; k < classes.length; k++) row[classes[k]!] = p[i * classes.length + k]!;
    return row;
  });
  return reply.send({ predictions, probabilities });
}

function tooLargeBody(maxBodyBytes: number): { error_code: 'RESOURCE_LIMIT_EXCEEDED'; message: string } {
  return { error_code: 'RESOURCE_LIMIT_EXCEEDED', message: `the request body is larger than the limit of ${maxBodyBytes} bytes (--max-body); split the batch` };
}

/** Why a body Fastify's JSON parser refused is not acceptable JSON (only run on refused bodies). */
function jsonProblem(text: string): string {
  if (text.length === 0) return 'the body is empty';
  try {
    JSON.parse(text);
  } catch (e) {
    return (e as Error).message;
  }
  return 'a "__proto__" or "constructor.prototype" key is not allowed';
}

/** Fastify's own errors (body limit, bad JSON, media type) and ours, as MLflow-style JSON. */
function sendError(reply: FastifyReply, error: unknown, maxBodyBytes: number): FastifyReply {
  if (error instanceof HttpInputError) return reply.code(error.status).send(error.body());
  const e = error as { code?: string; statusCode?: number; message?: string };
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (e.code === 'FST_ERR_CTP_BODY_TOO_LARGE') {
    return reply.code(413).send(tooLargeBody(maxBodyBytes));
  }
  if (e.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    return reply.code(415).send({ error_code: 'BAD_REQUEST', message: `unsupported Content-Type ${JSON.stringify(reply.request.headers['content-type'] ?? '')}: send application/json (dataframe_split, dataframe_records, instances) or text/csv` });
  }
  if (status >= 400 && status < 500) {
    return reply.code(status).send({ error_code: 'BAD_REQUEST', message: e.message ?? 'bad request' });
  }
  process.stderr.write(`automl serve: internal error on ${reply.request.method} ${reply.request.url}: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  return reply.code(500).send({ error_code: 'INTERNAL_ERROR', message: `the server failed to answer: ${e.message ?? 'unknown error'}` });
}

/** The body of GET /metadata: what a client needs to build a request, and where the model came from. */
function describeModel(model: FittedModel, server: Record<string, unknown>): Record<string, unknown> {
  const info = model.info;
  return {
    task: info.task,
    target: info.target,
    classes: info.classes,
    metric: info.metric,
    cvScore: info.cvScore,
    testScore: info.testScore,
    study: info.study,
    trial: info.trial,
    inputSchema: info.features.map((c) => ({ name: c.name, type: c.type, ...(c.categories ? { categories: c.categories } : {}) })),
    model: {
      ensemble: model.isEnsemble,
      // One toJSON per member at start: the pipeline's configuration (family, preprocessing, hyperparameters).
      members: model.members.map((m) => {
        const config = m.pipeline.toJSON().config;
        return { trial: m.trial, weight: m.weight, family: config.model.type, config };
      }),
    },
    formats: ['dataframe_split', 'dataframe_records', 'instances', 'inputs', 'text/csv'],
    // What /invocations can add to the predictions: ?proba=true, ?interval=<coverage>.
    probabilities: info.task === 'classification',
    intervals: model.distributionProblem() === null,
    server,
  };
}

/** Options of {@link serve}. */
export interface ServeOptions extends Omit<ServerOptions, 'modelPath'> {
  /** Address to bind. Default 127.0.0.1 (loopback only); 0.0.0.0 or :: to accept other machines. */
  readonly host?: string;
  /** Port; 0 picks a free one. Default 8080. */
  readonly port?: number;
  /** Drain and stop on SIGTERM and SIGINT (a second signal exits at once with 130). Default true. */
  readonly handleSignals?: boolean;
  /** Longest a drain waits for requests in flight before it cuts their connections. Default 30 s. */
  readonly drainTimeoutMs?: number;
  /** Told when a drain starts (the signal's name and the requests in flight). */
  readonly onDrain?: (signal: string, inFlight: number) => void;
}

/** A listening server. */
export interface RunningServer {
  readonly app: ServeApp;
  /** `http://host:port`, with the port actually bound. */
  readonly url: string;
  /** Drains the requests in flight and stops; resolves when the server is closed. */
  close(): Promise<void>;
  /** Resolves when the server has closed (after a signal or `close()`). */
  readonly closed: Promise<void>;
}

/**
 * Loads a model file and serves it until SIGTERM or SIGINT, which drain the requests in flight.
 * @throws AutomlError E_FILE_NOT_FOUND / E_MODEL_FILE for the model file; listen errors (EADDRINUSE) as they come.
 */
export async function serve(modelPath: string, options: ServeOptions = {}): Promise<RunningServer> {
  const model = loadModel(modelPath);
  const app = createServer(model, { ...options, modelPath });
  const host = options.host ?? '127.0.0.1';
  try {
    await app.listen({ host, port: options.port ?? 8080 });
  } catch (e) {
    await app.close();
    throw e;
  }
  const address = app.server.address();
  const port = typeof address === 'object' && address !== null ? address.port : (options.port ?? 8080);
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  let closing: Promise<void> | null = null;
  let resolveClosed: () => void = () => undefined;
  const closed = new Promise<void>((resolve) => (resolveClosed = resolve));
  const close = (): Promise<void> => {
    closing ??= (async () => {
      // Requests still running after the drain timeout lose their connections, so that close() returns.
      const cut = setTimeout(() => app.server.closeAllConnections(), options.drainTimeoutMs ?? 30_000);
      try {
        await app.close();
      } finally {
        clearTimeout(cut);
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
        resolveClosed();
      }
    })();
    return closing;
  };
  let signals = 0;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (++signals > 1) process.exit(130);
    options.onDrain?.(signal, app.automl.metrics.inFlightNow);
    void close();
  };
  if (options.handleSignals ?? true) {
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  }
  return { app, url, close, closed };
}
