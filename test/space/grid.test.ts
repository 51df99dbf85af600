import { describe, expect, it } from 'vitest';
import { categorical, choice, float, Grid, int, space } from '../../src/space/index.js';

describe('Grid', () => {
  it('enumerates every branch of a conditional space exactly once', () => {
    const s = space({
      m: choice({ a: { x: int(1, 3) }, b: { y: categorical(['p', 'q']), z: float(0, 1, { step: 0.5 }) }, c: {} }),
      k: categorical([true, false]),
    });
    const g = new Grid(s);
    expect(g.size).toBe((3 + 2 * 3 + 1) * 2);
    const points = Array.from({ length: g.size }, (_, i) => JSON.stringify(g.at(i)));
    expect(new Set(points).size).toBe(g.size);
    for (const p of points) expect(() => s.validate(JSON.parse(p))).not.toThrow();
    expect(points.filter((p) => p.includes('"m":"c"'))).toHaveLength(2);
  });

  it('needs a step or a grid size for continuous floats', () => {
    const s = space({ x: float(0, 1), n: int(1, 100) });
    expect(() => new Grid(s)).toThrow(/float parameter 'x' is continuous; give it a step or set a grid size/);
    const g = new Grid(s, 5);
    expect(g.size).toBe(25);
    expect(new Set(Array.from({ length: 25 }, (_, i) => g.at(i).x))).toEqual(new Set([0, 0.25, 0.5, 0.75, 1]));
  });

  it('refuses absurdly large grids', () => {
    const s = space({ a: int(1, 1000), b: int(1, 1000), c: int(1, 1000) });
    expect(() => new Grid(s)).toThrow(/more than/);
  });
});
