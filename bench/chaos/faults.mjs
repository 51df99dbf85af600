// Chaos part 4: faulty objectives through the worker pool, repeated; and ArrayBuffer growth with
// and without the guard, with the process's resident memory.
import { join } from 'node:path';
import { ROOT, HOSTILE } from './common.mjs';

const FAULTY = join(HOSTILE, 'faulty-objective.mjs');
const MODES = ['ok', 'throw', 'reject', 'throw-null', 'nan', 'infinity', 'string', 'undefined', 'exit', 'loop', 'heap', 'arraybuffer', 'uncaught-later', 'unhandled-rejection'];

export async function faultyTrials({ repeats = 3 } = {}) {
  const { createStudy, space, categorical } = await import(join(ROOT, 'dist/index.js'));
  const study = await createStudy({ space: space({ mode: categorical([...MODES, 'arraybuffer-sync']) }), seed: 1 });
  for (let r = 0; r < repeats; r++) for (const mode of MODES) { await study.enqueue({ mode }); await study.enqueue({ mode: 'ok' }); }
  const t0 = Date.now();
  let coordinatorError = null;
  try {
    await study.optimize({ module: FAULTY }, { trials: repeats * MODES.length * 2, workers: 2, timeout: 3, memoryLimitMb: 64, maxConsecutiveFailures: 1000 });
  } catch (e) {
    coordinatorError = e.message;
  }
  const byMode = {};
  for (const t of study.trials) {
    const mode = t.params.mode;
    byMode[mode] ??= {};
    const key = t.state === 'FAIL' ? `FAIL/${t.failKind}` : t.state;
    byMode[mode][key] = (byMode[mode][key] ?? 0) + 1;
  }
  const okAfterFault = study.trials.filter((t) => t.number % 2 === 1).every((t) => t.state === 'COMPLETE');
  await study.close();

  // A study that only fails stops with a clear message.
  const failing = await createStudy({ space: space({ mode: categorical(['throw']) }), seed: 2 });
  let stopMessage = null;
  try {
    await failing.optimize({ module: FAULTY }, { trials: 100, workers: 2, maxConsecutiveFailures: 10 });
  } catch (e) {
    stopMessage = `[${e.code}] ${e.message}`;
  }
  await failing.close();
  return { trials: repeats * MODES.length * 2, wallMs: Date.now() - t0, coordinatorError, okTrialAfterEveryFault: okAfterFault, byMode, stopMessage };
}

/** ArrayBuffer growth in a worker with a 64 MB heap limit: RSS without the guard, outcome with it. */
export async function arrayBufferGuard() {
  const { WorkerPool } = await import(join(ROOT, 'dist/coordinator/pool.js'));
  const hooks = { report: async () => false };
  const task = (mode, capMb) => ({ objective: { module: FAULTY }, trialNumber: 0, seed: 1, config: { mode, capMb }, params: {} });
  const measure = async (opts, t) => {
    const pool = new WorkerPool({ workers: 1, ...opts });
    let peak = process.memoryUsage.rss();
    const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage.rss())), 10);
    const base = process.memoryUsage.rss();
    const o = await pool.run(t, hooks);
    clearInterval(timer);
    await pool.close();
    return { outcome: o.status === 'fail' ? `FAIL/${o.failKind}: ${o.message.slice(0, 140)}` : `${o.status} (${o.value})`, rssGrowthMb: Math.round((peak - base) / 1048576) };
  };
  return {
    unguarded1536: await measure({ memoryLimitMb: 64, arrayBufferLimitMb: Infinity }, task('arraybuffer', 1536)),
    guarded256: await measure({ memoryLimitMb: 64, arrayBufferLimitMb: 256 }, task('arraybuffer', 1536)),
    guardedSyncBurst512: await measure({ memoryLimitMb: 64, arrayBufferLimitMb: 256 }, task('arraybuffer-sync')),
  };
}
