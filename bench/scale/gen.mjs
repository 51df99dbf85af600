// Seeded synthetic CSV for the scale bench: `rows` rows x 22 columns (13 numeric, 2 integer,
// 6 categorical, 1 class target), with a few missing values. The same seed gives the same bytes.
// Usage: node bench/scale/gen.mjs <rows> <out.csv> [seed]
import { createWriteStream } from 'node:fs';

/** mulberry32: a small seeded generator. */
function rng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const CITIES = ['Paris', 'Lyon', 'Rome', 'Berlin', 'Madrid', 'Oslo', 'Lisbon', 'Vienna', 'Prague', 'Dublin', 'Athens', 'Warsaw'];
const COLORS = ['red', 'green', 'blue', 'yellow'];
const PLANS = ['free', 'basic', 'pro', 'enterprise'];

/** Column names, in file order. */
export const HEADER = [
  ...Array.from({ length: 13 }, (_, k) => `x${k}`),
  'count_a',
  'count_b',
  'city',
  'color',
  'plan',
  'segment',
  'code',
  'flag',
  'label',
];

/** Writes `rows` rows to `out`; resolves when the file is complete. */
export function generate(rows, out, seed = 1) {
  const r = rng(seed);
  const ws = createWriteStream(out);
  ws.write(HEADER.join(',') + '\n');
  let i = 0;
  return new Promise((resolve, reject) => {
    ws.on('error', reject);
    const pump = () => {
      let ok = true;
      while (i < rows && ok) {
        let line = '';
        for (let b = 0; b < 1000 && i < rows; b++, i++) {
          const cells = [];
          let score = 0;
          for (let k = 0; k < 13; k++) {
            const v = (r() - 0.5) * 10 ** (k % 4);
            if (k < 3) score += v;
            cells.push(r() < 0.01 ? '' : v.toFixed(2 + (k % 4)));
          }
          cells.push(String(Math.floor(r() * 50)), String(Math.floor(r() * 1000)));
          const city = CITIES[Math.floor(r() * CITIES.length)];
          cells.push(city, COLORS[Math.floor(r() * 4)], PLANS[Math.floor(r() * 4)], `seg-${Math.floor(r() * 200)}`);
          cells.push(String(Math.floor(r() * 90000) + 10000).padStart(6, '0'), r() < 0.5 ? 'yes' : 'no');
          cells.push(score + (r() - 0.5) * 3 > 0 ? 'A' : city === 'Paris' ? 'C' : 'B');
          line += cells.join(',') + '\n';
        }
        ok = ws.write(line);
      }
      if (i < rows) ws.once('drain', pump);
      else ws.end(resolve);
    };
    pump();
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = Number(process.argv[2]);
  const out = process.argv[3];
  if (!Number.isInteger(rows) || rows < 1 || !out) {
    console.error('usage: node bench/scale/gen.mjs <rows> <out.csv> [seed]');
    process.exit(2);
  }
  await generate(rows, out, Number(process.argv[4] ?? 1));
}
