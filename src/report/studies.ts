/** The studies of a storage as a text table (what `automl studies` prints). */
import type { StudySummary } from '../storage/storage.js';
import { fmtScore, table } from './format.js';

/** One row per study (counts by state, best value, creation time in UTC), or a line saying there is none; no trailing newline. */
export function formatStudies(list: readonly StudySummary[], storageUrl: string): string {
  if (list.length === 0) return `no studies in ${storageUrl}`;
  return table(
    ['study', 'direction', 'sampler', 'complete', 'pruned', 'failed', 'running', 'best', 'created'],
    list.map((s) => [
      s.name,
      s.direction,
      s.sampler,
      String(s.counts.COMPLETE),
      String(s.counts.PRUNED),
      String(s.counts.FAIL),
      String(s.counts.RUNNING),
      fmtScore(s.bestValue),
      new Date(s.createdAt).toISOString().slice(0, 19).replace('T', ' '),
    ]),
  );
}
