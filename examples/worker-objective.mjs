// A custom objective run in worker threads: the objective is a module (objectives/ridge-cv.mjs)
// that each thread imports once; data is sent once per thread, shared (not copied) when it sits in
// SharedArrayBuffers. A trial that throws, times out or runs out of memory is recorded FAIL.
//
//   npm run build && node examples/worker-objective.mjs [trials]
import { createStudy, space, float, int } from 'automl';

const trials = Number(process.argv[2] ?? 24);

// A synthetic regression problem: y = 3 x0 - 2 x1 + noise, in shared memory.
const n = 400, d = 5;
const X = new Float64Array(new SharedArrayBuffer(n * d * 8));
const y = new Float64Array(new SharedArrayBuffer(n * 8));
let state = 12345;
const rand = () => ((state = (state * 1103515245 + 12345) % 2147483648) / 2147483648) - 0.5;
for (let i = 0; i < n; i++) {
  for (let j = 0; j < d; j++) X[i * d + j] = rand() * 4;
  y[i] = 3 * X[i * d] - 2 * X[i * d + 1] + rand();
}

const study = await createStudy({
  name: 'ridge',
  space: space({ alpha: float(1e-4, 1e3, { log: true }), folds: int(3, 5) }),
  direction: 'minimize',
  sampler: 'random',
  seed: 5,
  storage: 'memory:',
});

await study.optimize(
  { module: new URL('./objectives/ridge-cv.mjs', import.meta.url).href },   // export default
  { trials, workers: 2, timeout: 30, workerData: { X, y, n, d } },
);

const best = study.bestTrial;
console.log(`complete trials: ${study.trials.filter((t) => t.state === 'COMPLETE').length}`);
console.log(`best CV mean squared error ${best.value.toFixed(4)} with alpha=${best.params.alpha.toPrecision(3)}`);
await study.close();
