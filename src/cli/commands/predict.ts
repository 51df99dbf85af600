/** `automl predict`: predict with a saved model, as CSV on stdout or in a file. */
import { closeSync, openSync, readSync } from 'node:fs';
import type { Command } from 'commander';
import { predictionsCsv } from '../../report/predictions.js';
import { loadModel, readCoverage } from '../../serving/model-file.js';
import { AutomlError } from '../../util/errors.js';
import { checkOutputPath, writeFileAtomic } from '../../util/output-path.js';
import { parseFeatureRows } from '../../data/predict-rows.js';
import { delimiterOption, withExamples } from '../args.js';

interface PredictFlags {
  out?: string;
  proba?: boolean;
  force?: boolean;
  delimiter?: string;
  json?: boolean;
  interval?: string | boolean;
}

/** The data argument that means "read the CSV from standard input". */
const STDIN = '-';
/** How rows from standard input are named in messages (`<stdin>: line 7 has 3 fields...`). */
const STDIN_NAME = '<stdin>';

/** All of standard input, as bytes. */
async function readStdin(input: NodeJS.ReadableStream & { isTTY?: boolean } = process.stdin): Promise<Buffer> {
  if (input.isTTY) process.stderr.write('automl predict: reading CSV rows from the terminal; end them with Ctrl-D\n');
  const chunks: Buffer[] = [];
  for await (const chunk of input) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk as string));
  return Buffer.concat(chunks);
}

async function run(modelFile: string, data: string, f: PredictFlags): Promise<number> {
  const fromStdin = data === STDIN;
  // Checked before anything is computed: never the model or the data, never a link or a device,
  // and a model file is only replaced with --force (other files are, like any output of a rerun).
  if (f.out !== undefined) checkPredictOut(f.out, modelFile, fromStdin ? null : data, Boolean(f.force));
  const model = loadModel(modelFile);
  if (f.proba && model.task !== 'classification') throw new AutomlError('E_USAGE', `--proba needs a classification model; ${modelFile} does regression`);
  const coverage = f.interval === undefined ? null : intervalCoverage(f.interval);
  if (coverage !== null && model.task !== 'regression') throw new AutomlError('E_USAGE', `--interval needs a regression model; ${modelFile} does classification (--proba gives its class probabilities)`);
  const csvOpts = f.delimiter !== undefined ? { delimiter: f.delimiter } : {};
  const rows = fromStdin ? parseFeatureRows(await readStdin(), STDIN_NAME, model.info.features, csvOpts) : model.table(data, csvOpts);
  const predictions = model.predict(rows);
  const proba = f.proba ? model.predictProba(rows) : null;
  const intervals = coverage !== null ? model.predictInterval(rows, coverage) : null;
  // JSON has the shape `automl serve` answers with: { predictions, probabilities? }, plus the target's name.
  const text = f.json
    ? JSON.stringify({ target: model.target, predictions, ...(proba ? { probabilities: proba } : {}), ...(intervals ? { coverage, intervals } : {}) }) + '\n'
    : predictionsCsv({ target: model.target, predictions, ...(proba ? { proba: { classes: model.classes!, rows: proba } } : {}), ...(intervals ? { intervals } : {}) });
  if (f.out !== undefined) {
    checkPredictOut(f.out, modelFile, fromStdin ? null : data, Boolean(f.force));
    writeFileAtomic(f.out, text);
    process.stderr.write(`wrote ${predictions.length} predictions to ${f.out}\n`);
  } else process.stdout.write(text);
  for (const n of rows.notes) process.stderr.write(`note: ${n}\n`);
  return 0;
}

/** The coverage of `--interval [coverage]`: 0.95 when given bare, else a number in (0, 1). */
function intervalCoverage(value: string | boolean): number {
  if (value === true) return 0.95;
  const c = readCoverage(value);
  if (c === null) throw new AutomlError('E_USAGE', `--interval ${JSON.stringify(value)}: expected the share of the predictive distribution to cover, between 0 and 1 (e.g. --interval 0.9); bare --interval means 0.95`, { param: 'interval', value });
  return c;
}

function checkPredictOut(out: string, modelFile: string, data: string | null, force: boolean): void {
  const inputs = [{ path: modelFile, what: 'the model file' }, ...(data !== null ? [{ path: data, what: 'the data to predict' }] : [])];
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
  const command = program
    .command('predict')
    .description('predict with a saved model; writes one column named after the target, in input order')
    .argument('<model.json>', 'a model file written by automl search')
    .argument('<data.csv>', "rows to predict (needs the columns the model was trained on; others are ignored); '-' reads them from standard input")
    .option('--out <preds.csv>', 'write here instead of standard output (never over the model or the data; an existing model file only with --force)')
    .option('--force', 'allow --out to replace an existing model file')
    .option('--proba', 'add proba_<class> columns (classification)')
    .option('--interval [coverage]', 'add <target>_lower and <target>_upper columns: the central interval holding this share of the predictive distribution (default 0.95); regression with a single gaussian_process pipeline')
    .addOption(delimiterOption())
    .option('--json', 'print one JSON object instead of CSV: { target, predictions: [...], probabilities: [{ <class>: p }] (with --proba), coverage and intervals: [{ lower, upper }] (with --interval) }, as automl serve answers')
    .action(async (modelFile: string, data: string, flags: PredictFlags) => {
      process.exitCode = await run(modelFile, data, flags);
    });
  withExamples(command, [
    'automl search datasets/iris.csv --target species --trials 10',
    'automl predict iris.model.json datasets/iris.csv --proba',
    'head -5 datasets/iris.csv | automl predict iris.model.json - --json',
    'automl predict iris.model.json datasets/iris.csv --out predictions.csv',
    'automl search datasets/cpu.csv --target class --models gaussian_process --no-ensemble --trials 10 --out cpu.model.json',
    'automl predict cpu.model.json datasets/cpu.csv --interval 0.9',
  ]);
}
