import { describe, expect, it } from 'vitest';
import type { LeaderboardRow } from '../../src/automl/leaderboard.js';
import type { SearchResult } from '../../src/automl/types.js';
import { formatLeaderboard } from '../../src/report/leaderboard.js';
import { formatSearchResult, formatWorkerDone, searchResultJson } from '../../src/report/search-result.js';
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
    expect(formatLeaderboard(result())).toBe(
      [
        'Leaderboard (top 1 of 1 complete trials, r2, higher is better):',
        'rank  trial  model                cv r2            time  features  hyperparameters',
        '1     3      extra_trees (log y)  0.5000 ± 0.2500  1.5s  1.5/4     n_estimators=50',
      ].join('\n'),
    );
    expect(formatLeaderboard(result({ leaderboard: [] }))).toBe('');
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
    expect(Object.keys(searchResultJson(result()))).toEqual(['study', 'metric', 'direction', 'best', 'testScore', 'trials', 'model', 'features', 'featureSearch', 'ensemble', 'recheck', 'modelTrials', 'stoppedBy']);
    expect(searchResultJson(result())).toMatchObject({ study: 'cpu', metric: 'r2', direction: 'maximize', model: 'cpu.model.json', features: ['a', 'b'] });
  });

  it('renders the worker line', () => {
    expect(formatWorkerDone('cpu', result(), true)).toBe("worker done: study 'cpu' has 1 complete, 2 pruned, 0 failed trials (stopped by interrupt)");
  });
});
