/**
 * The types the tabular AutoML orchestration shares: options, results, stored settings. One file,
 * imported by every step, so no step imports another step for a type (no import cycle).
 */
import type { Task } from '../models/estimator.js';
import type { Metric } from '../evaluation/metrics.js';
import type { Space, SpaceJSON } from '../space/index.js';
import type { Study } from '../study/index.js';
import type { TrialRecord } from '../trial/trial.js';
import type { Dataset } from '../data/types.js';
import type { LoadProgress } from '../data/csv-stream.js';
import type { FittedModel } from '../serving/model-file.js';
import type { LeaderboardRow, PruningSummary } from './leaderboard.js';
import type { ModelPluginRef } from './worker/data.js';
import type { LabeledTable } from './test-set.js';

/** The built-in metrics (see README "Metrics"); {@link SearchOptions.metric} takes one of them. */
export type MetricName = 'accuracy' | 'balanced_accuracy' | 'f1_macro' | 'roc_auc' | 'log_loss' | 'r2' | 'rmse' | 'mae';

/**
 * The built-in model families by name. A user's own family is passed to {@link SearchOptions.models}
 * as a {@link CustomModel} object (its module is what worker threads import), never as a bare name,
 * so this union is closed.
 */
export type ModelName =
  | 'ml_random_forest'
  | 'ml_logistic_regression'
  | 'decision_tree'
  | 'knn'
  | 'gaussian_nb'
  | 'mlp'
  | 'gradient_boosting'
  | 'random_forest'
  | 'extra_trees'
  | 'logistic_regression'
  | 'ridge'
  | 'svm'
  | 'svr'
  | 'gaussian_process'
  | 'linear_regression'
  | 'elastic_net';

/** The built-in search strategies (samplers). */
export type BuiltinStrategy = 'tpe' | 'random' | 'grid' | 'gp';

/**
 * A search strategy: a built-in one, or the name of a sampler added with `registerSampler` (which
 * runs in the main thread, so a name is enough). `string & {}` keeps editors suggesting the built-in
 * names while accepting registered ones.
 */
export type StrategyName = BuiltinStrategy | (string & {});

/** A user's own model family: its module (exporting a ModelSpec) and its search space. */
export interface CustomModel extends ModelPluginRef {
  /** Name the spec registers under (must equal `spec.name`). */
  readonly name: string;
  /** Its hyperparameter space: a Space, or the JSON form. */
  readonly space: Space | SpaceJSON;
}

