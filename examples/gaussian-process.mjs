// Gaussian-process regression with uncertainty: search GP pipelines on a bundled CSV file, then
// predict with a standard deviation and a 95% interval per row.
//
//   npm run build && node examples/gaussian-process.mjs [trials]
//
// Only a single Gaussian-process pipeline has a predictive distribution, so the search is limited
// to that family and builds no ensemble. (The CLI equivalent of the search:
// automl search datasets/diabetes-progression.csv --target progression --models gaussian_process --no-ensemble)
import { fileURLToPath } from 'node:url';
import { search } from 'automl';

const trials = Number(process.argv[2] ?? 12);

const result = await search({
  data: fileURLToPath(new URL('../datasets/diabetes-progression.csv', import.meta.url)),
  target: 'progression',
  models: ['gaussian_process'],
  ensemble: false,
  trials,
  storage: 'memory:',
  seed: 1,
  workers: 2,
  onNote: () => {},
});
console.log(`best trial #${result.best.number}: CV r2 ${result.best.value.toFixed(4)}; test r2 on held-out rows ${result.testScore.toFixed(4)}`);

// Two new patients: the prediction, its standard deviation, and the central 95% interval.
const patients = [
  { age: 59, sex: 2, bmi: 32.1, bp: 101, s1: 157, s2: 93.2, s3: 38, s4: 4, s5: 4.8598, s6: 87 },
  { age: 30, sex: 1, bmi: 21.0, bp: 80, s1: 170, s2: 100, s3: 55, s4: 3, s5: 4.3, s6: 85 },
];
const mean = result.model.predict(patients);
// predictStd refuses a pipeline fitted on log(target) (its distribution is not Gaussian in the
// target's units); predictInterval works for both.
const interval = result.model.predictInterval(patients, 0.95);
let std = null;
try {
  std = result.model.predictStd(patients);
} catch (e) {
  console.log(`no single standard deviation: ${e.message.split(';')[0]}`);
}
patients.forEach((_, i) => {
  const { lower, upper } = interval[i];
  const sd = std ? ` (sd ${std[i].toFixed(1)})` : '';
  console.log(`patient ${i + 1}: predicted progression ${Number(mean[i]).toFixed(1)}${sd}, 95% interval ${lower.toFixed(1)} to ${upper.toFixed(1)}`);
});
await result.study.close();
