// Tabular AutoML from code: search preprocessing + model pipelines for a bundled CSV file,
// then predict with the best model.
//
//   npm run build && node examples/search.mjs [trials]
//
// Examples import the package by its name, as a consumer would: Node resolves a package's own
// name ("automl" in package.json, which has "exports") from inside it, to dist/index.js.
import { fileURLToPath } from 'node:url';
import { search } from 'automl';

const trials = Number(process.argv[2] ?? 20);

const result = await search({
  data: fileURLToPath(new URL('../datasets/iris.csv', import.meta.url)),
  target: 'species',
  trials,                 // or time: 30 (seconds)
  storage: 'memory:',     // default 'sqlite:automl.db': a study that can be resumed
  seed: 1,
  workers: 2,             // worker threads that cross-validate trials in parallel
  onNote: () => {},       // notes about the data (dropped columns, inferred task), ignored here
});

// Pruned trials (stopped early by the median pruner) count toward the budget too.
console.log(`trials: ${result.counts.complete} complete, ${result.counts.pruned} pruned, ${result.counts.failed} failed`);
console.log(`best trial #${result.best.number}: CV ${result.metric.name} ${result.best.value.toFixed(4)}`);
console.log(`test ${result.metric.name} on held-out rows: ${result.testScore.toFixed(4)}`);

// The fitted model predicts from row objects (or a CSV path); it needs only result.model.features.
const [label] = result.model.predict([
  { 'sepal length (cm)': 6.7, 'sepal width (cm)': 3.0, 'petal length (cm)': 5.2, 'petal width (cm)': 2.3 },
]);
console.log(`prediction for one new flower: ${label}`);
await result.study.close();
