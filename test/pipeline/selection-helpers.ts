/**
 * Seeded synthetic problems for the selection tests: a few informative columns among noise.
 */
import type { Dataset } from '../../src/data/index.js';
import { datasetFromRows } from '../../src/data/index.js';
import { createRng } from '../../src/util/rng.js';

/** Names of the informative columns of {@link synthClassification}. */
export const CLS_INFORMATIVE = ['x0', 'x1', 'color'];

/**
 * Binary classification: the class depends on x0 + x1 and on the colour (`red` pushes to class
 * 1); `n0..n{noise-1}` are pure noise.
 */
export function synthClassification(n: number, noise: number, seed: number): Dataset {
  const rng = createRng(seed);
  const colors = ['red', 'green', 'blue'];
  const rows = Array.from({ length: n }, () => {
    const x0 = rng.normal();
    const x1 = rng.normal();
    const color = colors[rng.int(0, 2)]!;
    const z = 1.5 * x0 - 1.2 * x1 + (color === 'red' ? 1.8 : color === 'green' ? -0.9 : 0) + 0.5 * rng.normal();
    const row: Record<string, unknown> = { x0, x1, color };
    for (let j = 0; j < noise; j++) row[`n${j}`] = rng.normal();
    row.y = z > 0 ? 'yes' : 'no';
    return row;
  });
  return datasetFromRows(rows, { target: 'y', name: 'synth-cls' });
}

/**
 * Regression: y = 3 x0 - 2 x1 + 2 x2^2 + noise. The x2 effect is symmetric, so x2 is invisible to
 * a linear F test but not to mutual information or trees.
 */
export function synthRegression(n: number, noise: number, seed: number): Dataset {
  const rng = createRng(seed);
  const rows = Array.from({ length: n }, () => {
    const x0 = rng.normal();
    const x1 = rng.normal();
    const x2 = rng.normal();
    const row: Record<string, unknown> = { x0, x1, x2 };
    for (let j = 0; j < noise; j++) row[`n${j}`] = rng.normal();
    row.y = 3 * x0 - 2 * x1 + 2 * x2 * x2 + 0.3 * rng.normal();
    return row;
  });
  return datasetFromRows(rows, { target: 'y', task: 'regression', name: 'synth-reg' });
}

/** 0..n-1 from a to b (exclusive). */
export const range = (a: number, b: number): Int32Array => Int32Array.from({ length: b - a }, (_, i) => a + i);
