/**
 * The estimator contract suite: one set of behavioural checks run on every `ModelSpec`
 * (adapters in src/models and the fast native learners in src/models/fast).
 *
 * Usage, inside a `*.test.ts` file:
 * ```ts
 * describeEstimatorContract(mySpec, [
 *   { params: {}, task: 'classification' },
 *   { params: { max_depth: 3 }, task: 'regression' },
 * ]);
 * ```
 * Data is small, synthetic and seeded, so every check is deterministic and fast. Keep the
 * signature stable: other test files depend on it.
 */
import { describe, expect, it } from 'vitest';
import { isAutomlError } from '../../src/util/errors.js';
import { createRng } from '../../src/util/rng.js';
import { matrix } from '../../src/models/estimator.js';
import type { Estimator, EstimatorJSON, Matrix, ModelSpec, Task } from '../../src/models/estimator.js';

/** One configuration to check: hyperparameters and the task to fit. */
export interface EstimatorContractCase {
  params: Record<string, unknown>;
  task: Task;
}

/** A seeded synthetic dataset split into train and test parts. */
export interface ContractData {
  Xtrain: Matrix;
  ytrain: Float64Array;
  Xtest: Matrix;
  ytest: Float64Array;
  nClasses: number;
}

const N_FEATURES = 4;
const N_CLASSES = 3;

/**
 * Three well-separated Gaussian blobs in 4 dimensions (class centres 4 units apart on different
 * axes), so any reasonable classifier scores far above the majority baseline.
 */
export function classificationData(seed = 7, nTrain = 120, nTest = 60): ContractData {
  const rng = createRng(`contract-cls-${seed}`);
  const centres = [
    [0, 0, 0, 0],
    [4, 0, 2, 0],
    [0, 4, 0, -2],
  ];
  const make = (n: number): [Matrix, Float64Array] => {
    const X = new Float64Array(n * N_FEATURES);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const c = i % N_CLASSES;
      y[i] = c;
      for (let j = 0; j < N_FEATURES; j++) X[i * N_FEATURES + j] = centres[c]![j]! + rng.normal() * 0.8;
    }
    return [matrix(n, N_FEATURES, X), y];
  };
  const [Xtrain, ytrain] = make(nTrain);
  const [Xtest, ytest] = make(nTest);
  return { Xtrain, ytrain, Xtest, ytest, nClasses: N_CLASSES };
}

/** y = 3 x0 - 2 x1 + x2^2 / 2 + small noise; x3 is irrelevant. Features uniform in [-2, 2]. */
export function regressionData(seed = 11, nTrain = 150, nTest = 60): ContractData {
  const rng = createRng(`contract-reg-${seed}`);
  const make = (n: number): [Matrix, Float64Array] => {
    const X = new Float64Array(n * N_FEATURES);
    const y = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < N_FEATURES; j++) X[i * N_FEATURES + j] = rng.next() * 4 - 2;
      const r = X.subarray(i * N_FEATURES, (i + 1) * N_FEATURES);
      y[i] = 3 * r[0]! - 2 * r[1]! + (r[2]! * r[2]!) / 2 + rng.normal() * 0.1;
    }
    return [matrix(n, N_FEATURES, X), y];
  };
  const [Xtrain, ytrain] = make(nTrain);
  const [Xtest, ytest] = make(nTest);
  return { Xtrain, ytrain, Xtest, ytest, nClasses: 0 };
}

function dataFor(task: Task): ContractData {
  return task === 'classification' ? classificationData() : regressionData();
}

async function fitted(spec: ModelSpec, c: EstimatorContractCase, d: ContractData, seed = 42): Promise<Estimator> {
  const est = spec.create({ ...c.params }, { task: c.task, nClasses: d.nClasses, seed });
  await est.fit(d.Xtrain, d.ytrain);
  return est;
}

function label(c: EstimatorContractCase): string {
  return `${c.task} ${JSON.stringify(c.params)}`;
}

function accuracyOf(y: Float64Array, p: Float64Array): number {
  let ok = 0;
  for (let i = 0; i < y.length; i++) if (y[i] === p[i]) ok++;
  return ok / y.length;
}

function r2Of(y: Float64Array, p: Float64Array): number {
  let mean = 0;
  for (const v of y) mean += v / y.length;
  let ssRes = 0;
  let ssTot = 0;
  for (let i = 0; i < y.length; i++) {
    ssRes += (y[i]! - p[i]!) ** 2;
    ssTot += (y[i]! - mean) ** 2;
  }
  return 1 - ssRes / ssTot;
}

/**
 * Registers vitest `describe`/`it` blocks checking that `spec` honours the estimator contract
 * (src/models/estimator.ts) for each case.
 */
