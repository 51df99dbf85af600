/** `automl best`: show a study's best trial. */
import type { Command } from 'commander';
import { bestJson, formatBest } from '../../report/best.js';
import { loadStudy } from '../../study/index.js';
import { storageOption, withExamples } from '../args.js';

async function run(name: string, f: { storage: string; json?: boolean }): Promise<number> {
  const study = await loadStudy({ name, storage: f.storage, readonly: true });
  try {
    process.stdout.write((f.json ? JSON.stringify(bestJson(study)) : formatBest(study)) + '\n');
    // JSON says "no best" with null; the text message is an error for scripts that read the text.
    return study.bestTrial || f.json ? 0 : 1;
  } finally {
    await study.close();
  }
}

/** Adds `automl best` to the program. */
export function register(program: Command): void {
  const command = program
    .command('best')
    .description("show a study's best trial")
    .argument('<study>', 'study name')
    .addOption(storageOption())
    .option('--json', 'print JSON')
    .action(async (name: string, flags: { storage: string; json?: boolean }) => {
      process.exitCode = await run(name, flags);
    });
  withExamples(command, [
    'automl search datasets/iris.csv --target species --trials 20',
    'automl best iris',
    'automl best iris --json',
  ]);
}
