import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parameterImportance, mainEffects } from '../../src/report/importance.js';
import { choice, float, categorical, space } from '../../src/space/index.js';
import { createRng } from '../../src/util/rng.js';
import type { FlatParams, TrialRecord } from '../../src/trial/trial.js';

/** A complete trial record with the given params and value. */
function trial(number: number, params: FlatParams, value: number | null, state: TrialRecord['state'] = 'COMPLETE'): TrialRecord {
  return {
    number, state, params, value, intermediate: [], origin: 'sampler', retryOf: null, failKind: null, failReason: null,
    userAttrs: {}, worker: 'h:1:a', createdAt: 0, startedAt: number * 10, finishedAt: number * 10 + 5, heartbeatAt: null,
  };
}

// x drives the score everywhere, noise never matters, k matters only when model=a chose its branch.
const s = space({
  x: float(0, 1),
  noise: float(0, 1),
  model: choice({ a: { k: float(0, 1) }, b: { unused: categorical(['p', 'q', 'r']) } }),
});

function synthetic(n: number, seed: number): TrialRecord[] {
  const rng = createRng(seed);
  const out: TrialRecord[] = [];
  for (let i = 0; i < n; i++) {
    const x = rng.next();
    const noise = rng.next();
    const branch = rng.next() < 0.5 ? 'a' : 'b';
    const params: Record<string, string | number> = { x, noise, model: branch };
    let y = 4 * x + 0.05 * rng.normal();
    if (branch === 'a') {
      const k = rng.next();
      params['model.a.k'] = k;
      y += 2 * k;
    } else {
      params['model.b.unused'] = ['p', 'q', 'r'][rng.int(0, 2)]!;
      y += 1;
    }
    out.push(trial(i, params, y));
  }
  return out;
}

describe('parameterImportance (fANOVA)', () => {
  it('ranks the driving parameter first, the branch-only one next, noise last', () => {
    const trials = synthetic(400, 7);
    const r = parameterImportance({ space: s, trials }, { seed: 1 });
    const by = Object.fromEntries(r.params.map((p) => [p.name, p]));
    expect(r.method).toBe('fanova');
    expect(r.trials).toBe(400);
    expect(r.params[0]!.name).toBe('x');
    expect(r.params[1]!.name).toBe('model.a.k');
    expect(by.x!.importance!).toBeGreaterThan(0.6);
    expect(by['model.a.k']!.importance!).toBeGreaterThan(5 * by.noise!.importance!);
    expect(by.noise!.importance!).toBeLessThan(0.03);
    expect(by['model.b.unused']!.importance!).toBeLessThan(0.03);
    // k counts only on the trials that chose branch a, and within that branch it explains ~1/5.
    const nA = trials.filter((t) => t.params.model === 'a').length;
    expect(by['model.a.k']!.activeTrials).toBe(nA);
    expect(by['model.a.k']!.condition).toEqual({ name: 'model', branch: 'a' });
    expect(by['model.a.k']!.withinBranch!).toBeGreaterThan(0.1);
    expect(by['model.a.k']!.withinBranch!).toBeLessThan(0.35);
    const shares = r.params.reduce((a, p) => a + (p.share ?? 0), 0);
    expect(shares).toBeCloseTo(1, 9);
  });

  it('is deterministic for a seed', () => {
    const trials = synthetic(120, 3);
    const a = parameterImportance({ space: s, trials }, { seed: 5 });
    const b = parameterImportance({ space: s, trials }, { seed: 5 });
    expect(a).toEqual(b);
  });

  it('ignores failed and pruned trials and gives null where a branch has too few trials', () => {
    const trials = synthetic(60, 11).map((t) => (t.params.model === 'b' && t.number % 3 !== 0 ? { ...t, state: 'PRUNED' as const } : t));
    trials.push(trial(60, {}, null, 'FAIL'));
    const r = parameterImportance({ space: s, trials }, { minTrials: 15 });
    const b = r.params.find((p) => p.name === 'model.b.unused')!;
    expect(b.importance).toBeNull();
    expect(r.params[r.params.length - 1]!.importance).toBeNull();
    expect(r.notes.join('\n')).toMatch(/branches with fewer than 15 complete trials, whose parameters get no importance: model=b \(\d+\)/);
  });

  it('a single-split tree puts all its variance on the split feature', () => {
    const tree = {
      feature: Int32Array.from([1]), threshold: Float64Array.from([0.25]), binThreshold: new Uint8Array(1), missingLeft: new Uint8Array(1),
      left: Int32Array.from([~0]), right: Int32Array.from([~1]), width: 1, values: Float64Array.from([0, 1]),
    };
    const f = mainEffects(tree, 3)!;
    expect(Array.from(f)).toEqual([0, 1, 0]);
  });
});

describe('automl importance (CLI)', () => {
  it('prints the ranking as text and JSON for a stored study', async () => {
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { spawnSync } = await import('node:child_process');
    const { SqliteStorage } = await import('../../src/storage/sqlite.js');
    const dir = mkdtempSync(join(tmpdir(), 'automl-imp-'));
    const db = join(dir, 's.db');
    const storage = await SqliteStorage.open(db);
    const study = await storage.createStudy({ name: 'synthetic', direction: 'minimize', space: s.toJSON(), seed: 0, sampler: 'random' });
    for (const t of synthetic(150, 5)) {
      const r = (await storage.startTrial(study.id, { worker: 'h:1:a' }))!;
      await storage.setTrialParams(study.id, r.number, t.params);
      await storage.finishTrial(study.id, r.number, { state: 'COMPLETE', value: t.value });
    }
    await storage.close();
    const bin = fileURLToPath(new URL('../../dist/cli/main.js', import.meta.url));
    const json = spawnSync(process.execPath, [bin, 'importance', 'synthetic', '--storage', `sqlite:${db}`, '--json'], { encoding: 'utf8' });
    expect(json.status).toBe(0);
    const out = JSON.parse(json.stdout);
    expect(out.params.slice(0, 2).map((p: { name: string }) => p.name)).toEqual(['x', 'model.a.k']);
    const text = spawnSync(process.execPath, [bin, 'importance', 'synthetic', '--storage', `sqlite:${db}`], { encoding: 'utf8' });
    expect(text.stdout).toMatch(/^x\s+\d+\.\d%/m);
    const missing = spawnSync(process.execPath, [bin, 'importance', 'nope', '--storage', `sqlite:${db}`], { encoding: 'utf8' });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/E_STUDY_NOT_FOUND.*no study 'nope'.*synthetic/);
  });
});
