// Shared by the selection benchmarks: a dataset CSV with seeded N(0, 1) noise columns.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * Writes `datasets/<name>.csv` with `count` noise columns (`noise_0`, ...) appended before the
 * target into `dir`, drawn from `createRng('noise/<name>/<count>/<seed>')`; returns the file.
 */
export function noisyCsv(name, count, seed, dir, createRng) {
  const lines = readFileSync(join('datasets', `${name}.csv`), 'utf8').trim().split(/\r?\n/);
  const rng = createRng(`noise/${name}/${count}/${seed}`);
  const out = lines.map((line, i) => {
    const cells = line.split(',');
    const target = cells.pop();
    const noise = Array.from({ length: count }, (_, j) => (i === 0 ? `noise_${j}` : rng.normal().toFixed(5)));
    return [...cells, ...noise, target].join(',');
  });
  const file = join(dir, `${name}-noise${count}-seed${seed}.csv`);
  writeFileSync(file, out.join('\n') + '\n');
  return file;
}

/**
 * A loaded dataset with `count` numeric noise columns (`noise_0`, ...) appended, drawn from
 * `createRng('noise/<ds.name>/<count>/<seed>')` (the in-memory twin of `noisyCsv`).
 */
export function withNoise(ds, count, seed, createRng) {
  if (count === 0) return ds;
  const rng = createRng(`noise/${ds.name}/${count}/${seed}`);
  const features = [...ds.features];
  const columns = [...ds.columns];
  for (let j = 0; j < count; j++) {
    features.push({ name: `noise_${j}`, type: 'numeric' });
    columns.push(Float64Array.from({ length: ds.nRows }, () => rng.normal()));
  }
  return { ...ds, features, columns };
}
