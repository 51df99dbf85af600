/** `automl resume`: continue an interrupted study with its data, split, folds and budget. */
import { existsSync } from 'node:fs';
import type { Command } from 'commander';
import { resumeSearch } from '../../automl/search.js';
import { fmtDuration } from '../../report/format.js';
import { openStorage } from '../../storage/open.js';
import type { StudyRecord } from '../../storage/storage.js';
import { AutomlError, isAutomlError } from '../../util/errors.js';
import { defaultTrialTimeout, durationArg, intArg, memoryLimitOption, storageOption, trialTimeoutOption, withExamples } from '../args.js';
import { ModelOutput, storedStudyInputs } from '../model-output.js';
import { finishSearch, runWithProgress } from '../run-with-progress.js';
import { pluginOption, pluginRefs } from './plugin-flag.js';

interface ResumeFlags {
  storage: string;
  plugin?: string[];
  data?: string;
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

/** The stored study, or null when it is not there (the resume itself then says so, listing those that are). */
async function storedRecord(url: string, name: string): Promise<StudyRecord | null> {
  const storage = await openStorage(url);
  try {
    return await storage.getStudy(name);
  } finally {
    await storage.close();
  }
}

/**
 * The time budget of a resume without `--time` or `--trials`: the study's own. A study started with
 * `--time` runs that long again (its length is its stored deadline minus its creation); a study
 * with a trial budget gets no time limit, as then the resume runs the trials left of its total.
 */
export function ownTimeBudget(record: Pick<StudyRecord, 'settings' | 'createdAt'>): number | undefined {
  const deadline = record.settings['deadline'];
  if (typeof deadline !== 'number' || !Number.isFinite(deadline)) return undefined;
  return Math.max(1, Math.round((deadline - record.createdAt) / 1000));
}

/** The file the study will read its data from, checked before anything runs when it is plainly not there. */
function checkDataPath(name: string, record: StudyRecord, data: string | undefined): void {
  const stored = record.settings['data'];
  if (data === undefined && typeof stored === 'string' && !existsSync(stored)) {
    throw new AutomlError('E_FILE_NOT_FOUND', `study '${name}' was started on ${stored}, which is not there any more; if the file moved, give its new path with --data <file> (it is checked to be the same data)`, { file: stored });
  }
}

/** An error about `--data` in the words of a resume: the file is not the study's data. */
function explainDataError(e: unknown, name: string, record: StudyRecord | null, data: string | undefined): unknown {
  if (data === undefined || record === null || !isAutomlError(e)) return e;
  const target = record.settings['target'];
  if (e.code === 'E_TARGET' && e.details.column === target) {
    return new AutomlError('E_STUDY_MISMATCH', `--data ${data} is not the data study '${name}' was started with: it has no column ${JSON.stringify(target)}, the study's target; give the study's own training file, or start a new study with \`automl search\``, { file: data, column: String(target) }, { cause: e });
  }
  return e;
}

async function run(name: string, f: ResumeFlags): Promise<number> {
  const record = await storedRecord(f.storage, name);
  if (record) checkDataPath(name, record, f.data);
  // Without --time and --trials the study's own budget kind: trials left of its total, or its own --time again.
  const time = f.time ?? (f.trials === undefined && record ? ownTimeBudget(record) : undefined);
  // The output is checked before the run: against the study's data and test files when --force could replace them.
  const inputs = f.out !== undefined && f.force ? [...(await storedStudyInputs(f.storage, name)), ...(f.data ? [{ path: f.data, what: 'the training data (--data)' }] : [])] : [];
  const output = ModelOutput.plan(f.out, Boolean(f.force), inputs, name);
  try {
    return await runWithProgress(
      f,
      (info) => `automl: resuming study '${info.study}' in ${info.storage} (${info.done} trials so far)${f.time === undefined && time !== undefined ? `; time budget ${fmtDuration(time * 1000)}, as the study was started (--time changes it)` : ''}`,
      (hooks) =>
        resumeSearch(name, {
          storage: f.storage,
          plugins: pluginRefs(f.plugin),
          ...(f.data !== undefined ? { data: f.data } : {}),
          trials: f.trials,
          time,
          workers: f.workers,
          // A per-trial limit from this run's --time only; else the study's stored one.
          trialTimeout: defaultTrialTimeout(f.time, f.trialTimeout, f.workers),
          memoryLimitMb: f.memoryLimit,
          // Only an explicit --no-ensemble / --no-recheck overrides what the study was started with.
          ...(f.ensemble === false ? { ensemble: false } : {}),
          ...(f.recheck === false ? { recheck: false } : {}),
          ...hooks,
        }),
      (result, interrupted) => finishSearch(result, interrupted, { json: Boolean(f.json), quiet: Boolean(f.quiet), output }),
    );
  } catch (e) {
    throw explainDataError(e, name, record, f.data);
  }
}

/** Adds `automl resume` to the program. */
export function register(program: Command): void {
  const command = program
    .command('resume')
    .description('continue an interrupted study with its data, split, folds and budget')
    .argument('<study>', 'study name')
    .addOption(storageOption())
    .addOption(pluginOption())
    .option('--data <file>', 'the training CSV, when it is no longer at the path the study was started with (checked: same target column and the same content fingerprint)')
    .option('--trials <n>', 'new total trial budget (default: the one the study was started with)', intArg('--trials', 1))
    .option('--time <duration>', "wall-clock budget for this run: 90, 90s, 1m30s, 1h15m (default: a study started with --time gets that time again; one started with --trials runs the trials left, without a time limit)", durationArg)
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
  withExamples(command, [
    'automl search datasets/iris.csv --target species --trials 30     # Ctrl-C part way',
    'automl resume iris                                               # runs the trials left of the 30',
    'automl resume iris --trials 50 --out iris-50.model.json --force',
    'automl resume iris --data /new/place/iris.csv                    # the CSV moved',
  ]);
}
