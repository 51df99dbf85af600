/**
 * One error class for everything the engine reports to a user, with a stable machine-readable
 * `code`. Messages name the file, row, column, parameter or JSON path and the offending value, and
 * say what to do. The CLI prints `error [CODE]: message` and exits non-zero.
 */
export type ErrorCode =
  // usage and configuration
  | 'E_USAGE'
  | 'E_CONFIG'
  // an output path refused (an input, a link, a device, an existing file) or not writable
  | 'E_OUTPUT'
  // a search or resume ended with no complete trial, so no model
  | 'E_NO_TRIAL'
  // search spaces
  | 'E_SPACE'
  | 'E_SPACE_FILE'
  | 'E_PARAM'
  // data
  | 'E_FILE_NOT_FOUND'
  | 'E_FILE_READ'
  | 'E_CSV_EMPTY'
  | 'E_CSV_PARSE'
  | 'E_CSV_RAGGED'
  | 'E_CSV_HEADER'
  | 'E_CSV_ENCODING'
  | 'E_TARGET'
  | 'E_DATA'
  // models and pipelines
  | 'E_MODEL'
  | 'E_MODEL_FILE'
  | 'E_PREDICT_COLUMNS'
  // an optional package (TensorFlow.js, pg) that a feature needs is not installed
  | 'E_MISSING_DEPENDENCY'
  // study and storage
  | 'E_STUDY_NOT_FOUND'
  | 'E_STUDY_EXISTS'
  | 'E_STUDY_MISMATCH'
  | 'E_STORAGE'
  | 'E_STORAGE_URL'
  | 'E_TRIAL_STATE'
  | 'E_OBJECTIVE'
  | 'E_ABORTED'
  | 'E_INTERNAL';

/** Structured context attached to an error (file, row, column, path, value, ...). */
export interface ErrorDetails {
  readonly file?: string;
  readonly row?: number;
  readonly column?: string;
  readonly path?: string;
  readonly param?: string;
  readonly value?: unknown;
  readonly [key: string]: unknown;
}

/** The engine's error: a stable `code`, a message meant for people, optional details. */
export class AutomlError extends Error {
  override readonly name = 'AutomlError';
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details: ErrorDetails = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** True when `e` is an {@link AutomlError}, optionally with the given code. */
export function isAutomlError(e: unknown, code?: ErrorCode): e is AutomlError {
  return e instanceof AutomlError && (code === undefined || e.code === code);
}

/** A short, JSON-safe rendering of any value for use inside error messages. */
export function show(value: unknown, max = 60): string {
  let s: string;
  if (typeof value === 'string') s = JSON.stringify(value);
  else if (typeof value === 'number' || typeof value === 'boolean' || value == null) s = String(value);
  else if (typeof value === 'bigint') s = `${value}n`;
  else {
    try {
      s = JSON.stringify(value) ?? String(value);
    } catch {
      s = Object.prototype.toString.call(value);
    }
  }
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** The message of any thrown value, for recording a failure reason. */
export function messageOf(e: unknown): string {
  if (e instanceof Error) return e.message || e.name;
  if (typeof e === 'string') return e;
  return show(e, 200);
}
