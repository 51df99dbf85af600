/** What a search (or a resumed one) found: the text summary and the JSON shape `automl search --json` prints. */
import type { FinalModelSummary, SearchResult } from '../automl/types.js';
import { fmtParams, fmtScore, wrapToWidth } from './format.js';
import { formatLeaderboard } from './leaderboard.js';

/** How a search ended, as far as rendering is concerned. */
export interface SearchReportOptions {
  /** The run was stopped by the user (Ctrl-C): say so, and say how to continue. */
  readonly interrupted?: boolean;
  /** The storage a resume finds without `--storage`; the resume hint names any other. */
  readonly defaultStorage?: string;
  /** The terminal's width when printed to one: the leaderboard's lines are cut to it. */
  readonly width?: number;
}

/** The JSON-ready summary of a search result (the object `automl search --json` prints). */
export function searchResultJson(r: SearchResult, opts: SearchReportOptions = {}): Record<string, unknown> {
  return {
    study: r.study.name,
    metric: r.metric.name,
    direction: r.metric.direction,
    best: r.best,
    testScore: r.testScore,
    trials: r.counts,
    model: r.modelFile,
    features: r.model ? r.model.features : null,
    featureSearch: r.featureSearch,
    ensemble: r.ensemble,
    recheck: r.recheck,
    modelTrials: r.modelTrials,
    stoppedBy: opts.interrupted ? 'interrupted' : r.stoppedBy,
    // Added fields (older scripts can ignore them): what the saved model holds and why, pruning, the test rows.
    // The CLI writes the model file after the search: the result's path is the one it holds.
    finalModel: r.finalModel ? { ...r.finalModel, file: r.modelFile ?? r.finalModel.file } : null,
    pruning: r.pruning ?? null,
    testSet: r.testSet ?? null,
  };
}

/**
 * What the saved model holds, and why, as text lines: its trials (family, weight, search CV and
 * re-check scores), how they were chosen, class weights and the decision threshold. The best trial
 * of the search is named apart from the model, which often is not that trial alone.
 */
export function finalModelLines(f: FinalModelSummary, metric: string): string[] {
  const member = (m: FinalModelSummary['members'][number]): string =>
    `trial ${m.trial} ${m.model}${f.kind === 'ensemble' ? ` x${m.weight.toFixed(2)}` : ''} (cv ${fmtScore(m.cv)}${m.recheck !== null ? `, re-check ${fmtScore(m.recheck)}` : ''})`;
  const what = f.kind === 'ensemble' ? `average of ${f.members.length} pipelines: ${f.members.map(member).join(', ')}` : `one pipeline, ${member(f.members[0]!)}`;
  const same = f.kind === 'single' && f.members[0]!.trial === f.bestTrial;
  const out = [`Final model${f.file ? ` (${f.file})` : ''}: ${what}${same ? ', the best trial' : ''}`];
  out.push(`      chosen by: ${f.reason}`);
  if (f.classWeight) out.push(`      class weights: ${f.classWeight} (each fit weights its training rows by n / (k * n_c))`);
  if (f.threshold) {
    const t = f.threshold;
    out.push(`      decision threshold: '${t.positiveClass}' from probability ${t.threshold} on; out-of-fold ${metric} ${fmtScore(t.score)} vs ${fmtScore(t.scoreAtHalf)} at 0.5 (${t.source})`);
  }
  return out;
}

function withoutType(o: Readonly<Record<string, unknown>>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([k]) => k !== 'type'));
}

