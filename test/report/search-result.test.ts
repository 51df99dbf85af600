import { describe, expect, it } from 'vitest';
import type { LeaderboardRow } from '../../src/automl/leaderboard.js';
import type { FinalModelSummary, SearchResult } from '../../src/automl/types.js';
import { formatLeaderboard, formatPruning } from '../../src/report/leaderboard.js';
import { finalModelLines, formatSearchResult, formatWorkerDone, searchResultJson } from '../../src/report/search-result.js';
import type { TrialRecord } from '../../src/trial/trial.js';

// The study, model and metric are only read for a few fields here; the end-to-end CLI tests render real ones.
function result(over: Partial<Record<keyof SearchResult, unknown>> = {}, trials: Partial<TrialRecord>[] = []): SearchResult {
  const row: LeaderboardRow = {
    rank: 1,
    number: 3,
    model: 'extra_trees',
    params: { n_estimators: 50 },
    preprocess: {},
    targetTransform: 'log',
    mean: 0.5,
    std: 0.25,
    foldScores: [0.25, 0.75],
    durationMs: 1500,
    kept: [{ column: 'a', folds: 2, frequency: 1 }, { column: 'b', folds: 1, frequency: 0.5 }],
    totalColumns: 4,
  };
  return {
    study: { name: 'cpu', storage: { url: 'sqlite:elsewhere.db' }, trials },
    metric: { name: 'r2', direction: 'maximize' },
    task: 'regression',
    best: { number: 3, value: 0.5, config: { model: { type: 'extra_trees', n_estimators: 50 }, target_transform: 'log' } },
    model: { features: ['a', 'b'], inputColumns: ['a', 'b'] },
    testScore: 0.4,
    leaderboard: [row],
    counts: { complete: 1, failed: 0, pruned: 2, interrupted: 0 },
    stoppedBy: 'trials',
    notes: [],
    modelFile: 'cpu.model.json',
    featureSearch: null,
    ensemble: null,
    recheck: null,
    modelTrials: [{ trial: 3, weight: 1 }],
    ...over,
  } as unknown as SearchResult;
}

