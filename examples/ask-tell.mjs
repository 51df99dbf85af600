// The study engine on a problem of your own, through ask / tell: you decide when and how each
// configuration is evaluated (here a formula; in real use a training run, a job on a cluster...).
//
//   npm run build && node examples/ask-tell.mjs [trials]
import { createStudy, space, float, categorical } from 'automl';

const trials = Number(process.argv[2] ?? 40);

// Branin's function (minimum 0.397887), plus a categorical that adds a penalty when 'slow'.
function branin(x, y) {
  const b = 5.1 / (4 * Math.PI ** 2), c = 5 / Math.PI, t = 1 / (8 * Math.PI);
  return (y - b * x * x + c * x - 6) ** 2 + 10 * (1 - t) * Math.cos(x) + 10;
}

const s = space({ x: float(-5, 10), y: float(0, 15), mode: categorical(['fast', 'slow']) });

const study = await createStudy({ name: 'branin', space: s, direction: 'minimize', sampler: 'tpe', seed: 7, storage: 'memory:' });

await study.enqueue({ x: Math.PI, y: 2.275, mode: 'fast' });   // a configuration to try first

for (let i = 0; i < trials; i++) {
  const trial = await study.ask();     // null once a budget or a grid is exhausted
  if (!trial) break;
  const { x, y, mode } = trial.config;
  if (x > 9.5 && y > 14.5) {           // a configuration our "training" cannot handle
    await study.tell(trial, { state: 'FAIL', reason: 'corner out of range' });
    continue;
  }
  await study.tell(trial, branin(x, y) + (mode === 'slow' ? 1 : 0));
}

const best = study.bestTrial;
console.log(`trials told: ${trials}`);
console.log(`best value ${best.value.toFixed(4)} at x=${best.params.x.toFixed(3)}, y=${best.params.y.toFixed(3)}, mode=${best.params.mode}`);
await study.close();
