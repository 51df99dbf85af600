/**
 * Issue 7, part 6: the same seed gives the same trial table. Through the CLI with random and grid
 * search on 1, 2 and 4 workers (`automl trials --json` minus timing); in the library for TPE and
 * GP with one worker. What is not reproducible, by design: with the median pruner on (the CLI's
 * default) and several workers, whether a trial is pruned depends on which other trials had
 * finished, and a model-based sampler's trial N depends on the same; both are pinned below to what
 * is guaranteed. Kill-and-resume reproducibility is in kill-resume.test.ts.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { createStudy, float, int, categorical, space } from '../../src/index.js';
import { mapLimit, runCli } from '../fixtures/hostile/cli.mjs';
import { DATA, requireBuild, scratch } from './helpers.js';

beforeAll(requireBuild);

interface Row {
  number: number;
  state: string;
  value: number | null;
  config: unknown;
  foldScores: number[];
  durationMs?: number;
}

async function table(strategy: string, workers: number, dir: string, extra: string[]): Promise<Row[]> {
  const storage = `sqlite:${join(dir, `${strategy}-${workers}.db`)}`;
  const s = await runCli(['search', DATA('iris.csv'), '--target', 'species', '--strategy', strategy, '--trials', '8', '--cv', '2', '--workers', String(workers), '--seed', '5', '--study', 's', '--storage', storage, '--quiet', '--json', ...extra], { cwd: dir });
  expect(s.code, s.stderr).toBe(0);
  const t = await runCli(['trials', 's', '--storage', storage, '--json'], { cwd: dir });
  expect(t.code).toBe(0);
  return (JSON.parse(t.stdout) as Row[]).map(({ durationMs: _ms, ...rest }) => rest);
}

describe('same seed, same trials', () => {
  it.each(['random', 'grid'])('%s search: byte-identical trial table with 1, 2 and 4 workers (--no-prune)', async (strategy) => {
    const dir = scratch(`repro-${strategy}`);
    const [one, two, four] = await mapLimit([1, 2, 4], 2, (w) => table(strategy, w, dir, ['--no-prune']));
    expect(one).toHaveLength(8);
    expect(one!.every((r) => r.state === 'COMPLETE')).toBe(true);
    expect(JSON.stringify(two)).toBe(JSON.stringify(one));
    expect(JSON.stringify(four)).toBe(JSON.stringify(one));
  });

  it('with the pruner on, the configurations still match across worker counts', async () => {
    const dir = scratch('repro-prune');
    const [one, four] = await mapLimit([1, 4], 2, (w) => table('random', w, dir, []));
    expect(four!.map((r) => JSON.stringify(r.config))).toEqual(one!.map((r) => JSON.stringify(r.config)));
    // A trial that completes in both runs has the same value: only the prune decision may differ.
    for (let i = 0; i < one!.length; i++) {
      if (one![i]!.state === 'COMPLETE' && four![i]!.state === 'COMPLETE') expect(four![i]!.value).toBe(one![i]!.value);
    }
  });

  const s = space({ x: float(-5, 10), y: float(0, 15), k: int(1, 8), c: categorical(['a', 'b', 'c']) });
  const objective = async (cfg: { x: number; y: number; k: number; c: string }, ctx: { seed: number }): Promise<number> => {
    // Seeded, uneven durations so that trials finish out of order with several workers.
    await new Promise((r) => setTimeout(r, ctx.seed % 7));
    return (cfg.y - 0.13 * cfg.x * cfg.x + 1.6 * cfg.x - 6) ** 2 + 10 * Math.cos(cfg.x) + cfg.k * 0.1 + (cfg.c === 'b' ? 1 : 0);
  };
  const run = async (sampler: string, workers: number): Promise<string[]> => {
    const study = await createStudy({ space: s, sampler, seed: 17, direction: 'minimize' });
    await study.optimize(objective, { trials: 18, workers });
    const rows = study.trials.map((t) => `${t.number} ${JSON.stringify(t.params)} ${t.value}`);
    await study.close();
    return rows;
  };

  it.each(['tpe', 'gp'])('%s: one worker is deterministic; with three, the random start-up trials match', async (sampler) => {
    const a = await run(sampler, 1);
    expect(a).toHaveLength(18);
    expect(await run(sampler, 1)).toEqual(a);
    // Trials 0-9 are drawn at random from (seed, number) whatever the timing (10 start-up trials);
    // later ones depend on which trials had finished when they were sampled.
    const parallel = await run(sampler, 3);
    expect(parallel.slice(0, 10)).toEqual(a.slice(0, 10));
  });
});
