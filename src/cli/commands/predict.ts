/** `automl predict`: predict with a saved model, as CSV on stdout or in a file. */
import { writeFileSync } from 'node:fs';
import type { Command } from 'commander';
import { predictionsCsv } from '../../report/predictions.js';
import { loadModel } from '../../serving/model-file.js';
import { AutomlError } from '../../util/errors.js';

interface PredictFlags {
  out?: string;
  proba?: boolean;
}

function run(modelFile: string, data: string, f: PredictFlags): number {
  const model = loadModel(modelFile);
  if (f.proba && model.task !== 'classification') throw new AutomlError('E_USAGE', `--proba needs a classification model; ${modelFile} does regression`);
  const rows = model.table(data);
  const predictions = model.predict(rows);
  const csv = predictionsCsv({ target: model.target, predictions, ...(f.proba ? { proba: { classes: model.classes!, rows: model.predictProba(rows) } } : {}) });
  if (f.out) {
    writeFileSync(f.out, csv);
    process.stderr.write(`wrote ${predictions.length} predictions to ${f.out}\n`);
  } else process.stdout.write(csv);
  for (const n of rows.notes) process.stderr.write(`note: ${n}\n`);
  return 0;
}

/** Adds `automl predict` to the program. */
export function register(program: Command): void {
  program
    .command('predict')
    .description('predict with a saved model; writes one column named after the target, in input order')
    .argument('<model.json>', 'a model file written by automl search')
    .argument('<data.csv>', 'rows to predict (needs the columns the model was trained on; others are ignored)')
    .option('--out <preds.csv>', 'write here instead of standard output')
    .option('--proba', 'add proba_<class> columns (classification)')
    .action((modelFile: string, data: string, flags: PredictFlags) => {
      process.exitCode = run(modelFile, data, flags);
    });
}
