/** Seeded synthetic data and small fitted models for the serving tests (no search, no workers). */
import { datasetFromRows } from '../../src/data/index.js';
import type { Dataset } from '../../src/data/index.js';
import { Pipeline, type PipelineConfig } from '../../src/pipeline/index.js';
import { getModel } from '../../src/models/registry.js';
import { FittedModel } from '../../src/serving/model-file.js';
import { tableProfile, type TrainingProfile } from '../../src/serving/profile.js';
import { withTrainingProfile } from '../../src/serving/model-profile.js';
import { createRng } from '../../src/util/rng.js';

/** What the generator may change: x1 shifted by `shift` standard deviations, the share of "red". */
export interface Shift {
  readonly shift?: number;
  readonly red?: number;
}

/**
 * Rows with x1 ~ N(10, 2), x2 ~ lognormal, color (red 20%, green 30%, blue 50% by default; other
 * shares scaled when `red` changes), flag (boolean, 40% true), and a class y that depends on x1
 * and color.
 */
export function synthRows(seed: string | number, n: number, s: Shift = {}): Record<string, unknown>[] {
  const rng = createRng(`synth/${seed}`);
  const red = s.red ?? 0.2;
  const green = 0.3 * ((1 - red) / 0.8);
  return Array.from({ length: n }, () => {
    const x1 = 10 + 2 * (rng.normal() + (s.shift ?? 0));
    const u = rng.next();
    const color = u < red ? 'red' : u < red + green ? 'green' : 'blue';
    const score = (x1 - 10) / 2 + (color === 'red' ? 1 : color === 'green' ? -0.5 : 0) + 0.7 * rng.normal();
    return { x1, x2: Math.exp(rng.normal()), color, flag: rng.next() < 0.4 ? 'yes' : 'no', y: score > 0.3 ? 'pos' : 'neg' };
  });
}

/** Bootstrap resample of rows, seeded. */
export function resample<T>(rows: readonly T[], m: number, seed: string | number): T[] {
  const rng = createRng(`resample/${seed}`);
  return Array.from({ length: m }, () => rows[rng.int(0, rows.length - 1)]!);
}

/** A profile of a dataset's feature columns without a model (no prediction part). */
export function bareProfile(d: Dataset): TrainingProfile {
  return tableProfile(d, d.features);
}

/** Fits one pipeline on every row and wraps it as a search would (in-sample prediction profile). */
export async function fitModel(rows: readonly Record<string, unknown>[], target: string, config: PipelineConfig = { model: { type: 'logistic_regression' } }): Promise<{ model: FittedModel; dataset: Dataset }> {
  const dataset = datasetFromRows(rows, { target });
  const all = Int32Array.from({ length: dataset.nRows }, (_, i) => i);
  const pipeline = await new Pipeline(getModel).fit(dataset, all, config, { seed: 1 });
  const model = new FittedModel(pipeline, {
    study: 'test',
    trial: 0,
    task: dataset.target.task,
    target,
    classes: dataset.target.classes ? [...dataset.target.classes] : null,
    metric: dataset.target.task === 'classification' ? 'accuracy' : 'r2',
    cvScore: null,
    testScore: null,
    features: pipeline.requiredSchema,
  });
  return { model: withTrainingProfile(model, dataset, null), dataset };
}
