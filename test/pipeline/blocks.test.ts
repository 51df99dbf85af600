/**
 * Row blocks: naive Bayes fits from blocks of rows exactly as from the whole matrix, a pipeline
 * gives a model that can take blocks its matrix in pieces, and large predictions go block by block
 * with the same results.
 */
import { describe, expect, it } from 'vitest';
import type { Dataset } from '../../src/data/types.js';
import { gaussianNb } from '../../src/models/gaussian-nb.js';
import { matrix, type Estimator, type Matrix, type ModelSpec, type RowBlock } from '../../src/models/estimator.js';
import { getModel } from '../../src/models/registry.js';
import { Pipeline } from '../../src/pipeline/index.js';
import { blockRanges, blockRows, BLOCK_CELLS } from '../../src/pipeline/blocks.js';
import { createRng } from '../../src/util/rng.js';

/** n rows: two numeric columns (one far from zero, for the pooled variances) and a categorical of `levels` labels. */
function synthetic(n: number, levels: number, seed = 3): Dataset {
  const rng = createRng(seed);
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  const c = new Int32Array(n);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    y[i] = i < 40 ? 0 : rng.next() < 0.3 ? 1 : rng.next() < 0.5 ? 2 : 0; // class 1 and 2 absent from the first rows
    a[i] = y[i]! + rng.next() * 2;
    b[i] = 1e6 + y[i]! * 3 + rng.next();
    c[i] = Math.floor(rng.next() * levels);
    if (i % 97 === 0) a[i] = NaN;
  }
  return {
    name: 'blocks',
    nRows: n,
    features: [
      { name: 'a', type: 'numeric' },
      { name: 'b', type: 'numeric' },
      { name: 'c', type: 'categorical', categories: Array.from({ length: levels }, (_, k) => `l${k}`) },
    ],
    columns: [a, b, c],
    target: { name: 'y', task: 'classification', values: y, classes: ['x', 'y', 'z'] },
    notes: [],
  } as Dataset;
}

const rowsOf = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

