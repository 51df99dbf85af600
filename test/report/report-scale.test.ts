import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { report } from '../../src/report/html/report.js';
import { syntheticSqliteStudy } from './synthetic.js';

describe('report at scale', () => {
  it('a 10,000-trial study generates in seconds', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'automl-report-10k-'));
    const db = join(dir, 's.db');
    await syntheticSqliteStudy(db, 'big', 10_000);
    const t0 = performance.now();
    const r = await report({ study: 'big', storage: `sqlite:${db}`, out: join(dir, 'big.html'), noFinal: true });
    const ms = performance.now() - t0;
    console.log(`10,000-trial report: ${(ms / 1000).toFixed(2)} s total, ${(r.html.length / 1e6).toFixed(1)} MB; stages (ms): ${Object.entries(r.timings).map(([k, v]) => `${k} ${v.toFixed(0)}`).join(', ')}`);
    expect(r.payload.trials).toHaveLength(10_000);
    expect(r.payload.importance!.params[0]!.name).toBe('model');
    // Generous for a shared 2-core machine; typically a couple of seconds.
    expect(ms).toBeLessThan(30_000);
  });
});
