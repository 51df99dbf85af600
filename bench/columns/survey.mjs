// What the column rules (dates, IDs, free text, rare labels, task inference, duplicates) do on each
// dataset: loads every CSV (target = last column) with the built dist/ and prints its notes.
// Usage (after `npm run build`): node bench/columns/survey.mjs [folder ...]
// Default folders: datasets/, ../shared/datasets and ../shared/datasets/medium (missing ones skipped).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadDataset } from '../../dist/data/index.js';

const here = (p) => fileURLToPath(new URL(p, import.meta.url));
const dirs = process.argv.length > 2 ? process.argv.slice(2) : [here('../../datasets'), here('../../../shared/datasets'), here('../../../shared/datasets/medium')];
for (const d of dirs.filter((x) => existsSync(x))) {
  for (const f of readdirSync(d).filter((x) => x.endsWith('.csv')).sort()) {
    const file = `${d}/${f}`;
    const header = readFileSync(file, 'utf8').split('\n', 1)[0].split(',');
    const target = header[header.length - 1].replace(/"/g, '').trim();
    try {
      const ds = loadDataset(file, { target });
      console.log(`== ${file} (${ds.nRows} rows, ${ds.features.length} features, ${ds.target.task})`);
      for (const n of ds.notes) console.log(`   ${n.slice(0, 200)}`);
    } catch (e) {
      console.log(`== ${file}: ERROR ${e.message.slice(0, 300)}`);
    }
  }
}
