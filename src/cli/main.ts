#!/usr/bin/env node
/**
 * The `automl` command line: builds the program from one module per command (src/cli/commands/),
 * runs it and maps errors to exit codes. Rendering lives in src/report/. Nothing imports this module.
 */
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { isAutomlError, messageOf } from '../util/errors.js';
import { packageVersion } from '../util/package-paths.js';
import * as best from './commands/best.js';
import * as dashboard from './commands/dashboard.js';
import * as deleteCommand from './commands/delete.js';
import * as drift from './commands/drift.js';
import * as evaluate from './commands/evaluate.js';
import * as exportCommand from './commands/export.js';
import * as importance from './commands/importance.js';
import * as leaderboard from './commands/leaderboard.js';
import * as predict from './commands/predict.js';
import * as report from './commands/report.js';
import * as resume from './commands/resume.js';
import * as retrain from './commands/retrain.js';
import * as search from './commands/search.js';
import * as serve from './commands/serve.js';
import * as studies from './commands/studies.js';
import * as trials from './commands/trials.js';
import * as worker from './commands/worker.js';

/** The commands, in the order `automl --help` lists them. A new command is one module and one entry here. */
const COMMANDS: readonly { register(program: Command): void }[] = [
  search, resume, worker, studies, trials, best, leaderboard, predict, evaluate, drift, serve, retrain, report, dashboard, importance, exportCommand, deleteCommand,
];

/** Builds the command-line program. */
export function program(): Command {
  const cli = new Command('automl')
    .description('AutoML for tabular data: searches preprocessing + model configurations with cross-validation, stores every trial in SQLite, and saves the best model.')
    .version(packageVersion())
    .showSuggestionAfterError(true)
    .exitOverride();
  for (const command of COMMANDS) command.register(cli);
  return cli;
}

/** Runs the CLI; resolves to the exit code: 0, 1 for a failure, 2 for a usage error, 130 after Ctrl-C. */
export async function main(argv: readonly string[]): Promise<number> {
  const cli = program();
  try {
    await cli.parseAsync(argv as string[]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      // commander already printed help or the error
      return e.exitCode === 0 ? 0 : 2;
    }
    if (isAutomlError(e)) {
      process.stderr.write(`error [${e.code}]: ${e.message}\n`);
      return e.code === 'E_USAGE' ? 2 : 1;
    }
    process.stderr.write(`error: ${messageOf(e)}\n${e instanceof Error && e.stack ? e.stack + '\n' : ''}`);
    return 1;
  }
}

function invokedDirectly(): boolean {
  try {
    return process.argv[1] !== undefined && realpathSync(process.argv[1]) === fileURLToPath(import.meta.url);
  } catch {
    return false;
  }
}

if (invokedDirectly()) {
  main(process.argv).then((code) => {
    process.exitCode = code;
  });
}
