import type { Direction, FailKind, FlatParams, Intermediate, TrialOrigin, TrialRecord, TrialState } from '../trial/trial.js';

/**
 * Storage: where studies and their trials live. Implemented in memory, on SQLite (the embedded
 * default) and on PostgreSQL (studies shared across machines), and every implementation passes the
 * same contract suite (`test/contracts/storage-contract.ts`).
 *
 * Contract, for every method:
 * - Methods are async so that networked backends fit; callers must not assume synchronous effects.
 * - Several processes (and several Storage objects in one process) may use one study at once.
 *   Trial numbers are assigned inside the backend, atomically: unique, 0-based and gap-free.
 * - Transient contention (SQLITE_BUSY, serialization failures, deadlocks) is retried inside the
 *   backend and never reaches the caller.
 * - Returned records are fresh, frozen copies; callers never see later changes through them.
 * - Bad arguments (unknown study, unknown trial) throw AutomlError with a stable code.
 * - A finished trial is never changed again: a late `finishTrial` on it returns false and
 *   changes nothing (so a result is never applied twice).
 */
export interface Storage {
  /** A display form of where the data lives, without credentials (e.g. `sqlite:automl.db`). */
  readonly url: string;

  /** Creates a study; throws E_STUDY_EXISTS if the name is taken. */
  createStudy(spec: NewStudy): Promise<StudyRecord>;
  /** The study named `name`, or null. */
  getStudy(name: string): Promise<StudyRecord | null>;
  /** Every study with counts per state and its best value. */
  listStudies(): Promise<StudySummary[]>;
  /** Merges `patch` into the study's settings (shallow). */
  updateStudySettings(studyId: number, patch: Readonly<Record<string, unknown>>): Promise<void>;
  /** Deletes a study and its trials; returns false if there was none. */
  deleteStudy(name: string): Promise<boolean>;

  /**
   * Starts a trial atomically. If `maxTrials` is set and the number of RUNNING or finished trials
   * that count toward the budget (all but FAIL with failKind 'interrupted'; WAITING ones are not
   * started yet and do not count) is already >= maxTrials, returns null. Otherwise claims the WAITING trial with the
   * lowest number (its params fixed at enqueue) or, when there is none, creates a trial with the
   * next number and empty params; either way the trial is returned RUNNING, with `worker`,
   * `startedAt` and `heartbeatAt` set.
   */
  startTrial(studyId: number, opts: StartTrialOptions): Promise<TrialRecord | null>;
  /** Adds a WAITING trial with fixed params (enqueue, or a retry of an interrupted trial). */
  enqueueTrial(studyId: number, params: FlatParams, opts?: { origin?: TrialOrigin; retryOf?: number }): Promise<TrialRecord>;
  /** Sets the params of a RUNNING trial that has none yet (sampled after `startTrial`). */
  setTrialParams(studyId: number, number: number, params: FlatParams): Promise<void>;
  /** Records an intermediate value (e.g. one CV fold's score) of a RUNNING trial; a later
   * report for the same step replaces the earlier one. Ignored (returns false) if finished. */
  reportIntermediate(studyId: number, number: number, step: number, value: number): Promise<boolean>;
  /** Refreshes the heartbeat of RUNNING trials. */
  heartbeat(studyId: number, numbers: readonly number[]): Promise<void>;
  /**
   * Finishes a RUNNING trial. Returns false (and changes nothing) if the trial is already
   * finished, e.g. a late result for a trial that another worker marked FAIL/interrupted.
   */
  finishTrial(studyId: number, number: number, result: TrialResult): Promise<boolean>;

  /** One trial, or null. */
  getTrial(studyId: number, number: number): Promise<TrialRecord | null>;
  /** Trials ordered by number, optionally filtered by state and/or number >= `fromNumber`. */
  getTrials(studyId: number, filter?: TrialFilter): Promise<TrialRecord[]>;
  /** Count of trials per state. */
  countTrials(studyId: number): Promise<Record<TrialState, number>>;

  /** Releases connections and file handles. Idempotent. */
  close(): Promise<void>;
}

/** What a new study is made of. */
export interface NewStudy {
  readonly name: string;
  readonly direction: Direction;
  /** The search space's JSON form (see `Space.toJSON`). */
  readonly space: unknown;
  readonly seed: number;
  readonly sampler: string;
  /** Free-form JSON: budget, dataset path and fingerprint, metric, CLI options, ... */
  readonly settings?: Readonly<Record<string, unknown>>;
}

/** A stored study. */
export interface StudyRecord extends Required<NewStudy> {
  readonly id: number;
  readonly createdAt: number;
}

/** A study with its trial counts, for listings. */
export interface StudySummary {
  readonly id: number;
  readonly name: string;
  readonly direction: Direction;
  readonly sampler: string;
  readonly createdAt: number;
  readonly counts: Record<TrialState, number>;
  readonly bestValue: number | null;
}

export interface StartTrialOptions {
  /** Identifies the calling process: `host:pid:random`. */
  readonly worker: string;
  /** The study's total trial budget, checked atomically with the start. */
  readonly maxTrials?: number;
}

export interface TrialResult {
  readonly state: Extract<TrialState, 'COMPLETE' | 'FAIL' | 'PRUNED'>;
  readonly value?: number | null;
  readonly failKind?: FailKind | null;
  readonly failReason?: string | null;
  /** Merged into the trial's userAttrs. */
  readonly userAttrs?: Readonly<Record<string, unknown>>;
  /**
   * Intermediate values written with the final state, in the same transaction, each replacing a
   * stored value of the same step (as `reportIntermediate` would). Lets a study keep a trial's
   * values in memory while it runs and store them once. Nothing is written if the trial was
   * already finished.
   */
  readonly intermediate?: readonly Intermediate[];
}

export interface TrialFilter {
  readonly states?: readonly TrialState[];
  readonly fromNumber?: number;
}

/** Zero counts for every state. */
export function emptyCounts(): Record<TrialState, number> {
  return { WAITING: 0, RUNNING: 0, COMPLETE: 0, FAIL: 0, PRUNED: 0 };
}
