/**
 * Compares MLP fit time per TensorFlow.js backend. Run: AUTOML_TF_BACKEND=wasm npx tsx ... or via
 * `node --import tsx`; prints backend, rows, epochs run and milliseconds.
 */
import { mlp } from '../../src/models/mlp.js';
import { tfBackendName } from '../../src/models/tf-backend.js';
import { matrix } from '../../src/models/estimator.js';
import { createRng } from '../../src/util/rng.js';

const n = Number(process.argv[2] ?? 500);
const d = 20;
const rng = createRng(1);
const X = matrix(n, d, Float64Array.from({ length: n * d }, () => rng.normal()));
const y = Float64Array.from({ length: n }, (_, i) => (X.data[i * d]! + X.data[i * d + 1]! > 0 ? 1 : 0));
console.log('backend', await tfBackendName());
for (const units of [16, 100]) {
  const est = mlp.create({ units, epochs: 30, early_stopping: false, batch_size: 64 }, { task: 'classification', nClasses: 2, seed: 1 });
  const t0 = performance.now();
  await est.fit(X, y);
  console.log(`n=${n} units=${units} 30 epochs: ${(performance.now() - t0).toFixed(0)} ms`);
}
