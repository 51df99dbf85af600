import { describe, expect, it } from 'vitest';
import { balancedClassWeights, rowClassWeights } from '../../src/models/common.js';
import { matrix, type Matrix, type ModelContext } from '../../src/models/estimator.js';
import { getModel, listModels } from '../../src/models/registry.js';
import { createRng } from '../../src/util/rng.js';

/**
 * Two overlapping Gaussian classes, 1 in 10 rows of class 1, whose mean is only 1 standard
 * deviation away: an unweighted fit predicts the rare class rarely; a balanced one often.
 */
function imbalanced(n = 400, seed = 3): { X: Matrix; y: Float64Array } {
  const rng = createRng(seed);
  const normal = (): number => Math.sqrt(-2 * Math.log(1 - rng.next())) * Math.cos(2 * Math.PI * rng.next());
  const X = matrix(n, 2);
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const c = i % 10 === 9 ? 1 : 0;
    y[i] = c;
    X.data[2 * i] = normal() + c;
    X.data[2 * i + 1] = normal() + c;
  }
  return { X, y };
}

/** Share of class-1 rows predicted as class 1 (recall of the rare class). */
function rareRecall(pred: Float64Array, y: Float64Array): number {
  let hit = 0;
  let all = 0;
  for (let i = 0; i < y.length; i++) if (y[i] === 1) (all++, (hit += pred[i] === 1 ? 1 : 0));
  return hit / all;
}

describe('balanced class weights', () => {
  it('are n / (k n_c) over the classes present, 0 for an absent class', () => {
    const w = balancedClassWeights([0, 0, 0, 1, 2, 2], 4);
    expect(Array.from(w)).toEqual([6 / 9, 6 / 3, 6 / 6, 0]);
    // Each present class then carries the same total weight, n / k.
    expect(3 * w[0]!).toBeCloseTo(2, 12);
    expect(Array.from(rowClassWeights(Float64Array.from([0, 1, 1, 1]), 2, 'balanced')!)).toEqual([2, 2 / 3, 2 / 3, 2 / 3]);
    expect(rowClassWeights(Float64Array.from([0, 1]), 2, undefined)).toBeNull();
  });

  const families = ['logistic_regression', 'random_forest', 'extra_trees', 'gradient_boosting', 'gaussian_nb', 'svm'];

  it('the classification families that weight rows say so; the others do not claim it', () => {
    const can = listModels('classification').filter((m) => m.classWeights).map((m) => m.name).sort();
    expect(can).toEqual([...families].sort());
    expect(getModel('knn').classWeights).toBeUndefined();
    expect(getModel('decision_tree').classWeights).toBeUndefined();
  });

  for (const name of families) {
    it(`${name}: balanced weights find more of the rare class than unweighted, reproducibly`, async () => {
      const { X, y } = imbalanced();
      const spec = getModel(name);
      const ctx: ModelContext = { task: 'classification', nClasses: 2, seed: 7 };
      const params = name === 'gradient_boosting' ? { n_estimators: 40 } : name === 'random_forest' || name === 'extra_trees' ? { n_estimators: 40, min_samples_leaf: 5 } : {};
      const plain = spec.create(params, ctx);
      await plain.fit(X, y);
      const weighted = spec.create(params, { ...ctx, classWeight: 'balanced' });
      await weighted.fit(X, y);
      const again = spec.create(params, { ...ctx, classWeight: 'balanced' });
      await again.fit(X, y);
      const before = rareRecall(plain.predict(X), y);
      const after = rareRecall(weighted.predict(X), y);
      expect(after).toBeGreaterThan(before);
      expect(after).toBeGreaterThanOrEqual(0.5);
      expect(Array.from(again.predict(X))).toEqual(Array.from(weighted.predict(X)));
      // A weighted model saves and loads like any other, predicting the same.
      const loaded = spec.load(JSON.parse(JSON.stringify(weighted.toJSON())));
      expect(Array.from(loaded.predict(X))).toEqual(Array.from(weighted.predict(X)));
    });
  }

  it('logistic_regression (softmax): on balanced classes the weights are all 1 and the fit is the unweighted one', () => {
    const rng = createRng(11);
    const n = 90;
    const X = matrix(n, 3);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      y[i] = i % 3;
      for (let j = 0; j < 3; j++) X.data[3 * i + j] = rng.next() + (j === i % 3 ? 0.8 : 0);
    }
    const ctx: ModelContext = { task: 'classification', nClasses: 3, seed: 0 };
    const plain = getModel('logistic_regression').create({}, ctx);
    plain.fit(X, y);
    const weighted = getModel('logistic_regression').create({}, { ...ctx, classWeight: 'balanced' });
    weighted.fit(X, y);
    const a = plain.predictProba!(X).data;
    const b = weighted.predictProba!(X).data;
    for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i]!, 6);
  });

  it('gaussian_nb: a file whose balancedPriors is not a boolean is refused, naming the field', () => {
    const { X, y } = imbalanced(60);
    const nb = getModel('gaussian_nb').create({}, { task: 'classification', nClasses: 2, seed: 0, classWeight: 'balanced' });
    nb.fit(X, y);
    const json = JSON.parse(JSON.stringify(nb.toJSON()));
    expect(json.state.balancedPriors).toBe(true);
    json.state.balancedPriors = 'yes';
    expect(() => getModel('gaussian_nb').load(json)).toThrow(/state\.balancedPriors/);
  });
});