/** Options of {@link search}. Every option has a default except `data` and `target`. */
export interface SearchOptions {
  /** A CSV path, or rows in memory. */
  readonly data: string | readonly Record<string, unknown>[];
  /** The target column. */
  readonly target: string;
  /** CSV field delimiter (`,` `;` `\t` `|`) of `data` and `test`; default: detected from the first lines. */
  readonly delimiter?: string;
  /** Called with load progress (rows, bytes) when reading `data` takes over a second. */
  readonly onLoadProgress?: (p: LoadProgress) => void;
  /** Default: inferred from the target (see README). */
  readonly task?: Task;
  /** Columns to leave out of the data before anything else (exact names; not the target). */
  readonly ignore?: readonly string[];
  /** Columns to keep even when they look like IDs or free text (exact names). */
  readonly keep?: readonly string[];
  /** Default accuracy (classification) or r2 (regression). */
  readonly metric?: MetricName;
  /** Search space: a Space, its JSON form, or a path to a JSON file. Default: preprocessing + `models`. */
  readonly space?: Space | SpaceJSON | string;
  /** Model families to search (names, or custom models). Default: the fast built-in families. */
  readonly models?: readonly (ModelName | CustomModel)[];
  /** 'tpe' | 'random' | 'grid' | 'gp', or a sampler added with `registerSampler`. Default 'tpe'. */
  readonly strategy?: StrategyName;
  /** Total trials of the study. */
  readonly trials?: number;
  /** Wall-clock budget in seconds (hard: running trials are aborted at the deadline). Default 60 when no `trials`. */
  readonly time?: number;
  /** Cross-validation folds. Default 5. */
  readonly cv?: number;
  /** Default 0. */
  readonly seed?: number;
  /** Storage URL. Default 'sqlite:automl.db'. */
  readonly storage?: string;
  /** Study name. Default: the CSV file's base name (or 'rows'); a free variant is picked if taken. */
  readonly study?: string;
  /** Worker threads. Default: the number of cores. */
  readonly workers?: number;
  /** A labelled test CSV (or rows) scored at the end instead of a held-out split. */
  readonly test?: string | readonly Record<string, unknown>[];
  /** Fraction of rows held out for the final test score when `test` is not given. Default 0.2. */
  readonly testSize?: number;
  /**
   * A column whose rows belong together (a patient, a customer): folds, the validation holdout and
   * the test rows keep each of its values on one side. Not a feature.
   */
  readonly groups?: string;
  /**
   * A column giving each row's time (numbers or dates): folds are time-series folds, the test rows
   * and the validation holdout are the latest rows, trials never reshuffle. Not a feature.
   */
  readonly timeColumn?: string;
  /** Prune trials whose first folds cannot beat the best (median rule). Default true. */
  readonly prune?: boolean;
  /** Per-trial time limit in seconds. */
  readonly trialTimeout?: number;
  /**
   * Heap limit per worker thread in MB (V8's old generation; the trial's ArrayBuffers get the same
   * limit); a trial that exceeds it fails as out-of-memory and its thread is replaced. Default 2048.
   */
  readonly memoryLimitMb?: number;
  readonly signal?: AbortSignal;
  /** Called after each trial is recorded. */
  readonly onTrial?: (trial: TrialRecord, study: Study) => void;
  /** Called with human-readable notes (dropped columns, chosen defaults, ...). */
  readonly onNote?: (note: string) => void;
  /** Called when a trial starts. */
  readonly onTrialStart?: (trial: { number: number; config: unknown }) => void;
  /** Called once the data is checked and the study is ready, before the first trial. */
  readonly onStart?: (info: SearchStartInfo) => void;
  /**
   * Called when the run enters a phase (see {@link SearchPhase}), with when the phase is planned to
   * end (epoch ms, asked anew on each call since the plan moves) when there is a time budget.
   */
  readonly onPhase?: (phase: SearchPhase, deadline: (() => number) | null) => void;
  /** Values per continuous parameter for the grid strategy. Default 3. */
  readonly gridSize?: number;
  /** Save the refit model here (JSON); `{study}` in the path is replaced by the study name. */
  readonly out?: string;
  /**
   * After the search, a seeded greedy wrapper selection of columns (forward by default) with CV on
   * the best pipeline; kept only if it beats the pipeline on all columns. With a time budget the
   * search gets 75% of it and the feature search the rest.
   */
  readonly featureSearch?: boolean | 'forward' | 'backward';
  /** Stop after this many failed trials in a row (default 25). */
  readonly maxConsecutiveFailures?: number;
  /**
   * The final model averages the best pipelines, chosen by greedy ensemble selection over their
   * out-of-fold predictions, when that scores better out of fold than the best single pipeline.
   * Default true; false refits the best trial alone. Not combined with `featureSearch`.
   */
  readonly ensemble?: boolean;
  /**
   * Before choosing the final model, cross-validate 20 trials (the best of each model family,
   * then the best of the rest) again on fresh splits (the
   * same for all of them; up to 3 with a time budget, whose trials then stop early enough to leave
   * one pass: 1.5x the best trials' CV time, between 5% and 25% of the budget) and
   * choose the ensemble or the single best on those scores, which carry no selection bias. Default
   * true; false chooses on the search's own scores. Not combined with `featureSearch`.
   */
  readonly recheck?: boolean;
  /**
   * Each trial cross-validates on its own split, drawn from the study seed and the trial's sampling
   * index, rather than every trial on the same split. Default true (reproducible all the same).
   */
  readonly reshuffleFolds?: boolean;
  /**
   * Before sampling, evaluate known good starting pipelines so that a short budget starts from
   * them: for classification the bundled portfolio (configurations learned offline on a corpus of
   * datasets, see bench/portfolio/README.md), then the default of each family it leaves out; for
   * regression each family's usual defaults. Above 3,000 rows the list runs cheapest first.
   * Default true, except with the grid strategy (which enumerates its grid). Families or values
   * the space does not allow are skipped.
   */
  readonly warmStart?: boolean;
  /**
   * Classification only: `balanced` weights each training row by n / (k * n_c) (n rows, k classes,
   * n_c rows of its class; computed on each fit's own training rows) in every family that can
   * weight rows; the others are named in a note. Binary tasks optimizing f1 or balanced_accuracy
   * also get a decision threshold chosen out of fold. Default `none`.
   */
  readonly classWeight?: 'none' | 'balanced';
}

