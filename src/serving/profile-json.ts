/**
 * Validation of a training profile read from a model file: every number finite and in range,
 * quantiles sorted, sizes bounded, counts consistent, column names and classes matching the model,
 * unknown keys refused. Errors are E_MODEL_FILE naming the file and the JSON path.
 */
import { AutomlError, show } from '../util/errors.js';
import type { ColumnSchema } from '../data/types.js';
import type { Task } from '../models/estimator.js';
import type { ColumnProfile, LabelCount, NumericSummary, PredictionProfile, TrainingProfile } from './profile.js';
import { PROFILE_DISCRETE_MAX, PROFILE_TOP_CATEGORIES } from './profile.js';

/** Longest category label accepted in a profile. */
const MAX_LABEL_LENGTH = 10_000;
/** Most quantile levels accepted (written: 107). */
const MAX_LEVELS = 1001;

/** What a profile must agree with: the rest of the model file. */
export interface ProfileContext {
  readonly file: string;
  readonly features: readonly ColumnSchema[];
  readonly task: Task;
  readonly classes: readonly string[] | null;
}

class Reader {
  /** The profile's quantile levels, once read: every quantile array has one value per level. */
  levels = 0;

  constructor(readonly file: string) {}

  bad(path: string, expected: string, value: unknown): AutomlError {
    return new AutomlError('E_MODEL_FILE', `${this.file}: ${path}: expected ${expected}, got ${show(value)}`, { file: this.file, path, value });
  }

  object(v: unknown, path: string, keys: readonly string[]): Record<string, unknown> {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) throw this.bad(path, 'an object', v);
    const o = v as Record<string, unknown>;
    for (const k of Object.keys(o)) if (!keys.includes(k)) throw this.bad(`${path}.${k}`, `no such key (known: ${keys.join(', ')})`, o[k]);
    for (const k of keys) if (!Object.prototype.hasOwnProperty.call(o, k)) throw this.bad(`${path}.${k}`, 'a value (the key is missing)', undefined);
    return o;
  }

  array(v: unknown, path: string, min: number, max: number): unknown[] {
    if (!Array.isArray(v) || v.length < min || v.length > max) throw this.bad(path, `an array of ${min === max ? min : `${min} to ${max}`} items`, Array.isArray(v) ? `${v.length} items` : v);
    return v;
  }

  count(v: unknown, path: string, max = Number.MAX_SAFE_INTEGER): number {
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 0 || v > max) throw this.bad(path, `an integer in [0, ${max}]`, v);
    return v;
  }

  finite(v: unknown, path: string): number {
    if (typeof v !== 'number' || !Number.isFinite(v)) throw this.bad(path, 'a finite number', v);
    return v;
  }

  label(v: unknown, path: string): string {
    if (typeof v !== 'string' || v.length > MAX_LABEL_LENGTH) throw this.bad(path, `a string of at most ${MAX_LABEL_LENGTH} characters`, v);
    return v;
  }

  quantiles(v: unknown, path: string, lo: number, hi: number): number[] {
    const q = this.array(v, path, this.levels, this.levels).map((x, i) => this.finite(x, `${path}[${i}]`));
    for (let i = 0; i < q.length; i++) {
      if (i > 0 && q[i]! < q[i - 1]!) throw this.bad(`${path}[${i}]`, `quantiles in ascending order (>= ${q[i - 1]})`, q[i]);
      if (q[i]! < lo || q[i]! > hi) throw this.bad(`${path}[${i}]`, `a value in [${lo}, ${hi}]`, q[i]);
    }
    return q;
  }
}

const NUMERIC_KEYS = ['n', 'missing', 'min', 'max', 'mean', 'sd', 'quantiles', 'distinct'];

