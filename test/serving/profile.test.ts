import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { datasetFromRows } from '../../src/data/index.js';
import { FittedModel, loadModel, MODEL_FILE_VERSION } from '../../src/serving/model-file.js';
import { columnProfile, numericSummary, PROFILE_TOP_CATEGORIES, QUANTILE_LEVELS, type ClassPredictionProfile } from '../../src/serving/profile.js';
import { PROFILE_MAX_ROWS, requireProfile, withTrainingProfile } from '../../src/serving/model-profile.js';
import { checkDrift } from '../../src/serving/drift.js';
import { AutomlError } from '../../src/util/errors.js';
import { fitModel, synthRows } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'automl-profile-'));
type Json = Record<string, any>;

describe('profile contents', () => {
  it('numeric summary: counts, population sd, quantiles, distinct values when few', () => {
    const s = numericSummary(Float64Array.from([3, 1, NaN, 2, 2]));
    expect(s).toMatchObject({ n: 5, missing: 1, min: 1, max: 3, mean: 2, distinct: [{ value: 1, count: 1 }, { value: 2, count: 2 }, { value: 3, count: 1 }] });
    expect(s.sd).toBeCloseTo(Math.sqrt(0.5), 12);
    expect(s.quantiles).toHaveLength(QUANTILE_LEVELS.length);
    expect(numericSummary(Float64Array.from({ length: 50 }, (_, i) => i)).distinct).toBeNull();
    expect(numericSummary(Float64Array.from([NaN, NaN]))).toMatchObject({ missing: 2, min: null, quantiles: [], distinct: null });
  });

  it('categories: the top 50 by count and one "other" count; booleans as "false"/"true"', () => {
    const rows = Array.from({ length: 600 }, (_, i) => ({ cat: `c${i % 60}`, b: i % 3 === 0 ? 'yes' : i % 7 === 0 ? '' : 'no', y: i % 2 }));
    // c0..c9 get an extra row each so the top is deterministic.
    rows.push(...Array.from({ length: 10 }, (_, i) => ({ cat: `c${i}`, b: 'no', y: 0 })));
    // keep: all 60 levels (loading would otherwise group those past the 50 most frequent).
    const d = datasetFromRows(rows, { target: 'y', keep: ['cat'] });
    const cat = columnProfile(d, d.features.find((f) => f.name === 'cat')!);
    if (cat.type === 'numeric') throw new Error('expected a categorical profile');
    expect(cat.categories).toBe(60);
    expect(cat.top).toHaveLength(PROFILE_TOP_CATEGORIES);
    expect(cat.top[0]).toEqual({ label: 'c0', count: 11 });
    expect(cat.top.reduce((s, t) => s + t.count, 0) + cat.other).toBe(610);
    const b = columnProfile(d, d.features.find((f) => f.name === 'b')!);
    // Missing: i % 7 === 0 but not i % 3 === 0, 57 of the first 600 rows.
    expect(b).toMatchObject({ type: 'boolean', missing: 57 });
    if (b.type !== 'numeric') expect(b.top.map((t) => t.label).sort()).toEqual(['false', 'true']);
  });

  it("prediction profile: the members' out-of-fold average when every member has one, else in-sample", async () => {
    const { model, dataset } = await fitModel(synthRows('oof', 200), 'y');
    expect(model.profile!.predictions).toMatchObject({ task: 'classification', source: 'in-sample', n: 200 });
    const two = new FittedModel(model.pipeline, { ...model.info, trial: 3 }, [
      { trial: 3, weight: 0.75, pipeline: model.pipeline },
      { trial: 5, weight: 0.25, pipeline: model.pipeline },
    ]);
    // Member 3 says "pos" for every row, member 5 "neg": the 0.75/0.25 average says "pos".
    const oof = (p: number) => Float64Array.from({ length: 400 }, (_, i) => (i % 2 === 1 ? p : 1 - p));
    const withOof = withTrainingProfile(two, dataset, (t) => (t === 3 ? oof(0.9) : t === 5 ? oof(0.1) : undefined));
    const p = withOof.profile!.predictions as ClassPredictionProfile;
    expect(p.source).toBe('out-of-fold');
    expect(p.labels).toEqual([{ label: 'neg', count: 0 }, { label: 'pos', count: 200 }]);
    expect(p.proba.map((x) => x.label)).toEqual(['pos']);
    expect(p.proba[0]!.values.mean).toBeCloseTo(0.7, 12);
    expect(withTrainingProfile(two, dataset, (t) => (t === 3 ? oof(0.9) : undefined)).profile!.predictions!.source).toBe('in-sample');
  });
});

