/**
 * Support-vector learners: `svm` (classification) and `svr` (regression), exact SMO up to
 * {@link EXACT_ROW_LIMIT} training rows and a kernel feature map with a linear solver above.
 */
import { AutomlError } from '../../util/errors.js';
import type { ModelContext, ModelSpec, Task } from '../estimator.js';
import { Svc, createSvc } from './svc.js';
import { Svr, createSvr } from './svr.js';

export { Svc, type SvcFitInfo } from './svc.js';
export { Svr, type SvrFitInfo } from './svr.js';
export { EXACT_ROW_LIMIT, svcParams, svrParams, type SvcParams, type SvrParams } from './params.js';

function onlyTask(name: string, task: Task, ctx: ModelContext, other: string): void {
  if (ctx.task !== task) {
    throw new AutomlError('E_PARAM', `${name}: only ${task} is supported, got task "${ctx.task}"; use ${other} for ${ctx.task}`, { value: ctx.task });
  }
}

/** Registry entry of `svm`. */
export const svmSpec: ModelSpec = {
  name: 'svm',
  description: 'Support-vector classifier (RBF, polynomial or linear kernel; SMO, one-vs-one; kernel approximation above 10,000 rows)',
  tasks: ['classification'],
  create(params, ctx) {
    onlyTask('svm', 'classification', ctx, 'svr');
    return createSvc(params, ctx);
  },
  load: (json) => Svc.load(json),
};

/** Registry entry of `svr`. */
export const svrSpec: ModelSpec = {
  name: 'svr',
  description: 'Epsilon-support-vector regression (RBF, polynomial or linear kernel; SMO; kernel approximation above 10,000 rows)',
  tasks: ['regression'],
  create(params, ctx) {
    onlyTask('svr', 'regression', ctx, 'svm');
    return createSvr(params, ctx);
  },
  load: (json) => Svr.load(json),
};
