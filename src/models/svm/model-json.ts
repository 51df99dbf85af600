/**
 * Plain-JSON forms of the fitted parts of `svm` and `svr` (kernel, one-vs-one model, feature
 * map, linear outputs) and their validating readers. Readers check every value and every array
 * length against the sizes the state declares, and report E_MODEL_FILE with the JSON path.
 */
import { modelFileError } from '../fast/common.js';
import { FourierMap, IdentityMap, NystroemMap, type FeatureMap } from './features.js';
import { checkKeys, readEnum, readFloats, readInts, readNum, readObject } from './json.js';
import { KERNELS, type KernelSpec } from './kernel.js';
import type { OvoModel } from './ovo.js';
import type { ApproxModel } from './approx.js';
import type { Sigmoid } from './probability.js';

/** Largest feature count a model file may declare. */
export const MAX_FEATURES = 1_000_000;
/** Largest class count a model file may declare. */
export const MAX_CLASSES = 10_000;
const MAX_ROWS = 50_000_000;

/** JSON of a resolved kernel. */
export function kernelToJSON(k: KernelSpec): Record<string, unknown> {
  return { kind: k.kind, gamma: k.gamma, degree: k.degree, coef0: k.coef0 };
}

/** Reads a resolved kernel. */
export function kernelFromJSON(model: string, path: string, v: unknown): KernelSpec {
  const o = readObject(model, path, v);
  checkKeys(model, path, o, ['kind', 'gamma', 'degree', 'coef0']);
  return {
    kind: readEnum(model, `${path}.kind`, o.kind, KERNELS),
    gamma: readNum(model, `${path}.gamma`, o.gamma, { min: 0, above: true }),
    degree: readNum(model, `${path}.degree`, o.degree, { int: true, min: 1, max: 10 }),
    coef0: readNum(model, `${path}.coef0`, o.coef0),
  };
}

function sigmoidsToJSON(s: Sigmoid[] | null): unknown {
  return s ? { A: s.map((x) => x.A), B: s.map((x) => x.B) } : null;
}

function sigmoidsFromJSON(model: string, path: string, v: unknown, count: number): Sigmoid[] | null {
  if (v === null) return null;
  const o = readObject(model, path, v);
  checkKeys(model, path, o, ['A', 'B']);
  const A = readFloats(model, `${path}.A`, o.A, count);
  const B = readFloats(model, `${path}.B`, o.B, count);
  return Array.from(A, (a, i) => ({ A: a, B: B[i]! }));
}

/** JSON of a one-vs-one model. */
export function ovoToJSON(m: OvoModel): Record<string, unknown> {
  return {
    kernel: kernelToJSON(m.kernel),
    labels: Array.from(m.labels),
    nSV: Array.from(m.nSV),
    SV: Array.from(m.SV),
    coef: Array.from(m.coef),
    rho: Array.from(m.rho),
    sigmoids: sigmoidsToJSON(m.sigmoids),
  };
}

/** Reads a one-vs-one model over `p` features, its labels being classes of 0..nClasses-1. */
export function ovoFromJSON(model: string, path: string, v: unknown, p: number, nClasses: number): OvoModel {
  const o = readObject(model, path, v);
  checkKeys(model, path, o, ['kernel', 'labels', 'nSV', 'SV', 'coef', 'rho', 'sigmoids']);
  const labels = readLabels(model, `${path}.labels`, o.labels, nClasses);
  const k = labels.length;
  const nSV = readInts(model, `${path}.nSV`, o.nSV, k, { min: 0, max: MAX_ROWS });
  let total = 0;
  for (const c of nSV) total += c;
  if (total * p > MAX_ROWS) modelFileError(model, `${path}.nSV`, total, `at most ${Math.floor(MAX_ROWS / p)} support vectors in all`);
  const pairs = (k * (k - 1)) / 2;
  return {
    kernel: kernelFromJSON(model, `${path}.kernel`, o.kernel),
    p,
    labels,
    nSV,
    SV: readFloats(model, `${path}.SV`, o.SV, total * p),
    coef: readFloats(model, `${path}.coef`, o.coef, (k - 1) * total),
    rho: readFloats(model, `${path}.rho`, o.rho, pairs),
    sigmoids: sigmoidsFromJSON(model, `${path}.sigmoids`, o.sigmoids, pairs),
  };
}

