/**
 * Issue 17: class labels are data, never object keys. Iris with its species renamed to
 * `__proto__`, `constructor` and `toString`, searched end to end through the CLI with and without
 * the ensemble: both score like plain iris (a label used as a plain-object key scored the
 * ensemble 0.33), the model file predicts those labels, and its probability rows hold them.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runCli } from '../fixtures/hostile/cli.mjs';
import { DATA, requireBuild, scratch } from './helpers.js';

beforeAll(requireBuild);

const RENAME: Record<string, string> = { setosa: '__proto__', versicolor: 'constructor', virginica: 'toString' };

function hostileIris(dir: string): string {
  const [head, ...lines] = readFileSync(DATA('iris.csv'), 'utf8').trim().split('\n');
  const out = lines.map((l) => {
    const cells = l.split(',');
    cells[cells.length - 1] = RENAME[cells[cells.length - 1]!]!;
    return cells.join(',');
  });
  const file = join(dir, 'iris-proto.csv');
  writeFileSync(file, `${head}\n${out.join('\n')}\n`);
  return file;
}

async function searchScore(dir: string, data: string, ensemble: boolean): Promise<{ test: number; model: string }> {
  const model = join(dir, ensemble ? 'ens.json' : 'single.json');
  const r = await runCli(
    ['search', data, '--target', 'species', '--trials', '10', '--workers', '1', '--seed', '3', '--storage', 'memory:', '--out', model, '--json', '--quiet', ...(ensemble ? [] : ['--no-ensemble'])],
    { cwd: dir, timeoutMs: 170_000 },
  );
  expect(r.code, r.stderr.slice(0, 800)).toBe(0);
  const json = JSON.parse(r.stdout) as Record<string, unknown>;
  const test = (json.testScore ?? (json.best as Record<string, unknown> | undefined)?.testScore) as number;
  return { test, model };
}

describe('class labels __proto__, constructor, toString (issue 17)', () => {
  it('search with and without the ensemble scores > 0.9 and predict writes the labels', async () => {
    const dir = scratch('labels');
    const data = hostileIris(dir);
    const [ens, single] = [await searchScore(dir, data, true), await searchScore(dir, data, false)];
    expect(single.test).toBeGreaterThan(0.9);
    expect(ens.test).toBeGreaterThan(0.9);
    const model = JSON.parse(readFileSync(ens.model, 'utf8')) as { version: number; classes: string[] };
    expect([...model.classes].sort()).toEqual(['__proto__', 'constructor', 'toString']);
    const p = await runCli(['predict', ens.model, data, '--proba'], { cwd: dir, timeoutMs: 60_000 });
    expect(p.code, p.stderr).toBe(0);
    const [header, ...rows] = p.stdout.trim().split('\n');
    expect(header).toContain('proba___proto__');
    const truth = readFileSync(data, 'utf8').trim().split('\n').slice(1).map((l) => l.split(',').pop());
    const labels = rows.map((r) => r.split(',')[0]);
    const correct = labels.filter((l, i) => l === truth[i]).length;
    expect(correct / truth.length).toBeGreaterThan(0.9);
    for (const r of rows) {
      const ps = r.split(',').slice(1).map(Number);
      expect(ps.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 6);
    }
  }, 400_000);
});
