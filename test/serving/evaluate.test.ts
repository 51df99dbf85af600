import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { evaluateModel } from '../../src/serving/evaluate.js';
import { renderEvaluation } from '../../src/report/evaluation.js';
import { isAutomlError } from '../../src/util/errors.js';
import { createRng } from '../../src/util/rng.js';
import { fitModel, synthRows } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'automl-evaluate-'));

function toCsv(rows: Record<string, unknown>[]): string {
  const header = Object.keys(rows[0]!);
  return [header.join(','), ...rows.map((r) => header.map((h) => String(r[h] ?? '')).join(','))].join('\n') + '\n';
}

describe('evaluateModel', () => {
  it('classification: every metric, the confusion matrix in class order, per-class scores; bad targets counted, not scored', async () => {
    const { model } = await fitModel(synthRows('eval-train', 400), 'y');
    const test = synthRows('eval-test', 200);
    test[3]!.y = '';
    test[10]!.y = 'maybe';
    test[11]!.y = 'maybe';
    const r = evaluateModel(model, test);
    expect(r.rows).toEqual({ total: 200, used: 197, missingTarget: 1, unknownTarget: 2, unknownValues: ['maybe'], firstSkipped: 'rows[3]' });
    const c = r.classification!;
    expect(c.classes).toEqual(['neg', 'pos']);
    const used = test.filter((row) => row.y === 'neg' || row.y === 'pos');
    const pred = model.predict(used);
    const correct = used.filter((row, i) => pred[i] === row.y).length;
    expect(c.accuracy).toBeCloseTo(correct / 197, 12);
    expect(r.metric).toEqual({ name: 'accuracy', value: c.accuracy });
    expect(c.confusion.flat().reduce((s, x) => s + x, 0)).toBe(197);
    expect(c.confusion[0]![0]! + c.confusion[1]![1]!).toBe(correct);
    expect(c.perClass.map((p) => [p.label, p.support])).toEqual([
      ['neg', used.filter((row) => row.y === 'neg').length],
      ['pos', used.filter((row) => row.y === 'pos').length],
    ]);
    expect(c.rocAuc).toBeGreaterThan(0.8);
    expect(c.logLoss).toBeGreaterThan(0);
    expect(c.balancedAccuracy).toBeGreaterThan(0.6);
    expect(c.f1Macro).toBeGreaterThan(0.6);
    expect(r.regression).toBeNull();
    expect(r.notes.join('\n')).toMatch(/3 rows not scored: 1 with a missing target, 2 with an unknown one \(first at rows\[3\]\)/);
    const text = renderEvaluation(r);
    expect(text).toMatch(/200 rows, 197 scored \(1 with a missing target, 2 with one the model does not know: "maybe"\)/);
    expect(text).toMatch(/true \\ predicted\s+neg\s+pos/);
    expect(text).toMatch(/ROC AUC \(pos positive\)/);
  });

  it('regression: R², RMSE, MAE and the residuals, from a CSV file', async () => {
    const rng = createRng('eval-reg');
    const make = (n: number) => Array.from({ length: n }, () => {
      const a = rng.normal();
      const b = rng.normal();
      return { a, b, y: 3 * a - b + 0.5 * rng.normal() };
    });
    const { model } = await fitModel(make(300), 'y', { model: { type: 'ridge' } });
    const rows: Record<string, unknown>[] = make(100);
    rows[5]!.y = 'n/a';
    rows[6]!.y = 'lots';
    const file = join(dir, 'reg.csv');
    writeFileSync(file, toCsv(rows));
    const r = evaluateModel(model, file);
    expect(r.rows).toMatchObject({ total: 100, used: 98, missingTarget: 1, unknownTarget: 1, unknownValues: ['lots'], firstSkipped: 'line 7' });
    const g = r.regression!;
    expect(g.r2).toBeGreaterThan(0.9);
    expect(g.rmse).toBeGreaterThan(0.3);
    expect(g.rmse).toBeLessThan(0.8);
    expect(g.mae).toBeLessThanOrEqual(g.rmse);
    expect(Math.abs(g.residuals.mean)).toBeLessThan(0.2);
    expect(g.residuals.quantiles.p5).toBeLessThan(g.residuals.quantiles.p95);
    expect(g.residuals.maxAbs).toBeGreaterThanOrEqual(Math.abs(g.residuals.quantiles.p95));
    expect(r.metric).toEqual({ name: 'r2', value: g.r2 });
    expect(renderEvaluation(r)).toMatch(/R²\s+0\.9\d{3}[\s\S]*Residuals \(true - predicted\)/);
  });

  it('numeric class labels match however they are written; errors name the file and column', async () => {
    const rows = synthRows('eval-num', 200).map((r) => ({ ...r, y: r.y === 'pos' ? 1 : 0 }));
    const { model } = await fitModel(rows, 'y');
    expect(model.classes).toEqual(['0', '1']);
    const asText = rows.slice(0, 50).map((r) => ({ ...r, y: r.y === 1 ? '1.0' : '0' }));
    expect(evaluateModel(model, asText).rows.used).toBe(50);
    let err: unknown;
    try {
      evaluateModel(model, rows.map(({ y: _y, ...rest }) => ({ ...rest, Y: 1 })));
    } catch (e) {
      err = e;
    }
    expect(isAutomlError(err, 'E_TARGET')).toBe(true);
    expect((err as Error).message).toMatch(/rows: no column "y" with the true values to score against; did you mean "Y"\?/);
    expect(() => evaluateModel(model, rows.map((r) => ({ ...r, y: '' })))).toThrow(/no row has a usable value in "y" \(200 missing, 0 unknown\)/);
    expect(() => evaluateModel(model, join(dir, 'nope.csv'))).toThrow(/nope\.csv: no such file/);
  });
});
