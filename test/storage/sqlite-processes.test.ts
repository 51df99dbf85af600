import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SqliteStorage } from '../../src/storage/sqlite.js';

/*
 * Several processes on one SQLite file. The children run the compiled backend: the folders it
 * depends on are transpiled here, alone, into a private folder under node_modules/.cache (so that
 * the children resolve better-sqlite3 and seedrandom from the project), rather than by
 * `npm run build`, which is slow, would race with other builds writing dist/ and fails on
 * unrelated work in progress.
 */
const root = resolve(import.meta.dirname, '../..');
const cache = join(root, 'node_modules', '.cache');
let out = '';
const dir = mkdtempSync(join(tmpdir(), 'automl-sqlite-procs-'));

const child = (outDir: string): string => `
import { SqliteStorage } from ${JSON.stringify(pathToFileURL(join(outDir, 'storage', 'sqlite.js')).href)};
const [file, worker, startAt, busy] = process.argv.slice(2);
// Wait for a common start time so the three really run at once, not one after another.
await new Promise((r) => setTimeout(r, Math.max(0, Number(startAt) - Date.now())));
const s = await SqliteStorage.open(file, busy ? { busyTimeoutMs: Number(busy) } : {});
let study;
try {
  study = await s.createStudy({ name: 'shared ✓', direction: 'maximize', space: {}, seed: 7, sampler: 'random' });
} catch (e) {
  if (e.code !== 'E_STUDY_EXISTS') throw e;
  study = await s.getStudy('shared ✓');
}
const numbers = [];
for (;;) {
  const t = await s.startTrial(study.id, { worker, maxTrials: 60 });
  if (!t) break;
  await s.setTrialParams(study.id, t.number, { x: t.number / 100 });
  await s.reportIntermediate(study.id, t.number, 0, t.number);
  await s.heartbeat(study.id, [t.number]);
  await s.getTrials(study.id, { fromNumber: Math.max(0, t.number - 5) });
  if (!(await s.finishTrial(study.id, t.number, { state: 'COMPLETE', value: t.number }))) throw new Error('lost finish');
  numbers.push(t.number);
}
await s.close();
process.stdout.write(JSON.stringify(numbers));
`;

function runChild(script: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((res) => {
    execFile(process.execPath, [script, ...args], { timeout: 30_000 }, (err, stdout, stderr) => {
      res({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

beforeAll(() => {
  mkdirSync(cache, { recursive: true });
  out = mkdtempSync(join(cache, 'automl-storage-test-'));
  for (const folder of ['storage', 'util', 'trial']) {
    mkdirSync(join(out, folder));
    for (const f of readdirSync(join(root, 'src', folder)).filter((x) => x.endsWith('.ts'))) {
      const { outputText } = ts.transpileModule(readFileSync(join(root, 'src', folder, f), 'utf8'), {
        compilerOptions: { module: ts.ModuleKind.NodeNext, target: ts.ScriptTarget.ES2022, verbatimModuleSyntax: true, esModuleInterop: true },
        fileName: f,
      });
      writeFileSync(join(out, folder, f.replace(/\.ts$/, '.js')), outputText);
    }
  }
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  if (out) rmSync(out, { recursive: true, force: true });
});

describe('SqliteStorage across processes', () => {
  it('three processes on one new file run exactly maxTrials trials, numbered 0..59, without errors', async () => {
    const script = join(out, 'child.mjs');
    writeFileSync(script, child(out));
    const file = join(dir, 'shared.db');
    const startAt = String(Date.now() + 700);
    const results = await Promise.all([
      runChild(script, [file, 'h:1:a', startAt]),
      runChild(script, [file, 'h:2:b', startAt]),
      runChild(script, [file, 'h:3:c', startAt, '1']),
    ]);
    for (const r of results) {
      expect(r.stderr).toBe('');
      expect(r.code).toBe(0);
    }
    const numbers = results.flatMap((r) => JSON.parse(r.stdout) as number[]).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 60 }, (_, i) => i));

    const s = await SqliteStorage.open(file);
    const study = (await s.getStudy('shared ✓'))!;
    expect((await s.listStudies()).length).toBe(1);
    const trials = await s.getTrials(study.id);
    expect(trials.map((t) => t.number)).toEqual(numbers);
    expect(await s.countTrials(study.id)).toMatchObject({ COMPLETE: 60, RUNNING: 0, FAIL: 0 });
    expect(trials.every((t) => t.value === t.number && t.params.x === t.number / 100)).toBe(true);
    expect(trials.every((t) => t.intermediate.length === 1 && t.intermediate[0]!.value === t.number)).toBe(true);
    await s.close();
  });
});