describe('profile of a large table', () => {
  it('samples PROFILE_MAX_ROWS evenly spaced rows, in-sample and out of fold', async () => {
    const { model } = await fitModel(synthRows('big-fit', 500), 'y', { model: { type: 'gaussian_nb' } });
    const big = datasetFromRows(synthRows('big', PROFILE_MAX_ROWS + 20_000), { target: 'y' });
    const p = withTrainingProfile(model, big, null).profile!;
    expect(p.rows).toBe(PROFILE_MAX_ROWS);
    expect(p.predictions).toMatchObject({ source: 'in-sample', n: PROFILE_MAX_ROWS });
    expect(JSON.stringify(p.columns[0])).toMatch(/"n":100000/);
    // Out of fold: row i of the sample takes the members' prediction for row floor(i * n / m).
    const n = big.nRows;
    const oof = Float64Array.from({ length: n * 2 }, (_, j) => ((j >> 1) % 2 === 0 ? (j % 2 === 0 ? 1 : 0) : j % 2 === 0 ? 0 : 1));
    const q = withTrainingProfile(model, big, () => oof).profile!.predictions as ClassPredictionProfile;
    expect(q.source).toBe('out-of-fold');
    let even = 0;
    for (let i = 0; i < PROFILE_MAX_ROWS; i++) if (Math.floor((i * n) / PROFILE_MAX_ROWS) % 2 === 0) even++;
    expect(q.labels.find((l) => l.label === 'neg')!.count).toBe(even);
  });
});

