/**
 * The feature-selection step: scores the preprocessed training columns with the configured method,
 * keeps a subset, and from then on passes only those columns to the model. It sees only the rows
 * it is fitted on (a fold's training rows), never validation rows.
 */
import type { Matrix, Task } from '../../models/estimator.js';
import { zeroMatrix } from '../../models/estimator.js';
import { AutomlError, show } from '../../util/errors.js';
import { createRng, deriveSeed } from '../../util/rng.js';
import type { JsonAt } from '../json-check.js';
import { at, badJson, readArray, readEnum, readNumber, readObject, readString } from '../json-check.js';
import type { FeatureStep } from '../feature-step.js';
import type { ResolvedSelect, SelectMethod } from './config.js';
import { DEFAULT_ALPHA_RATIO, DEFAULT_FDR_ALPHA, keepCount } from './config.js';
import { benjaminiHochbergCount, fPValues, fTestDof } from './fdr.js';
import { l1Importances, treeImportances } from './importance.js';
import { mutualInfo } from './mutual-info.js';
import { anovaF, fRegression } from './univariate.js';

/** The `kind` of a selection step in a saved pipeline. */
export const SELECT_KIND = 'select';

/** Serialised selection step. */
export interface SelectionStepJSON {
  readonly kind: typeof SELECT_KIND;
  readonly version: 1;
  readonly method: SelectMethod;
  /** Method settings (k/fraction, threshold/alpha_ratio, or alpha) as resolved at fit time, for reports. */
  readonly settings: Readonly<Record<string, number | null>>;
  /** Width of the input matrix. */
  readonly inputs: number;
  /** Kept input columns, ascending. */
  readonly kept: readonly number[];
  /** Input names at fit time, for reports and checks. */
  readonly names: readonly string[];
  /** Score of every input column (>= 0, higher is better); null stands for +Infinity (JSON has none). */
  readonly scores: readonly (number | null)[];
  readonly [key: string]: unknown;
}

const METHODS: readonly SelectMethod[] = ['anova_f', 'f_regression', 'mutual_info', 'tree_importance', 'l1_importance', 'fdr'];

/** A fitted-or-unfitted selection step. Create with {@link createSelectionStep} or {@link loadSelectionStep}. */
export class SelectionStep implements FeatureStep {
  readonly kind = SELECT_KIND;
  private state: { inputs: number; kept: Int32Array; names: string[]; scores: Float64Array } | null = null;

  /**
   * @param seed seeds the randomness of mutual information (tie jitter, subsample) and of the
   * tree ensemble; the F statistics and L1 are deterministic anyway.
   */
  constructor(
    readonly config: ResolvedSelect,
    readonly task: Task,
    readonly nClasses: number,
    private readonly seed: number | string,
  ) {}

  /** Scores every column of the training matrix and keeps the best ones (at least one). */
  fit(X: Matrix, y: Float64Array, names: readonly string[]): void {
    this.state = null;
    if (names.length !== X.cols) throw new AutomlError('E_INTERNAL', `selection: ${names.length} names for ${X.cols} columns`);
    if (X.rows === 0) throw new AutomlError('E_DATA', 'selection: no training rows to score columns on', {});
    const scores = this.score(X, y);
    const p = X.cols;
    const order = Array.from({ length: p }, (_, j) => j).sort((a, b) => scores[b]! - scores[a]! || a - b);
    let keep: number;
    const c = this.config;
    if (c.method === 'tree_importance' || c.method === 'l1_importance') {
      let mean = 0;
      for (const s of scores) mean += s;
      mean /= p;
      const cut = c.threshold * mean;
      keep = order.filter((j) => scores[j]! > 0 && scores[j]! >= cut).length;
    } else if (c.method === 'fdr') {
      // Within one test every column shares the degrees of freedom, so p falls as F rises and the
      // BH discoveries are a prefix of the F order.
      const { d1, d2 } = fTestDof(this.task, X.rows, y, this.nClasses);
      keep = benjaminiHochbergCount(fPValues(scores, d1, d2), c.alpha);
    } else keep = keepCount(c.k, c.fraction, p);
    const kept = Int32Array.from(order.slice(0, Math.max(1, Math.min(p, keep)))).sort();
    this.state = { inputs: p, kept, names: [...names], scores };
  }

