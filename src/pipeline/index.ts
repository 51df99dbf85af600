/**
 * Preprocessing and the full pipeline (preprocessing, feature steps, model), with JSON round trip.
 */
export type { CategoricalImputation, Encoding, Imputation, PreprocessConfig, Scaler } from './config.js';
export { DEFAULT_PREPROCESS, resolvePreprocessConfig } from './config.js';
export type { CategoricalPlan, ColumnPlan, NumericPlan, PreprocessorJSON } from './preprocessor.js';
export { MISSING_LEVEL, OTHER_LEVEL, Preprocessor, fitPreprocessor, outputNamesOf } from './preprocessor.js';
export { loadPreprocessor } from './preprocessor-json.js';
export type { FeatureStep, ModelConfig, ModelLookup, PipelineConfig, PipelineFitContext, PipelineJSON } from './pipeline.js';
export { FLOAT32_MIN_CELLS, Pipeline } from './pipeline.js';
export { loadPipeline } from './pipeline-json.js';
export type { TargetTransformJSON, TargetTransformName } from './target-transform.js';
export { LOG_MARGIN, LogTargetTransform, TARGET_TRANSFORMS, resolveTargetTransform } from './target-transform.js';
export type {
  FilterScore,
  ImportanceEstimator,
  KeepCount,
  KeptFrequency,
  ResolvedSelect,
  SelectConfig,
  SelectMethod,
  SelectionStepJSON,
} from './selection/index.js';
export {
  SELECT_KIND,
  SelectionStep,
  createSelectionStep,
  keptFrequency,
  loadSelectionStep,
  resolveSelectConfig,
} from './selection/index.js';
