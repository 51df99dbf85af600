/**
 * Feature selection: the pipeline's `select` step (filters, an FDR filter, model importances) and its config.
 * The greedy wrapper search over source columns, which cross-validates, is evaluation's (evaluation/feature-search.ts).
 */
export type { FilterScore, ImportanceEstimator, KeepCount, ResolvedSelect, SelectConfig, SelectMethod } from './config.js';
export { DEFAULT_ALPHA_RATIO, DEFAULT_FDR_ALPHA, DEFAULT_FRACTION, keepCount, resolveSelectConfig } from './config.js';
export { fSurvival, logGamma, regularizedBeta } from '../../numeric/f-distribution.js';
export { benjaminiHochbergCount, fPValues, fTestDof } from './fdr.js';
export type { SelectionStepJSON } from './step.js';
export { SELECT_KIND, SelectionStep, createSelectionStep, loadSelectionStep } from './step.js';
export { anovaF, fRegression } from './univariate.js';
export { MAX_DISCRETE_LEVELS, MAX_MI_ROWS, MI_NEIGHBORS, mutualInfo } from './mutual-info.js';
export { IMPORTANCE_DEPTH, IMPORTANCE_TREES, l1Importances, treeImportances } from './importance.js';
export type { KeptFrequency } from './report.js';
export { keptFrequency } from './report.js';
