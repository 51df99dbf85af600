/** `automl resume`: continue an interrupted study with its data, split, folds and budget. */
import type { Command } from 'commander';
import { resumeSearch } from '../../automl/search.js';
import { durationArg, intArg, storageOption } from '../args.js';
import { pluginOption, pluginRefs } from './plugin-flag.js';
import { printSearchResult, runWithProgress } from '../run-with-progress.js';

interface ResumeFlags {
  storage: string;
  plugin?: string[];
  trials?: number;
  time?: number;
  workers?: number;
  out?: string;
  json?: boolean;
  quiet?: boolean;
  ensemble?: boolean;
  recheck?: boolean;
}

function run(name: string, f: ResumeFlags): Promise<number> {
  return runWithProgress(
    Boolean(f.quiet || f.json),
    (info) => `automl: resuming study '${info.study}' in ${info.storage} (${info.done} trials so far)`,
    (hooks) =>
      resumeSearch(name, {
        storage: f.storage,
        plugins: pluginRefs(f.plugin),
        trials: f.trials,
        time: f.time,
        workers: f.workers,
        out: f.out ?? '{study}.model.json',
        // Only an explicit --no-ensemble / --no-recheck overrides what the study was started with.
        ...(f.ensemble === false ? { ensemble: false } : {}),
        ...(f.recheck === false ? { recheck: false } : {}),
        ...hooks,
      }),
    (result, interrupted) => printSearchResult(result, Boolean(f.json), interrupted),
  );
}

/** Adds `automl resume` to the program. */
export function register(program: Command): void {
  program
    .command('resume')
    .description('continue an interrupted study with its data, split, folds and budget')
    .argument('<study>', 'study name')
    .addOption(storageOption())
    .addOption(pluginOption())
    .option('--trials <n>', 'new total trial budget (default: the one the study was started with)', intArg('--trials', 1))
    .option('--time <duration>', 'wall-clock budget for this run', durationArg)
    .option('--workers <n>', 'worker threads (default: number of cores)', intArg('--workers', 1))
    .option('--out <model.json>', 'where to save the refit model (default: <study>.model.json)')
    .option('--no-ensemble', 'refit the best pipeline alone (default: as the study was started)')
    .option('--no-recheck', 'choose the final model on the search\'s own CV scores, without re-checking the best pipelines on fresh splits')
    .option('--json', 'print one JSON object with the result')
    .option('--quiet', 'no progress output')
    .action(async (name: string, flags: ResumeFlags) => {
      process.exitCode = await run(name, flags);
    });
}
