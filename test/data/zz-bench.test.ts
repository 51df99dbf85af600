import { it } from 'vitest';
import { loadDataset } from '../../src/data/index.js';
it('bench', () => {
  for (let k = 0; k < 2; k++) {
  const t = performance.now();
  const d = loadDataset('/tmp/big.csv', { target: 'y', folds: 5 });
  console.log('load total', (performance.now() - t).toFixed(0), d.nRows, d.features.length);
  }
});
