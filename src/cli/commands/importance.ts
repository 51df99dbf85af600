/**
 * `automl importance <study>`: which hyperparameters mattered, by fANOVA over the study's complete
 * trials (see src/report/importance.ts); text table or `--json`.
 */
import type { Command } from 'commander';
import { parameterImportance } from '../../report/importance.js';
import { openReader, readStudy } from '../../report/dashboard/reader.js';
import { table } from '../../report/format.js';
import { intArg, storageOption, withExamples } from '../args.js';

function pct(v: number | null): string {
  return v === null ? '-' : `${(v * 100).toFixed(1)}%`;
}

/** Adds the `importance` command to `program`. */
export function register(program: Command): void {
  const command = program
    .command('importance')
    .description("which hyperparameters mattered: fANOVA on a seeded forest over the study's complete trials (a branch's parameters count only on trials that chose it)")
    .argument('<study>', 'study name')
    .addOption(storageOption())
    .option('--json', 'print JSON: { method, trials, params: [{ name, importance, share, withinBranch, std, condition, activeTrials }], notes }')
    .option('--seed <n>', 'seed of the forest', intArg('--seed', 0), 0)
    .option('--trees <n>', 'trees of the forest', intArg('--trees', 1), 32)
    .action(async (name: string, f: { storage: string; json?: boolean; seed: number; trees: number }) => {
      const reader = await openReader(f.storage);
      try {
        const { study, trials } = await readStudy(reader, name);
        const r = parameterImportance({ space: study.space as never, trials }, { seed: f.seed, trees: f.trees });
        if (f.json) {
          process.stdout.write(JSON.stringify({ study: name, ...r }) + '\n');
          return;
        }
        const lines = [`Parameter importance of study '${name}' (fANOVA main effects over ${r.trials} complete trials; share of the variance of the objective):`];
        lines.push(
          table(
            ['parameter', 'importance', 'share', 'within branch', 'branch', 'trials'],
            r.params.map((p) => [p.name, pct(p.importance), pct(p.share), p.withinBranch === null ? '-' : p.condition ? `${pct(p.withinBranch)} ± ${pct(p.std)}` : `± ${pct(p.std)}`, p.condition ? `${p.condition.name}=${p.condition.branch}` : '(all)', String(p.activeTrials)]),
          ),
        );
        for (const n of r.notes) lines.push(`note: ${n}`);
        process.stdout.write(lines.join('\n') + '\n');
      } finally {
        await reader.close();
      }
    });
  withExamples(command, [
    'automl search datasets/wine.csv --target class --trials 40',
    'automl importance wine',
    'automl importance wine --json --trees 64',
  ]);
}
