import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { resumeSearch, search } from '../../src/automl/search.js';
import { loadModel } from '../../src/serving/model-file.js';
import { evaluateModel } from '../../src/serving/evaluate.js';
import { checkDrift } from '../../src/serving/drift.js';
import { retrain } from '../../src/automl/retrain.js';

const fx = (name: string): string => `test/fixtures/csv/${name}`;
const dir = mkdtempSync(join(tmpdir(), 'automl-columns-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('a model trained on date columns and with ignored columns', () => {
  it('saves the derivation, predicts, evaluates and checks drift from the raw dates; resume keeps --ignore', async () => {
    const storage = `sqlite:${join(dir, 's.db')}`;
    const out = join(dir, 'dates.model.json');
    const notes: string[] = [];
    const r = await search({
      data: fx('dates.csv'),
      target: 'y',
      ignore: ['us_amb'],
      models: ['gaussian_nb'],
      trials: 1,
      cv: 3,
      workers: 1,
      recheck: false,
      ensemble: false,
      storage,
      study: 'dates',
      out,
      onNote: (n) => notes.push(n),
    });
    expect(notes).toContain('ignored column "us_amb" (--ignore)');
    const json = JSON.parse(readFileSync(r.modelFile!, 'utf8'));
    const year = json.features.find((f: { name: string }) => f.name === 'signup.year');
    expect(year).toEqual({ name: 'signup.year', type: 'numeric', derived: { kind: 'date', from: 'signup', part: 'year', order: 'ymd' } });
    expect(json.features.some((f: { name: string }) => f.name === 'us_amb')).toBe(false);

    const model = loadModel(out);
    expect(model.inputColumns).toEqual(['signup', 'seen_at', 'eu', 'amount']);
    const predictFile = fx('dates-predict.csv');
    expect(model.predict(predictFile)).toHaveLength(3);
    // Rows without the ignored column (and with an unparseable date) still predict.
    const rows = [{ signup: 'soon', seen_at: '2024-01-01 10:00:00', eu: '31/01/2024', amount: 3 }];
    expect(model.predict(rows)).toHaveLength(1);
    expect(model.table(rows).notes[0]).toContain('column "signup": 1 value that is not a date');

    const report = evaluateModel(model, fx('dates.csv'));
    expect(report.rows.used).toBe(30);
    const drift = checkDrift(model, predictFile);
    expect(drift.columns.map((c) => c.column)).toContain('eu.month');
    expect(drift.notes.some((n) => n.startsWith('column "eu": 1 value that is not a date'))).toBe(true);

    // Resume reloads the data with the stored --ignore, so the fingerprint matches.
    const resumed = await resumeSearch('dates', { storage, trials: 2, workers: 1, refit: false });
    expect(resumed.counts.complete).toBe(2);

    // Retrain reads the new data with the same --ignore: the new model does not ask for it either.
    const again = await retrain('dates', { data: fx('dates.csv'), storage, model: out, trials: 1, workers: 1, recheck: false, ensemble: false, out: join(dir, '{study}.model.json'), force: true });
    expect(again.notes).toContain('ignored column "us_amb" (--ignore)');
    expect(again.search.model!.inputColumns).not.toContain('us_amb');
  }, 120_000);

  it('refuses a model file whose derivation is malformed, naming the field', () => {
    const json = JSON.parse(readFileSync(join(dir, 'dates.model.json'), 'utf8'));
    json.features[0].derived.part = 'fortnight';
    const bad = join(dir, 'bad.model.json');
    writeFileSync(bad, JSON.stringify(json));
    expect(() => loadModel(bad)).toThrow(/\$\.features\[0\]\.derived/);
  });
});