describe('row blocks', () => {
  it('blockRanges covers every row once, in order, within the cell budget', () => {
    const r = blockRanges(1000, 10, 990);
    expect(r[0]).toEqual([0, 99]);
    expect(r.at(-1)![1]).toBe(1000);
    for (let k = 1; k < r.length; k++) expect(r[k]![0]).toBe(r[k - 1]![1]);
    expect(blockRanges(10, 1e6, 100)).toEqual([[0, 10]]);
    expect(Array.from(blockRows(undefined, 3, 6))).toEqual([3, 4, 5]);
    expect(Array.from(blockRows(Int32Array.from([9, 8, 7, 6]), 1, 3))).toEqual([8, 7]);
  });

  it('gaussian_nb: fitBlocks over uneven blocks (a class first seen late) equals fit on the whole matrix', () => {
    const n = 1000;
    const d = 3;
    const rng = createRng(5);
    const X = matrix(n, d);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = i < 300 ? i % 2 : i % 3;
      for (let j = 0; j < d; j++) X.data[i * d + j] = 1e4 * j + y[i]! + rng.next();
    }
    const whole = gaussianNb.create({}, { task: 'classification', nClasses: 3, seed: 1 });
    whole.fit(X, y);
    const parts = gaussianNb.create({}, { task: 'classification', nClasses: 3, seed: 1 });
    const cuts = [0, 1, 250, 600, 1000];
    let k = 0;
    parts.fitBlocks!(() => {
      if (k === cuts.length - 1) return null;
      const [a, b] = [cuts[k]!, cuts[++k]!];
      return { X: matrix(b - a, d, X.data.slice(a * d, b * d)), y: y.subarray(a, b) };
    });
    const sw = whole.toJSON().state as Record<string, number[]>;
    const sp = parts.toJSON().state as Record<string, number[]>;
    expect(sp['counts']).toEqual(sw['counts']);
    for (const key of ['means', 'vars']) sp[key]!.forEach((v, i) => expect(Math.abs(v - sw[key]![i]!)).toBeLessThanOrEqual(1e-10 * Math.max(1, Math.abs(sw[key]![i]!))));
    const pp = parts.predictProba!(X).data;
    whole.predictProba!(X).data.forEach((v, i) => expect(pp[i]).toBeCloseTo(v, 9));
    // One block is the whole-matrix fit exactly.
    const one = gaussianNb.create({}, { task: 'classification', nClasses: 3, seed: 1 });
    let given = false;
    one.fitBlocks!(() => (given ? null : ((given = true), { X, y })));
    expect(one.toJSON()).toEqual(whole.toJSON());
  });

  it('a pipeline gives a blocks-capable model its matrix in blocks from blockCells, with the same model', async () => {
    const d = synthetic(3000, 5);
    const seen: number[] = [];
    // gaussian_nb with a spy on the blocks it is given.
    const spy: ModelSpec = {
      ...gaussianNb,
      create(params, ctx) {
        const est = gaussianNb.create(params, ctx);
        return Object.assign(Object.create(Object.getPrototypeOf(est) as object) as Estimator, est, {
          fitBlocks(next: () => RowBlock | null) {
            return (est as Required<Estimator>).fitBlocks.call(this, () => {
              const b = next();
              if (b) seen.push(b.X.rows);
              return b;
            });
          },
        });
      },
    };
    const lookup = (name: string) => (name === 'gaussian_nb' ? spy : getModel(name));
    const config = { model: { type: 'gaussian_nb' } };
    const blocked = await new Pipeline(lookup).fit(d, rowsOf(d.nRows), config, { seed: 1, blockCells: 2000 });
    const width = blocked.featureNames.length;
    expect(seen.length).toBe(Math.ceil(3000 / Math.floor(2000 / width)));
    expect(seen.reduce((s, r) => s + r, 0)).toBe(3000);
    seen.length = 0;
    const whole = await new Pipeline(lookup).fit(d, rowsOf(d.nRows), config, { seed: 1 });
    expect(seen).toEqual([3000]);
    const pb = blocked.predictProba(d).data;
    const pw = whole.predictProba(d).data;
    for (let i = 0; i < pw.length; i++) expect(pb[i]).toBeCloseTo(pw[i]!, 10);
    // A selection step needs the whole matrix: no blocks then.
    seen.length = 0;
    await new Pipeline(lookup).fit(d, rowsOf(d.nRows), { ...config, select: { type: 'anova_f', k: 2 } } as never, { seed: 1, blockCells: 2000 });
    expect(seen).toEqual([3000]);
  });

  it('rejects a blockCells that is not a positive number, naming it', async () => {
    const d = synthetic(200, 3);
    for (const bad of [0, -5, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(new Pipeline(getModel).fit(d, rowsOf(d.nRows), { model: { type: 'gaussian_nb' } }, { seed: 1, blockCells: bad })).rejects.toMatchObject({
        code: 'E_PARAM',
        message: expect.stringContaining('blockCells'),
      });
    }
  });

  it('predicts a large table block by block with the same results as one matrix', async () => {
    // 300 levels one-hot: width ~303, so 20,000 rows are ~6M values (blocks above 2 x 2^21).
    const n = 20000;
    const d = synthetic(n, 300);
    const p = await new Pipeline(getModel).fit(d, rowsOf(2000), { model: { type: 'gaussian_nb' }, preprocess: { encoding: 'onehot' } } as never, { seed: 1 });
    const width = p.featureNames.length;
    expect(n * width).toBeGreaterThan(2 * BLOCK_CELLS);
    const X: Matrix = p.transform(d);
    const est = (p as unknown as { fittedState(): { estimator: Estimator } }).fittedState().estimator;
    const direct = est.predictProba!(X).data;
    const proba = p.predictProba(d).data;
    expect(proba.length).toBe(direct.length);
    expect(proba).toEqual(direct);
    expect(p.predict(d)).toEqual(est.predict(X));
    // Given rows, in any order: the same as those rows of the whole.
    const rows = Int32Array.from({ length: 15000 }, (_, i) => (i * 7919) % n);
    const some = p.predict(d, rows);
    const all = p.predict(d);
    expect(Array.from(some)).toEqual(Array.from(rows, (r) => all[r]!));
  });
});
