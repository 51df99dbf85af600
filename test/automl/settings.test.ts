import { describe, expect, it } from 'vitest';
import { readTabularSettings, settingsRecord } from '../../src/automl/settings.js';
import type { TabularSettings } from '../../src/automl/types.js';
import { AutomlError } from '../../src/util/errors.js';

const SETTINGS: TabularSettings = {
  kind: 'automl.tabular',
  data: '/data/iris.csv',
  fingerprint: 'abc123',
  target: 'species',
  task: 'classification',
  metric: 'accuracy',
  cv: 5,
  testSize: 0.2,
  test: null,
  trials: 24,
  prune: true,
  plugins: [{ module: '/m/plugin.js', exportName: 'spec' }, { module: '/m/other.js' }],
  deadline: null,
  ensemble: true,
  reshuffleFolds: true,
};

/** The stored form: what a study record holds after a JSON round trip. */
const stored = (patch: Record<string, unknown> = {}): Record<string, unknown> => ({ ...JSON.parse(JSON.stringify(settingsRecord(SETTINGS))), ...patch });

function errorOf(f: () => unknown): AutomlError {
  try {
    f();
  } catch (e) {
    return e as AutomlError;
  }
  throw new Error('expected a throw');
}

describe('stored tabular settings', () => {
  it('round-trips what search writes', () => {
    expect(readTabularSettings(stored(), "study 'iris'")).toEqual(SETTINGS);
  });

  it('reads the validation plan (holdout share, groups, time column) and names a damaged one', () => {
    const plan = { holdout: 0.05, groups: 'patient', timeColumn: null };
    expect(readTabularSettings(stored(plan), "study 'iris'")).toEqual({ ...SETTINGS, ...plan });
    expect(readTabularSettings(stored(), "study 'iris'")).not.toHaveProperty('holdout');
    expect(errorOf(() => readTabularSettings(stored({ holdout: 1.5 }), "study 'iris'"))).toMatchObject({ code: 'E_STORAGE', message: expect.stringMatching(/settings\.holdout is 1\.5/) });
    expect(errorOf(() => readTabularSettings(stored({ groups: 3 }), "study 'iris'"))).toMatchObject({ code: 'E_STORAGE', message: expect.stringMatching(/settings\.groups is 3/) });
  });

  it('reads studies made before deadlines, ensembles and reshuffled folds existed', () => {
    const old = stored();
    delete old['deadline'];
    delete old['ensemble'];
    delete old['reshuffleFolds'];
    const s = readTabularSettings(old, "study 'old'");
    expect(s.deadline).toBeNull();
    expect('ensemble' in s || 'reshuffleFolds' in s).toBe(false);
  });

  it('refuses a study that is not a tabular one with E_CONFIG', () => {
    const e = errorOf(() => readTabularSettings({ dataset: 'x' }, "study 'mine'"));
    expect(e.code).toBe('E_CONFIG');
    expect(e.message).toMatch(/study 'mine' was not created by `automl search`/);
  });

  it.each([
    ['cv', 'five', /settings\.cv is "five"; expected an integer >= 2/],
    ['cv', 1, /settings\.cv is 1/],
    ['task', 'ranking', /settings\.task is "ranking"; expected "classification" or "regression"/],
    ['testSize', 1.5, /settings\.testSize is 1\.5/],
    ['prune', 'yes', /settings\.prune is "yes"; expected true or false/],
    ['target', undefined, /settings\.target is missing/],
    ['deadline', 'soon', /settings\.deadline is "soon"; expected a finite number/],
    ['plugins', [{ module: 3 }], /settings\.plugins\[0\]\.module is 3/],
    ['plugins', {}, /settings\.plugins is \{\}/],
    ['ensemble', 1, /settings\.ensemble is 1/],
  ])('a damaged field (%s = %j) gives E_STORAGE naming it', (field, value, message) => {
    const e = errorOf(() => readTabularSettings(stored({ [field]: value }), "study 'iris'"));
    expect(e.code).toBe('E_STORAGE');
    expect(e.message).toMatch(/^study 'iris': stored /);
    expect(e.message).toMatch(message);
    expect(e.details.path).toBe(`settings.${field}${field === 'plugins' && Array.isArray(value) ? '[0].module' : ''}`);
  });
});
