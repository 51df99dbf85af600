/** `automl predict`: predict with a saved model, as CSV on stdout or in a file. */
import { closeSync, openSync, readSync } from 'node:fs';
import type { Command } from 'commander';
import { predictionsCsv } from '../../report/predictions.js';
import { loadModel } from '../../serving/model-file.js';
import { AutomlError } from '../../util/errors.js';
import { checkOutputPath, writeFileAtomic } from '../../util/output-path.js';
import { delimiterOption } from '../args.js';

interface PredictFlags {
  out?: string;
  proba?: boolean;
  force?: boolean;
  delimiter?: string;
}

function run(modelFile: string, data: string, f: PredictFlags): number {
  // Checked before anything is computed: never the model or the data, never a link or a device,
  // and a model file is only replaced with --force (other files are, like any output of a rerun).
  if (f.out !== undefined) checkPredictOut(f.out, modelFile, data, Boolean(f.force));
  const model = loadModel(modelFile);
  if (f.proba && model.task !== 'classification') throw new AutomlError('E_USAGE', `--proba needs a classification model; ${modelFile} does regression`);
  const rows = model.table(data, f.delimiter !== undefined ? { delimiter: f.delimiter } : {});
  const predictions = model.predict(rows);
  const csv = predictionsCsv({ target: model.target, predictions, ...(f.proba ? { proba: { classes: model.classes!, rows: model.predictProba(rows) } } : {}) });
  if (f.out !== undefined) {
    checkPredictOut(f.out, modelFile, data, Boolean(f.force));
    writeFileAtomic(f.out, csv);
    process.stderr.write(`wrote ${predictions.length} predictions to ${f.out}\n`);
  } else process.stdout.write(csv);
  for (const n of rows.notes) process.stderr.write(`note: ${n}\n`);
  return 0;
}

function checkPredictOut(out: string, modelFile: string, data: string, force: boolean): void {
  const inputs = [
    { path: modelFile, what: 'the model file' },
    { path: data, what: 'the data to predict' },
  ];
  // First: a FIFO or device must be refused before it is opened to look at it.
  checkOutputPath(out, { inputs, existing: 'replace' });
  if (!force && isModelFile(out)) throw new AutomlError('E_OUTPUT', `--out ${out} is an automl model file; pass --force to replace it, or choose another path`, { file: out });
}

/** True when `path` is an existing automl model file (its JSON starts with the format tag). */
function isModelFile(path: string): boolean {
  let fd: number | null = null;
  try {
    fd = openSync(path, 'r');
    const head = Buffer.alloc(256);
    const n = readSync(fd, head, 0, head.length, 0);
    return /^\s*\{\s*"format"\s*:\s*"automl\.model"/.test(head.subarray(0, n).toString('utf8'));
  } catch {
    return false;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/** Adds `automl predict` to the program. */
export function register(program: Command): void {
  program
    .command('predict')
    .description('predict with a saved model; writes one column named after the target, in input order')
    .argument('<model.json>', 'a model file written by automl search')
    .argument('<data.csv>', 'rows to predict (needs the columns the model was trained on; others are ignored)')
    .option('--out <preds.csv>', 'write here instead of standard output (never over the model or the data; an existing model file only with --force)')
    .option('--force', 'allow --out to replace an existing model file')
    .option('--proba', 'add proba_<class> columns (classification)')
    .addOption(delimiterOption())
    .action((modelFile: string, data: string, flags: PredictFlags) => {
      process.exitCode = run(modelFile, data, flags);
    });
}
