/**
 * Text rendering of a drift report (`automl drift` without --json).
 */
import type { DistributionResult, DriftReport } from '../serving/drift.js';
import { fmtNumber, textTable } from './evaluation.js';

const METHOD_NAMES: Record<string, string> = { ks: 'KS', 'chi-squared': 'chi-squared', wasserstein: 'Wasserstein (norm.)', 'jensen-shannon': 'Jensen-Shannon', psi: 'PSI' };

function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

function cells(r: DistributionResult): string[] {
  if (r.method === null) return ['-', '-', '-', '-', r.drifted ? 'DRIFT' : 'no'];
  const test = r.pValue !== null;
  return [METHOD_NAMES[r.method] ?? r.method, fmtNumber(r.statistic), test ? fmtNumber(r.pValue) : '-', test ? `p < ${r.threshold}` : `>= ${r.threshold}`, r.drifted ? 'DRIFT' : 'no'];
}

/** The drift report as text: the dataset verdict, one line per column, prediction drift, flags, the settings used. */
export function renderDrift(r: DriftReport, title?: string): string {
  const out: string[] = [];
  const d = r.dataset;
  out.push(`${title ? `${title}: ` : ''}${r.rows} new rows against the training profile of ${r.referenceRows} rows`);
  out.push(`Dataset drift: ${d.drifted ? 'YES' : 'no'} (${d.driftedColumns} of ${d.columns} columns drifted, ${pct(d.share)}; drifted from ${pct(r.settings.driftShare)})`);
  out.push('');
  out.push(
    textTable(
      ['column', 'type', 'method', 'statistic', 'p-value', 'threshold', 'drift', 'PSI', 'missing', 'other'],
      r.columns.map((c) => {
        const other: string[] = [];
        if (c.outOfRange && c.outOfRange.below + c.outOfRange.above > 0) other.push(`${pct(c.outOfRange.share)} out of range${c.outOfRange.flagged ? ' (!)' : ''}`);
        if (c.unseen && c.unseen.count > 0) other.push(`${c.unseen.count} unseen (${c.unseen.examples.slice(0, 3).map((e) => JSON.stringify(e)).join(', ')})`);
        if (c.invalid > 0) other.push(`${c.invalid} invalid`);
        return [c.column, c.type, ...cells(c), fmtNumber(c.psi), `${pct(c.missing.reference)} -> ${pct(c.missing.current)}${c.missing.flagged ? ' (!)' : ''}`, other.join('; ')];
      }),
    ),
  );
  if (r.predictions) {
    const p = r.predictions;
    out.push('');
    out.push(`Prediction drift: ${p.drifted ? 'YES' : 'no'} (against the ${p.source} predictions on the training rows)`);
    out.push(
      textTable(
        ['output', 'method', 'statistic', 'p-value', 'threshold', 'drift', 'PSI'],
        [
          ['predicted', ...cells(p.output), fmtNumber(p.output.psi)],
          ...p.proba.map((c) => [`P(${c.label})`, ...cells(c), fmtNumber(c.psi)]),
        ],
      ),
    );
    if (p.source === 'in-sample') out.push('note: the profile holds in-sample predictions, sharper than those on new data: probability drift leans towards false alarms');
  }
  if (r.flags.length > 0) {
    out.push('');
    out.push('Flags:');
    for (const f of r.flags) out.push(`  - ${f}`);
  }
  const s = r.settings;
  out.push('');
  out.push(
    `Settings: tests drift at p < ${s.pValue}, distances at >= ${s.distance}, PSI at >= ${s.psi}; distances instead of tests when ${s.sizeRule === 'smaller' ? 'both samples have' : 'the training sample has'} more than ${s.largeRows} values; ` +
      `dataset drift from ${pct(s.driftShare)} of columns; missing-share change from ${pct(s.missingChange)}`,
  );
  for (const n of r.notes) out.push(`note: ${n}`);
  return out.join('\n') + '\n';
}
