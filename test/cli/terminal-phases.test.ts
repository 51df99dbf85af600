/** The phase hook the progress output names its phases by: which phases a real search reports, in order, and their deadlines. */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { search } from '../../src/automl/search.js';
import type { SearchPhase } from '../../src/automl/types.js';

const IRIS = join(fileURLToPath(new URL('../../', import.meta.url)), 'datasets/iris.csv');

async function phases(extra: Record<string, unknown>): Promise<{ phase: SearchPhase; deadline: number | null }[]> {
  const seen: { phase: SearchPhase; deadline: number | null }[] = [];
  await search({
    data: IRIS,
    target: 'species',
    models: ['knn', 'gaussian_nb', 'logistic_regression'],
    cv: 3,
    workers: 1,
    seed: 1,
    storage: 'memory:',
    study: 'phases',
    onPhase: (phase, deadline) => seen.push({ phase, deadline: deadline ? deadline() : null }),
    ...extra,
  });
  return seen;
}

describe('onPhase', () => {
  it('reports searching, re-checking, refitting and scoring the test set, without deadlines when there is no time budget', async () => {
    const seen = await phases({ trials: 5 });
    expect(seen.map((s) => s.phase)).toEqual(['searching', 're-checking', 'refitting', 'scoring the test set']);
    expect(seen.every((s) => s.deadline === null)).toBe(true);
  });

  it('reports building the ensemble without the re-check, and deadlines within the time budget', async () => {
    const start = Date.now();
    const seen = await phases({ time: 8, recheck: false });
    expect(seen.map((s) => s.phase)).toEqual(['searching', 'building the ensemble', 'refitting', 'scoring the test set']);
    for (const s of seen) {
      expect(s.deadline).not.toBeNull();
      expect(s.deadline!).toBeGreaterThan(start);
      expect(s.deadline!).toBeLessThanOrEqual(start + 8000 + 1000);
    }
  });
});