/** Lines about the best trial and the model built from it (the search had a complete trial). */
function bestLines(r: SearchResult, best: NonNullable<SearchResult['best']>, interrupted: boolean): string[] {
  const out: string[] = [];
  const cfg = best.config as { model?: Record<string, unknown>; preprocess?: Record<string, unknown>; select?: Record<string, unknown>; target_transform?: unknown };
  out.push(`Best: trial ${best.number}, cv ${r.metric.name} ${fmtScore(best.value)}: ${String(cfg.model?.type ?? '')} ${fmtParams(withoutType(cfg.model ?? {}), 20)}`);
  if (cfg.preprocess) out.push(`      preprocessing: ${fmtParams(cfg.preprocess, 20)}`);
  const sel = cfg.select;
  if (sel && sel.type !== 'none') out.push(`      feature selection: ${String(sel.type)} ${fmtParams(withoutType(sel), 20)}`);
  const transform = cfg.target_transform;
  if (transform !== undefined && transform !== 'none') out.push(`      target transform: ${String(transform)} (the model fits sign(y) log(1 + |y|); predictions are mapped back)`);
  const top = r.leaderboard.find((l) => l.number === best.number);
  if (top?.kept) out.push(`      features kept (share of folds): ${top.kept.map((k) => `${k.column}${k.frequency < 1 ? ` (${Math.round(k.frequency * 100)}%)` : ''}`).join(', ')}`);
  if (r.featureSearch) {
    const fs = r.featureSearch;
    out.push(`Feature search (${fs.direction}, ${fs.fits} fits): ${fs.columns.length} columns, cv ${fmtScore(fs.score)} vs ${fmtScore(fs.baselineScore)} with all columns: ${fs.improved ? `kept: ${fs.columns.join(', ')}` : 'not better, not used'}`);
  }
  if (r.recheck) {
    const c = r.recheck;
    const sb = c.searchBest;
    out.push(
      `Re-check: ${c.candidates} pipelines (the best of each model family, then the best of the rest) cross-validated again on ${c.repeats} fresh split${c.repeats === 1 ? '' : 's'}: ` +
        `best trial ${sb.trial} (cv ${fmtScore(sb.value)}) scores ${sb.fresh === null ? 'n/a' : fmtScore(sb.fresh)} there; ` +
        (c.freshBest.trial === sb.trial ? 'it stays the best' : `trial ${c.freshBest.trial} (cv ${fmtScore(c.freshBest.value)}) scores best, ${fmtScore(c.freshBest.fresh)}`),
    );
  }
  if (r.finalModel) out.push(...finalModelLines({ ...r.finalModel, file: r.modelFile ?? r.finalModel.file }, r.metric.name));
  else if (!r.ensemble && r.modelTrials.length === 1 && r.modelTrials[0]!.trial !== best.number) out.push(`Final model: trial ${r.modelTrials[0]!.trial}, the best on the fresh splits`);
  if (r.ensemble) {
    const e = r.ensemble;
    out.push(
      `Ensemble: average of ${e.members.length} pipelines (${e.members.map((m) => `trial ${m.trial} x${m.weight.toFixed(2)}`).join(', ')}), ` +
        `out-of-fold ${r.metric.name}${r.recheck ? ' on the fresh splits' : ''} ${fmtScore(e.cvScore)} vs ${fmtScore(e.bestSingleCvScore)} for the best single pipeline`,
    );
  }
  if (r.model) {
    const inputs = r.model.inputColumns;
    out.push(`Model needs ${inputs.length} input column${inputs.length === 1 ? '' : 's'}: ${inputs.join(', ')}`);
    if (r.testSet?.source === 'none') out.push(`No test score: no rows were held out (test size 0); the CV scores above are the only estimate`);
    else out.push(`Test ${r.metric.name}: ${fmtScore(r.testScore)} (${r.ensemble ? 'ensemble' : r.modelTrials.length === 1 && r.modelTrials[0]!.trial !== best.number ? `trial ${r.modelTrials[0]!.trial}` : 'best pipeline'} refit on all searched rows${r.testSet ? `, scored on ${r.testSet.rows} ${r.testSet.source === 'file' ? 'test-file' : 'held-out'} rows` : ''})`);
    if (r.modelFile) out.push(`Model written to ${r.modelFile}; predict with: automl predict ${r.modelFile} <data.csv>`);
  } else if (interrupted) out.push('Interrupted before the best pipeline was refit: no model written.');
  return out;
}

/**
 * The text summary of a search result: leaderboard, trial counts, the best trial and what was
 * built from it (re-check, ensemble, test score, model file). Starts with a blank line, which
 * sets it apart from the progress output before it; no trailing newline.
 */
export function formatSearchResult(r: SearchResult, opts: SearchReportOptions = {}): string {
  const interrupted = Boolean(opts.interrupted);
  const s = r.study;
  const out: string[] = [];
  const board = formatLeaderboard(r, opts.width);
  if (board) out.push(`\n${board}`);
  out.push('');
  out.push(
    `Trials: ${r.counts.complete} complete, ${r.counts.pruned} pruned, ${r.counts.failed} failed` +
      `${r.counts.interrupted ? `, ${r.counts.interrupted} interrupted (queued to run first on resume)` : ''} (stopped by ${interrupted ? 'interrupt' : r.stoppedBy})`,
  );
  if (r.best) out.push(...bestLines(r, r.best, interrupted));
  else {
    const last = [...s.trials].reverse().find((t) => t?.state === 'FAIL');
    out.push(`No trial completed${last ? `; last failure: trial ${last.number}: ${last.failReason ?? last.failKind}` : ''}.`);
  }
  if (interrupted) out.push(`Interrupted: continue with \`automl resume ${s.name}${s.storage.url !== opts.defaultStorage ? ` --storage ${s.storage.url}` : ''}\``);
  // On a terminal the lines after the leaderboard wrap at spaces to its width.
  const first = board ? 1 : 0;
  return [...out.slice(0, first), ...out.slice(first).map((l) => wrapToWidth(l, opts.width))].join('\n');
}

/** The one line `automl worker` prints when it leaves a study; no trailing newline. */
export function formatWorkerDone(study: string, r: Pick<SearchResult, 'counts' | 'stoppedBy'>, interrupted = false): string {
  const c = r.counts;
  return `worker done: study '${study}' has ${c.complete} complete, ${c.pruned} pruned, ${c.failed} failed trials (stopped by ${interrupted ? 'interrupt' : r.stoppedBy})`;
}
