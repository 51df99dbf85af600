/**
 * `automl evaluate <model.json> <labelled.csv>`: every metric of the model's task on new labelled
 * rows. Exit 0, or 2 with `error [CODE]: message` when the input cannot be used (a missing file or
 * column, a damaged model file), as `automl drift` does.
 */
import type { Command } from 'commander';
import { isAutomlError } from '../../util/errors.js';
import { evaluateModel } from '../../serving/evaluate.js';
import { renderEvaluation } from '../../report/evaluation.js';
import { delimiterOption, withExamples } from '../args.js';

interface EvaluateFlags {
  target?: string;
  json?: boolean;
  delimiter?: string;
}

function run(modelFile: string, data: string, flags: EvaluateFlags): number {
  try {
    const report = evaluateModel(modelFile, data, { ...(flags.target !== undefined ? { target: flags.target } : {}), ...(flags.delimiter !== undefined ? { delimiter: flags.delimiter } : {}) });
    process.stdout.write(flags.json ? JSON.stringify(report) + '\n' : renderEvaluation(report, `${modelFile} on ${data}`));
    return 0;
  } catch (e) {
    if (!isAutomlError(e)) throw e;
    process.stderr.write(`error [${e.code}]: ${e.message}\n`);
    return 2;
  }
}

/** Adds the `evaluate` command to the program. */
export function register(program: Command): void {
  const command = program
    .command('evaluate')
    .description(
      'score a saved model on labelled data with every metric of its task: accuracy, balanced accuracy, F1 macro, log loss, ROC AUC, ' +
        'the confusion matrix and per-class precision/recall/F1 (classification); R², RMSE, MAE and the residuals (regression). ' +
        'Rows whose target is missing or unknown to the model are counted, not scored',
    )
    .argument('<model.json>', 'a model file written by automl search')
    .argument('<labelled.csv>', "rows with the model's input columns and the target column")
    .option('--target <col>', "the column with the true values (default: the model's target)")
    .addOption(delimiterOption())
    .option('--json', 'print one JSON object instead of text')
    .action((modelFile: string, data: string, flags: EvaluateFlags) => {
      process.exitCode = run(modelFile, data, flags);
    });
  withExamples(command, [
    'automl search datasets/iris.csv --target species --trials 10',
    'automl evaluate iris.model.json datasets/iris.csv',
    'automl evaluate iris.model.json datasets/iris.csv --json',
  ]);
}
