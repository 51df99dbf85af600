/**
 * Tabular data: CSV reading, type inference, the {@link Dataset} and its shared-memory form.
 * The one import path for the rest of the engine.
 */
export type { ColumnSchema, ColumnType, DateDerivation, DatePart, Dataset, DatasetOptions, FeatureColumn, FeatureTable, TargetInfo } from './types.js';
export { MISSING_CODE, UNSEEN_CODE } from './types.js';
export type { CsvOptions, CsvTable } from './csv.js';
export { checkEncoding, parseCsv, readCsv } from './csv.js';
export type { Cell } from './values.js';
export { MISSING_TOKENS, isMissing, parseBoolean, parseNumber } from './values.js';
export { MAX_INTEGER_CLASSES, inferTask } from './target.js';
export { datasetFromRows, loadDataset, looksLikeIdName } from './dataset.js';
export type { LoadOptions } from './dataset.js';
export type { LoadProgress } from './csv-stream.js';
export { featureRowsFromObjects, readFeatureRows } from './predict-rows.js';
export { derivationProblem, inputName, withDerivedColumns } from './dates.js';
export { datasetFingerprint, isShared, subsetRows, toShared } from './ops.js';