/** The ensemble chosen at the end of a search. */
export interface EnsembleSummary {
  /** Members (trial numbers) with their weights, heaviest first; weights sum to 1. */
  readonly members: readonly { readonly trial: number; readonly weight: number }[];
  /** Metric of the averaged out-of-fold predictions of the searched rows. */
  readonly cvScore: number;
  /** The same for the best single candidate, for comparison. */
  readonly bestSingleCvScore: number;
  /** Candidates considered (the best complete trials). */
  readonly candidates: number;
}

/** What the wrapper feature search did. */
export interface FeatureSearchSummary {
  readonly direction: 'forward' | 'backward';
  readonly columns: readonly string[];
  readonly score: number;
  readonly baselineScore: number;
  readonly improved: boolean;
  readonly fits: number;
  readonly stoppedBy: string;
}

/** The phases of a run, in order (each after the search only when it runs). */
export type SearchPhase = 'searching' | 'feature search' | 're-checking' | 'building the ensemble' | 'refitting' | 'scoring the test set';

/** What {@link SearchOptions.onStart} receives. */
export interface SearchStartInfo {
  readonly study: string;
  readonly storage: string;
  readonly rows: number;
  readonly features: number;
  readonly task: Task;
  readonly classes: number | null;
  readonly metric: string;
  readonly direction: 'minimize' | 'maximize';
  /** CV folds; 1 for one holdout split. */
  readonly cv: number;
  readonly strategy: string;
  /** Configurations of the grid (grid strategy), or null for a sampler without an end. */
  readonly gridSize: number | null;
  readonly models: readonly string[];
  readonly trials: number | undefined;
  readonly time: number | undefined;
  /** Trials already in the study (resume). */
  readonly done: number;
}

/** What {@link search} returns. */
export interface SearchResult {
  readonly study: Study;
  readonly metric: Metric;
  readonly task: Task;
  readonly best: { readonly number: number; readonly value: number; readonly config: unknown } | null;
  /** The best pipeline refit on all searched rows (null when no trial completed). */
  readonly model: FittedModel | null;
  /** Score of the refit model on the held-out / test rows (null when none). */
  readonly testScore: number | null;
  readonly leaderboard: readonly LeaderboardRow[];
  /** Trials of the study by outcome; `interrupted` ones (cut by the budget's end, Ctrl-C, a crash) are not failures of the pipeline. */
  readonly counts: { readonly complete: number; readonly failed: number; readonly pruned: number; readonly interrupted: number };
  readonly stoppedBy: string;
  readonly notes: readonly string[];
  /** The path the model was saved to, if `out` was given. */
  readonly modelFile: string | null;
  /** The wrapper feature search's outcome, when it ran. */
  readonly featureSearch: FeatureSearchSummary | null;
  /** The ensemble the model averages, or null when the model is a single pipeline. */
  readonly ensemble: EnsembleSummary | null;
  /** What the final re-check on fresh splits found, or null when it did not run. */
  readonly recheck: RecheckSummary | null;
  /** Trials the model is made of, with their weights (one member: a single pipeline); empty without a model. */
  readonly modelTrials: readonly { readonly trial: number; readonly weight: number }[];
  /** What pruning did (how many trials stopped after how many folds). */
  readonly pruning: PruningSummary;
  /** What the saved model holds and why it was chosen; null without a model. */
  readonly finalModel: FinalModelSummary | null;
  /** Where the test score comes from: held-out rows, a test file, or none (`testSize` 0). */
  readonly testSet: TestSetSummary;
}

