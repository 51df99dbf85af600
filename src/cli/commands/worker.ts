/** `automl worker`: join a study in a shared storage and run its trials until its budget is spent. */
import type { Command } from 'commander';
import { resumeSearch } from '../../automl/search.js';
import type { SearchResult } from '../../automl/types.js';
import { formatWorkerDone } from '../../report/search-result.js';
import { trialJson } from '../../report/trials.js';
import type { Study } from '../../study/index.js';
import type { TrialRecord } from '../../trial/trial.js';
import { defaultTrialTimeout, durationArg, intArg, memoryLimitOption, storageOption, trialTimeoutOption, withExamples } from '../args.js';
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
  json?: boolean;
  verbose?: boolean;
}

/**
 * `--json` output: JSON Lines on stdout, one object per line, each with an `event` field, so a
 * script can follow the worker as it runs (`jq` per line) and take the summary from the last line:
 * - `{ "event": "trial", "study", ...trial }` when a trial this worker ran finished (the fields of
 *   `automl trials --json`: number, state, value, config, foldScores, durationMs, failKind...);
 * - `{ "event": "done", "study", "trials": { complete, failed, interrupted, pruned }, "ran", "best", "stoppedBy" }`
 *   once, at the end: the study's counts, how many trials this worker finished, the study's best.
 */
function trialLine(study: Study, t: TrialRecord): string {
  const config = Object.keys(t.params).length > 0 ? study.configOf(t) : null;
  return JSON.stringify({ event: 'trial', study: study.name, ...trialJson(t, config) }) + '\n';
}

function doneLine(name: string, r: SearchResult, ran: number, interrupted: boolean): string {
  return JSON.stringify({ event: 'done', study: name, trials: r.counts, ran, best: r.best ? { number: r.best.number, value: r.best.value } : null, stoppedBy: interrupted ? 'interrupted' : r.stoppedBy }) + '\n';
}

function run(name: string, f: WorkerFlags): Promise<number> {
  let ran = 0;
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
        trialTimeout: defaultTrialTimeout(f.time, f.trialTimeout, f.workers),
        memoryLimitMb: f.memoryLimit,
        refit: false,
        untilStudyDeadline: true,
        ...hooks,
        onTrial: (t, study) => {
          hooks.onTrial?.(t, study);
          ran++;
          if (f.json) process.stdout.write(trialLine(study, t));
        },
      }),
    (result, interrupted) => {
      process.stdout.write(f.json ? doneLine(name, result, ran, interrupted) : formatWorkerDone(name, result, interrupted) + '\n');
    },
  );
}

/** Adds `automl worker` to the program. */
export function register(program: Command): void {
  const command = program
    .command('worker')
    .description('join a study stored in a shared storage (e.g. PostgreSQL) and run its trials until its budget is spent')
    .argument('<study>', 'study name (started with automl search --storage <url>)')
    .addOption(storageOption())
    .addOption(pluginOption())
    .option('--workers <n>', 'worker threads on this machine (default: number of cores)', intArg('--workers', 1))
    .option('--data <file>', 'the training CSV on this machine, if not at the path the study was started with (checked by fingerprint)')
    .option('--time <duration>', 'stop this worker after this long (90, 90s, 1m30s, 1h15m)', durationArg)
    .addOption(trialTimeoutOption())
    .addOption(memoryLimitOption())
    .option('--json', 'JSON Lines on stdout: {"event":"trial",...} per trial this worker finished (fields of automl trials --json), then one {"event":"done","trials":{...},"ran","best","stoppedBy"} summary; progress stays on stderr on a terminal (none when piped unless --verbose)')
    .option('--quiet', 'no progress output')
    .option('--verbose', 'also one line per finished trial on stderr')
    .action(async (name: string, flags: WorkerFlags) => {
      process.exitCode = await run(name, flags);
    });
  withExamples(command, [
    'automl search datasets/iris.csv --target species --time 2m --storage sqlite:shared.db --study iris-shared',
    'automl worker iris-shared --storage sqlite:shared.db      # in a second terminal, or on another machine with postgresql://...',
    'automl worker iris-shared --storage sqlite:shared.db --json | tail -n 1',
  ]);
}