export function describeEstimatorContract(spec: ModelSpec, cases: { params: Record<string, unknown>; task: Task }[]): void {
  describe(`estimator contract: ${spec.name}`, () => {
    it('has a snake_case name and declares the tasks it is run on', () => {
      expect(spec.name).toMatch(/^[a-z][a-z0-9_]*$/);
      expect(spec.description.length).toBeGreaterThan(0);
      for (const c of cases) expect(spec.tasks).toContain(c.task);
    });

    it('load rejects garbage with E_MODEL_FILE', () => {
      const garbage: unknown[] = [
        null,
        42,
        'model',
        {},
        { model: 'some_other_model', version: 1, params: {}, state: {} },
        { model: spec.name, version: 1, params: {}, state: null },
        { model: spec.name, version: 1, params: {}, state: { nonsense: true } },
        { model: spec.name, version: 9999, params: {}, state: {} },
      ];
      for (const g of garbage) {
        let caught: unknown;
        try {
          spec.load(g as EstimatorJSON);
        } catch (e) {
          caught = e;
        }
        expect(isAutomlError(caught, 'E_MODEL_FILE'), `load(${JSON.stringify(g)}) should throw E_MODEL_FILE, got ${String(caught)}`).toBe(true);
      }
    });

    for (const c of cases) {
      describe(label(c), () => {
        const d = dataFor(c.task);

        it('fit then predict gives one valid value per row', async () => {
          const est = await fitted(spec, c, d);
          const p = est.predict(d.Xtest);
          expect(p).toBeInstanceOf(Float64Array);
          expect(p.length).toBe(d.Xtest.rows);
          for (const v of p) {
            expect(Number.isFinite(v)).toBe(true);
            if (c.task === 'classification') {
              expect(Number.isInteger(v)).toBe(true);
              expect(v).toBeGreaterThanOrEqual(0);
              expect(v).toBeLessThan(d.nClasses);
            }
          }
        });

        if (c.task === 'classification') {
          it('predictProba rows are distributions consistent with predict', async () => {
            const est = await fitted(spec, c, d);
            expect(typeof est.predictProba).toBe('function');
            const P = est.predictProba!(d.Xtest);
            expect(P.rows).toBe(d.Xtest.rows);
            expect(P.cols).toBe(d.nClasses);
            const pred = est.predict(d.Xtest);
            let agree = 0;
            for (let i = 0; i < P.rows; i++) {
              let s = 0;
              let best = 0;
              for (let k = 0; k < P.cols; k++) {
                const v = P.data[i * P.cols + k]!;
                expect(v).toBeGreaterThanOrEqual(0);
                expect(v).toBeLessThanOrEqual(1 + 1e-9);
                s += v;
                if (v > P.data[i * P.cols + best]!) best = k;
              }
              expect(s).toBeCloseTo(1, 6);
              if (best === pred[i]) agree++;
            }
            // Ties in probabilities may be broken differently by predict, so allow a little slack.
            expect(agree / P.rows).toBeGreaterThanOrEqual(0.9);
          });
        }

        if (c.task === 'classification') {
          it('handles a binary problem and a class absent from the training rows', async () => {
            // Binary: classes 0 and 1 of the blobs only.
            const keep = (y: Float64Array) => Array.from(y, (v, i) => (v < 2 ? i : -1)).filter((i) => i >= 0);
            const sub = (X: Matrix, rows: number[]) => matrix(rows.length, X.cols, Float64Array.from(rows.flatMap((r) => Array.from(X.data.subarray(r * X.cols, (r + 1) * X.cols)))));
            const tr = keep(d.ytrain);
            const te = keep(d.ytest);
            const Xtr = sub(d.Xtrain, tr);
            const ytr = Float64Array.from(tr, (i) => d.ytrain[i]!);
            const Xte = sub(d.Xtest, te);
            const yte = Float64Array.from(te, (i) => d.ytest[i]!);
            const bin = spec.create({ ...c.params }, { task: 'classification', nClasses: 2, seed: 5 });
            await bin.fit(Xtr, ytr);
            expect(accuracyOf(yte, bin.predict(Xte))).toBeGreaterThan(0.8);
            expect(bin.predictProba!(Xte).cols).toBe(2);
            // Same rows, but the model is told there are 3 classes (a CV fold missing a rare class).
            const gap = spec.create({ ...c.params }, { task: 'classification', nClasses: 3, seed: 5 });
            await gap.fit(Xtr, ytr);
            const P = gap.predictProba!(d.Xtest);
            expect(P.cols).toBe(3);
            for (let i = 0; i < P.rows; i++) {
              let sum = 0;
              for (let k = 0; k < 3; k++) sum += P.data[i * 3 + k]!;
              expect(sum).toBeCloseTo(1, 6);
            }
            for (const v of gap.predict(d.Xtest)) expect([0, 1, 2]).toContain(v);
          });
        }

        it('is deterministic under the same seed', async () => {
          const a = await fitted(spec, c, d, 123);
          const b = await fitted(spec, c, d, 123);
          expect(Array.from(b.predict(d.Xtest))).toEqual(Array.from(a.predict(d.Xtest)));
          if (c.task === 'classification' && a.predictProba && b.predictProba) {
            expect(Array.from(b.predictProba(d.Xtest).data)).toEqual(Array.from(a.predictProba(d.Xtest).data));
          }
        });

        it('fit and predict do not mutate X or y', async () => {
          const X0 = Float64Array.from(d.Xtrain.data);
          const y0 = Float64Array.from(d.ytrain);
          const T0 = Float64Array.from(d.Xtest.data);
          const est = await fitted(spec, c, d);
          est.predict(d.Xtest);
          est.predictProba?.(d.Xtest);
          expect(Array.from(d.Xtrain.data)).toEqual(Array.from(X0));
          expect(Array.from(d.ytrain)).toEqual(Array.from(y0));
          expect(Array.from(d.Xtest.data)).toEqual(Array.from(T0));
        });

        it('fit twice forgets the first fit', async () => {
          const fresh = await fitted(spec, c, d);
          const reused = spec.create({ ...c.params }, { task: c.task, nClasses: d.nClasses, seed: 42 });
          // A first fit on a permuted target, then the real one: the result must match a fresh fit.
          const shuffledY = Float64Array.from(d.ytrain).reverse();
          await reused.fit(d.Xtrain, shuffledY);
          await reused.fit(d.Xtrain, d.ytrain);
          expect(Array.from(reused.predict(d.Xtest))).toEqual(Array.from(fresh.predict(d.Xtest)));
        });

        it('toJSON -> JSON text -> load predicts identically', async () => {
          const est = await fitted(spec, c, d);
          const json = est.toJSON();
          expect(json.model).toBe(spec.name);
          const restored = spec.load(JSON.parse(JSON.stringify(json)) as EstimatorJSON);
          expect(Array.from(restored.predict(d.Xtest))).toEqual(Array.from(est.predict(d.Xtest)));
          if (c.task === 'classification' && est.predictProba) {
            expect(typeof restored.predictProba).toBe('function');
            const a = est.predictProba(d.Xtest).data;
            const b = restored.predictProba!(d.Xtest).data;
            for (let i = 0; i < a.length; i++) expect(b[i]).toBeCloseTo(a[i]!, 12);
          }
        });

        it('fitBlocks, when offered, fits from row blocks as fit does from the whole matrix', async () => {
          const whole = await fitted(spec, c, d);
          const blocked = spec.create({ ...c.params }, { task: c.task, nClasses: d.nClasses, seed: 42 });
          if (!blocked.fitBlocks) return;
          const { rows, cols } = d.Xtrain;
          const cuts = [0, Math.floor(rows / 3), rows - 1, rows];
          let k = 0;
          await blocked.fitBlocks(() => {
            if (k === cuts.length - 1) return null;
            const [a, b] = [cuts[k]!, cuts[++k]!];
            return { X: matrix(b - a, cols, Float64Array.from(d.Xtrain.data.subarray(a * cols, b * cols))), y: d.ytrain.subarray(a, b) };
          });
          expect(Array.from(blocked.predict(d.Xtest))).toEqual(Array.from(whole.predict(d.Xtest)));
        });

        it('predictStd, when offered (regression), gives one finite positive deviation per row, the same after a save and load', async () => {
          const est = await fitted(spec, c, d);
          if (!est.predictStd) return;
          expect(c.task).toBe('regression');
          const sd = est.predictStd(d.Xtest);
          expect(sd).toHaveLength(d.Xtest.rows);
          for (const v of sd) (expect(Number.isFinite(v)).toBe(true), expect(v).toBeGreaterThan(0));
          const back = spec.load(JSON.parse(JSON.stringify(est.toJSON())));
          expect(Array.from(back.predictStd!(d.Xtest))).toEqual(Array.from(sd));
        });

        it('beats a trivial baseline on an easy problem', async () => {
          const est = await fitted(spec, c, d);
          const p = est.predict(d.Xtest);
          if (c.task === 'classification') {
            // Classes are balanced, so the majority baseline scores 1/3.
            expect(accuracyOf(d.ytest, p)).toBeGreaterThan(0.8);
          } else {
            // Predicting the mean scores r2 = 0.
            expect(r2Of(d.ytest, p)).toBeGreaterThan(0.6);
          }
        });
      });
    }
  });
}
