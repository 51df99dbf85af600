/** `automl studies`: list the studies in a storage. */
import type { Command } from 'commander';
import { formatStudies } from '../../report/studies.js';
import { openStorage, redactUrl } from '../../storage/open.js';
import { storageOption, withExamples } from '../args.js';

async function run(f: { storage: string; json?: boolean }): Promise<number> {
  const storage = await openStorage(f.storage, { readonly: true });
  try {
    const list = await storage.listStudies();
    process.stdout.write((f.json ? JSON.stringify(list) : formatStudies(list, redactUrl(storage.url))) + '\n');
    return 0;
  } finally {
    await storage.close();
  }
}

/** Adds `automl studies` to the program. */
export function register(program: Command): void {
  const command = program
    .command('studies')
    .description('list the studies in a storage')
    .addOption(storageOption())
    .option('--json', 'print JSON')
    .action(async (flags: { storage: string; json?: boolean }) => {
      process.exitCode = await run(flags);
    });
  withExamples(command, [
    'automl search datasets/iris.csv --target species --trials 10',
    'automl studies',
    'automl studies --json --storage sqlite:automl.db',
  ]);
}
