// Lists what the column rules do on every shared dataset: loads each with the built dist and prints notes.
import { loadDataset } from '../../dist/data/index.js';
import { readdirSync, readFileSync } from 'node:fs';
const dirs = ['/work/shared/datasets', '/work/shared/datasets/medium', new URL('../../datasets', import.meta.url).pathname];
for (const d of dirs) for (const f of readdirSync(d).filter((x) => x.endsWith('.csv')).sort()) {
  const file = `${d}/${f}`;
  const header = readFileSync(file, 'utf8').split('\n', 1)[0].split(',');
  const target = header[header.length - 1].replace(/"/g, '').trim();
  try {
    const ds = loadDataset(file, { target });
    console.log(`== ${file.replace('/work/', '')} (${ds.nRows} rows, ${ds.features.length} features, ${ds.target.task})`);
    for (const n of ds.notes) console.log('   ' + n.slice(0, 260));
  } catch (e) { console.log(`== ${file}: ERROR ${e.message.slice(0, 400)}`); }
}
