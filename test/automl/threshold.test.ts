import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getMetric } from '../../src/evaluation/metrics.js';
import { averageOof, chooseThreshold, wantsThreshold } from '../../src/automl/threshold.js';
import { search } from '../../src/automl/search.js';
import { loadStudy } from '../../src/study/index.js';
import { bestJson, formatBest } from '../../src/report/best.js';
import { loadModel, modelFromJSON } from '../../src/serving/model-file.js';
import { evaluateModel } from '../../src/serving/evaluate.js';
import { renderEvaluation } from '../../src/report/evaluation.js';

const FIXTURE = join(import.meta.dirname, '../fixtures/csv/imbalanced-1to9.csv');
const dir = mkdtempSync(join(tmpdir(), 'automl-threshold-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Probabilities for 2 classes from a list of P(class 1). */
function probs(p1: number[]): Float64Array {
  return Float64Array.from(p1.flatMap((p) => [1 - p, p]));
}

describe('chooseThreshold (out of fold)', () => {
  const bal = getMetric('balanced_accuracy');
  // The rare class (1) gets probabilities 0.3-0.45: below 0.5, above every class-0 row.
  const y = Float64Array.from([0, 0, 0, 0, 0, 0, 0, 0, 1, 1]);
  const p = probs([0.05, 0.1, 0.1, 0.15, 0.2, 0.2, 0.25, 0.1, 0.3, 0.45]);

  it('finds the cut that separates a rare class the 0.5 rule misses, and reports both scores', () => {
    const t = chooseThreshold({ proba: p, y, source: 'test' }, bal, 'yes')!;
    expect(t.scoreAtHalf).toBe(0.5);
    expect(t.score).toBe(1);
    expect(t.threshold).toBeGreaterThan(0.25);
    expect(t.threshold).toBeLessThanOrEqual(0.3);
    expect(t).toMatchObject({ positiveClass: 'yes', source: 'test' });
  });

  it('keeps 0.5 (null) when no cut does better', () => {
    const perfect = probs([0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.9, 0.9]);
    expect(chooseThreshold({ proba: perfect, y, source: 'test' }, bal, 'yes')).toBeNull();
  });

  it('applies to binary f1_macro and balanced_accuracy only', () => {
    expect(wantsThreshold(bal, 2)).toBe(true);
    expect(wantsThreshold(getMetric('f1_macro'), 2)).toBe(true);
    expect(wantsThreshold(bal, 3)).toBe(false);
    expect(wantsThreshold(getMetric('accuracy'), 2)).toBe(false);
    expect(wantsThreshold(getMetric('roc_auc'), 2)).toBe(false);
  });

  it('averages members by weight, and gives up when one has no predictions', () => {
    const a = Float64Array.from([1, 0]);
    const b = Float64Array.from([0, 1]);
    expect(Array.from(averageOof([{ trial: 1, weight: 0.75 }, { trial: 2, weight: 0.25 }], (t) => (t === 1 ? a : b))!)).toEqual([0.75, 0.25]);
    expect(averageOof([{ trial: 1, weight: 1 }, { trial: 3, weight: 0 }], (t) => (t === 1 ? a : undefined))).toBeNull();
  });
});

describe('an imbalanced binary search (1:9) optimizing balanced accuracy', () => {
  const storage = `sqlite:${join(dir, 's.db')}`;

  it('with balanced class weights: says which families weight rows, and the summary (search result and `automl best`) names the model apart from the best trial', async () => {
    const notes: string[] = [];
    const r = await search({ data: FIXTURE, target: 'diagnosis', metric: 'balanced_accuracy', classWeight: 'balanced', trials: 10, cv: 3, workers: 1, seed: 2, storage, study: 'imb', onNote: (n) => notes.push(n) });
    await r.study.close();
    expect(notes.find((n) => n.startsWith('class weights balanced'))).toMatch(/logistic_regression.*; knn cannot weight rows/);
    expect(notes.some((n) => n.startsWith('decision threshold'))).toBe(true);
    const fm = r.finalModel!;
    expect(fm.classWeight).toBe('balanced');
    expect(fm.bestTrial).toBe(r.best!.number);
    expect(fm.members.map((m) => m.trial)).toEqual(r.modelTrials.map((m) => m.trial));
    expect(fm.members.reduce((s, m) => s + m.weight, 0)).toBeCloseTo(1, 9);
    expect(fm.reason.length).toBeGreaterThan(10);
    const study = await loadStudy({ name: 'imb', storage, readonly: true });
    try {
      const text = formatBest(study);
      expect(text).toMatch(new RegExp(`best trial \\(best search CV score\\): trial ${r.best!.number}`));
      expect(text).toMatch(/\nFinal model: (one pipeline|average of \d+ pipelines)/);
      expect(text).toContain('class weights: balanced');
      expect((bestJson(study)!.finalModel as { members: unknown[] }).members).toHaveLength(fm.members.length);
    } finally {
      await study.close();
    }
  }, 180_000);

  const out = join(dir, 'imb.model.json');

  it('unweighted, without ensemble or re-check: the threshold comes from a CV of the final pipeline, beats 0.5 there, and the version 4 file predicts with it', async () => {
    const r = await search({ data: FIXTURE, target: 'diagnosis', metric: 'balanced_accuracy', trials: 10, cv: 3, workers: 1, seed: 2, ensemble: false, recheck: false, storage, study: 'imb-plain', out });
    await r.study.close();
    const t = r.finalModel!.threshold!;
    expect(t.source).toBe('a cross-validation of the final pipeline');
    expect(t.score).toBeGreaterThan(t.scoreAtHalf);
    expect(t.threshold).toBeLessThan(0.5);
    const json = JSON.parse(readFileSync(out, 'utf8'));
    expect(json.version).toBe(4);
    expect(json.threshold).toEqual({ positiveClass: 'malignant', value: t.threshold });
    const model = loadModel(out);
    const rows = readFileSync(FIXTURE, 'utf8').trim().split('\n');
    const header = rows[0]!.split(',');
    const objs = rows.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [header[i]!, v])));
    const proba = model.predictProba(objs);
    const predicted = model.predict(objs);
    expect(predicted).toEqual(proba.map((p) => (p['malignant']! >= t.threshold ? 'malignant' : 'benign')));
    // The threshold changes predictions: some rows below 0.5 are called malignant.
    expect(proba.some((p, i) => p['malignant']! < 0.5 && predicted[i] === 'malignant')).toBe(true);
    // `automl evaluate` scores with that threshold and says so.
    const report = evaluateModel(out, FIXTURE);
    expect(report.classification!.threshold).toEqual({ positiveClass: 'malignant', value: t.threshold });
    expect(renderEvaluation(report)).toContain(`Predictions: malignant from a probability of ${t.threshold}`);
    const truth = rows.slice(1).map((l) => l.trim().split(',').at(-1));
    const hits = predicted.filter((l, i) => l === truth[i]).length;
    expect(report.classification!.accuracy).toBeCloseTo(hits / objs.length, 12);
  }, 180_000);

  it('a version 4 file is validated: its threshold needs a binary model, a known class and a value in (0, 1); other versions refuse one', () => {
    const v4 = JSON.parse(readFileSync(out, 'utf8'));
    expect(modelFromJSON({ ...v4, threshold: { positiveClass: 'malignant', value: 0.3 } }, 'm.json').threshold).toEqual({ positiveClass: 'malignant', value: 0.3 });
    expect(() => modelFromJSON({ ...v4, threshold: { positiveClass: 'malignant', value: 1 } }, 'm.json')).toThrow(/m\.json: \$\.threshold\.value: expected a probability strictly between 0 and 1, got 1/);
    expect(() => modelFromJSON({ ...v4, threshold: { positiveClass: 'other', value: 0.3 } }, 'm.json')).toThrow(/\$\.threshold\.positiveClass/);
    expect(() => modelFromJSON({ ...v4, threshold: undefined }, 'm.json')).toThrow(/\$\.threshold/);
    expect(() => modelFromJSON({ ...v4, version: 3 }, 'm.json')).toThrow(/no threshold in a version 3 file/);
    const { threshold: _t, ...v3 } = v4;
    expect(modelFromJSON({ ...v3, version: 3 }, 'm.json').threshold).toBeNull();
    writeFileSync(join(dir, 'v4.json'), JSON.stringify({ ...v4, threshold: { positiveClass: 'malignant', value: 0.3 } }));
    expect(loadModel(join(dir, 'v4.json')).toJSON()).toMatchObject({ version: 4, threshold: { positiveClass: 'malignant', value: 0.3 } });
  });
});
