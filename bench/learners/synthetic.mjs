// Seeded synthetic tabular data, written as CSV so scikit-learn reads exactly the same rows.
// Binary target from a nonlinear function of the first 10 of `p` Gaussian features plus label noise.
import { writeFileSync } from 'node:fs';

/** Mulberry32: a tiny seeded generator so the data does not depend on any library version. */
function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Returns { X: {rows, cols, data}, y } and, when `file` is given, writes it as CSV. */
export function makeSynthetic(n, p, seed, file) {
  const rnd = mulberry32(seed);
  const gauss = () => {
    let u = 0;
    while (u === 0) u = rnd();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * rnd());
  };
  // Round to 4 decimals so the CSV text is the exact data both sides see.
  const data = new Float64Array(n * p);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < p; j++) data[i * p + j] = Math.round(gauss() * 1e4) / 1e4;
    const x = data.subarray(i * p, i * p + p);
    const s = x[0] * x[1] + Math.sin(2 * x[2]) + (x[3] > 0.5 ? 1 : -0.5) + 0.5 * x[4] - x[5] * x[5] + 0.3 * x[6] * x[7] + Math.abs(x[8]) - 0.8 + 0.25 * x[9] + 0.5 * gauss();
    y[i] = s > 0 ? 1 : 0;
  }
  if (file) {
    const lines = [Array.from({ length: p }, (_, j) => `f${j}`).concat('y').join(',')];
    for (let i = 0; i < n; i++) lines.push(Array.from(data.subarray(i * p, i * p + p)).join(',') + ',' + y[i]);
    writeFileSync(file, lines.join('\n') + '\n');
  }
  return { X: { rows: n, cols: p, data }, y };
}
