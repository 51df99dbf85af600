/**
 * Worker thread of `automl serve` (a piscina task module): predicts the large batches, so the
 * event loop keeps answering `/ping` and small requests meanwhile. The model is read once per
 * thread, from its file or from the JSON the server passed in `workerData`, and validated as any
 * model file is; nothing from the main thread is evaluated.
 */
import { workerData } from 'node:worker_threads';
import { loadModel, modelFromJSON } from './model-file.js';
import { predictEncoded, taskTable, type PredictResult, type PredictTask } from './http-predict.js';

/** What the server hands each predict thread at start. */
export interface PredictWorkerData {
  /** Model file to load; preferred (the file is read once per thread). */
  readonly modelPath?: string;
  /** The model's JSON when it has no file (a model built in memory). */
  readonly modelJSON?: unknown;
}

const data = workerData as PredictWorkerData;
const model = data.modelPath !== undefined ? loadModel(data.modelPath) : modelFromJSON(data.modelJSON, 'model (from the server)');

/** Predicts one batch. */
export default function predict(task: PredictTask): PredictResult {
  return predictEncoded(model, taskTable(model.info.features, task), task.proba, task.interval);
}
