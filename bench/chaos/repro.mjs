// Chaos part 6: reproducibility across worker counts (CLI, random and grid, with and without the
// pruner) and, for TPE and GP, how much of a parallel run matches the one-worker run.
import { join } from 'node:path';
import { mapLimit, runCli } from '../../test/fixtures/hostile/cli.mjs';
import { DATA, ROOT, scratch } from './common.mjs';

async function table(strategy, workers, dir, extra) {
  const storage = `sqlite:${join(dir, `${strategy}-${workers}-${extra.length}.db`)}`;
  const s = await runCli(['search', DATA('wine.csv'), '--target', 'class', '--strategy', strategy, '--trials', '30', '--cv', '3', '--workers', String(workers), '--seed', '5', '--study', 's', '--storage', storage, '--quiet', '--json', ...extra], { cwd: dir });
  if (s.code !== 0) throw new Error(s.stderr);
  const t = await runCli(['trials', 's', '--storage', storage, '--json'], { cwd: dir });
  return JSON.parse(t.stdout).map(({ durationMs, ...rest }) => JSON.stringify(rest));
}

export async function acrossWorkers() {
  const dir = scratch('repro');
  const out = {};
  for (const strategy of ['random', 'grid']) {
    for (const prune of [false, true]) {
      const extra = prune ? [] : ['--no-prune'];
      const [one, two, four] = await mapLimit([1, 2, 4], 1, (w) => table(strategy, w, dir, extra));
      const diff = (x) => x.filter((r, i) => r !== one[i]).length;
      const cfg = (x) => x.map((r) => JSON.stringify(JSON.parse(r).config));
      out[`${strategy}${prune ? ' (pruner on)' : ' (--no-prune)'}`] = {
        trials: one.length, rowsDifferingFrom1Worker: { w2: diff(two), w4: diff(four) },
        configurationsIdentical: JSON.stringify(cfg(two)) === JSON.stringify(cfg(one)) && JSON.stringify(cfg(four)) === JSON.stringify(cfg(one)),
      };
    }
  }
  return out;
}

export async function modelBased() {
  const { createStudy, space, float, int, categorical } = await import(join(ROOT, 'dist/index.js'));
  const s = space({ x: float(-5, 10), y: float(0, 15), k: int(1, 8), c: categorical(['a', 'b', 'c']) });
  const objective = async (cfg, ctx) => {
    await new Promise((r) => setTimeout(r, ctx.seed % 7));
    return (cfg.y - 0.13 * cfg.x * cfg.x + 1.6 * cfg.x - 6) ** 2 + 10 * Math.cos(cfg.x) + cfg.k * 0.1 + (cfg.c === 'b' ? 1 : 0);
  };
  const run = async (sampler, workers) => {
    const study = await createStudy({ space: s, sampler, seed: 17 });
    await study.optimize(objective, { trials: 40, workers });
    const rows = study.trials.map((t) => JSON.stringify(t.params));
    const best = study.bestTrial.value;
    await study.close();
    return { rows, best };
  };
  const out = {};
  for (const sampler of ['tpe', 'gp']) {
    const a = await run(sampler, 1), b = await run(sampler, 1), p = await run(sampler, 4);
    out[sampler] = {
      oneWorkerRepeatIdentical: JSON.stringify(a.rows) === JSON.stringify(b.rows),
      fourWorkersTrialsMatching: p.rows.filter((r, i) => r === a.rows[i]).length,
      firstMismatchAt: p.rows.findIndex((r, i) => r !== a.rows[i]),
      best1: +a.best.toFixed(4), best4: +p.best.toFixed(4),
    };
  }
  return out;
}
