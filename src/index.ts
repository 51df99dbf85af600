/**
 * automl: the public API. Library users import from 'automl' only.
 */
export { float, int, categorical, space, choice, spaceFromJSON, loadSpaceFile, spaceFileSchema, Space, Grid } from './space/index.js';
export type { ConfigOf, Dimension, ParamDef, SpaceJSON, SpaceShape } from './space/index.js';
export { createStudy, loadStudy, Study } from './study/index.js';
export { createPruner, prunerNames, MedianPruner, SuccessiveHalvingPruner, NopPruner } from './pruners/index.js';
export type { CreateStudyOptions, TellResult, Trial, Objective, OptimizeOptions, OptimizeResult, Pruner, PruneContext } from './study/index.js';
export { createSampler, registerSampler, samplerNames, RandomSampler, GridSampler, sampleIndependent } from './samplers/index.js';
export type { Sampler, SamplerContext, SamplerOptions, GridSamplerOptions } from './samplers/index.js';
export type { Storage, StudyRecord, StudySummary, NewStudy, TrialResult } from './storage/storage.js';
export { openStorage, MemoryStorage, SqliteStorage, PostgresStorage } from './storage/index.js';
export type { SqliteOptions, PostgresOptions } from './storage/index.js';
export type { TrialRecord, TrialState, Direction, FailKind, FlatParams, ParamValue, Intermediate } from './trial/trial.js';
export { TrialPruned } from './protocol/messages.js';
export { WorkerPool, type WorkerPoolOptions } from './coordinator/pool.js';
export { InProcessExecutor } from './coordinator/in-process.js';
export type { Executor, TrialHooks, RunOptions } from './coordinator/executor.js';
export { getWorkerData } from './worker/shared.js';
export type { ObjectiveContext, ObjectiveFn, ObjectiveRef } from './protocol/messages.js';
export { AutomlError, isAutomlError } from './util/errors.js';
export type { ErrorCode } from './util/errors.js';
export { createRng, trialRng, deriveSeed } from './util/rng.js';
export type { Rng } from './util/rng.js';

// Tabular AutoML
export { search, resumeSearch, DEFAULT_STRATEGY } from './automl/search.js';
export type { SearchOptions, SearchResult, SearchStartInfo, SearchPhase, FinalModelSummary, FinalMember, ThresholdSummary, TestSetSummary, CustomModel, ResumeOptions, MetricName, ModelName, StrategyName, BuiltinStrategy } from './automl/types.js';
export { loadModel, modelFromJSON, FittedModel } from './serving/model-file.js';
export type { ModelFileJSON } from './serving/model-file.js';
export { evaluateModel } from './serving/evaluate.js';
export type { EvaluateOptions, EvaluationReport, ClassificationEvaluation, RegressionEvaluation } from './serving/evaluate.js';
export { checkDrift, checkDriftRows, driftSettings, DRIFT_DEFAULTS } from './serving/drift.js';
export type { DriftOptions, DriftReport, DriftSettings, ColumnDrift, PredictionDrift, DistributionResult, DriftMethod, MissingChange, OutOfRange, UnseenCategories } from './serving/drift.js';
export { tableProfile, QUANTILE_LEVELS } from './serving/profile.js';
export { tableRows } from './serving/table-rows.js';
export { retrain } from './automl/retrain.js';
export type { RetrainOptions, RetrainResult, RetrainScore } from './automl/retrain.js';
export { withTrainingProfile, requireProfile } from './serving/model-profile.js';
export type { TrainingProfile, ColumnProfile, NumericColumnProfile, CategoricalColumnProfile, NumericSummary, LabelCount, PredictionProfile, ClassPredictionProfile, RegressionPredictionProfile, PredictionSource } from './serving/profile.js';
export type { ClassScores, ResidualSummary } from './evaluation/metrics.js';
export { leaderboard } from './automl/leaderboard.js';
export type { LeaderboardRow } from './automl/leaderboard.js';
export { formatLeaderboard } from './report/leaderboard.js';
export { formatSearchResult, searchResultJson } from './report/search-result.js';
export type { SearchReportOptions } from './report/search-result.js';
export { defaultSpace, DEFAULT_MODELS } from './automl/spaces.js';

// Data, pipelines, models, evaluation
export { loadDataset, datasetFromRows, readFeatureRows, subsetRows, toShared, datasetFingerprint } from './data/index.js';
export type { Dataset, DatasetOptions, ColumnSchema, FeatureTable } from './data/index.js';
export { Pipeline, loadPipeline } from './pipeline/index.js';
export type { PipelineConfig, PreprocessConfig } from './pipeline/index.js';
export { getModel, listModels, registerModel, hasModel } from './models/registry.js';
export { defineFamily, type ModelFamily } from './models/descriptor.js';
/** Hyperparameter declarations for model-family descriptors: `hyperparams.int({...})`, `.float`, `.categorical`, `.bool`. */
export * as hyperparams from './models/hyperparams.js';
export { tfBackendName } from './models/tf-backend.js';
export type { Estimator, ModelSpec, ModelContext, Matrix, MatrixData, MatrixPrecision, Task, EstimatorJSON } from './models/estimator.js';
export { asFloat64 } from './models/estimator.js';
// Model classes with methods beyond the Estimator verbs: the GP's predictive standard deviation
// (predictStd, predictWithStd) and the SVMs' decisionFunction / fitInfo.
export { GaussianProcessRegressor, type GpPrediction } from './models/gpr/index.js';
export { Svc, Svr } from './models/svm/index.js';
export { getMetric, metricNames, defaultMetric } from './evaluation/metrics.js';
export type { Metric } from './evaluation/metrics.js';
export { kFold, stratifiedKFold, groupKFold, timeSeriesSplit, trainTestSplit } from './evaluation/splitters.js';

// Report: importance, HTML report, export, dashboard
export { parameterImportance } from './report/importance.js';
export type { ImportanceInput, ImportanceOptions, ImportanceResult, ParamImportance } from './report/importance.js';
export { report, reportFromRecords } from './report/html/report.js';
export type { ReportOptions, ReportResult } from './report/html/report.js';
export type { FinalModelOptions, FinalModelSection } from './report/html/final-model.js';
export type { Payload as ReportPayload, CompactTrial, PayloadParam } from './report/html/payload.js';
export { openReader } from './report/dashboard/reader.js';
export type { StudyReader } from './report/dashboard/reader.js';
export { exportStudy, exportMlflow, trialsCsv, trialsJsonl, EXPORT_FORMATS } from './report/export/index.js';
export type { ExportOptions, ExportResult, ExportFormat, MlflowExport } from './report/export/index.js';
export { createDashboard } from './report/dashboard/server.js';
export type { DashboardOptions } from './report/dashboard/server.js';
