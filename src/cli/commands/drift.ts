/**
 * `automl drift <model.json> <new.csv>`: new data against the training profile in the model file.
 * Exit 0; 1 with --fail-on-drift when the dataset drifted (for CI pipelines); 2 with
 * `error [CODE]: message` when the input cannot be used (a missing file or column, a model file
 * without a profile), so that a broken check is never mistaken for drift.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { isAutomlError } from '../../util/errors.js';
import { checkDrift, DRIFT_DEFAULTS, type DriftOptions } from '../../serving/drift.js';
import { renderDrift } from '../../report/drift.js';
import { delimiterOption, withExamples } from '../args.js';

interface DriftFlags {
  json?: boolean;
  failOnDrift?: boolean;
  pValue?: number;
  distance?: number;
  psi?: number;
  driftShare?: number;
  largeRows?: number;
  sizeRule?: 'smaller' | 'reference';
  missingChange?: number;
  numericMethod?: DriftOptions['numericMethod'];
  categoricalMethod?: DriftOptions['categoricalMethod'];
  predictions: boolean;
  delimiter?: string;
}

function numberIn(name: string, lo: number, hi: number, open: boolean) {
  return (v: string): number => {
    const n = Number(v);
    if (!(Number.isFinite(n) && (open ? n > lo : n >= lo) && n <= hi)) throw new InvalidArgumentError(`${name} must be a number in ${open ? '(' : '['}${lo}, ${hi}], got '${v}'`);
    return n;
  };
}

function run(modelFile: string, data: string, f: DriftFlags): number {
  try {
    const report = checkDrift(modelFile, data, {
      pValue: f.pValue,
      distance: f.distance,
      psi: f.psi,
      driftShare: f.driftShare,
      largeRows: f.largeRows,
      sizeRule: f.sizeRule,
      missingChange: f.missingChange,
      numericMethod: f.numericMethod,
      categoricalMethod: f.categoricalMethod,
      predictions: f.predictions,
      ...(f.delimiter !== undefined ? { delimiter: f.delimiter } : {}),
    });
    process.stdout.write(f.json ? JSON.stringify(report) + '\n' : renderDrift(report, `${data} vs ${modelFile}`));
    return f.failOnDrift && report.dataset.drifted ? 1 : 0;
  } catch (e) {
    if (!isAutomlError(e)) throw e;
    process.stderr.write(`error [${e.code}]: ${e.message}\n`);
    return 2;
  }
}

/** Adds the `drift` command to the program. */
export function register(program: Command): void {
  const d = DRIFT_DEFAULTS;
  const command = program
    .command('drift')
    .description(
      "check new data for drift against the training profile in the model file, column by column (Evidently's methods and defaults: " +
        `KS test / chi-squared test up to ${d.largeRows} values, normalised Wasserstein / Jensen-Shannon distance when both samples are larger; PSI for every column), ` +
        "plus missing-share changes, out-of-range values, unseen categories and drift of the model's predictions",
    )
    .argument('<model.json>', 'a model file written by automl search (version 3 or later: it holds the profile)')
    .argument('<new.csv>', "rows with the model's input columns (others are ignored)")
    .addOption(delimiterOption())
    .option('--json', 'print one JSON object instead of text')
    .option('--fail-on-drift', 'exit 1 when the dataset drifted (for CI pipelines)')
    .option('--p-value <p>', `tests (KS, chi-squared) drift when p is below this (default ${d.pValue}: 95% confidence)`, numberIn('--p-value', 0, 1, true))
    .option('--distance <d>', `distances (Wasserstein / training sd, Jensen-Shannon) drift from this (default ${d.distance})`, numberIn('--distance', 0, 1e9, true))
    .option('--psi <v>', `PSI drifts from this, when PSI is the method (default ${d.psi})`, numberIn('--psi', 0, 1e9, true))
    .option('--drift-share <s>', `the dataset drifts when this share of its columns drift (default ${d.driftShare})`, numberIn('--drift-share', 0, 1, true))
    .option('--large-rows <n>', `samples with more values than this use distances instead of tests (default ${d.largeRows})`, (v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`--large-rows must be an integer >= 0, got '${v}'`);
      return n;
    })
    .addOption(new Option('--size-rule <rule>', "which sample must exceed --large-rows for distances: the smaller one (default), or the training one alone (Evidently's rule, which false-alarms on small new samples)").choices(['smaller', 'reference']))
    .option('--missing-change <x>', `flag a missing share that moves by at least this much, significantly (default ${d.missingChange})`, numberIn('--missing-change', 0, 1, false))
    .addOption(new Option('--numeric-method <m>', 'force the method for numeric columns (default auto)').choices(['auto', 'ks', 'wasserstein', 'psi']))
    .addOption(new Option('--categorical-method <m>', 'force the method for categorical columns (default auto)').choices(['auto', 'chi-squared', 'jensen-shannon', 'psi']))
    .option('--no-predictions', "do not compare the model's predictions")
    .action((modelFile: string, data: string, flags: DriftFlags) => {
      process.exitCode = run(modelFile, data, flags);
    });
  withExamples(command, [
    'automl search datasets/iris.csv --target species --trials 10',
    'automl drift iris.model.json datasets/iris.csv',
    'automl drift iris.model.json datasets/iris.csv --json --fail-on-drift',
  ]);
}