describe('search result rendering', () => {
  it('renders the leaderboard with the target transform, the spread and the kept columns', () => {
    expect(formatLeaderboard(result({ counts: { complete: 1, failed: 0, pruned: 0, interrupted: 0 }, modelTrials: [] }))).toBe(
      [
        'Leaderboard (top 1 of 1 complete trials, r2, higher is better):',
        'rank  trial  model                cv r2            time  features  hyperparameters',
        '1     3      extra_trees (log y)  0.5000 ± 0.2500  1.5s  1.5/4     n_estimators=50',
      ].join('\n'),
    );
    expect(formatLeaderboard(result({ leaderboard: [] }))).toBe('');
  });

  it('marks the trials of the saved model with their weights, also those below the rows shown', () => {
    const text = formatLeaderboard(result({ counts: { complete: 9, failed: 0, pruned: 0, interrupted: 0 }, modelTrials: [{ trial: 3, weight: 0.6 }, { trial: 8, weight: 0.4 }] }));
    expect(text.split('\n')[0]).toBe('Leaderboard (top 1 of 9 complete trials, r2, higher is better; "in model": weight in the saved model):');
    expect(text).toMatch(/features {2}in model {2}hyperparameters\n1 .* 1\.5\/4 {5}x0\.60 {5}n_estimators=50/);
    expect(text).toContain('\nAlso in the saved model, below the rows shown: trial 8 x0.40');
  });

  it('says what pruning did and how to turn it off', () => {
    const pruning = { pruned: 179, afterFolds: [{ folds: 1, trials: 150 }, { folds: 2, trials: 29 }], folds: 5 };
    const text = formatLeaderboard(result({ counts: { complete: 7, failed: 0, pruned: 179, interrupted: 0 }, pruning, modelTrials: [] }));
    expect(text.split('\n')[0]).toBe('Leaderboard (top 1 of 7 complete trials, r2, higher is better; 179 pruned trials are not ranked, see below):');
    expect(text).toContain('\nPruned: 179 trials stopped early: 150 after 1 fold, 29 after 2 folds of 5 (median rule');
    expect(text).toMatch(/--no-prune to run every trial on all folds\.$/);
    // Without the per-fold summary the count is still explained.
    expect(formatPruning(2, null)).toMatch(/^Pruned: 2 trials stopped early \(median rule.*--no-prune/);
    expect(formatPruning(0, pruning)).toBe('');
  });

  it('names the final model apart from the best trial, with how it was chosen, the class weights and the threshold', () => {
    const finalModel: FinalModelSummary = {
      kind: 'ensemble',
      bestTrial: 3,
      members: [
        { trial: 8, weight: 0.6, model: 'gradient_boosting', cv: 0.48, recheck: 0.47 },
        { trial: 3, weight: 0.4, model: 'extra_trees', cv: 0.5, recheck: 0.41 },
      ],
      reason: 'greedy ensemble selection on 1 fresh CV split of the re-check (5 candidates)',
      cvScore: 0.49,
      features: ['a', 'b'],
      testScore: 0.4,
      file: null,
      classWeight: 'balanced',
      threshold: { threshold: 0.3, positiveClass: 'yes', scoreAtHalf: 0.7, score: 0.8, source: "the re-check's fresh splits" },
    };
    const text = formatSearchResult(result({ finalModel }));
    expect(text).toContain(
      'Final model (cpu.model.json): average of 2 pipelines: trial 8 gradient_boosting x0.60 (cv 0.4800, re-check 0.4700), trial 3 extra_trees x0.40 (cv 0.5000, re-check 0.4100)\n' +
        '      chosen by: greedy ensemble selection on 1 fresh CV split of the re-check (5 candidates)\n' +
        '      class weights: balanced',
    );
    expect(text).toContain("decision threshold: 'yes' from probability 0.3 on; out-of-fold r2 0.8000 vs 0.7000 at 0.5");
    const single = finalModelLines({ ...finalModel, kind: 'single', members: [finalModel.members[1]!], classWeight: null, threshold: null }, 'r2');
    expect(single[0]).toBe('Final model: one pipeline, trial 3 extra_trees (cv 0.5000, re-check 0.4100), the best trial');
    expect(searchResultJson(result({ finalModel })).finalModel).toMatchObject({ kind: 'ensemble', file: 'cpu.model.json', threshold: { threshold: 0.3 } });
  });

  it('says there is no test score when no rows were held out', () => {
    const text = formatSearchResult(result({ testScore: null, testSet: { source: 'none', rows: 0 } }));
    expect(text).toContain('No test score: no rows were held out (test size 0)');
    expect(text).not.toContain('Test r2');
    expect(formatSearchResult(result({ testSet: { source: 'holdout', rows: 40 } }))).toContain('Test r2: 0.4000 (best pipeline refit on all searched rows, scored on 40 held-out rows)');
    expect(searchResultJson(result({ testSet: { source: 'none', rows: 0 } })).testSet).toEqual({ source: 'none', rows: 0 });
  });

  it('summarises a finished search, starting with a blank line', () => {
    const text = formatSearchResult(result(), { defaultStorage: 'sqlite:automl.db' });
    expect(text.startsWith('\nLeaderboard (top 1')).toBe(true);
    expect(text).toContain('\n\nTrials: 1 complete, 2 pruned, 0 failed (stopped by trials)\nBest: trial 3, cv r2 0.5000: extra_trees n_estimators=50\n');
    expect(text).toContain('      target transform: log (the model fits');
    expect(text).toContain('      features kept (share of folds): a, b (50%)');
    expect(text).toContain('Model needs 2 input columns: a, b\nTest r2: 0.4000 (best pipeline refit on all searched rows)\nModel written to cpu.model.json');
    expect(text).not.toMatch(/Interrupted|\n$/);
  });

  it('after Ctrl-C says so and names the storage in the resume hint unless it is the default', () => {
    const interrupted = result({ model: null, modelFile: null, counts: { complete: 1, failed: 0, pruned: 2, interrupted: 1 } });
    const text = formatSearchResult(interrupted, { interrupted: true, defaultStorage: 'sqlite:automl.db' });
    expect(text).toContain('1 interrupted (queued to run first on resume) (stopped by interrupt)');
    expect(text).toContain('\nInterrupted before the best pipeline was refit: no model written.\nInterrupted: continue with `automl resume cpu --storage sqlite:elsewhere.db`');
    expect(formatSearchResult(interrupted, { interrupted: true, defaultStorage: 'sqlite:elsewhere.db' })).toMatch(/`automl resume cpu`$/);
    expect(searchResultJson(interrupted, { interrupted: true }).stoppedBy).toBe('interrupted');
    expect(searchResultJson(interrupted).stoppedBy).toBe('trials');
  });

  it('names the last failure when no trial completed', () => {
    const failed = result({ best: null, model: null, leaderboard: [], counts: { complete: 0, failed: 2, pruned: 0, interrupted: 0 } }, [
      { number: 0, state: 'FAIL', failKind: 'error', failReason: 'first' },
      { number: 1, state: 'FAIL', failKind: 'timeout', failReason: null },
    ]);
    expect(formatSearchResult(failed)).toBe('\nTrials: 0 complete, 0 pruned, 2 failed (stopped by trials)\nNo trial completed; last failure: trial 1: timeout.');
  });

  it('keeps the JSON shape of automl search --json', () => {
    // Fields are only ever added: the first thirteen are the original shape, in order.
    expect(Object.keys(searchResultJson(result()))).toEqual(['study', 'metric', 'direction', 'best', 'testScore', 'trials', 'model', 'features', 'featureSearch', 'ensemble', 'recheck', 'modelTrials', 'stoppedBy', 'finalModel', 'pruning', 'testSet']);
    expect(searchResultJson(result())).toMatchObject({ study: 'cpu', metric: 'r2', direction: 'maximize', model: 'cpu.model.json', features: ['a', 'b'] });
  });

  it('renders the worker line', () => {
    expect(formatWorkerDone('cpu', result(), true)).toBe("worker done: study 'cpu' has 1 complete, 2 pruned, 0 failed trials (stopped by interrupt)");
  });
});
