/**
 * What the saved model is made of and why, in one plain object: `--json` prints it, the text
 * summary renders it, and the study stores it (settings `finalModel`) so that `automl best` can say
 * which trials the model file holds long after the search.
 */
import type { Study } from '../study/index.js';
import type { Metric } from '../evaluation/metrics.js';
import type { FittedModel } from '../serving/model-file.js';
import type { FinalChoice } from './choose-ensemble.js';
import type { RungChoice } from './row-rungs.js';
import type { FeatureSearchSummary, FinalModelSummary, ThresholdSummary } from './types.js';

/** The settings key under which a study keeps the summary of its last saved model. */
export const FINAL_MODEL_SETTING = 'finalModel';

function fmt(x: number | null | undefined): string {
  return x === null || x === undefined ? 'n/a' : String(Math.round(x * 10000) / 10000);
}

/** One sentence saying how the members were chosen. */
function reasonOf(bestTrial: number, choice: FinalChoice | null, featureSearch: FeatureSearchSummary | null, metric: Metric, rung: { choice: RungChoice; rows: number } | null): string {
  if (!choice && rung) {
    return `the best of the ${rung.choice.among} trials that trained on ${rung.rows.toLocaleString('en-US')} rows (row rung ${rung.choice.rung + 1}: fewer than two trained on every row in time)`;
  }
  if (!choice) {
    if (featureSearch?.improved) return `the search's best trial, refit on the ${featureSearch.columns.length} columns the feature search kept (cv ${fmt(featureSearch.score)} vs ${fmt(featureSearch.baselineScore)} with all)`;
    return "the search's best trial (no re-check, no ensemble)";
  }
  const r = choice.recheck;
  const where = r ? `on ${r.repeats} fresh CV split${r.repeats === 1 ? '' : 's'} of the re-check (${r.candidates} candidates)` : "on the search's out-of-fold predictions";
  if (choice.ensemble) {
    const e = choice.ensemble;
    return `greedy ensemble selection ${where}: the average scores ${metric.name} ${fmt(e.cvScore)} vs ${fmt(e.bestSingleCvScore)} for the best single pipeline`;
  }
  const only = choice.members[0]!.trial;
  if (r) {
    if (only === bestTrial) return `the search's best trial stayed the best ${where} (${fmt(r.searchBest.fresh)}), and no average beat it`;
    return `trial ${only} scored best ${where} (${fmt(choice.cvScore)} vs ${fmt(r.searchBest.fresh)} for the search's best trial ${bestTrial}), and no average beat it`;
  }
  return `no average of the best pipelines beat the best single one ${where}`;
}

/** The summary of a saved (or built) model. */
export function finalModelSummary(args: {
  study: Study;
  metric: Metric;
  bestTrial: number;
  model: FittedModel;
  members: readonly { readonly trial: number; readonly weight: number }[];
  choice: FinalChoice | null;
  featureSearch: FeatureSearchSummary | null;
  testScore: number | null;
  file: string | null;
  classWeight: 'balanced' | null;
  threshold: ThresholdSummary | null;
  /** On row rungs, when the single pipeline was chosen below the top rung (see `rungWinner`). */
  rungChoice?: RungChoice | null;
  rungRows?: number | null;
  /** Rows the single pipeline was refit on when the time left allowed fewer than the searched rows. */
  refitRows?: number;
  searchedRows?: number;
}): FinalModelSummary {
  const { study, choice } = args;
  const fresh = new Map((choice?.recheck?.scores ?? []).map((s) => [s.trial, s.fresh]));
  return {
    kind: args.members.length > 1 ? 'ensemble' : 'single',
    bestTrial: args.bestTrial,
    members: args.members.map((m) => {
      const t = study.trial(m.trial);
      const type = t ? (study.configOf(t) as { model?: { type?: unknown } }).model?.type : undefined;
      return { trial: m.trial, weight: m.weight, model: typeof type === 'string' ? type : '?', cv: t?.value ?? null, recheck: fresh.get(m.trial) ?? null };
    }),
    reason:
      reasonOf(args.bestTrial, choice, args.featureSearch, args.metric, args.rungChoice && args.rungRows ? { choice: args.rungChoice, rows: args.rungRows } : null) +
      (args.refitRows !== undefined ? `; refit on ${args.refitRows.toLocaleString('en-US')} of the ${(args.searchedRows ?? 0).toLocaleString('en-US')} searched rows, as many as the time left allowed` : ''),
    cvScore: args.model.info.cvScore,
    features: args.model.features,
    testScore: args.testScore,
    file: args.file,
    classWeight: args.classWeight,
    threshold: args.threshold,
  };
}

/** The summary a study stored for its last saved model, or null (none yet, or a study from before summaries). */
export function storedFinalModel(study: Study): FinalModelSummary | null {
  const v = study.record.settings[FINAL_MODEL_SETTING];
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return null;
  const o = v as Partial<FinalModelSummary>;
  // Stored data is read, not trusted: only a well-formed summary is used.
  if ((o.kind !== 'single' && o.kind !== 'ensemble') || !Array.isArray(o.members) || typeof o.bestTrial !== 'number' || typeof o.reason !== 'string') return null;
  const num = (x: unknown): boolean => typeof x === 'number' && Number.isFinite(x);
  const numOrNull = (x: unknown): boolean => x === null || num(x);
  const strOrNull = (x: unknown): boolean => x === null || typeof x === 'string';
  const memberOk = (m: unknown): boolean => {
    if (m === null || typeof m !== 'object') return false;
    const r = m as Record<string, unknown>;
    return num(r['trial']) && num(r['weight']) && typeof r['model'] === 'string' && numOrNull(r['cv']) && numOrNull(r['recheck']);
  };
  const t = o.threshold as unknown;
  const thresholdOk =
    t === null ||
    (t !== undefined && typeof t === 'object' && num((t as Record<string, unknown>)['threshold']) && typeof (t as Record<string, unknown>)['positiveClass'] === 'string' &&
      num((t as Record<string, unknown>)['scoreAtHalf']) && num((t as Record<string, unknown>)['score']) && typeof (t as Record<string, unknown>)['source'] === 'string');
  if (
    !o.members.every(memberOk) ||
    !numOrNull(o.cvScore) ||
    !numOrNull(o.testScore) ||
    !strOrNull(o.file) ||
    !Array.isArray(o.features) ||
    !o.features.every((f) => typeof f === 'string') ||
    (o.classWeight !== null && o.classWeight !== 'balanced') ||
    !thresholdOk
  ) {
    return null;
  }
  return v as FinalModelSummary;
}

/**
 * Records where a model file was written (the CLI writes it after the search) in the study's
 * final-model summary, so that `automl best` names the file; the result's summary gets it too.
 */
export async function recordModelFile<R extends { readonly study: Study; readonly finalModel: FinalModelSummary | null }>(result: R, file: string): Promise<R> {
  if (!result.finalModel) return result;
  const finalModel = { ...result.finalModel, file };
  await result.study.storage.updateStudySettings(result.study.record.id, { [FINAL_MODEL_SETTING]: finalModel });
  return { ...result, finalModel };
}