/** Present classes: strictly increasing indices in 0..nClasses-1, at least one. */
export function readLabels(model: string, path: string, v: unknown, nClasses: number): Int32Array {
  const labels = readInts(model, path, v, undefined, { min: 0, max: nClasses - 1 });
  if (labels.length === 0) modelFileError(model, path, v, 'at least one class');
  for (let i = 1; i < labels.length; i++) if (labels[i]! <= labels[i - 1]!) modelFileError(model, `${path}[${i}]`, labels[i], `a class index above ${labels[i - 1]} (classes are increasing)`);
  return labels;
}

/** JSON of a feature map. */
export function mapToJSON(m: FeatureMap): Record<string, unknown> {
  if (m instanceof NystroemMap) {
    // M is lower triangular: store its lower triangle row by row.
    const tri: number[] = [];
    for (let i = 0; i < m.m; i++) for (let j = 0; j <= i; j++) tri.push(m.M[i * m.m + j]!);
    return { kind: 'nystroem', m: m.m, kernel: kernelToJSON(m.kernel), landmarks: Array.from(m.landmarks), M: tri };
  }
  if (m instanceof FourierMap) return { kind: 'rff', m: m.m, W: Array.from(m.W), b: Array.from(m.b) };
  return { kind: 'identity' };
}

/** Reads a feature map over `p` input features. */
export function mapFromJSON(model: string, path: string, v: unknown, p: number): FeatureMap {
  const o = readObject(model, path, v);
  const kind = readEnum(model, `${path}.kind`, o.kind, ['identity', 'nystroem', 'rff'] as const);
  if (kind === 'identity') {
    checkKeys(model, path, o, ['kind']);
    return new IdentityMap(p);
  }
  if (kind === 'rff') {
    checkKeys(model, path, o, ['kind', 'm', 'W', 'b']);
    const m = readNum(model, `${path}.m`, o.m, { int: true, min: 1, max: 5000 });
    return new FourierMap(readFloats(model, `${path}.W`, o.W, m * p), readFloats(model, `${path}.b`, o.b, m), m, p);
  }
  checkKeys(model, path, o, ['kind', 'm', 'kernel', 'landmarks', 'M']);
  const m = readNum(model, `${path}.m`, o.m, { int: true, min: 1, max: 5000 });
  const kernel = kernelFromJSON(model, `${path}.kernel`, o.kernel);
  const landmarks = readFloats(model, `${path}.landmarks`, o.landmarks, m * p);
  const tri = readFloats(model, `${path}.M`, o.M, (m * (m + 1)) / 2);
  const M = new Float64Array(m * m);
  for (let i = 0, t = 0; i < m; i++) for (let j = 0; j <= i; j++) M[i * m + j] = tri[t++]!;
  return new NystroemMap(kernel, landmarks, m, p, M);
}

/** JSON of a linear model over a feature map. */
export function approxToJSON(a: ApproxModel): Record<string, unknown> {
  return { map: mapToJSON(a.map), outputs: a.outputs, W: Array.from(a.W), sigmoids: sigmoidsToJSON(a.sigmoids) };
}

/** Reads a linear model over a feature map; `outputs` is what the caller's classes require. */
export function approxFromJSON(model: string, path: string, v: unknown, p: number, outputs: number): ApproxModel {
  const o = readObject(model, path, v);
  checkKeys(model, path, o, ['map', 'outputs', 'W', 'sigmoids']);
  const map = mapFromJSON(model, `${path}.map`, o.map, p);
  const got = readNum(model, `${path}.outputs`, o.outputs, { int: true, min: 1, max: MAX_CLASSES });
  if (got !== outputs) modelFileError(model, `${path}.outputs`, got, `${outputs} (one per class, or one for two classes or regression)`);
  return { map, outputs, W: readFloats(model, `${path}.W`, o.W, outputs * map.width), sigmoids: sigmoidsFromJSON(model, `${path}.sigmoids`, o.sigmoids, outputs) };
}
