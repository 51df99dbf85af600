/**
 * `automl retrain <study> --data new.csv`: a new study linked to the old one, on new data, that
 * starts from the old best configurations; the new model replaces the old one only when it scores
 * at least as well on a holdout of the new data (`--force` overrides). Exit 0 whatever the
 * decision (it is printed); non-zero on errors.
 */
import type { Command } from 'commander';
import { retrain, type RetrainResult } from '../../automl/retrain.js';
import { searchResultJson } from '../../report/search-result.js';
import { fmtScore } from '../../report/format.js';
import { DEFAULT_STORAGE, delimiterOption, durationArg, intArg, storageOption, withExamples } from '../args.js';
import { runWithProgress } from '../run-with-progress.js';

interface RetrainFlags {
  data: string;
  delimiter?: string;
  storage: string;
  model?: string;
  study?: string;
  out?: string;
  force?: boolean;
  warm: number;
  trials?: number;
  time?: number;
  workers?: number;
  json?: boolean;
  quiet?: boolean;
  verbose?: boolean;
  ensemble?: boolean;
  recheck?: boolean;
}

function score(v: number | null): string {
  return v === null ? 'n/a' : fmtScore(v);
}

function print(r: RetrainResult, json: boolean, interrupted: boolean): void {
  if (json) {
    const { study: _s, ...search } = searchResultJson(r.search, { interrupted, defaultStorage: DEFAULT_STORAGE });
    const out = { study: r.search.study.name, parent: r.parent, metric: r.metric.name, direction: r.metric.direction, holdoutRows: r.holdoutRows, old: r.old, new: r.new, decision: r.decision, modelFile: r.modelFile, warmTrials: r.warmTrials, notes: r.notes, search };
    process.stdout.write(JSON.stringify(out) + '\n');
    return;
  }
  const verdict = {
    written: `the new model is not worse: written to ${r.modelFile}`,
    forced: `the new model is worse, written anyway (--force) to ${r.modelFile}`,
    kept: 'the new model is worse: not written (keep the old one, or pass --force)',
    'no-model': 'no trial completed: no new model',
  }[r.decision];
  const lines = [
    `study '${r.search.study.name}' (parent '${r.parent}'): ${r.search.counts.complete} complete, ${r.search.counts.pruned} pruned, ${r.search.counts.failed} failed trials; the first ${r.warmTrials.length} were the parent's best configurations`,
    `${r.metric.name} on ${r.holdoutRows} held-out rows of the new data: old model ${score(r.old.value)} (${r.old.file}), new model ${score(r.new.value)}`,
    verdict,
  ];
  process.stdout.write(lines.join('\n') + '\n');
}

async function run(name: string, f: RetrainFlags): Promise<number> {
  let result: RetrainResult | null = null;
  return runWithProgress(
    f,
    (info) => `automl: retraining study '${name}' as '${info.study}' in ${info.storage}`,
    async (hooks) => {
      result = await retrain(name, {
        data: f.data,
        ...(f.delimiter !== undefined ? { delimiter: f.delimiter } : {}),
        storage: f.storage,
        ...(f.model !== undefined ? { model: f.model } : {}),
        ...(f.study !== undefined ? { study: f.study } : {}),
        ...(f.out !== undefined ? { out: f.out } : {}),
        force: Boolean(f.force),
        warmTrials: f.warm,
        trials: f.trials,
        time: f.time,
        workers: f.workers,
        ...(f.ensemble === false ? { ensemble: false } : {}),
        ...(f.recheck === false ? { recheck: false } : {}),
        ...hooks,
      });
      return result.search;
    },
    (_search, interrupted) => print(result!, Boolean(f.json), interrupted),
  );
}

/** Adds `automl retrain` to the program. */
export function register(program: Command): void {
  const command = program
    .command('retrain')
    .description("search again on new data in a new study linked to the old one (same target, metric, space and settings), starting from the old best configurations; the new model is written only when it scores at least as well as the old one on a holdout of the new data")
    .argument('<study>', 'the study to retrain')
    .requiredOption('--data <file.csv>', 'the new labelled data')
    .addOption(delimiterOption())
    .addOption(storageOption())
    .option('--model <model.json>', "the old study's model file, scored against the new one (default: <study>.model.json)")
    .option('--study <name>', 'name of the new study (default: <study>-retrain)')
    .option('--out <model.json>', 'where to write the new model (default: <new study>.model.json)')
    .option('--force', 'write the new model even when it scores worse than the old one')
    .option('--warm <k>', "the old study's best distinct configurations run first", intArg('--warm', 0), 5)
    .option('--trials <n>', "trial budget (default: the old study's budget kind and size)", intArg('--trials', 1))
    .option('--time <duration>', 'wall-clock budget, e.g. 30s, 5m, 1m30s', durationArg)
    .option('--workers <n>', 'worker threads (default: number of cores)', intArg('--workers', 1))
    .option('--no-ensemble', 'refit the best pipeline alone (default: as the old study)')
    .option('--no-recheck', "choose the final model on the search's own CV scores")
    .option('--json', 'print one JSON object: both scores, the decision and the search result')
    .option('--quiet', 'no progress output')
    .option('--verbose', 'also one line per finished trial on stderr (and progress when stderr is not a terminal with --json)')
    .action(async (name: string, flags: RetrainFlags) => {
      process.exitCode = await run(name, flags);
    });
  withExamples(command, [
    'automl search datasets/wine.csv --target class --trials 20',
    'automl retrain wine --data datasets/wine.csv --trials 10',
    'automl retrain wine --data datasets/wine.csv --time 1m --json',
  ]);
}
