/**
 * A synthetic tabular study written straight into an SQLite file (one transaction), for timing
 * the report and the dashboard at 10,000+ trials without running a search.
 */
import Database from 'better-sqlite3';
import { SqliteStorage } from '../../src/storage/sqlite.js';
import { defaultSpace } from '../../src/automl/spaces.js';
import { Space } from '../../src/space/index.js';
import { createRng } from '../../src/util/rng.js';

/** Writes study `name` with `n` trials (about 75% complete, 20% pruned, 5% failed) into `file`. */
export async function syntheticSqliteStudy(file: string, name: string, n: number, seed = 1): Promise<void> {
  const space = defaultSpace('classification');
  const storage = await SqliteStorage.open(file);
  const study = await storage.createStudy({ name, direction: 'maximize', space: space.toJSON(), seed: 0, sampler: 'tpe', settings: { kind: 'automl.tabular', metric: 'accuracy', task: 'classification', data: null } });
  await storage.close();
  const db = new Database(file);
  const rng = createRng(seed);
  const t0 = study.createdAt;
  const lanes = [new Array<number>(4).fill(t0), new Array<number>(4).fill(t0)];
  const insert = db.prepare(`INSERT INTO trials (study_id, number, state, params, value, origin, retry_of, fail_kind, fail_reason, user_attrs, worker, created_at, started_at, finished_at, heartbeat_at)
    VALUES (?, ?, ?, ?, ?, 'sampler', NULL, ?, ?, ?, ?, ?, ?, ?, ?)`);
  db.transaction(() => {
    for (let i = 0; i < n; i++) {
      const params: Record<string, string | number | boolean> = {};
      for (const p of space.params) if (Space.isActive(p, params)) params[p.name] = p.dimension.decode(rng.next());
      const base = 0.85 + (params.model === 'gradient_boosting' ? 0.05 : params.model === 'gaussian_nb' ? -0.08 : 0) + (params['preprocess.scaler'] === 'none' ? -0.02 : 0);
      const folds = Array.from({ length: 5 }, () => Math.min(1, base + 0.03 * rng.normal()));
      const u = rng.next();
      const state = u < 0.05 ? 'FAIL' : u < 0.25 ? 'PRUNED' : 'COMPLETE';
      const used = state === 'PRUNED' ? folds.slice(0, 2) : folds;
      const value = state === 'FAIL' ? null : used.reduce((a, b) => a + b, 0) / used.length;
      const proc = i % 2;
      const lane = lanes[proc]!.indexOf(Math.min(...lanes[proc]!));
      const start = lanes[proc]![lane]! + Math.floor(rng.next() * 20);
      const dur = Math.floor((state === 'PRUNED' ? 100 : 300) * (0.5 + rng.next()));
      lanes[proc]![lane] = start + dur;
      const attrs = state === 'FAIL' ? { durationMs: dur } : { foldScores: used, durationMs: dur };
      insert.run(study.id, i, state, JSON.stringify(params), value, state === 'FAIL' ? 'error' : null, state === 'FAIL' ? 'synthetic failure </script><!--' : null, JSON.stringify(attrs), `host:${100 + proc}:abc`, start, start, start + dur, start + dur);
    }
  })();
  db.close();
}
