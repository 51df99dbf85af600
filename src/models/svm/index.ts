/**
 * Support-vector learners: `svm` (classification) and `svr` (regression), exact SMO up to
 * `EXACT_ROW_LIMIT` training rows and a kernel feature map with a linear solver above.
 * Not in the default search (no `searchRank`, no warm start) until measurements say so.
 */
import { defineFamily, familySpec } from '../descriptor.js';
import type { ModelSpec } from '../estimator.js';
import { Svc, createSvc } from './svc.js';
import { Svr, createSvr } from './svr.js';
import { svmDecls, svrDecls } from './params.js';

export { Svc, type SvcFitInfo } from './svc.js';
export { Svr, type SvrFitInfo } from './svr.js';
export { EXACT_ROW_LIMIT, svcParams, svrParams, svmDecls, svrDecls, type SvcParams, type SvrParams } from './params.js';

const KERNEL_COMMENT =
  "C and gamma on log scales; the default gamma 'scale' is 1/n_features on standardised data, inside this range. degree and coef0 matter only for kernel=poly (ranges as auto-sklearn's).";

/** `svm`: support-vector classification. */
export const svmFamily = defineFamily({
  name: 'svm',
  description: 'Support-vector classifier (RBF, polynomial or linear kernel; SMO, one-vs-one; kernel approximation above 10,000 rows)',
  tasks: ['classification'],
  classWeights: true,
  params: svmDecls,
  // Kernels compare distances and dot products: features must share a scale.
  preprocessing: { encoding: 'onehot', scaler: 'standard' },
  space: {
    comment: `svm (classification only; exact SMO up to 10,000 rows, kernel approximation above). ${KERNEL_COMMENT} Not in the default search space yet.`,
    params: { C: { low: 0.01, high: 1000 }, gamma: { low: 1e-4, high: 10 }, kernel: {}, degree: { low: 2, high: 4 }, coef0: { low: -1, high: 1 }, class_weight: {} },
  },
  create: (params, ctx) => createSvc(params, ctx),
  load: (json) => Svc.load(json),
});

/** `svr`: epsilon-support-vector regression. */
export const svrFamily = defineFamily({
  name: 'svr',
  description: 'Epsilon-support-vector regression (RBF, polynomial or linear kernel; SMO; kernel approximation above 10,000 rows)',
  tasks: ['regression'],
  params: svrDecls,
  preprocessing: { encoding: 'onehot', scaler: 'standard' },
  space: {
    comment: `svr (regression only; the target is standardised inside the model, so epsilon and C are in units of its standard deviation; exact SMO up to 10,000 rows, kernel approximation above). ${KERNEL_COMMENT} Not in the default search space yet.`,
    params: { C: { low: 0.01, high: 1000 }, gamma: { low: 1e-4, high: 10 }, epsilon: { low: 0.001, high: 1 }, kernel: {}, degree: { low: 2, high: 4 }, coef0: { low: -1, high: 1 } },
  },
  create: (params, ctx) => createSvr(params, ctx),
  load: (json) => Svr.load(json),
});

/** Registry entry of {@link svmFamily}. */
export const svmSpec: ModelSpec = familySpec(svmFamily);
/** Registry entry of {@link svrFamily}. */
export const svrSpec: ModelSpec = familySpec(svrFamily);
