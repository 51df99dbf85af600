/** A study's best trial as text and JSON (what `automl best` prints). */
import { leaderboard } from '../automl/leaderboard.js';
import { storedFinalModel } from '../automl/final-summary.js';
import { finalModelLines } from './search-result.js';
import type { Study } from '../study/index.js';
import { fmtScore } from './format.js';
import { trialJson } from './trials.js';

/** The best trial as a JSON-ready object (study, direction and the trial's fields), or null when no trial completed. */
export function bestJson(study: Study): Record<string, unknown> | null {
  const best = study.bestTrial;
  if (!best) return null;
  // A retrained study names the study it came from (settings.parent, written by retrain).
  const parent = study.record.settings['parent'];
  // `finalModel`: what the study's last saved model holds (often not the best trial alone), or null.
  return { study: study.name, direction: study.direction, ...(parent !== undefined ? { parent } : {}), ...trialJson(best, study.configOf(best)), finalModel: storedFinalModel(study) };
}

/**
 * The best trial as text: value, fold scores, kept columns and the full configuration, then what
 * the study's saved model holds (trials, weights, why), kept apart from the best trial; a one-line
 * message when no trial completed yet. No trailing newline.
 */
export function formatBest(study: Study): string {
  const best = study.bestTrial;
  if (!best) return `study '${study.name}' has no complete trial yet`;
  const top = leaderboard(study, 1)[0];
  const lines = [`study '${study.name}' best trial (best search CV score): trial ${best.number}, value ${fmtScore(best.value)} (${study.direction})`];
  if (top && top.foldScores.length > 0) lines.push(`fold scores: ${top.foldScores.map(fmtScore).join(', ')}`);
  if (top?.kept) lines.push(`features kept (share of folds): ${top.kept.map((k) => `${k.column} ${Math.round(k.frequency * 100)}%`).join(', ')}`);
  lines.push(`configuration: ${JSON.stringify(study.configOf(best), null, 2)}`);
  const final = storedFinalModel(study);
  const metric = study.record.settings['metric'];
  if (final) {
    lines.push(...finalModelLines(final, typeof metric === 'string' ? metric : 'score'));
    if (final.cvScore !== null || final.testScore !== null) lines.push(`      its out-of-fold score ${fmtScore(final.cvScore)}, test score ${fmtScore(final.testScore)}; input columns: ${final.features.join(', ')}`);
  } else lines.push('Final model: none recorded for this study (no search refit a model, or it predates this record)');
  return lines.join('\n');
}