/** Where a search's test score comes from. */
export interface TestSetSummary {
  /** `holdout`: rows held out of the data; `file`: a separate labelled file; `none`: every row searched, no test score. */
  readonly source: 'holdout' | 'file' | 'none';
  readonly rows: number;
}

/** One trial in the saved model. */
export interface FinalMember {
  readonly trial: number;
  readonly weight: number;
  /** Its model family. */
  readonly model: string;
  /** Its search CV score. */
  readonly cv: number | null;
  /** Its score on the re-check's fresh splits, when it was re-checked. */
  readonly recheck: number | null;
}

/** The decision threshold of a binary classifier, chosen out of fold. */
export interface ThresholdSummary {
  /** Probability of the positive class from which it is predicted. */
  readonly threshold: number;
  /** The positive class (the second class). */
  readonly positiveClass: string;
  /** The metric of the out-of-fold predictions at 0.5 and at the chosen threshold. */
  readonly scoreAtHalf: number;
  readonly score: number;
  /** Where the out-of-fold predictions came from. */
  readonly source: string;
}

/** What the saved model is made of, and why (what `--json`, `automl best` and the text summary say). */
export interface FinalModelSummary {
  readonly kind: 'single' | 'ensemble';
  /** The trial that scored best in the search (not always in the model). */
  readonly bestTrial: number;
  /** Trials in the model, heaviest first. */
  readonly members: readonly FinalMember[];
  /** How the members were chosen, in one sentence. */
  readonly reason: string;
  /** The model's out-of-fold score (the ensemble's, the re-check's, or the search CV's). */
  readonly cvScore: number | null;
  /** Input columns the model needs. */
  readonly features: readonly string[];
  readonly testScore: number | null;
  readonly file: string | null;
  /** Class weights the pipelines were fit with (`balanced`), or null. */
  readonly classWeight: 'balanced' | null;
  /** The tuned decision threshold (binary f1 / balanced accuracy), or null (argmax). */
  readonly threshold: ThresholdSummary | null;
}

/** The final re-check of the best trials on fresh CV splits. */
export interface RecheckSummary {
  /** Candidates that finished every fresh split. */
  readonly candidates: number;
  /** Their trial numbers, best search value first. */
  readonly trials: readonly number[];
  /** Fresh splits each candidate was cross-validated on. */
  readonly repeats: number;
  /** The search's best trial: its search CV value and its fresh score (null if it did not finish). */
  readonly searchBest: { readonly trial: number; readonly value: number; readonly fresh: number | null };
  /** The best single candidate on the fresh splits. */
  readonly freshBest: { readonly trial: number; readonly value: number; readonly fresh: number };
  /** Every candidate's search CV value and fresh score, best fresh first. */
  readonly scores?: readonly { readonly trial: number; readonly value: number; readonly fresh: number }[];
}

