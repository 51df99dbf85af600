// Time per ask against a history of N completed trials (10 float dims, random params and values).
import { completeRecord } from './drive.mjs';

/**
 * Milliseconds per `sample` call with `n` completed trials in history: the median wall time and
 * the mean CPU time of this thread (the machine is shared, so wall time includes waiting).
 */
export function timeAsk(S, trialRng, makeSampler, n, reps = 20, dims = 10) {
  const sp = S.space(Object.fromEntries(Array.from({ length: dims }, (_, i) => [`x${i}`, S.float(0, 1)])));
  const rng = trialRng(12345, 0, 'timing');
  const history = [];
  for (let t = 0; t < n; t++) {
    const p = {};
    let v = 0;
    for (let i = 0; i < dims; i++) {
      p[`x${i}`] = rng.next();
      v += (p[`x${i}`] - 0.3) ** 2;
    }
    history.push(completeRecord(t, p, v));
  }
  const sampler = makeSampler();
  const times = [];
  let cpu = 0;
  // The first calls warm the JIT and the per-record encoding memo, as in a running study.
  for (let r = 0; r < reps + 3; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    sampler.sample({ space: sp, direction: 'minimize', seed: 1, trialNumber: n + r, rng: trialRng(1, n + r), history });
    const t1 = performance.now();
    const c1 = process.cpuUsage(c0);
    if (r >= 3) {
      times.push(t1 - t0);
      cpu += (c1.user + c1.system) / 1000;
    }
  }
  times.sort((a, b) => a - b);
  return { wall: times[Math.floor(times.length / 2)], cpu: cpu / reps };
}
