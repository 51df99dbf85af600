/**
 * Per-thread shared data for objective modules run by the worker pool.
 *
 * `WorkerPool`'s `workerData` option is sent once to each worker thread when it starts (a structured
 * clone, so typed arrays over `SharedArrayBuffer`s are shared, not copied), never once per trial.
 * An objective module reads it with `getWorkerData()`:
 *
 * ```js
 * import { getWorkerData } from 'automl'; // or the path of dist/worker/shared.js
 * export default function objective(config, ctx) {
 *   const dataset = getWorkerData();
 *   ...
 * }
 * ```
 *
 * `ctx.data` is something else: the task's own `data`, cloned for every trial.
 */
import { isMainThread, workerData } from 'node:worker_threads';

/**
 * The pool's `workerData` in a worker thread; `undefined` in the main thread (in-process
 * objectives close over their data instead). Reads Node's own `workerData`, so it works whichever
 * copy of this module the objective imports.
 */
export function getWorkerData<T = unknown>(): T | undefined {
  return isMainThread ? undefined : (workerData as T);
}
