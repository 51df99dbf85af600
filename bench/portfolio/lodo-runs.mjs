// Reading lodo.mjs outputs of several seeds, and the bootstrap lodo-pool.mjs and headroom.mjs share.
import { readFileSync } from 'node:fs';

/** The lodo JSON files' rows grouped by dataset (each dataset with its rows of every seed): { runs, byDataset }. */
export function readLodo(files) {
  const runs = files.map((f) => JSON.parse(readFileSync(f, 'utf8')));
  const byDataset = new Map();
  for (const r of runs) for (const row of r.rows) (byDataset.get(row.dataset) ?? byDataset.set(row.dataset, []).get(row.dataset)).push(row);
  return { runs, byDataset };
}

/**
 * 95% bootstrap interval of the mean over all values, resampling the groups (a dataset with all
 * its seeds) with replacement, 10,000 draws from `rng`: [low, high].
 */
export function clusterBootstrap(per, rng) {
  const out = [];
  for (let b = 0; b < 10000; b++) {
    let s = 0, n = 0;
    for (let i = 0; i < per.length; i++) for (const d of per[Math.floor(rng.next() * per.length)]) (s += d, n++);
    out.push(s / n);
  }
  out.sort((x, y) => x - y);
  return [out[250], out[9749]];
}
