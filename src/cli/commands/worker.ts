/** `automl worker`: join a study in a shared storage and run its trials until its budget is spent. */
import type { Command } from 'commander';
import { resumeSearch } from '../../automl/search.js';
import { formatWorkerDone } from '../../report/search-result.js';
import { defaultTrialTimeout, durationArg, intArg, memoryLimitOption, storageOption, trialTimeoutOption } from '../args.js';
import { pluginOption, pluginRefs } from './plugin-flag.js';
import { runWithProgress } from '../run-with-progress.js';

interface WorkerFlags {
  storage: string;
  plugin?: string[];
  workers?: number;
  data?: string;
  time?: number;
  trialTimeout?: number;
  memoryLimit?: number;
  quiet?: boolean;
  verbose?: boolean;
}

function run(name: string, f: WorkerFlags): Promise<number> {
  return runWithProgress(
    f,
    (info) => `automl worker: joined study '${info.study}' in ${info.storage} (${info.done} trials so far)`,
    // A worker only runs trials: the process that started the study refits and saves the model.
    (hooks) =>
      resumeSearch(name, {
        storage: f.storage,
        plugins: pluginRefs(f.plugin),
        workers: f.workers,
        data: f.data,
        time: f.time,
        trialTimeout: defaultTrialTimeout(f.time, f.trialTimeout),
        memoryLimitMb: f.memoryLimit,
        refit: false,
        untilStudyDeadline: true,
        ...hooks,
      }),
    (result, interrupted) => {
      process.stdout.write(formatWorkerDone(name, result, interrupted) + '\n');
    },
  );
}

/** Adds `automl worker` to the program. */
export function register(program: Command): void {
  program
    .command('worker')
    .description('join a study stored in a shared storage (e.g. PostgreSQL) and run its trials until its budget is spent')
    .argument('<study>', 'study name (started with automl search --storage <url>)')
    .addOption(storageOption())
    .addOption(pluginOption())
    .option('--workers <n>', 'worker threads on this machine (default: number of cores)', intArg('--workers', 1))
    .option('--data <file>', 'the training CSV on this machine, if not at the path the study was started with (checked by fingerprint)')
    .option('--time <duration>', 'stop this worker after this long', durationArg)
    .addOption(trialTimeoutOption())
    .addOption(memoryLimitOption())
    .option('--quiet', 'no progress output')
    .option('--verbose', 'also one line per finished trial on stderr')
    .action(async (name: string, flags: WorkerFlags) => {
      process.exitCode = await run(name, flags);
    });
}
