export { Study, createStudy, loadStudy } from './study.js';
export type { CreateStudyOptions, TellResult } from './study.js';
export type { Trial } from './trial-handle.js';
export type { Objective, OptimizeOptions, OptimizeResult } from './optimize.js';
export type { Pruner, PruneContext } from './pruning.js';
