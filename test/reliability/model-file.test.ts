/**
 * Issue 7, part 7: model files. A truncated or tampered file, an unknown version or unknown keys
 * are refused by `automl predict` with E_MODEL_FILE naming the file or JSON path; nothing in a
 * model file is ever executed.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { modelFileCases } from '../fixtures/hostile/corpus.mjs';
import { crashReason, mapLimit, runCli } from '../fixtures/hostile/cli.mjs';
import { DATA, requireBuild, scratch } from './helpers.js';

beforeAll(requireBuild);

const PWNED = '/tmp/automl-pwned';
type Json = Record<string, any>;

describe('automl predict on hostile model files', () => {
  it('refuses tampered, truncated and unknown files with E_MODEL_FILE; code in a file stays inert', async () => {
    const dir = scratch('model');
    rmSync(PWNED, { force: true });
    const fit = (model: string, out: string) =>
      runCli(['search', DATA('iris.csv'), '--target', 'species', '--trials', '1', '--cv', '2', '--workers', '1', '--models', model, '--study', model, '--quiet', '--storage', `sqlite:${join(dir, 'm.db')}`, '--out', out], { cwd: dir });
    const [knnFit, rfFit] = await mapLimit(['knn', 'random_forest'], 2, (m) => fit(m, `${m}.json`));
    expect(knnFit!.code).toBe(0);
    expect(rfFit!.code).toBe(0);
    const knnText = readFileSync(join(dir, 'knn.json'), 'utf8');
    const knn = JSON.parse(knnText) as Json;
    const rf = JSON.parse(readFileSync(join(dir, 'random_forest.json'), 'utf8')) as Json;
    const edit = (base: Json, f: (j: Json) => void): string => {
      const j = structuredClone(base);
      f(j);
      return JSON.stringify(j);
    };
    const cases: { name: string; text: string; where: RegExp | null }[] = [
      ...modelFileCases().filter((c) => !['truncated-1-byte', 'not-an-object', 'string-version'].includes(c.name)).map((c) => ({ name: c.name, text: c.make(knn, knnText), where: c.where })),
      { name: 'estimator-extra-key', text: edit(knn, (j) => (j.pipeline.estimator.evil = 1)), where: /unknown key "evil"/ },
      { name: 'tree-self-loop', text: edit(rf, (j) => (j.pipeline.estimator.state.trees[0].left[0] = 0)), where: /trees\[0\].*child/ },
      { name: 'tree-feature-out-of-range', text: edit(rf, (j) => (j.pipeline.estimator.state.trees[0].feature[0] = 99)), where: /feature\[0\]/ },
      { name: 'tree-threshold-code', text: edit(rf, (j) => (j.pipeline.estimator.state.trees[0].threshold[0] = "process.exit(9)")), where: /threshold\[0\]/ },
      { name: 'preprocessor-damaged', text: edit(rf, (j) => (j.pipeline.preprocessor.inputs = 5)), where: /\$\.pipeline\.preprocessor\.inputs/ },
      { name: 'pipeline-extra-key', text: edit(knn, (j) => (j.pipeline.evil = 1)), where: /\$\.pipeline\.evil: unknown key/ },
      { name: 'fast-estimator-extra-key', text: edit(rf, (j) => (j.pipeline.estimator.evil = 1)), where: /evil/ },
      { name: 'model-name-proto', text: edit(knn, (j) => (j.pipeline.estimator.model = '__proto__')), where: /"__proto__"/ },
    ];
    const runs = await mapLimit(cases, 2, (c) => {
      writeFileSync(join(dir, `${c.name}.json`), c.text);
      return runCli(['predict', `${c.name}.json`, DATA('iris.csv')], { cwd: dir, timeoutMs: 30_000 });
    });
    cases.forEach((c, i) => {
      const r = runs[i]!;
      expect(crashReason(r), `${c.name}: ${r.stderr}`).toBeNull();
      if (c.name === 'target-code') {
        // Inert: the string is only ever a column name.
        expect(r.code).toBe(0);
        expect(r.stdout.split('\n')[0]).toContain('execSync');
        return;
      }
      expect(r.code, `${c.name}: ${r.stdout.slice(0, 200)}`).toBe(1);
      if (c.name.startsWith('model-name-')) expect(r.stderr).toMatch(/^error \[E_(MODEL_FILE|CONFIG|MODEL)\]: /m);
      else expect(r.stderr).toMatch(/^error \[E_MODEL_FILE\]: /m);
      if (c.where) expect(r.stderr, c.name).toMatch(c.where);
      expect(r.stdout).toBe('');
    });
    expect(existsSync(PWNED)).toBe(false);
  });
});
