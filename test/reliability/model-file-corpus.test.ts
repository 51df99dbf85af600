/**
 * Issue 17, model files: the crafted corpus (valid model files of every built-in family, fitted
 * here, each mutated once per defect class) run through the loader and a few predictions. Every
 * case ends as E_MODEL_FILE naming a JSON path, or, for harmless mutations, a valid prediction;
 * never a crash, NaN, a blank label, probabilities that do not sum to 1, or unbounded memory.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { DEFECTS, craftedCases, runModelText, validModels } from '../fixtures/hostile/model-corpus.mjs';
import { ROOT, requireBuild } from './helpers.js';

type Lib = Record<string, unknown>;
let lib: Lib;
let cases: ReturnType<typeof craftedCases>;
let valid: Awaited<ReturnType<typeof validModels>>;

beforeAll(async () => {
  requireBuild();
  const index = (await import('../../dist/index.js')) as unknown as Lib;
  const modelFile = (await import('../../dist/serving/model-file.js')) as unknown as Lib;
  lib = { ...index, ...modelFile };
  valid = await validModels(lib, ROOT);
  cases = craftedCases(valid);
}, 120_000);

describe('crafted model files (issue 17)', () => {
  it('the valid files of every family load and predict validly', () => {
    expect(valid.length).toBeGreaterThanOrEqual(16);
    for (const v of valid) expect(runModelText(lib, JSON.stringify(v.json), v.table), v.name).toEqual({ outcome: 'valid' });
  });

  it('the corpus holds at least 100 crafted files', () => {
    expect(cases.length).toBeGreaterThanOrEqual(100);
  });

  for (const d of DEFECTS) {
    it(`${d.name}: ${d.expect === 'error' ? 'refused with E_MODEL_FILE and a JSON path' : 'a clear error or a valid prediction'}`, () => {
      const mine = cases.filter((c) => c.defect === d.name);
      expect(mine.length).toBeGreaterThan(0);
      for (const c of mine) {
        const heap0 = process.memoryUsage().heapUsed;
        const t0 = performance.now();
        const r = runModelText(lib, c.text, c.table);
        expect(performance.now() - t0, c.name).toBeLessThan(5_000);
        expect(process.memoryUsage().heapUsed - heap0, c.name).toBeLessThan(512 * 2 ** 20);
        if (d.expect === 'error') {
          expect(r.outcome, `${c.name}: ${r.detail}`).toBe('error');
          expect(r.path, c.name).toMatch(/^\$/);
        } else expect(['error', 'valid'], `${c.name}: ${r.detail}`).toContain(r.outcome);
      }
    }, 60_000);
  }
});
