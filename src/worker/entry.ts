/**
 * The piscina worker entry: `runTrial(payload) -> TrialOutcome`. It knows nothing of search: it
 * loads the objective module named by the task (once per thread), calls it, and relays
 * intermediate reports to the main thread over the MessagePort that came with the task.
 *
 * Runs as compiled JavaScript (`dist/worker/entry.js`) in plain Node worker threads. Imports only
 * the protocol and util, never the coordinator or study.
 */
import type { MessagePort } from 'node:worker_threads';
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { MemoryMessage, ObjectiveFn, ObjectiveRef, ReportMessage, ReportReply, StartedMessage, TrialOutcome, WorkerPayload } from '../protocol/messages.js';
import { runObjective } from '../protocol/run-objective.js';
import { show } from '../util/errors.js';

/** How often the worker samples its ArrayBuffer memory during a trial (ms). */
export const MEMORY_CHECK_MS = 50;

// Module namespaces by specifier. A promise, so concurrent first calls share one import; failed
// imports are evicted so that a module fixed on disk can load in a later trial (new specifier
// resolution only; Node itself caches an evaluated module for the life of the thread).
const modules = new Map<string, Promise<Record<string, unknown>>>();

/**
 * Runs one trial in this worker thread. Never throws for anything the objective does: load
 * errors, throws and bad return values all come back as a `fail` outcome. (Infinite loops, heap
 * exhaustion and `process.exit` end the thread; the pool classifies those.)
 */
export default async function runTrial(payload: WorkerPayload): Promise<TrialOutcome> {
  const { task, port } = payload;
  const started = performance.now();
  const channel = openChannel(port);
  const watch = watchArrayBuffers(port, payload.arrayBufferLimitMb);
  const arraysAtStart = process.memoryUsage().arrayBuffers;
  try {
    let fn: ObjectiveFn;
    try {
      fn = await loadObjective(task.objective);
    } catch (e) {
      return { status: 'fail', failKind: 'error', message: (e as Error).message, durationMs: performance.now() - started };
    }
    // The thread is terminated on timeout or interruption, so nothing here ever aborts this signal;
    // it exists so that objectives written for both executors can pass it on unchanged.
    const signal = new AbortController().signal;
    const begin: StartedMessage = { type: 'started' };
    port.postMessage(begin);
    return await runObjective(fn, task, { report: channel.report, signal });
  } finally {
    watch.stop();
    channel.close();
    collectAfter(arraysAtStart);
  }
}

/** Arrays (MB) a trial may leave to V8's own schedule; beyond this the thread collects them. */
export const COLLECT_AFTER_MB = 32;

/**
 * After a trial that left more than {@link COLLECT_AFTER_MB} of arrays behind, runs a full garbage
 * collection before the result goes back (the pool exposes `gc` to its threads). Its matrices are
 * garbage by then; collected, their memory serves the thread's next trial instead of adding to it.
 * Synchronous on purpose: an idle piscina thread blocks in Atomics.wait, so a deferred collection
 * would only run once the next trial had begun. Small trials never pay for it; a collection costs
 * milliseconds against fits of seconds.
 */
function collectAfter(arraysAtStart: number): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc !== 'function') return;
  if (process.memoryUsage().arrayBuffers - arraysAtStart <= COLLECT_AFTER_MB * 1048576) return;
  gc();
}

/**
 * Samples `process.memoryUsage().arrayBuffers` (per thread in a worker) every MEMORY_CHECK_MS and
 * tells the main thread once the trial has added more than `limitMb`. Trade-off: the sample runs on
 * this thread's event loop, so an objective that allocates in one synchronous burst without ever
 * yielding is only caught at its next `await` (or not at all if it never awaits before the
 * machine runs out); objectives that await between steps, as CV loops and async code do, are
 * caught within one period. The baseline is taken at the trial's start, so data shared with the
 * thread (the pool's workerData in SharedArrayBuffers) does not count against the trial.
 */