  private score(X: Matrix, y: Float64Array): Float64Array {
    const c = this.config;
    const rng = createRng(deriveSeed(this.seed, 'select', c.method));
    const k = this.task === 'classification' ? this.nClasses : 0;
    let s: Float64Array;
    switch (c.method) {
      case 'anova_f':
        s = anovaF(X, y, this.nClasses);
        break;
      case 'f_regression':
        s = fRegression(X, y);
        break;
      case 'fdr':
        s = this.task === 'classification' ? anovaF(X, y, this.nClasses) : fRegression(X, y);
        break;
      case 'mutual_info':
        s = mutualInfo(X, y, k, rng);
        break;
      case 'tree_importance':
        s = treeImportances(X, y, k, rng);
        break;
      case 'l1_importance':
        s = l1Importances(X, y, k, c.alphaRatio);
        break;
    }
    // Every method scores >= 0; NaN (no evidence) counts as 0, +Infinity (a perfect separator) wins.
    return s.map((v) => (Number.isNaN(v) || v < 0 ? 0 : v));
  }

  /** Indices of the kept input columns, ascending (a copy). */
  get kept(): number[] {
    return Array.from(this.fitted().kept);
  }

  /** Score of every input column at fit time (a copy). */
  get scores(): number[] {
    return Array.from(this.fitted().scores);
  }

  /** The input columns the output depends on: the kept ones. */
  inputsUsed(): number[] {
    return this.kept;
  }

  /** The kept columns of `X`, in input order. */
  transform(X: Matrix): Matrix {
    const s = this.fitted();
    if (X.cols !== s.inputs) {
      throw new AutomlError('E_DATA', `selection: the matrix has ${X.cols} columns but the step was fitted on ${s.inputs}`, { value: X.cols });
    }
    const q = s.kept.length;
    const out = zeroMatrix(X.rows, q, X.data instanceof Float32Array ? 'float32' : 'float64');
    for (let i = 0; i < X.rows; i++) {
      const o = i * q;
      const r = i * X.cols;
      for (let t = 0; t < q; t++) out.data[o + t] = X.data[r + s.kept[t]!]!;
    }
    return out;
  }

  /** Names of the kept columns given the input names. */
  outputNames(input: readonly string[]): string[] {
    return Array.from(this.fitted().kept, (j) => input[j]!);
  }

  /** Plain-data form; {@link loadSelectionStep} restores it. */
  toJSON(): SelectionStepJSON {
    const s = this.fitted();
    const c = this.config;
    const settings: Record<string, number | null> =
      c.method === 'tree_importance'
        ? { threshold: c.threshold }
        : c.method === 'l1_importance'
          ? { threshold: c.threshold, alpha_ratio: c.alphaRatio }
          : c.method === 'fdr'
            ? { alpha: c.alpha }
            : { k: c.k, fraction: c.fraction };
    return {
      kind: SELECT_KIND,
      version: 1,
      method: c.method,
      settings,
      inputs: s.inputs,
      kept: Array.from(s.kept),
      names: [...s.names],
      scores: Array.from(s.scores, (v) => (Number.isFinite(v) ? v : null)),
    };
  }

  /** @internal Used by {@link loadSelectionStep}. */
  restore(inputs: number, kept: Int32Array, names: string[], scores: Float64Array): this {
    this.state = { inputs, kept, names, scores };
    return this;
  }

  private fitted(): NonNullable<SelectionStep['state']> {
    if (!this.state) throw new AutomlError('E_MODEL', 'the selection step is not fitted yet; fit the pipeline first', {});
    return this.state;
  }
}

