/**
 * Refits one pipeline configuration on every searched row, in a worker thread (so the main
 * thread stays responsive to Ctrl-C), and hands the fitted pipeline back as JSON. Run through the
 * same pool as the trials: the searched rows are already there (workerData).
 */
import { datasetWithColumns } from '../../evaluation/feature-search.js';
import { Pipeline, type PipelineConfig } from '../../pipeline/index.js';
import { getModel } from '../../models/registry.js';
import type { ObjectiveContext } from '../../protocol/messages.js';
import { getWorkerData } from '../../worker/shared.js';
import { AutomlError } from '../../util/errors.js';
import { loadModelPlugins } from './objective.js';
import type { TabularWorkerData } from './data.js';
import { rungOrder, rungRows } from '../../evaluation/row-fidelity.js';

/**
 * The task data of a refit: restrict the pipeline to these source columns (wrapper feature
 * search); fit on only `rows` of the searched rows, a stratified sample seeded by the refit's seed
 * (the time budget's refit on row rungs).
 */
export interface RefitTaskData {
  readonly columns?: readonly string[];
  readonly rows?: number;
}

/** The user attribute that carries the fitted pipeline's JSON. */
export const PIPELINE_ATTR = 'pipeline';

/** Worker entry (default export): fits, stores `pipeline.toJSON()` as a user attribute, returns 0. */
export default async function refitObjective(config: unknown, ctx: ObjectiveContext): Promise<number> {
  const data = getWorkerData<TabularWorkerData>();
  if (!data || data.kind !== 'automl.tabular') throw new AutomlError('E_INTERNAL', 'refit: no dataset was given to this worker');
  await loadModelPlugins(data.plugins);
  const task = (ctx.data ?? {}) as RefitTaskData;
  const view = task.columns ? datasetWithColumns(data.dataset, task.columns) : data.dataset;
  const all = Int32Array.from({ length: view.nRows }, (_, i) => i);
  const rows = task.rows !== undefined && task.rows < view.nRows ? rungRows(rungOrder(all, view.target, ctx.seed, data.validation?.timeOrdered === true), task.rows) : all;
  const pipeline = await new Pipeline(getModel).fit(view, rows, config as PipelineConfig, { seed: ctx.seed, signal: ctx.signal, ...(data.classWeight ? { classWeight: data.classWeight } : {}) });
  ctx.setUserAttr(PIPELINE_ATTR, pipeline.toJSON());
  return 0;
}
