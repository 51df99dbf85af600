// A search space of your own for the tabular search: only two model families, with your ranges,
// and a fixed preprocessing. The same space could be a JSON file (see search-spaces/*.json and the
// JSON Schema in schema/space.schema.json) passed as `space: 'my-space.json'` or `--space`.
//
//   npm run build && node examples/custom-space.mjs [trials]
import { fileURLToPath } from 'node:url';
import { search, space, int, float, categorical, choice } from 'automl';

const trials = Number(process.argv[2] ?? 16);

const mySpace = space({
  preprocess: { scaler: categorical(['standard']) },           // always standardise
  model: choice({
    random_forest: { n_estimators: int(20, 200, { log: true }), max_features: float(0.2, 1) },
    knn: { n_neighbors: int(1, 30), weights: categorical(['uniform', 'distance']) },
  }),
});

const result = await search({
  data: fileURLToPath(new URL('../datasets/wine.csv', import.meta.url)),
  target: 'class',
  space: mySpace,
  trials,
  strategy: 'random',
  storage: 'memory:',
  seed: 3,
  workers: 2,
  ensemble: false,        // keep the single best pipeline
  onNote: () => {},
});

// Every trial's configuration has the shape of the space: { preprocess, model: { type, ... } }.
for (const row of result.leaderboard.slice(0, 3)) console.log(`#${row.number} ${row.model} ${row.mean.toFixed(4)}`);
console.log(`best model family: ${result.best.config.model.type}`);
await result.study.close();
