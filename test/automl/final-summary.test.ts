/** The final-model summary a study stores is read back as untrusted data: only a well-formed one is used. */
import { describe, expect, it } from 'vitest';
import { FINAL_MODEL_SETTING, storedFinalModel } from '../../src/automl/final-summary.js';
import type { Study } from '../../src/study/index.js';

const good = {
  kind: 'ensemble',
  bestTrial: 3,
  members: [
    { trial: 3, weight: 0.6, model: 'knn', cv: 0.95, recheck: 0.94 },
    { trial: 7, weight: 0.4, model: 'ridge', cv: 0.93, recheck: null },
  ],
  reason: 'greedy ensemble selection',
  cvScore: 0.96,
  features: ['a', 'b'],
  testScore: null,
  file: 'm.model.json',
  classWeight: null,
  threshold: { threshold: 0.4, positiveClass: 'yes', scoreAtHalf: 0.8, score: 0.82, source: 'ensemble' },
};

const withSettings = (v: unknown): Study => ({ record: { settings: { [FINAL_MODEL_SETTING]: v } } }) as unknown as Study;

describe('storedFinalModel', () => {
  it('reads a well-formed summary back', () => {
    expect(storedFinalModel(withSettings(good))).toEqual(good);
    expect(storedFinalModel(withSettings({ ...good, threshold: null, testScore: 0.9 }))?.testScore).toBe(0.9);
  });

  it('ignores a summary with any malformed field instead of rendering it', () => {
    const bad: unknown[] = [
      null,
      'text',
      [],
      { ...good, kind: 'other' },
      { ...good, members: [{ trial: 3, weight: 1, model: { toString: 'x' }, cv: 0.9, recheck: null }] },
      { ...good, members: [{ trial: 3, weight: 1, model: 'knn', cv: '0.9', recheck: null }] },
      { ...good, members: [{ trial: 3, weight: Infinity, model: 'knn', cv: 0.9, recheck: null }] },
      { ...good, cvScore: 'high' },
      { ...good, features: ['a', 1] },
      { ...good, file: 42 },
      { ...good, classWeight: 'heavy' },
      { ...good, threshold: { threshold: '0.4', positiveClass: 'yes', scoreAtHalf: 0.8, score: 0.82, source: 'x' } },
    ];
    for (const v of bad) expect(storedFinalModel(withSettings(v))).toBeNull();
  });
});