/** Study settings stored so that `automl resume` can continue with the same data and choices. */
export interface TabularSettings {
  readonly kind: 'automl.tabular';
  readonly data: string | null;
  readonly fingerprint: string;
  readonly target: string;
  readonly task: Task;
  readonly metric: string;
  readonly cv: number;
  readonly testSize: number;
  readonly test: string | null;
  readonly trials: number | null;
  readonly prune: boolean;
  readonly plugins: readonly ModelPluginRef[];
  /** End of the first run's time budget (epoch ms), which `automl worker` processes share; null without one. */
  readonly deadline: number | null;
  /** Build an ensemble at the end (absent in studies made before ensembles existed: true). */
  readonly ensemble?: boolean;
  /** Each trial draws its own CV split (absent in studies made before this option: false, the fixed split). */
  readonly reshuffleFolds?: boolean;
  /** Re-check the best pipelines on fresh splits before the final choice (absent in older studies: true). */
  readonly recheck?: boolean;
  /** The wrapper feature search after the search, or false (absent in older studies: false). */
  readonly featureSearch?: false | 'forward' | 'backward';
  /** Per-trial time limit in seconds, or null for none (absent in older studies: none). */
  readonly trialTimeout?: number | null;
  /** The CSV delimiter given with the data (absent: detected from the file, as always before). */
  readonly delimiter?: string;
  /** Columns left out of the data (absent: none). */
  readonly ignore?: readonly string[];
  /** Columns kept despite the ID-like and free-text rules (absent: none). */
  readonly keep?: readonly string[];
  /** Class weights of every fit (absent in older studies: none). */
  readonly classWeight?: 'none' | 'balanced';
  /** Share of the searched rows in the one validation holdout split; null or absent: k-fold CV (`cv`). */
  readonly holdout?: number | null;
  /** The `--groups` column, or null. */
  readonly groups?: string | null;
  /** The `--time-column` column, or null. */
  readonly timeColumn?: string | null;
}

/** Everything prepared from the data, before any study is touched. */
export interface PreparedData {
  /**
   * The loaded data's schema and target, holding the held-out rows (`holdoutRows`) when there are
   * any, else the searched rows: the full table is not kept once it is split (on a million rows
   * that copy was 130 MB the whole search long).
   */
  readonly dataset: Dataset;
  /** The searched rows (cross-validated and refit on), in shared memory for the worker threads. */
  readonly searched: Dataset;
  /** Positions of the searched rows in the loaded file (only their count is used after loading). */
  readonly searchRows: Int32Array;
  /** Held-out rows of `dataset` (all of its rows, in order), or null when a separate test set or none is used. */
  readonly holdoutRows: Int32Array | null;
  /** Positions of the held-out rows in the loaded file, or null (as `holdoutRows`). */
  readonly holdoutSource: Int32Array | null;
  /** `datasetFingerprint` of the whole loaded table (all rows), taken before it was split. */
  readonly fingerprint: string;
  /** A separate labelled test set on the training schema, or null. */
  readonly testSet: LabeledTable | null;
  readonly notes: readonly string[];
  /**
   * How the searched rows are validated: one holdout split of `holdout` (null: k-fold CV), the
   * group code of each searched row (null: no groups), whether the searched rows are in time order.
   */
  readonly validation: { readonly holdout: number | null; readonly groups: Int32Array | null; readonly timeOrdered: boolean };
}

/** The search options that shape one run of a study (its budget, threads, callbacks, final model): `search` and `resume` share them. */
export type RunOptionName = 'time' | 'trials' | 'workers' | 'signal' | 'onTrial' | 'onTrialStart' | 'onStart' | 'onPhase' | 'onNote' | 'out' | 'trialTimeout' | 'memoryLimitMb' | 'maxConsecutiveFailures' | 'ensemble' | 'recheck';

/** Options of `runSearch`: the run options of `search` or `resume`, with the budget resolved (the feature search only from `search`). */
export type RunOptions = Pick<SearchOptions, RunOptionName | 'featureSearch'>;

/** Options of {@link resumeSearch}. */
export interface ResumeOptions extends Pick<SearchOptions, 'storage' | RunOptionName> {
  /** The training CSV, when it lives elsewhere on this machine; it must have the stored fingerprint. */
  readonly data?: string;
  /** Refit and score the best pipeline at the end (default true; `automl worker` turns it off). */
  readonly refit?: boolean;
  /** Without `time`: stop at the time budget the study was started with, shared by all workers. */
  readonly untilStudyDeadline?: boolean;
  /**
   * The study's own model modules, named again by whoever resumes it (paths, `file:` URLs or
   * `{ module, exportName }`): they must resolve to the ones the study recorded, which are never
   * imported from storage. Default none.
   */
  readonly plugins?: readonly (string | ModelPluginRef)[];
}

