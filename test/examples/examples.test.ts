/**
 * Runs every script in examples/ as a consumer would (a child `node` process; the scripts import
 * 'automl', which Node resolves to this package's dist/ by its own name), with a small budget,
 * and checks it exits 0 and prints its key line. A new example must be listed here, so none can
 * rot unnoticed. Needs the build (`npm test` builds first).
 */
import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const dir = join(root, 'examples');
const run = promisify(execFile);

/** Each example: its budget argument and lines its output must contain. */
const EXPECTED: Record<string, { args: string[]; lines: RegExp[] }> = {
  'search.mjs': {
    args: ['8'],
    lines: [/^trials: [1-8] complete, \d pruned, 0 failed$/m, /^best trial #\d+: CV accuracy 0\.\d{4}$/m, /^test accuracy on held-out rows: (0|1)\.\d{4}$/m, /^prediction for one new flower: (setosa|versicolor|virginica)$/m],
  },
  'custom-space.mjs': { args: ['6'], lines: [/^#\d+ (random_forest|knn) 0\.\d{4}$/m, /^best model family: (random_forest|knn)$/m] },
  'ask-tell.mjs': { args: ['15'], lines: [/^trials told: 15$/m, /^best value \d+\.\d{4} at x=-?\d+\.\d{3}, y=\d+\.\d{3}, mode=(fast|slow)$/m] },
  'gaussian-process.mjs': {
    args: ['2'],
    lines: [/^best trial #[01]: CV r2 0\.\d{4}; test r2 on held-out rows 0\.\d{4}$/m, /^patient 2: predicted progression \d+\.\d( \(sd \d+\.\d\))?, 95% interval -?\d+\.\d to \d+\.\d$/m],
  },
  'worker-objective.mjs': { args: ['6'], lines: [/^complete trials: 6$/m, /^best CV mean squared error 0\.\d{4} with alpha=/m] },
};

describe('examples/', () => {
  const scripts = readdirSync(dir).filter((f) => f.endsWith('.mjs') || f.endsWith('.js'));

  it('every script in examples/ is listed here, and every listed one exists', () => {
    expect(scripts.sort()).toEqual(Object.keys(EXPECTED).sort());
    expect(existsSync(join(root, 'dist', 'index.js')), 'dist/index.js: run `npm run build` first').toBe(true);
  });

  for (const script of scripts) {
    it(`${script} runs and prints its results`, { timeout: 180_000 }, async () => {
      const expected = EXPECTED[script];
      expect(expected, `${script} is not listed in EXPECTED`).toBeDefined();
      const { stdout } = await run(process.execPath, [join(dir, script), ...expected!.args], { cwd: root, timeout: 170_000 });
      for (const line of expected!.lines) expect(stdout).toMatch(line);
    });
  }
});