function watchArrayBuffers(port: MessagePort, limitMb: number | undefined): { stop(): void } {
  if (limitMb === undefined || !(limitMb > 0)) return { stop: () => undefined };
  const baseline = process.memoryUsage().arrayBuffers;
  const timer = setInterval(() => {
    const grownMb = (process.memoryUsage().arrayBuffers - baseline) / 1048576;
    if (grownMb <= limitMb) return;
    clearInterval(timer);
    const msg: MemoryMessage = { type: 'memory', grownMb: Math.round(grownMb), limitMb };
    port.postMessage(msg);
  }, MEMORY_CHECK_MS);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}

/** Loads and checks the objective's export; throws an Error whose message names module and export. */
async function loadObjective(ref: ObjectiveRef | undefined): Promise<ObjectiveFn> {
  if (typeof ref !== 'object' || ref === null) {
    throw new Error(`the task names no objective: expected { module, exportName }, got ${show(ref)}`);
  }
  const exportName = ref.exportName ?? 'default';
  const specifier = toSpecifier(ref.module);
  let namespace = modules.get(specifier);
  if (!namespace) {
    namespace = import(specifier) as Promise<Record<string, unknown>>;
    modules.set(specifier, namespace);
  }
  let ns: Record<string, unknown>;
  try {
    ns = await namespace;
  } catch (e) {
    modules.delete(specifier);
    const why = e instanceof Error ? e.message : show(e);
    throw new Error(`cannot load the objective module ${ref.module}: ${why}`);
  }
  const fn = ns[exportName];
  if (typeof fn !== 'function') {
    const names = Object.keys(ns);
    const found = fn === undefined ? 'has no export' : `has an export that is ${typeof fn}, not a function,`;
    throw new Error(
      `the objective module ${ref.module} ${found} named "${exportName}" (its exports: ${names.length ? names.join(', ') : 'none'}); ` +
        `export the objective function under that name or fix exportName`,
    );
  }
  return fn as ObjectiveFn;
}

function toSpecifier(module: unknown): string {
  if (typeof module !== 'string' || module.length === 0) {
    throw new Error(`the objective module must be an absolute path or a file: URL, got ${show(module)}`);
  }
  // Paths first: a Windows path such as C:\x would otherwise look like a URL scheme.
  if (isAbsolute(module)) return pathToFileURL(module).href;
  if (/^[a-z][a-z0-9+.-]*:/i.test(module)) return module;
  if (module.startsWith('.')) {
    throw new Error(`the objective module ${module} is a relative path; give an absolute path or a file: URL (e.g. path.resolve(...))`);
  }
  // A bare specifier: a package the worker can resolve.
  return module;
}

interface Channel {
  report(step: number, value: number): Promise<boolean>;
  close(): void;
}

/** Request/reply over the trial's port; replies are matched by id. Never rejects. */
function openChannel(port: MessagePort): Channel {
  let nextId = 0;
  const waiting = new Map<number, (prune: boolean) => void>();
  const onMessage = (msg: ReportReply): void => {
    if (msg?.type !== 'report-reply') return;
    const resolve = waiting.get(msg.id);
    waiting.delete(msg.id);
    resolve?.(msg.prune === true);
  };
  // The main side closes its end when the trial is over for it; nobody will answer then.
  const onClose = (): void => {
    for (const resolve of waiting.values()) resolve(false);
    waiting.clear();
  };
  port.on('message', onMessage);
  port.on('close', onClose);
  return {
    report(step, value) {
      const id = nextId++;
      return new Promise<boolean>((resolve) => {
        waiting.set(id, resolve);
        const msg: ReportMessage = { type: 'report', id, step, value };
        port.postMessage(msg);
      });
    },
    close() {
      onClose();
      port.off('message', onMessage);
      port.off('close', onClose);
      port.close();
    },
  };
}
