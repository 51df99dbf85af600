/**
 * `automl export <study> --format mlflow|csv|jsonl`: the study in another tool's format.
 */
import { Command, Option } from 'commander';
import { exportStudy, EXPORT_FORMATS, type ExportFormat } from '../../report/export/index.js';
import { storageOption, withExamples } from '../args.js';

/** Adds the `export` command to `program`. */
export function register(program: Command): void {
  const command = program
    .command('export')
    .description("export a study: an MLflow file store (open with `mlflow ui --backend-store-uri <dir>`; the study is a parent run with the final model as artifact, each trial a child run), or its trials as CSV or JSON Lines")
    .argument('<study>', 'study name')
    .addOption(new Option('--format <format>', 'output format').choices([...EXPORT_FORMATS]).makeOptionMandatory())
    .option('--out <path>', 'mlflow: the store folder (default mlruns); csv/jsonl: the file (default <study>.trials.<format>)')
    .option('--model <model.json>', 'mlflow: the final model to attach (default <study>.model.json here, if it exists)')
    .addOption(storageOption())
    .action(async (name: string, f: { format: ExportFormat; out?: string; model?: string; storage: string }) => {
      const r = await exportStudy({ study: name, format: f.format, storage: f.storage, ...(f.out ? { out: f.out } : {}), ...(f.model ? { model: f.model } : {}) });
      const extra = r.mlflow ? ` (experiment ${r.mlflow.experimentId}, ${r.mlflow.runs} runs${r.mlflow.modelArtifact ? ', model attached to the parent run' : ''})` : '';
      process.stderr.write(`exported ${r.trials} trials of '${name}' to ${r.path}${extra}\n`);
    });
  withExamples(command, [
    'automl search datasets/iris.csv --target species --trials 10',
    'automl export iris --format csv',
    'automl export iris --format mlflow --out mlruns   # then: mlflow ui --backend-store-uri mlruns',
  ]);
}
