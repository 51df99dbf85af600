/**
 * svm and svr against LIBSVM (scikit-learn 1.2.1's SVC/SVR, Debian python3-sklearn): support
 * vector counts and the dual objective of every binary problem on standardised bundled datasets.
 * Reference values from `node bench/learners/svm-check.mjs --json` (2026-12-04); that script
 * recomputes them with Python, these tests need none.
 */
import { describe, expect, it } from 'vitest';
import { svmSpec, svrSpec, type Svc, type Svr } from '../../src/models/svm/index.js';
import { loadStandardised, accuracy, r2 } from './svm-data.js';

// [dataset, params, LIBSVM support vectors, LIBSVM dual objective per pair, LIBSVM training score]
const CLASSIFICATION: [string, Record<string, unknown>, number, number[], number][] = [
  ['iris.csv', { C: 1, gamma: 'scale' }, 51, [-3.522930087, -3.001630495, -24.80010108], 0.973333],
  ['iris.csv', { C: 10, gamma: 0.5, kernel: 'poly', degree: 3, coef0: 1 }, 19, [-0.1117539861, -0.08945227591, -52.44699515], 0.986667],
  ['breast-cancer.csv', { C: 1, gamma: 'scale' }, 119, [-59.76133889], 0.987698],
  ['breast-cancer.csv', { C: 1, gamma: 'scale', class_weight: 'balanced' }, 126, [-62.51095725], 0.982425],
  ['breast-cancer.csv', { C: 0.1, kernel: 'linear' }, 60, [-4.347340743], 0.98594],
  ['wine.csv', { C: 100, gamma: 0.05 }, 55, [-17.63528568, -4.606445716, -22.05802806], 1],
  ['ionosphere.csv', { C: 10, gamma: 0.1 }, 175, [-93.40002579], 0.997151],
  ['ionosphere.csv', { C: 1, gamma: 'scale', kernel: 'poly', degree: 2, coef0: 1 }, 106, [-54.58435956], 0.965812],
];

const REGRESSION: [string, Record<string, unknown>, number, number, number][] = [
  ['diabetes-progression.csv', { C: 1, gamma: 'scale', epsilon: 0.1, scale_target: false }, 389, -170.7550849, 0.650196],
  ['cpu.csv', { C: 10, gamma: 0.1, epsilon: 0.05, scale_target: false }, 131, -156.3616001, 0.978946],
];

const rel = (a: number, b: number): number => Math.abs(a - b) / Math.abs(b);

describe('svm matches LIBSVM', () => {
  for (const [file, params, nSV, objective, score] of CLASSIFICATION) {
    it(`${file} ${JSON.stringify(params)}: ${nSV} support vectors, dual objectives within 1e-3`, () => {
      const d = loadStandardised(file, true);
      const m = svmSpec.create({ ...params, solver: 'exact' }, { task: 'classification', nClasses: d.nClasses, seed: 0 }) as Svc;
      m.fit(d.X, d.y);
      const info = m.fitInfo!;
      expect(info.solver).toBe('exact');
      if (info.solver !== 'exact') return;
      expect(info.support.length).toBe(nSV);
      expect(info.dualObjective.length).toBe(objective.length);
      info.dualObjective.forEach((v, i) => expect(rel(v, objective[i]!)).toBeLessThan(1e-3));
      expect(Math.abs(accuracy(m.predict(d.X), d.y) - score)).toBeLessThan(1e-3);
    });
  }
});

describe('svr matches LIBSVM', () => {
  for (const [file, params, nSV, objective, score] of REGRESSION) {
    it(`${file} ${JSON.stringify(params)}: ${nSV} support vectors, dual objective within 1e-3`, () => {
      const d = loadStandardised(file, false);
      const m = svrSpec.create({ ...params, solver: 'exact' }, { task: 'regression', nClasses: 0, seed: 0 }) as Svr;
      m.fit(d.X, d.y);
      const info = m.fitInfo!;
      if (info.solver !== 'exact') throw new Error('expected the exact solver');
      expect(info.support.length).toBe(nSV);
      expect(rel(info.dualObjective, objective)).toBeLessThan(1e-3);
      expect(Math.abs(r2(m.predict(d.X), d.y) - score)).toBeLessThan(1e-3);
    });
  }
});