function readNumeric(r: Reader, o: Record<string, unknown>, path: string): NumericSummary {
  const n = r.count(o.n, `${path}.n`);
  const missing = r.count(o.missing, `${path}.missing`, n);
  if (missing === n) {
    for (const k of ['min', 'max', 'mean', 'sd', 'distinct']) if (o[k] !== null) throw r.bad(`${path}.${k}`, 'null (every value is missing)', o[k]);
    r.array(o.quantiles, `${path}.quantiles`, 0, 0);
    return { n, missing, min: null, max: null, mean: null, sd: null, quantiles: [], distinct: null };
  }
  const min = r.finite(o.min, `${path}.min`);
  const max = r.finite(o.max, `${path}.max`);
  if (max < min) throw r.bad(`${path}.max`, `a value >= min (${min})`, max);
  const mean = r.finite(o.mean, `${path}.mean`);
  // The mean is a float sum, so it may stray from [min, max] by rounding only.
  const slack = 1e-9 * Math.max(1, Math.abs(min), Math.abs(max));
  if (mean < min - slack || mean > max + slack) throw r.bad(`${path}.mean`, `a value in [min, max] = [${min}, ${max}]`, mean);
  const sd = r.finite(o.sd, `${path}.sd`);
  if (sd < 0) throw r.bad(`${path}.sd`, 'a value >= 0', sd);
  const quantiles = r.quantiles(o.quantiles, `${path}.quantiles`, min, max);
  if (quantiles[0] !== min || quantiles[quantiles.length - 1] !== max) throw r.bad(`${path}.quantiles`, `first and last quantiles equal to min and max (${min}, ${max})`, [quantiles[0], quantiles.at(-1)]);
  let distinct: { value: number; count: number }[] | null = null;
  if (o.distinct !== null) {
    let total = 0;
    distinct = r.array(o.distinct, `${path}.distinct`, 1, PROFILE_DISCRETE_MAX).map((d, i) => {
      const at = `${path}.distinct[${i}]`;
      const e = r.object(d, at, ['value', 'count']);
      const value = r.finite(e.value, `${at}.value`);
      const count = r.count(e.count, `${at}.count`);
      if (count < 1) throw r.bad(`${at}.count`, 'a count >= 1', count);
      total += count;
      return { value, count };
    });
    for (let i = 1; i < distinct.length; i++) if (!(distinct[i]!.value > distinct[i - 1]!.value)) throw r.bad(`${path}.distinct[${i}].value`, 'values in strictly ascending order', distinct[i]!.value);
    if (total !== n - missing) throw r.bad(`${path}.distinct`, `counts summing to n - missing = ${n - missing}`, total);
  }
  return { n, missing, min, max, mean, sd, quantiles, distinct };
}

function readLabelCounts(r: Reader, v: unknown, path: string, max: number): LabelCount[] {
  const seen = new Set<string>();
  return r.array(v, path, 0, max).map((x, i) => {
    const at = `${path}[${i}]`;
    const e = r.object(x, at, ['label', 'count']);
    const label = r.label(e.label, `${at}.label`);
    if (seen.has(label)) throw r.bad(`${at}.label`, 'a label not listed before', label);
    seen.add(label);
    return { label, count: r.count(e.count, `${at}.count`) };
  });
}

function readColumn(r: Reader, v: unknown, path: string, schema: ColumnSchema, rows: number): ColumnProfile {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw r.bad(path, 'a column profile object', v);
  const head = v as Record<string, unknown>;
  if (head.name !== schema.name) throw r.bad(`${path}.name`, `${show(schema.name)} (the model's input column at this position)`, head.name);
  if (head.type !== schema.type) throw r.bad(`${path}.type`, `${show(schema.type)} (the type of column ${show(schema.name)} in $.features)`, head.type);
  if (schema.type === 'numeric') {
    const o = r.object(v, path, ['name', 'type', ...NUMERIC_KEYS]);
    const s = readNumeric(r, o, path);
    if (s.n !== rows) throw r.bad(`${path}.n`, `the profile's row count ${rows}`, s.n);
    return { name: schema.name, type: 'numeric', ...s };
  }
  const o = r.object(v, path, ['name', 'type', 'n', 'missing', 'categories', 'top', 'other']);
  const n = r.count(o.n, `${path}.n`);
  if (n !== rows) throw r.bad(`${path}.n`, `the profile's row count ${rows}`, n);
  const missing = r.count(o.missing, `${path}.missing`, n);
  const top = readLabelCounts(r, o.top, `${path}.top`, PROFILE_TOP_CATEGORIES);
  for (let i = 0; i < top.length; i++) {
    if (top[i]!.count < 1) throw r.bad(`${path}.top[${i}].count`, 'a count >= 1', top[i]!.count);
    if (i > 0 && top[i]!.count > top[i - 1]!.count) throw r.bad(`${path}.top[${i}].count`, `counts in descending order (<= ${top[i - 1]!.count})`, top[i]!.count);
  }
  const other = r.count(o.other, `${path}.other`);
  const categories = r.count(o.categories, `${path}.categories`);
  if (categories < top.length + (other > 0 ? 1 : 0)) throw r.bad(`${path}.categories`, `at least ${top.length + (other > 0 ? 1 : 0)} (the labels in top, plus one for other)`, categories);
  const total = top.reduce((s, x) => s + x.count, 0) + other;
  if (total !== n - missing) throw r.bad(`${path}.top`, `counts (with other) summing to n - missing = ${n - missing}`, total);
  return { name: schema.name, type: schema.type, n, missing, categories, top, other };
}

