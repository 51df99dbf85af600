/** `automl leaderboard <study>`: a stored study's best complete trials, ranked, as text or JSON. */
import type { Command } from 'commander';
import { leaderboard, pruningSummary } from '../../automl/leaderboard.js';
import { storedFinalModel } from '../../automl/final-summary.js';
import type { SearchResult } from '../../automl/types.js';
import type { Metric } from '../../evaluation/metrics.js';
import { formatLeaderboard } from '../../report/leaderboard.js';
import { loadStudy, type Study } from '../../study/index.js';
import { intArg, storageOption, withExamples } from '../args.js';

interface LeaderboardFlags {
  storage: string;
  json?: boolean;
  top: number;
}

/** The default number of rows, as in the summary `automl search` prints. */
const DEFAULT_TOP = 10;

/** Trial counts as a search result has them: interrupted means configurations still waiting for a rerun. */
function countsOf(study: Study): SearchResult['counts'] {
  const trials = study.trials.filter((t) => t !== undefined);
  return {
    complete: trials.filter((t) => t.state === 'COMPLETE').length,
    failed: trials.filter((t) => t.state === 'FAIL' && t.failKind !== 'interrupted').length,
    interrupted: study.pendingRetries(),
    pruned: trials.filter((t) => t.state === 'PRUNED').length,
  };
}

async function run(name: string, f: LeaderboardFlags): Promise<number> {
  const study = await loadStudy({ name, storage: f.storage, readonly: true });
  try {
    const rows = leaderboard(study, f.top);
    const stored = study.record.settings['metric'];
    // A study made from code may have no metric name: its objective's value is what is ranked.
    const metric = { name: typeof stored === 'string' && stored !== '' ? stored : 'value', direction: study.direction };
    const counts = countsOf(study);
    if (f.json) {
      process.stdout.write(JSON.stringify({ study: study.name, metric: metric.name, direction: metric.direction, trials: counts, leaderboard: rows }) + '\n');
      return 0;
    }
    // The renderer reads only the metric's name and direction.
    const text = formatLeaderboard(
      { leaderboard: rows, metric: metric as Metric, counts, pruning: pruningSummary(study), modelTrials: storedFinalModel(study)?.members ?? [] },
      process.stdout.isTTY ? process.stdout.columns : undefined,
    );
    const total = study.trials.filter((t) => t !== undefined).length;
    process.stdout.write((text === '' ? `study '${study.name}' has no complete trial yet (${total} trial${total === 1 ? '' : 's'} recorded)` : text) + '\n');
    return 0;
  } finally {
    await study.close();
  }
}

/** Adds `automl leaderboard` to the program. */
export function register(program: Command): void {
  const command = program
    .command('leaderboard')
    .description("rank a study's complete trials by their cross-validated score: model, score ± sd over folds, time, columns kept and hyperparameters")
    .argument('<study>', 'study name')
    .addOption(storageOption())
    .option('--top <n>', `rows to show (default ${DEFAULT_TOP})`, intArg('--top', 1), DEFAULT_TOP)
    .option('--json', 'print one JSON object: { study, metric, direction, trials: { complete, failed, interrupted, pruned }, leaderboard: [{ rank, number, model, params, preprocess, targetTransform, mean, std, foldScores, durationMs, kept, totalColumns }] }')
    .action(async (name: string, flags: LeaderboardFlags) => {
      process.exitCode = await run(name, flags);
    });
  withExamples(command, [
    'automl search datasets/iris.csv --target species --trials 20',
    'automl leaderboard iris',
    'automl leaderboard iris --top 3 --json',
  ]);
}
