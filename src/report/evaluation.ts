/**
 * Text rendering of an evaluation report (`automl evaluate` without --json).
 */
import type { EvaluationReport } from '../serving/evaluate.js';

/** A number with 4 decimals, or in exponent form when tiny or huge; "-" for null/NaN. */
export function fmtNumber(v: number | null | undefined): string {
  if (v === null || v === undefined || Number.isNaN(v)) return '-';
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(3);
  return v.toFixed(4);
}

/**
 * A left-aligned text table with a header row. (The CLI has its own in cli/format.ts; report/
 * may not import cli/, so the two should meet in report/ when the CLI's formatting moves there.)
 */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, j) => Math.max(h.length, ...rows.map((r) => (r[j] ?? '').length)));
  const line = (cells: readonly string[]): string => cells.map((c, j) => (j === cells.length - 1 ? c : c.padEnd(widths[j]!))).join('  ').trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}

/** The evaluation as text: rows used, the metrics, then the confusion matrix and per-class scores or the residuals. */
export function renderEvaluation(r: EvaluationReport, title?: string): string {
  const out: string[] = [];
  const skipped = r.rows.total - r.rows.used;
  out.push(`${title ? `${title}: ` : ''}${r.rows.total} rows, ${r.rows.used} scored${skipped ? ` (${r.rows.missingTarget} with a missing target, ${r.rows.unknownTarget} with one the model does not know${r.rows.unknownValues.length ? `: ${r.rows.unknownValues.map((v) => JSON.stringify(v)).join(', ')}` : ''})` : ''}`);
  out.push(`Target ${JSON.stringify(r.target)}, ${r.task}; optimised metric ${r.metric.name}: ${fmtNumber(r.metric.value)}`);
  out.push('');
  if (r.classification) {
    const c = r.classification;
    out.push(
      textTable(
        ['metric', 'value'],
        [
          ['accuracy', fmtNumber(c.accuracy)],
          ['balanced accuracy', fmtNumber(c.balancedAccuracy)],
          ['F1 macro', fmtNumber(c.f1Macro)],
          ['log loss', fmtNumber(c.logLoss)],
          [c.classes.length === 2 ? `ROC AUC (${c.classes[1]} positive)` : 'ROC AUC (one-vs-rest macro)', fmtNumber(c.rocAuc)],
        ],
      ),
    );
    if (c.threshold) out.push(`Predictions: ${c.threshold.positiveClass} from a probability of ${c.threshold.value} (the decision threshold the search chose out of fold)`);
    out.push('');
    out.push('Confusion matrix (rows: true class, columns: predicted class):');
    out.push(textTable(['true \\ predicted', ...c.classes], c.confusion.map((row, t) => [c.classes[t]!, ...row.map(String)])));
    out.push('');
    out.push(textTable(['class', 'precision', 'recall', 'F1', 'support'], c.perClass.map((p) => [p.label, fmtNumber(p.precision), fmtNumber(p.recall), fmtNumber(p.f1), String(p.support)])));
  }
  if (r.regression) {
    const g = r.regression;
    out.push(textTable(['metric', 'value'], [['R²', fmtNumber(g.r2)], ['RMSE', fmtNumber(g.rmse)], ['MAE', fmtNumber(g.mae)]]));
    out.push('');
    const s = g.residuals;
    out.push('Residuals (true - predicted):');
    out.push(
      textTable(
        ['mean', 'sd', 'p5', 'p25', 'median', 'p75', 'p95', 'max |r|'],
        [[s.mean, s.sd, s.quantiles.p5, s.quantiles.p25, s.quantiles.p50, s.quantiles.p75, s.quantiles.p95, s.maxAbs].map(fmtNumber)],
      ),
    );
  }
  for (const n of r.notes) out.push(`note: ${n}`);
  return out.join('\n') + '\n';
}
