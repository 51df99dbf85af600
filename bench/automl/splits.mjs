#!/usr/bin/env node
/**
 * Writes the train/test split bench/automl/run.mjs uses for each dataset and seed, as
 * <out>/<dataset>-<seed>/{train,test}.csv, for side analyses (bench/automl/defaults.py).
 *
 *   npm run build && node bench/automl/splits.mjs --out /tmp/splits [--seeds 0,1,2,3,4,5,6,7]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadDataset, readCsv, isMissing } from '../../dist/data/index.js';
import { trainTestSplit } from '../../dist/evaluation/splitters.js';
import { createRng, deriveSeed } from '../../dist/util/rng.js';
import { SMALL as DATASETS } from './datasets.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const { values: opt } = parseArgs({ options: { out: { type: 'string' }, seeds: { type: 'string', default: '0,1,2,3,4,5,6,7' } } });
if (!opt.out) throw new Error('--out <dir> is required');
const field = (v) => (/[",\r\n]|^\s|\s$/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
for (const [name, target] of DATASETS) {
  const file = join(ROOT, 'datasets', `${name}.csv`);
  const csv = readCsv(file);
  const tj = csv.header.indexOf(target);
  // As run.mjs: rows with a missing target are dropped, the split is the one automl would hold out.
  const keep = csv.rows.map((_, i) => i).filter((i) => !isMissing(csv.rows[i][tj]));
  const ds = loadDataset(file, { target, folds: 5 });
  const stratify = ds.target.task === 'classification' ? ds.target.values : undefined;
  for (const seed of opt.seeds.split(',').map(Number)) {
    const split = trainTestSplit(ds.nRows, 0.2, createRng(deriveSeed(seed, 'holdout')).uint32(), stratify);
    const dir = join(opt.out, `${name}-${seed}`);
    mkdirSync(dir, { recursive: true });
    for (const [part, idx] of [['train', split.train], ['test', split.test]]) {
      writeFileSync(join(dir, `${part}.csv`), [csv.header, ...[...idx].map((i) => csv.rows[keep[i]])].map((r) => r.map(field).join(',')).join('\n') + '\n');
    }
  }
}
console.log(`wrote ${DATASETS.length} datasets x seeds ${opt.seeds} to ${opt.out}`);
