/**
 * `automl report <study>`: writes the study's offline HTML report (src/report/html).
 */
import type { Command } from 'commander';
import { report } from '../../report/html/report.js';
import { storageOption, withExamples } from '../args.js';

/** Adds the `report` command to `program`. */
export function register(program: Command): void {
  const command = program
    .command('report')
    .description('write a self-contained HTML report of a study (works offline): history, scores per model family, importance, parallel coordinates, slices, worker timeline, and the final model on held-out rows')
    .argument('<study>', 'study name')
    .addOption(storageOption())
    .option('--out <report.html>', 'where to write the page (default: <study>.report.html)')
    .option('--model <model.json>', 'the final model (default: <study>.model.json here, if it exists)')
    .option('--data <labelled.csv>', "labelled rows to score the model on (default: the study's held-out rows, recomputed from its data file)")
    .option('--no-final', 'leave the final-model section out')
    .option('--quiet', 'print nothing but errors')
    .action(async (name: string, f: { storage: string; out?: string; model?: string; data?: string; final: boolean; quiet?: boolean }) => {
      const out = f.out ?? `${name.replace(/[^A-Za-z0-9._-]+/g, '_')}.report.html`;
      const r = await report({ study: name, storage: f.storage, out, ...(f.model ? { model: f.model } : {}), ...(f.data ? { data: f.data } : {}), noFinal: !f.final });
      if (!f.quiet) {
        const ms = Object.values(r.timings).reduce((a, b) => a + b, 0);
        process.stderr.write(`wrote ${out} (${(r.html.length / 1e6).toFixed(1)} MB, ${r.payload.trials.length} trials, ${(ms / 1000).toFixed(1)} s)\n`);
        if (r.payload.finalNote) process.stderr.write(`note: final model not shown: ${r.payload.finalNote}\n`);
        if (r.payload.importanceNote) process.stderr.write(`note: ${r.payload.importanceNote}\n`);
      }
    });
  withExamples(command, [
    'automl search datasets/iris.csv --target species --trials 20',
    'automl report iris                    # writes iris.report.html',
    'automl report iris --out /tmp/iris.html --no-final',
  ]);
}
