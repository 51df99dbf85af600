/** `automl trials`: list a study's trials as a table, JSON or CSV. */
import type { Command } from 'commander';
import { formatTrials, trialsCsv, trialsJson } from '../../report/trials.js';
import { loadStudy } from '../../study/index.js';
import { AutomlError } from '../../util/errors.js';
import { storageOption, withExamples } from '../args.js';

interface TrialsFlags {
  storage: string;
  json?: boolean;
  csv?: boolean;
}

async function run(name: string, f: TrialsFlags): Promise<number> {
  if (f.json && f.csv) throw new AutomlError('E_USAGE', 'give either --json or --csv, not both');
  const study = await loadStudy({ name, storage: f.storage, readonly: true });
  try {
    if (f.json) process.stdout.write(JSON.stringify(trialsJson(study)) + '\n');
    else if (f.csv) process.stdout.write(trialsCsv(study));
    else process.stdout.write(formatTrials(study) + '\n');
    return 0;
  } finally {
    await study.close();
  }
}

/** Adds `automl trials` to the program. */
export function register(program: Command): void {
  const command = program
    .command('trials')
    .description("list a study's trials")
    .argument('<study>', 'study name')
    .addOption(storageOption())
    .option('--json', 'print a JSON array of { number, state, value, config, foldScores, durationMs }')
    .option('--csv', 'print CSV, one column per parameter')
    .action(async (name: string, flags: TrialsFlags) => {
      process.exitCode = await run(name, flags);
    });
  withExamples(command, [
    'automl search datasets/iris.csv --target species --trials 10',
    'automl trials iris',
    'automl trials iris --csv > iris-trials.csv',
  ]);
}
