/**
 * The settings a tabular study stores ({@link TabularSettings}): written by `search`, read back by
 * `resume` and by every run. What storage holds is data, possibly from another version, another
 * tool or a hand edit: it is read field by field, and a wrong field is named, never trusted.
 */
import { AutomlError, show } from '../util/errors.js';
import type { Task } from '../models/estimator.js';
import type { ModelPluginRef } from './worker/data.js';
import type { TabularSettings } from './types.js';

/** The settings as the plain JSON object a study stores. */
export function settingsRecord(s: TabularSettings): Readonly<Record<string, unknown>> {
  return { ...s };
}

/**
 * Reads the stored settings of a tabular study (`where` names it, e.g. `study 'iris'`). Throws
 * E_CONFIG when the study is not a tabular one, E_STORAGE naming the field and its value when a
 * field is missing or malformed.
 */
export function readTabularSettings(raw: Readonly<Record<string, unknown>>, where: string): TabularSettings {
  if (raw['kind'] !== 'automl.tabular') {
    throw new AutomlError('E_CONFIG', `${where} was not created by \`automl search\` (its settings have kind ${show(raw['kind'])}, not "automl.tabular")`, { path: 'settings.kind', value: raw['kind'] });
  }
  const r = new FieldReader(raw, where);
  return {
    kind: 'automl.tabular',
    data: r.stringOrNull('data'),
    fingerprint: r.string('fingerprint'),
    target: r.string('target'),
    task: r.oneOf('task', ['classification', 'regression'] as const satisfies readonly Task[]),
    metric: r.string('metric'),
    cv: r.integer('cv', 2),
    // 0: no holdout, every row searched and no test score.
    testSize: r.get('testSize') === 0 ? 0 : r.fraction('testSize'),
    test: r.stringOrNull('test'),
    trials: r.get('trials') === null ? null : r.integer('trials', 1),
    prune: r.boolean('prune'),
    plugins: r.plugins('plugins'),
    // Absent in studies made before `automl worker` shared a deadline: none.
    deadline: r.get('deadline') === undefined || r.get('deadline') === null ? null : r.finite('deadline'),
    ...(r.get('ensemble') !== undefined ? { ensemble: r.boolean('ensemble') } : {}),
    ...(r.get('reshuffleFolds') !== undefined ? { reshuffleFolds: r.boolean('reshuffleFolds') } : {}),
    // Absent in studies made before they were stored: resume then keeps the old defaults.
    ...(r.get('recheck') !== undefined ? { recheck: r.boolean('recheck') } : {}),
    ...(r.get('featureSearch') !== undefined ? { featureSearch: r.featureSearch('featureSearch') } : {}),
    ...(r.get('trialTimeout') !== undefined ? { trialTimeout: r.get('trialTimeout') === null ? null : r.positive('trialTimeout') } : {}),
    // Absent in studies made before --delimiter, or when the delimiter was detected.
    ...(r.get('delimiter') !== undefined ? { delimiter: r.string('delimiter') } : {}),
    // Absent when the search named no column to ignore or keep.
    ...(r.get('ignore') !== undefined ? { ignore: r.names('ignore') } : {}),
    ...(r.get('keep') !== undefined ? { keep: r.names('keep') } : {}),
    // Absent in studies made before class weights: none.
    ...(r.get('classWeight') !== undefined ? { classWeight: r.oneOf('classWeight', ['none', 'balanced'] as const) } : {}),
    // Absent in studies made before the validation plan: k-fold CV, no role columns.
    ...(r.get('holdout') !== undefined ? { holdout: r.get('holdout') === null ? null : r.fraction('holdout') } : {}),
    ...(r.get('groups') !== undefined ? { groups: r.stringOrNull('groups') } : {}),
    ...(r.get('timeColumn') !== undefined ? { timeColumn: r.stringOrNull('timeColumn') } : {}),
  };
}

/** Typed reads of one stored settings object; each failure names the field. */
class FieldReader {
  constructor(
    private readonly raw: Readonly<Record<string, unknown>>,
    private readonly where: string,
  ) {}

  get(field: string): unknown {
    return Object.hasOwn(this.raw, field) ? this.raw[field] : undefined;
  }

  string(field: string): string {
    const v = this.get(field);
    if (typeof v !== 'string' || v === '') this.bad(field, v, 'a non-empty string');
    return v;
  }

  stringOrNull(field: string): string | null {
    return this.get(field) === null ? null : this.string(field);
  }

  boolean(field: string): boolean {
    const v = this.get(field);
    if (typeof v !== 'boolean') this.bad(field, v, 'true or false');
    return v;
  }

  finite(field: string): number {
    const v = this.get(field);
    if (typeof v !== 'number' || !Number.isFinite(v)) this.bad(field, v, 'a finite number');
    return v;
  }

  positive(field: string): number {
    const v = this.get(field);
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) this.bad(field, v, 'a positive number');
    return v;
  }

  featureSearch(field: string): false | 'forward' | 'backward' {
    const v = this.get(field);
    if (v !== false && v !== 'forward' && v !== 'backward') this.bad(field, v, 'false, "forward" or "backward"');
    return v;
  }

  integer(field: string, min: number): number {
    const v = this.get(field);
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) this.bad(field, v, `an integer >= ${min}`);
    return v;
  }

  fraction(field: string): number {
    const v = this.get(field);
    if (typeof v !== 'number' || !(v > 0 && v < 1)) this.bad(field, v, 'a number between 0 and 1 (exclusive)');
    return v;
  }

  oneOf<const T extends string>(field: string, values: readonly T[]): T {
    const v = this.get(field);
    if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) this.bad(field, v, values.map((x) => `"${x}"`).join(' or '));
    return v as T;
  }

  names(field: string): string[] {
    const v = this.get(field);
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string' && x !== '')) this.bad(field, v, 'a list of column names');
    return v as string[];
  }

  plugins(field: string): ModelPluginRef[] {
    const v = this.get(field);
    const expected = 'a list of { module, exportName? } with string values';
    if (!Array.isArray(v)) this.bad(field, v, expected);
    return v.map((p: unknown, i) => {
      if (typeof p !== 'object' || p === null) this.bad(`${field}[${i}]`, p, expected);
      const { module, exportName } = p as { module?: unknown; exportName?: unknown };
      if (typeof module !== 'string' || module === '') this.bad(`${field}[${i}].module`, module, 'a non-empty string');
      if (exportName !== undefined && typeof exportName !== 'string') this.bad(`${field}[${i}].exportName`, exportName, 'a string');
      return exportName !== undefined ? { module, exportName } : { module };
    });
  }

  private bad(field: string, value: unknown, expected: string): never {
    throw new AutomlError('E_STORAGE', `${this.where}: stored settings.${field} is ${value === undefined ? 'missing' : show(value)}; expected ${expected} (the study's settings are damaged or from another program)`, {
      path: `settings.${field}`,
      value,
    });
  }
}
