/** `automl search`: search for the best pipeline on a CSV file, refit it, score it and save it. */
import { type Command, Option } from 'commander';
import { search } from '../../automl/search.js';
import type { MetricName, ModelName } from '../../automl/types.js';
import { metricNames } from '../../evaluation/metrics.js';
import { listModels } from '../../models/registry.js';
import { TFJS_PACKAGE } from '../../models/tf-backend.js';
import { samplerNames } from '../../samplers/index.js';
import { AutomlError } from '../../util/errors.js';
import { defaultTrialTimeout, delimiterOption, durationArg, testSizeArg, helpList, intArg, listArg, memoryLimitOption, storageOption, studyNameArg, trialTimeoutOption, withExamples } from '../args.js';
import { ModelOutput } from '../model-output.js';
import { finishSearch, runWithProgress } from '../run-with-progress.js';

interface SearchFlags {
  target: string;
  delimiter?: string;
  task?: 'classification' | 'regression';
  ignore?: string[];
  keep?: string[];
  metric?: string;
  strategy?: string;
  trials?: number;
  time?: number;
  cv?: number;
  groups?: string;
  timeColumn?: string;
  workers?: number;
  seed: number;
  storage: string;
  study?: string;
  space?: string;
  models?: string[];
  test?: string;
  testSize: number;
  out?: string;
  force?: boolean;
  json?: boolean;
  prune: boolean;
  ensemble: boolean;
  recheck: boolean;
  warmStart: boolean;
  fixedFolds?: boolean;
  trialTimeout?: number;
  gridSize?: number;
  quiet?: boolean;
  verbose?: boolean;
  featureSearch?: boolean | string;
  maxFailures?: number;
  memoryLimit?: number;
  classWeight?: string;
}

function run(data: string, f: SearchFlags): Promise<number> {
  // --test-size has a default, so only the raw arguments tell whether the user gave it.
  if (f.test !== undefined && process.argv.includes('--test-size')) {
    throw new AutomlError('E_USAGE', 'give either --test <file> or --test-size <fraction>, not both');
  }
  if (f.gridSize !== undefined && f.strategy !== 'grid') {
    throw new AutomlError('E_USAGE', `--grid-size ${f.gridSize} only applies to the grid search: add --strategy grid, or leave --grid-size out`);
  }
  // The output is checked before the search, which may take hours; the model is written by finishSearch.
  const inputs = [{ path: data, what: 'the training data' }, ...(f.test !== undefined ? [{ path: f.test, what: 'the test data' }] : [])];
  const output = ModelOutput.plan(f.out, Boolean(f.force), inputs);
  return runWithProgress(
    f,
    (info) =>
      `automl: study '${info.study}' in ${info.storage}: ${info.rows} rows x ${info.features} features, ${info.task}` +
      `${info.classes ? ` (${info.classes} classes)` : ''}, ${info.metric} (${info.direction}), ${info.cv === 1 ? 'one holdout split' : `${info.cv}-fold CV`}, ` +
      `${info.strategy} search${info.gridSize !== null ? ` (grid of ${info.gridSize.toLocaleString('en-US')} configurations)` : ''} over ${info.models.join(', ')}`,
    (hooks) =>
      search({
        data,
        target: f.target,
        ...(f.delimiter !== undefined ? { delimiter: f.delimiter } : {}),
        task: f.task,
        ignore: f.ignore,
        keep: f.keep,
        // Names arrive unchecked from the command line; search() validates them and lists the valid ones.
        metric: f.metric as MetricName | undefined,
        strategy: f.strategy,
        trials: f.trials,
        time: f.time,
        cv: f.cv,
        ...(f.groups !== undefined ? { groups: f.groups } : {}),
        ...(f.timeColumn !== undefined ? { timeColumn: f.timeColumn } : {}),
        workers: f.workers,
        seed: f.seed,
        storage: f.storage,
        study: f.study,
        space: f.space,
        models: f.models as ModelName[] | undefined,
        test: f.test,
        testSize: f.test !== undefined ? undefined : f.testSize,
        prune: f.prune,
        ensemble: f.ensemble,
        recheck: f.recheck,
        ...(f.warmStart === false ? { warmStart: false } : {}),
        reshuffleFolds: !f.fixedFolds,
        trialTimeout: defaultTrialTimeout(f.time, f.trialTimeout, f.workers),
        memoryLimitMb: f.memoryLimit,
        gridSize: f.gridSize,
        maxConsecutiveFailures: f.maxFailures,
        ...(f.classWeight === 'balanced' ? { classWeight: 'balanced' as const } : {}),
        featureSearch: f.featureSearch === undefined ? undefined : f.featureSearch === true ? 'forward' : (f.featureSearch as 'forward' | 'backward'),
        ...hooks,
      }),
    (result, interrupted) => finishSearch(result, interrupted, { json: Boolean(f.json), quiet: Boolean(f.quiet), output }),
  );
}

