/**
 * `automl dashboard`: serves the live dashboard (src/report/dashboard) until Ctrl-C.
 */
import { Command, InvalidArgumentError } from 'commander';
import { createDashboard } from '../../report/dashboard/server.js';
import { storageOption, withExamples } from '../args.js';

function portArg(v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError(`--port must be an integer in 0..65535, got '${v}'`);
  return n;
}

/** Adds the `dashboard` command to `program`. */
export function register(program: Command): void {
  const command = program
    .command('dashboard')
    .description('a live web UI over a storage: the studies, and for each the report\'s charts and a sortable, filterable trial table, updated while a search runs (reads only; never slows the search)')
    .addOption(storageOption())
    .option('--port <n>', 'TCP port (0: any free port)', portArg, 8080)
    .option('--host <host>', 'interface to listen on (127.0.0.1: this machine only)', '127.0.0.1')
    .option('--model-dir <dir>', 'folder holding the <study>.model.json files (default: the current folder)')
    .action(async (f: { storage: string; port: number; host: string; modelDir?: string }) => {
      const app = await createDashboard({ storage: f.storage, ...(f.modelDir ? { modelDir: f.modelDir } : {}) });
      const address = await app.listen({ port: f.port, host: f.host });
      process.stderr.write(`automl dashboard on ${address} (${f.storage}); Ctrl-C stops it\n`);
      await new Promise<void>((resolve) => {
        const stop = (): void => {
          process.off('SIGINT', stop);
          process.off('SIGTERM', stop);
          void app.close().then(() => resolve());
        };
        process.on('SIGINT', stop);
        process.on('SIGTERM', stop);
      });
    });
  withExamples(command, [
    'automl search datasets/wine.csv --target class --time 2m &',
    'automl dashboard                      # then open http://127.0.0.1:8080',
    'automl dashboard --port 0 --storage sqlite:automl.db',
  ]);
}
