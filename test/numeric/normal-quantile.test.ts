import { describe, expect, it } from 'vitest';
import { normalQuantile } from '../../src/numeric/normal-quantile.js';

describe('normalQuantile', () => {
  it('matches reference quantiles of the standard normal (scipy.stats.norm.ppf) to 1e-8', () => {
    const reference: [number, number][] = [
      [0.5, 0],
      [0.975, 1.959963984540054],
      [0.995, 2.5758293035489004],
      [0.9, 1.2815515655446004],
      [0.3, -0.5244005127080409],
      [0.02, -2.053748910631823],
      [0.001, -3.090232306167813],
      [1e-10, -6.361340902404056],
      [1 - 1e-6, 4.753424308817087],
    ];
    for (const [p, z] of reference) expect(Math.abs(normalQuantile(p) - z), `p = ${p}`).toBeLessThan(1e-8 * Math.max(1, Math.abs(z)));
  });

  it('is antisymmetric about 1/2 and increasing', () => {
    let prev = -Infinity;
    for (let i = 1; i < 1000; i++) {
      const p = i / 1000;
      const z = normalQuantile(p);
      expect(z).toBeGreaterThan(prev);
      expect(normalQuantile(1 - p)).toBeCloseTo(-z, 9);
      prev = z;
    }
  });

  it('gives the infinities at 0 and 1 and NaN outside [0, 1]', () => {
    expect(normalQuantile(0)).toBe(-Infinity);
    expect(normalQuantile(1)).toBe(Infinity);
    for (const bad of [-0.1, 1.1, Number.NaN]) expect(normalQuantile(bad)).toBeNaN();
  });
});
