/**
 * `automl serve <model.json>`: the HTTP scoring server (see `serving/server.ts`). Prints the
 * address once listening, and on SIGTERM or SIGINT drains the requests in flight and exits 0.
 */
import { relative } from 'node:path';
import { InvalidArgumentError, type Command } from 'commander';
import { AutomlError } from '../../util/errors.js';
import { durationArg, intArg, withExamples } from '../args.js';
import { DEFAULT_DRIFT_WINDOW, DEFAULT_MAX_ROWS, serve } from '../../serving/server.js';
import { DEFAULT_DRIFT_INTERVAL_MS, DEFAULT_DRIFT_MIN_ROWS } from '../../serving/http-metrics.js';

const UNITS: Record<string, number> = { '': 1, b: 1, kb: 1024, k: 1024, mb: 1024 ** 2, m: 1024 ** 2, gb: 1024 ** 3, g: 1024 ** 3 };

/** Bytes from `10485760`, `512kb`, `10mb`, `1gb` (binary units, any case). */
function bytesArg(v: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(v);
  const unit = m ? UNITS[m[2]!.toLowerCase()] : undefined;
  if (!m || unit === undefined || !(Number(m[1]) * unit >= 1)) throw new InvalidArgumentError(`expected a size in bytes like 10mb, 512kb or 1048576, got '${v}'`);
  return Math.floor(Number(m[1]) * unit);
}

interface ServeFlags {
  host: string;
  port: number;
  maxBody: number;
  maxRows: number;
  maxColumns?: number;
  workers?: number;
  driftWindow: number;
  driftMinRows: number;
  driftInterval: number;
  requestTimeout: number;
}

async function runServe(modelFile: string, f: ServeFlags): Promise<number> {
  let running;
  try {
    running = await serve(modelFile, {
      host: f.host,
      port: f.port,
      maxBodyBytes: f.maxBody,
      maxRows: f.maxRows,
      ...(f.maxColumns !== undefined ? { maxColumns: f.maxColumns } : {}),
      ...(f.workers !== undefined ? { workers: f.workers } : {}),
      driftWindow: f.driftWindow,
      drift: { minRows: f.driftMinRows, intervalMs: f.driftInterval * 1000 },
      requestTimeoutMs: f.requestTimeout * 1000,
      onDrain: (signal, inFlight) => process.stderr.write(`automl serve: ${signal}: finishing ${inFlight} request${inFlight === 1 ? '' : 's'} in flight, then stopping\n`),
    });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE' || code === 'EACCES' || code === 'EADDRNOTAVAIL') {
      throw new AutomlError('E_USAGE', `cannot listen on ${f.host}:${f.port} (${code}${code === 'EADDRINUSE' ? ': the port is taken' : ''}); choose another --port or --host`, { param: '--port', value: f.port });
    }
    throw e;
  }
  const shown = relative(process.cwd(), modelFile).startsWith('..') ? modelFile : relative(process.cwd(), modelFile) || modelFile;
  const s = running.app.automl;
  const threads = s.predictor.workers === 0 ? 'all batches on the event loop' : `batches over ${s.predictor.inlineRows} rows in ${s.predictor.workers} thread${s.predictor.workers === 1 ? '' : 's'}`;
  process.stdout.write(`serving ${shown} on ${running.url} (POST /invocations)\n`);
  process.stderr.write(`automl serve: ${s.model.task}, ${s.model.inputColumns.length} input columns; ${threads}; body limit ${s.limits.maxBodyBytes} bytes, ${s.limits.maxRows} rows\n`);
  await running.closed;
  process.stderr.write('automl serve: stopped\n');
  return 0;
}

/** Adds `automl serve` to the program. */
export function register(program: Command): void {
  const command = program
    .command('serve')
    .description('serve a model over HTTP, compatible with MLflow\'s scoring server: GET /ping, /health, /version, /metadata, /metrics; POST /invocations (JSON dataframe_split, dataframe_records, instances, or text/csv; ?proba=true or "params": {"proba": true} adds class probabilities)')
    .argument('<model.json>', 'a model file written by automl search')
    .option('--host <address>', 'address to listen on (0.0.0.0 or :: accepts other machines)', '127.0.0.1')
    .option('--port <n>', 'port to listen on (0 picks a free one)', intArg('--port', 0, 65535), 8080)
    .option('--max-body <size>', 'largest request body (e.g. 10mb); larger requests get 413 without being read', bytesArg, 10 * 1024 * 1024)
    .option('--max-rows <n>', 'most rows per request', intArg('--max-rows', 1), DEFAULT_MAX_ROWS)
    .option('--max-columns <n>', "most columns per request (default: 1000, or twice the model's columns if more)", intArg('--max-columns', 1))
    .option('--workers <n>', 'threads predicting large batches off the event loop; 0 predicts all on it (default: cores - 1, from 1 to 4)', intArg('--workers', 0, 64))
    .option('--request-timeout <duration>', 'time a client has to send a whole request (slower clients get 408 and are cut off); the headers must come within 10 s', durationArg, 30)
    .option('--drift-window <rows>', 'recent request rows kept for drift monitoring', intArg('--drift-window', 0), DEFAULT_DRIFT_WINDOW)
    .option('--drift-min-rows <rows>', 'fewest rows in the window before /metrics exports drift gauges', intArg('--drift-min-rows', 1), DEFAULT_DRIFT_MIN_ROWS)
    .option('--drift-interval <duration>', 'a /metrics scrape within this time of the last drift computation reuses it', durationArg, DEFAULT_DRIFT_INTERVAL_MS / 1000)
    .action(async (modelFile: string, flags: ServeFlags) => {
      process.exitCode = await runServe(modelFile, flags);
    });
  withExamples(command, [
    'automl search datasets/iris.csv --target species --trials 10',
    'automl serve iris.model.json --port 8080',
    "curl -s localhost:8080/invocations -H 'Content-Type: text/csv' --data-binary @datasets/iris.csv",
  ]);
}