describe('model file with a profile', () => {
  it('round trip: version 3, the same profile and predictions after loading', async () => {
    const rows = synthRows('roundtrip', 300);
    const { model } = await fitModel(rows, 'y');
    const file = await model.save(join(dir, 'm.json'));
    const json = JSON.parse(readFileSync(file, 'utf8')) as Json;
    expect(json.version).toBe(MODEL_FILE_VERSION);
    expect(MODEL_FILE_VERSION).toBe(3);
    const loaded = loadModel(file);
    expect(loaded.fileVersion).toBe(3);
    expect(loaded.profile).toEqual(JSON.parse(JSON.stringify(model.profile)));
    expect(loaded.predict(rows)).toEqual(model.predict(rows));
    expect(requireProfile(loaded).rows).toBe(300);
  });

  it('refuses damaged profiles with E_MODEL_FILE and the JSON path', async () => {
    const { model } = await fitModel(synthRows('damaged', 300), 'y');
    const good = JSON.parse(JSON.stringify(model.toJSON())) as Json;
    const names = good.profile.columns.map((c: Json) => c.name);
    const x1 = names.indexOf('x1');
    const color = names.indexOf('color');
    const cases: [string, (j: Json) => void, RegExp][] = [
      ['unknown key', (j) => (j.profile.evil = 1), /\$\.profile\.evil: expected no such key/],
      ['missing key', (j) => delete j.profile.quantileLevels, /\$\.profile\.quantileLevels: expected a value \(the key is missing\)/],
      ['unsorted quantiles', (j) => (j.profile.columns[x1].quantiles[5] = -1e9), new RegExp(`\\$\\.profile\\.columns\\[${x1}\\]\\.quantiles\\[5\\]: expected quantiles in ascending order`)],
      ['non-finite quantile', (j) => (j.profile.columns[x1].quantiles[7] = 'Infinity'), new RegExp(`columns\\[${x1}\\]\\.quantiles\\[7\\]: expected a finite number`)],
      ['too many quantiles', (j) => (j.profile.columns[x1].quantiles = new Array(5000).fill(1)), new RegExp(`columns\\[${x1}\\]\\.quantiles: expected an array of 107 items`)],
      ['sd negative', (j) => (j.profile.columns[x1].sd = -1), /\.sd: expected a value >= 0/],
      ['mean out of range', (j) => (j.profile.columns[x1].mean = 1e9), /\.mean: expected a value in \[min, max\]/],
      ['too many categories', (j) => (j.profile.columns[color].top = Array.from({ length: 51 }, (_, i) => ({ label: `l${i}`, count: 1 }))), new RegExp(`columns\\[${color}\\]\\.top: expected an array of 0 to 50 items`)],
      ['counts that do not add up', (j) => (j.profile.columns[color].top[0].count += 1), new RegExp(`columns\\[${color}\\]\\.top: expected counts \\(with other\\) summing`)],
      ['repeated label', (j) => (j.profile.columns[color].top[1].label = j.profile.columns[color].top[0].label), /\.top\[1\]\.label: expected a label not listed before/],
      ['renamed column', (j) => (j.profile.columns[0].name = 'nope'), /\$\.profile\.columns\[0\]\.name: expected .* \(the model's input column at this position\)/],
      ['wrong type', (j) => (j.profile.columns[x1].type = 'categorical'), new RegExp(`columns\\[${x1}\\]\\.type: expected "numeric"`)],
      ['missing column', (j) => j.profile.columns.pop(), /\$\.profile\.columns: expected an array of 4 items/],
      ['levels not ascending', (j) => (j.profile.quantileLevels[3] = 0.5), /\$\.profile\.quantileLevels\[4\]: expected levels in strictly ascending order/],
      ['rows negative', (j) => (j.profile.rows = -3), /\$\.profile\.rows: expected an integer/],
      ['class order', (j) => j.profile.predictions.labels.reverse(), /\$\.profile\.predictions\.labels\[0\]\.label: expected "neg"/],
      ['probability above 1', (j) => (j.profile.predictions.proba[0].values.max = 1.5), /predictions\.proba\[0\]\.values/],
      ['prediction source', (j) => (j.profile.predictions.source = 'guess'), /\$\.profile\.predictions\.source: expected "out-of-fold" or "in-sample"/],
      ['profile absent from version 3', (j) => delete j.profile, /\$\.profile: expected a training profile object or null/],
      ['profile in a version 1 file', (j) => (j.version = 1), /\$\.profile: expected no profile in a version 1 file/],
    ];
    for (const [name, damage, message] of cases) {
      const j = structuredClone(good);
      damage(j);
      const f = join(dir, `bad-${name.replaceAll(' ', '-')}.json`);
      writeFileSync(f, JSON.stringify(j));
      let err: unknown;
      try {
        loadModel(f);
      } catch (e) {
        err = e;
      }
      expect(err, name).toBeInstanceOf(AutomlError);
      expect((err as AutomlError).code, name).toBe('E_MODEL_FILE');
      expect((err as AutomlError).message, name).toMatch(message);
      expect((err as AutomlError).message, name).toContain(f);
    }
    // null is a model saved without a profile: it loads.
    writeFileSync(join(dir, 'null.json'), JSON.stringify({ ...good, profile: null }));
    expect(loadModel(join(dir, 'null.json')).profile).toBeNull();
    expect(() => requireProfile(loadModel(join(dir, 'null.json')))).toThrow(/this model has no training profile/);
  });

  it('version 1 and 2 files still load and predict; what needs the profile says they predate it', async () => {
    const rows = synthRows('old', 200);
    const { model } = await fitModel(rows, 'y');
    const other = (await fitModel(synthRows('old-2', 200), 'y')).model;
    const v1: Json = { ...(JSON.parse(JSON.stringify(model.toJSON())) as Json), version: 1 };
    delete v1.profile;
    const ensemble = new FittedModel(model.pipeline, model.info, [
      { trial: 0, weight: 0.5, pipeline: model.pipeline },
      { trial: 1, weight: 0.5, pipeline: other.pipeline },
    ]);
    const v2: Json = { ...(JSON.parse(JSON.stringify(ensemble.toJSON())) as Json), version: 2 };
    delete v2.profile;
    for (const [version, json, reference] of [[1, v1, model], [2, v2, ensemble]] as const) {
      const f = join(dir, `v${version}.json`);
      writeFileSync(f, JSON.stringify(json));
      const loaded = loadModel(f);
      expect(loaded.fileVersion).toBe(version);
      expect(loaded.profile).toBeNull();
      expect(loaded.predict(rows)).toEqual(reference.predict(rows));
      const message = `${f}: this model file was written before profiles (version ${version}); re-run the search or \`automl retrain\` to get one`;
      expect(() => requireProfile(loaded, f)).toThrow(message);
      expect(() => checkDrift(f, rows)).toThrow(message);
    }
  });
});
