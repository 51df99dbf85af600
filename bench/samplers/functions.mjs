// Benchmark objectives shared by run.mjs (the Python twin is optuna_tpe.py: keep them in step).
// Each has a search space built with the engine's DSL and an objective over the flat params.

/** Builds the benchmark problems from the engine's space module. */
export function problems(S) {
  const { space, float, int, categorical, choice } = S;
  const vec = (d, lo, hi) => Object.fromEntries(Array.from({ length: d }, (_, i) => [`x${i}`, float(lo, hi)]));
  const xs = (p, d) => Array.from({ length: d }, (_, i) => p[`x${i}`]);
  const H_A = [[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]];
  const H_C = [1, 1.2, 3, 3.2];
  const H_P = [[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991], [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]];
  return [
    {
      name: 'branin', optimum: 0.397887,
      space: space({ x0: float(-5, 10), x1: float(0, 15) }),
      f: (p) => {
        const [x, y] = [p.x0, p.x1];
        const b = 5.1 / (4 * Math.PI ** 2), c = 5 / Math.PI, t = 1 / (8 * Math.PI);
        return (y - b * x * x + c * x - 6) ** 2 + 10 * (1 - t) * Math.cos(x) + 10;
      },
    },
    {
      name: 'hartmann6', optimum: -3.32237,
      space: space(vec(6, 0, 1)),
      f: (p) => {
        const x = xs(p, 6);
        let s = 0;
        for (let i = 0; i < 4; i++) {
          let e = 0;
          for (let j = 0; j < 6; j++) e += H_A[i][j] * (x[j] - H_P[i][j] * 1e-4) ** 2;
          s += H_C[i] * Math.exp(-e);
        }
        return -s;
      },
    },
    {
      name: 'rosenbrock5', optimum: 0,
      space: space(vec(5, -2, 2)),
      f: (p) => {
        const x = xs(p, 5);
        let s = 0;
        for (let i = 0; i < 4; i++) s += 100 * (x[i + 1] - x[i] * x[i]) ** 2 + (1 - x[i]) ** 2;
        return s;
      },
    },
    {
      name: 'styblinski8', optimum: -39.16617 * 8,
      space: space(vec(8, -5, 5)),
      f: (p) => xs(p, 8).reduce((s, x) => s + 0.5 * (x ** 4 - 16 * x * x + 5 * x), 0),
    },
    {
      name: 'ackley10', optimum: 0,
      space: space(vec(10, -32.768, 32.768)),
      f: (p) => {
        const x = xs(p, 10);
        const d = x.length;
        const s1 = x.reduce((s, v) => s + v * v, 0) / d;
        const s2 = x.reduce((s, v) => s + Math.cos(2 * Math.PI * v), 0) / d;
        return -20 * Math.exp(-0.2 * Math.sqrt(s1)) - Math.exp(s2) + 20 + Math.E;
      },
    },
    {
      // A model-selection-like space: a 3-way conditional choice with int, log and float
      // parameters inside branches, plus a shared int and a shared categorical.
      name: 'mixed', optimum: 0,
      space: space({
        m: int(0, 20),
        opt: categorical(['x', 'y', 'z']),
        model: choice({
          a: { x: float(-5, 5), n: int(1, 50) },
          b: { lr: float(1e-5, 1, { log: true }), k: int(1, 10) },
          c: { z: float(0, 1) },
        }),
      }),
      f: (p) => {
        let v = (p.m - 7) ** 2 / 10 + (p.opt === 'y' ? 0 : 1);
        if (p.model === 'a') v += 1 + (p['model.a.x'] - 1.5) ** 2 + Math.abs(p['model.a.n'] - 30) / 10;
        else if (p.model === 'b') v += (Math.log10(p['model.b.lr']) + 3) ** 2 + (p['model.b.k'] - 3) ** 2 / 4;
        else v += 2 + p['model.c.z'];
        return v;
      },
    },
  ];
}