/** An unfitted selection step for a resolved config. */
export function createSelectionStep(config: ResolvedSelect, task: Task, nClasses: number, seed: number | string): SelectionStep {
  return new SelectionStep(config, task, nClasses, seed);
}

/**
 * Restores a selection step from {@link SelectionStep.toJSON} output, checking every field.
 * @param inputNames the names of the columns the step receives (the previous step's output)
 * @throws AutomlError E_MODEL_FILE with the JSON path of the first bad value.
 */
export function loadSelectionStep(json: unknown, where: JsonAt, task: Task, nClasses: number, inputNames: readonly string[]): SelectionStep {
  const o = readObject(json, where);
  if (o.kind !== SELECT_KIND) throw badJson(at(where, 'kind'), `${show(SELECT_KIND)} (the only feature step this build knows)`, o.kind);
  if (o.version !== 1) throw badJson(at(where, 'version'), '1 (the only version this build reads)', o.version);
  const method = readEnum(o.method, METHODS, at(where, 'method'));
  if ((method === 'anova_f' && task !== 'classification') || (method === 'f_regression' && task !== 'regression')) {
    throw badJson(at(where, 'method'), `a selection method for ${task}`, method);
  }
  const inputs = readNumber(o.inputs, at(where, 'inputs'));
  if (inputs !== inputNames.length) throw badJson(at(where, 'inputs'), `${inputNames.length} (the columns this step receives)`, inputs);
  const keptAt = at(where, 'kept');
  const keptRaw = readArray(o.kept, keptAt);
  if (keptRaw.length === 0) throw badJson(keptAt, 'a non-empty array of column indices', keptRaw);
  const kept = Int32Array.from(keptRaw, (v, i) => {
    const j = readNumber(v, at(keptAt, i));
    if (!Number.isInteger(j) || j < 0 || j >= inputs || (i > 0 && j <= (keptRaw[i - 1] as number))) {
      throw badJson(at(keptAt, i), `an increasing column index in 0..${inputs - 1}`, v);
    }
    return j;
  });
  const names = readArray(o.names, at(where, 'names')).map((v, i) => readString(v, at(at(where, 'names'), i)));
  if (names.length !== inputs || names.some((nm, i) => nm !== inputNames[i])) {
    const i = names.findIndex((nm, k) => nm !== inputNames[k]);
    throw badJson(at(at(where, 'names'), Math.max(0, i)), `the input column names ${show(inputNames.slice(0, 3))}…`, names[i] ?? `${names.length} names`);
  }
  const scoresAt = at(where, 'scores');
  const scoresRaw = readArray(o.scores, scoresAt);
  if (scoresRaw.length !== inputs) throw badJson(scoresAt, `an array of ${inputs} scores`, `${scoresRaw.length} values`);
  const scores = Float64Array.from(scoresRaw, (v, i) => (v === null ? Infinity : readNumber(v, at(scoresAt, i))));
  const negative = scores.findIndex((v) => v < 0);
  if (negative >= 0) throw badJson(at(scoresAt, negative), 'a score >= 0', scores[negative]);
  const settings = readObject(o.settings, at(where, 'settings'));
  const num = (key: string): number | null => (settings[key] === null || settings[key] === undefined ? null : readNumber(settings[key], at(at(where, 'settings'), key)));
  const config: ResolvedSelect =
    method === 'tree_importance'
      ? { method, threshold: num('threshold') ?? 1 }
      : method === 'l1_importance'
        ? { method, threshold: num('threshold') ?? 1, alphaRatio: num('alpha_ratio') ?? DEFAULT_ALPHA_RATIO }
        : method === 'fdr'
          ? { method, alpha: num('alpha') ?? DEFAULT_FDR_ALPHA }
          : { method, k: num('k'), fraction: num('fraction') };
  return new SelectionStep(config, task, nClasses, 0).restore(inputs, kept, names, scores);
}