function readPredictions(r: Reader, v: unknown, path: string, ctx: ProfileContext, rows: number): PredictionProfile | null {
  if (v === null) return null;
  const task = (v as { task?: unknown } | undefined)?.task;
  if (task !== ctx.task) throw r.bad(`${path}.task`, `${show(ctx.task)} (as $.task says)`, task);
  const source = (v as { source?: unknown }).source;
  if (source !== 'out-of-fold' && source !== 'in-sample') throw r.bad(`${path}.source`, '"out-of-fold" or "in-sample"', source);
  if (ctx.task === 'regression') {
    const o = r.object(v, path, ['task', 'source', 'values']);
    const values = readNumeric(r, r.object(o.values, `${path}.values`, NUMERIC_KEYS), `${path}.values`);
    if (values.n !== rows) throw r.bad(`${path}.values.n`, `the profile's row count ${rows}`, values.n);
    return { task: 'regression', source, values };
  }
  const classes = ctx.classes!;
  const o = r.object(v, path, ['task', 'source', 'n', 'labels', 'proba']);
  const n = r.count(o.n, `${path}.n`);
  if (n !== rows) throw r.bad(`${path}.n`, `the profile's row count ${rows}`, n);
  const labels = readLabelCounts(r, o.labels, `${path}.labels`, classes.length);
  if (labels.length !== classes.length) throw r.bad(`${path}.labels`, `one entry per class (${classes.length})`, `${labels.length} entries`);
  labels.forEach((l, i) => {
    if (l.label !== classes[i]) throw r.bad(`${path}.labels[${i}].label`, `${show(classes[i])} (the classes' order in $.classes)`, l.label);
  });
  if (labels.reduce((s, l) => s + l.count, 0) !== n) throw r.bad(`${path}.labels`, `counts summing to n = ${n}`, labels.map((l) => l.count));
  const want = classes.length === 2 ? [classes[1]!] : classes;
  const proba = r.array(o.proba, `${path}.proba`, want.length, want.length).map((x, i) => {
    const at = `${path}.proba[${i}]`;
    const e = r.object(x, at, ['label', 'values']);
    if (e.label !== want[i]) throw r.bad(`${at}.label`, show(want[i]), e.label);
    const values = readNumeric(r, r.object(e.values, `${at}.values`, NUMERIC_KEYS), `${at}.values`);
    if (values.n !== n) throw r.bad(`${at}.values.n`, `the predictions' row count ${n}`, values.n);
    if (values.min !== null && (values.min < 0 || values.max! > 1)) throw r.bad(`${at}.values`, 'probabilities in [0, 1]', [values.min, values.max]);
    return { label: want[i]!, values };
  });
  return { task: 'classification', source, n, labels, proba };
}

/**
 * Validates a model file's `profile` (null allowed: a model saved without one).
 * @throws AutomlError E_MODEL_FILE with the file and the JSON path of the first problem.
 */
export function profileFromJSON(json: unknown, ctx: ProfileContext, path = '$.profile'): TrainingProfile | null {
  if (json === null) return null;
  const r = new Reader(ctx.file);
  const o = r.object(json, path, ['rows', 'quantileLevels', 'columns', 'predictions']);
  const rows = r.count(o.rows, `${path}.rows`);
  if (rows < 1) throw r.bad(`${path}.rows`, 'at least 1 row', rows);
  const levels = r.array(o.quantileLevels, `${path}.quantileLevels`, 2, MAX_LEVELS).map((x, i) => r.finite(x, `${path}.quantileLevels[${i}]`));
  levels.forEach((p, i) => {
    if (i > 0 && !(p > levels[i - 1]!)) throw r.bad(`${path}.quantileLevels[${i}]`, `levels in strictly ascending order (> ${levels[i - 1]})`, p);
  });
  if (levels[0] !== 0 || levels[levels.length - 1] !== 1) throw r.bad(`${path}.quantileLevels`, 'levels from 0 to 1', [levels[0], levels.at(-1)]);
  r.levels = levels.length;
  const cols = r.array(o.columns, `${path}.columns`, ctx.features.length, ctx.features.length);
  const columns = cols.map((c, i) => readColumn(r, c, `${path}.columns[${i}]`, ctx.features[i]!, rows));
  return { rows, quantileLevels: levels, columns, predictions: readPredictions(r, o.predictions, `${path}.predictions`, ctx, rows) };
}
