/**
 * Where a batch is predicted: inline on the event loop when it is small (a worker round trip would
 * cost more than the prediction), in a piscina pool of predict threads when it is large, so that
 * one big request never stalls `/ping` or the small requests behind it.
 */
import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import { Piscina } from 'piscina';
import type { FeatureTable } from '../data/types.js';
import { MISSING_CODE } from '../data/types.js';
import { AutomlError } from '../util/errors.js';
import type { FittedModel } from './model-file.js';
import { predictEncoded, type PredictResult, type PredictTask } from './http-predict.js';
import type { PredictWorkerData } from './predict-worker.js';

/**
 * Longest a batch may take to predict on the event loop. A `/ping` or a small request arriving
 * meanwhile waits at most this long; above it the batch goes to a thread. bench/serve measured a
 * round trip to a predict thread at about 0.13 ms beyond the predict itself for 1 row (0.15 ms vs
 * 0.02 ms inline) and 0.3-2 ms for 1,000 rows, and a whole 1-row request at 0.15-0.4 ms p50: below
 * 1 ms of work a thread would add more latency than it saves, above it the event loop would stall
 * for longer than several small requests take. On the bench model (an ensemble of logistic
 * regression and a random forest, 30 inputs) this calibrated to 165-421 rows across runs.
 */
export const INLINE_BUDGET_MS = 1;

/** Default predict threads: one core is left to the event loop (HTTP parsing, JSON), at most 4. */
export function defaultPredictWorkers(): number {
  return Math.max(1, Math.min(4, availableParallelism() - 1));
}

/** Options of {@link Predictor}. */
export interface PredictorOptions {
  /** Predict threads; 0 predicts everything inline. */
  readonly workers: number;
  /** Batches of at most this many rows are predicted inline; default: calibrated, see {@link calibrateInlineRows}. */
  readonly inlineRows?: number;
  /** Model file the threads load; without it they get `model.toJSON()` (one structured clone per thread). */
  readonly modelPath?: string;
  /**
   * Batches waiting for a thread before new large ones are refused (503). Default 1,024: with
   * HTTP/1.1 a connection has one request in flight, so this sheds load only past ~1,000
   * concurrent large requests, whose bodies the body limit already bounds.
   */
  readonly maxQueue?: number;
}

/** Runs predictions inline or in the thread pool. */
export class Predictor {
  /** Batches of at most this many rows run inline. */
  readonly inlineRows: number;
  readonly workers: number;
  readonly #pool: Piscina<PredictTask, PredictResult> | null;

  constructor(
    readonly model: FittedModel,
    options: PredictorOptions,
  ) {
    this.workers = options.workers;
    this.inlineRows = options.workers === 0 ? Infinity : (options.inlineRows ?? calibrateInlineRows(model));
    if (options.workers === 0) {
      this.#pool = null;
      return;
    }
    const workerData: PredictWorkerData = options.modelPath !== undefined ? { modelPath: options.modelPath } : { modelJSON: model.toJSON() };
    this.#pool = new Piscina<PredictTask, PredictResult>({
      filename: predictWorkerPath(),
      // Threads start with the server, so the first large request does not pay for loading the model.
      minThreads: options.workers,
      maxThreads: options.workers,
      idleTimeout: Infinity,
      maxQueue: options.maxQueue ?? 1024,
      workerData,
    });
    // A thread that dies outside a task is reported as an 'error' event, which would otherwise crash the server.
    this.#pool.on('error', (e: unknown) => process.stderr.write(`automl serve: a predict thread failed: ${e instanceof Error ? e.message : String(e)}\n`));
  }

  /** True when a batch of `nRows` rows is predicted on the event loop. */
  isInline(nRows: number): boolean {
    return this.#pool === null || nRows <= this.inlineRows;
  }

  /**
   * Predicts a table on the model's input schema.
   * @throws QueueFullError when every thread is busy and the queue is full.
   */
  async run(table: FeatureTable, proba: boolean, interval: number | null = null): Promise<PredictResult> {
    if (this.isInline(table.nRows)) return predictEncoded(this.model, table, proba, interval);
    try {
      return await this.#pool!.run({ nRows: table.nRows, columns: table.columns, proba, interval });
    } catch (e) {
      if (e instanceof Error && e.message === 'Task queue is at limit') throw new QueueFullError();
      throw e;
    }
  }

  /** Waits for the running batches, then stops the threads. */
  async close(): Promise<void> {
    await this.#pool?.close();
  }
}

/** Every predict thread is busy and the queue is full. */
export class QueueFullError extends Error {
  override readonly name = 'QueueFullError';
  constructor() {
    super('every predict thread is busy and the queue of large batches is full; retry shortly');
  }
}

/**
 * Rows a batch may have and still predict within {@link INLINE_BUDGET_MS} on this model: times a
 * 1-row and a 64-row batch (after a warm-up; the fastest of 9 calls, which a busy machine
 * disturbs least) and extrapolates linearly. Rows of
 * missing values are used because they are valid for every schema (the pipeline imputes them);
 * a model whose prediction fails on them gets a conservative 64.
 */
export function calibrateInlineRows(model: FittedModel): number {
  try {
    const t1 = timePredict(model, 1);
    const t64 = timePredict(model, 64);
    if (t1 >= INLINE_BUDGET_MS) return 0;
    const perRow = Math.max((t64 - t1) / 63, 1e-6);
    return Math.max(1, Math.min(100_000, Math.floor(1 + (INLINE_BUDGET_MS - t1) / perRow)));
  } catch {
    return 64;
  }
}

function timePredict(model: FittedModel, n: number): number {
  const table: FeatureTable = {
    nRows: n,
    features: model.info.features,
    columns: model.info.features.map((c) => (c.type === 'categorical' ? new Int32Array(n).fill(MISSING_CODE) : new Float64Array(n).fill(NaN))),
    notes: [],
  };
  model.predict(table);
  let best = Infinity;
  for (let k = 0; k < 9; k++) {
    const t0 = performance.now();
    model.predict(table);
    best = Math.min(best, performance.now() - t0);
  }
  return best;
}

/**
 * The compiled predict worker. Threads run plain Node, so from the TypeScript sources (vitest)
 * the file under dist/ is used.
 * @throws AutomlError E_CONFIG when it is missing (run `npm run build`).
 */
function predictWorkerPath(): string {
  const beside = new URL('./predict-worker.js', import.meta.url);
  const suffix = '/src/serving/predict-worker.js';
  const url = new URL(beside.href);
  if (beside.pathname.endsWith(suffix)) url.pathname = `${beside.pathname.slice(0, -suffix.length)}/dist/serving/predict-worker.js`;
  const path = fileURLToPath(url);
  if (!existsSync(path)) {
    throw new AutomlError('E_CONFIG', `automl serve needs the compiled predict worker ${path}, which does not exist; run \`npm run build\` first (or serve with --workers 0)`, { file: path });
  }
  return path;
}
