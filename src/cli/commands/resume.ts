/** `automl resume`: continue an interrupted study with its data, split, folds and budget. */
import type { Command } from 'commander';
import { resumeSearch } from '../../automl/search.js';
import { defaultTrialTimeout, durationArg, intArg, memoryLimitOption, storageOption, trialTimeoutOption } from '../args.js';
import { ModelOutput, storedStudyInputs } from '../model-output.js';
import { finishSearch, runWithProgress } from '../run-with-progress.js';
import { pluginOption, pluginRefs } from './plugin-flag.js';

interface ResumeFlags {
  storage: string;
  plugin?: string[];
  trials?: number;
  time?: number;
  workers?: number;
  out?: string;
  force?: boolean;
  trialTimeout?: number;
  memoryLimit?: number;
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
  ensemble?: boolean;
  recheck?: boolean;
}

async function run(name: string, f: ResumeFlags): Promise<number> {
  // The output is checked before the run: against the study's data and test files when --force could replace them.
  const inputs = f.out !== undefined && f.force ? await storedStudyInputs(f.storage, name) : [];
  const output = ModelOutput.plan(f.out, Boolean(f.force), inputs, name);
  return runWithProgress(
    f,
    (info) => `automl: resuming study '${info.study}' in ${info.storage} (${info.done} trials so far)`,
    (hooks) =>
      resumeSearch(name, {
        storage: f.storage,
        plugins: pluginRefs(f.plugin),
        trials: f.trials,
        time: f.time,
        workers: f.workers,
        trialTimeout: defaultTrialTimeout(f.time, f.trialTimeout),
        memoryLimitMb: f.memoryLimit,
        // Only an explicit --no-ensemble / --no-recheck overrides what the study was started with.
        ...(f.ensemble === false ? { ensemble: false } : {}),
        ...(f.recheck === false ? { recheck: false } : {}),
        ...hooks,
      }),
    (result, interrupted) => finishSearch(result, interrupted, { json: Boolean(f.json), quiet: Boolean(f.quiet), output }),
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
    .option('--out <model.json>', 'where to save the refit model (default: <study>.model.json, or a free <study>-2.model.json if that exists); checked before the run')
    .option('--force', 'replace the file at --out if it exists (never an input file, a link or a device)')
    .addOption(trialTimeoutOption())
    .addOption(memoryLimitOption())
    .option('--no-ensemble', 'refit the best pipeline alone (default: as the study was started)')
    .option('--no-recheck', 'choose the final model on the search\'s own CV scores, without re-checking the best pipelines on fresh splits')
    .option('--json', 'print one JSON object with the result')
    .option('--quiet', 'no progress output')
    .option('--verbose', 'also one line per finished trial on stderr (and progress when stderr is not a terminal with --json)')
    .action(async (name: string, flags: ResumeFlags) => {
      process.exitCode = await run(name, flags);
    });
}
