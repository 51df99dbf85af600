export { Study } from './study.js';
export { createStudy, loadStudy } from './create.js';
export type { CreateStudyOptions } from './create.js';
export type { TellResult, Trial } from './trial-handle.js';
export type { Objective, OptimizeOptions, OptimizeResult } from './optimize.js';
export type { Pruner, PruneContext } from './pruning.js';