/** Adds `automl search` to the program. */
export function register(program: Command): void {
  const command = program
    .command('search')
    .description('search for the best pipeline on a CSV file, then refit it, score it on held-out rows and save it')
    .argument('<data.csv>', 'training data: a CSV file with a header row')
    .requiredOption('--target <col>', 'the column to predict')
    .addOption(delimiterOption())
    .addOption(new Option('--task <task>', 'force the task (default: inferred from the target)').choices(['classification', 'regression']))
    .option('--ignore <a,b,...>', 'columns to leave out of the data (e.g. identifiers, leaks); the saved model does not need them', listArg)
    .option('--keep <a,b,...>', 'columns to use as they are, even when they look like IDs or free text (dropped with a note otherwise) or have over 50 levels (grouped otherwise)', listArg)
    .option('--metric <name>', `metric to optimize: ${helpList(() => metricNames().join(', '))} (default: accuracy for classification, r2 for regression)`)
    .option('--strategy <name>', `search strategy: ${helpList(() => samplerNames().join(', '))}`)
    .option('--trials <n>', 'total trials of the study', intArg('--trials', 1))
    .option('--time <duration>', 'wall-clock budget: seconds or 90s, 1m30s, 1h15m, 1.5h (hard: running trials are stopped at the deadline); default 60s when --trials is not given', durationArg)
    .option('--cv <k>', 'cross-validation folds (default: 5, or one 80/20 holdout split from 10,000 searched rows)', intArg('--cv', 2))
    .option('--groups <col>', 'column whose rows belong together (a patient, a customer): never split between training and validation or test rows; not a feature')
    .option('--time-column <col>', 'column with each row\'s time (numbers or dates): time-series folds, the latest rows held out; not a feature')
    .option('--workers <n>', 'worker threads (default: number of cores)', intArg('--workers', 1))
    .option('--seed <n>', 'random seed (same seed, same trials)', intArg('--seed', 0), 0)
    .addOption(storageOption())
    .option('--study <name>', 'study name (default: the CSV file name; a free variant is chosen if it exists); no / or \\, at most 200 characters', studyNameArg)
    .option('--space <file>', 'search space JSON file (see search-spaces/default.json)')
    .option('--models <a,b,...>', `model families to search (default: the fast built-in ones); known: ${helpList(() => listModels().map((m) => m.name).join(', '))} (mlp needs an extra install: npm install ${TFJS_PACKAGE.install.join(' ')})`, listArg)
    .option('--test <test.csv>', 'labelled test file scored at the end (then every row of <data.csv> is searched)')
    .option('--test-size <fraction>', 'fraction of rows held out (stratified) for the final test score; 0: none held out, no test score', testSizeArg, 0.2)
    .option('--out <model.json>', 'where to save the refit model (default: <study>.model.json, or a free <study>-2.model.json if that exists); checked before the search')
    .option('--force', 'replace the file at --out if it exists (never an input file, a link or a device)')
    .option('--no-prune', 'do not stop unpromising trials after their first folds')
    .option('--no-ensemble', 'refit the best pipeline alone instead of averaging the best pipelines (ensemble selection on out-of-fold predictions)')
    .option('--no-recheck', 'choose the final model on the search\'s own CV scores (default: the 20 best pipelines are cross-validated again on fresh splits, up to 3, in the last 5-25% of --time, and the final model is chosen on those scores, which a long search cannot have overfitted)')
    .option('--no-warm-start', "do not start with each model family's default configuration (default: those trials run first, cheapest family first, except with --strategy grid)")
    .option('--fixed-folds', 'cross-validate every trial on the same split (default: each trial draws its own split from the seed, so the search cannot tune itself to one split)')
    .addOption(trialTimeoutOption())
    .addOption(memoryLimitOption())
    .option('--grid-size <n>', 'values per continuous parameter for --strategy grid', intArg('--grid-size', 1))
    .addOption(
      new Option(
        '--class-weight <mode>',
        "balanced: weight each training row by n / (k * n_c) of its class in every family that can (logistic_regression, forests, gradient_boosting, svm, gaussian_nb priors); for imbalanced classes. Binary f1_macro / balanced_accuracy searches also tune the decision threshold out of fold either way",
      ).choices(['none', 'balanced']),
    )
    .option('--max-failures <n>', 'stop the search after this many failed trials in a row (default 25)', intArg('--max-failures', 1))
    .addOption(
      new Option('--feature-search [direction]', 'after the search, greedy forward (or backward) column selection with CV on the best pipeline, kept only if better (takes the last 25% of --time)').choices([
        'forward',
        'backward',
      ]),
    )
    .option('--json', 'print one JSON object with the result instead of text')
    .option('--quiet', 'no progress output')
    .option('--verbose', 'also one line per finished trial on stderr (and progress when stderr is not a terminal with --json)')
    .action(async (data: string, flags: SearchFlags) => {
      process.exitCode = await run(data, flags);
    });
  withExamples(command, [
    'automl search datasets/iris.csv --target species',
    'automl search datasets/cpu.csv --target class --time 2m --metric rmse',
    'automl search datasets/wine.csv --target class --trials 50 --strategy tpe --models random_forest,logistic_regression --json',
    'AUTOML_STORAGE=sqlite:/tmp/studies.db automl search datasets/iris.csv --target species --time 1m30s',
  ]);
}
