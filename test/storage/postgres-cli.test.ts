import { spawn } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { PostgresStorage } from '../../src/storage/postgres.js';
import { describePg, freshSchemas, withSchema } from '../fixtures/pg/env.js';

/*
 * `automl search --storage postgresql://...` as the first worker and `automl worker` joining it
 * from another process, through the compiled command line (dist/, built by `npm test`).
 */
const DIST = process.env.AUTOML_DIST ? fileURLToPath(process.env.AUTOML_DIST) : fileURLToPath(new URL('../../dist/index.js', import.meta.url));
const BIN = join(dirname(DIST), 'cli', 'main.js');
const IRIS = fileURLToPath(new URL('../../datasets/iris.csv', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'automl-pg-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function run(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

describePg('automl search + automl worker on PostgreSQL', (url) => {
  const schema = freshSchemas(url, 'cli');
  beforeAll(() => {
    if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\` (npm test does it first)`);
  });

  it('a worker joins the study started by search, shares its budget, and refuses other data', async () => {
    const name = schema();
    const storage = withSchema(url, name);
    copyFileSync(IRIS, join(dir, 'iris.csv'));
    const search = run(['search', 'iris.csv', '--target', 'species', '--storage', storage, '--study', 'iris', '--trials', '40', '--workers', '1', '--json', '--quiet', '--out', 'iris.model.json']);
    // The worker needs the study to exist: wait for search to create it.
    const s = await PostgresStorage.open(url, { schema: name, poolSize: 1 });
    for (let i = 0; i < 300 && !(await s.getStudy('iris').catch(() => null)); i++) await new Promise((r) => setTimeout(r, 50));
    const worker = await run(['worker', 'iris', '--storage', storage, '--workers', '1', '--quiet']);
    const first = await search;
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(worker.stderr).toBe('');
    expect(worker.code).toBe(0);
    expect(worker.stdout).toMatch(/worker done: study 'iris'/);
    const study = (await s.getStudy('iris'))!;
    const trials = await s.getTrials(study.id);
    expect(trials.map((t) => t.number)).toEqual(trials.map((_, i) => i));
    expect(trials.filter((t) => !(t.state === 'FAIL' && t.failKind === 'interrupted'))).toHaveLength(40);
    expect(trials.filter((t) => t.state === 'RUNNING' || t.state === 'WAITING')).toHaveLength(0);
    // Two processes (pids) ran trials of the one study.
    expect(new Set(trials.map((t) => t.worker!.split(':')[1])).size).toBe(2);
    expect(JSON.parse(first.stdout)).toMatchObject({ study: 'iris', model: expect.stringContaining('iris.model.json') });

    // Another machine's copy that differs: refused by fingerprint, and nothing is written.
    writeFileSync(join(dir, 'iris-changed.csv'), readFileSync(IRIS, 'utf8').replace('5.1,3.5,1.4,0.2', '5.2,3.5,1.4,0.2'));
    const refused = await run(['worker', 'iris', '--storage', storage, '--data', 'iris-changed.csv', '--quiet']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/E_STUDY_MISMATCH.*fingerprint/);
    expect(refused.stderr).not.toMatch(/at .*\.js:\d+/);
    expect(await s.getTrials(study.id)).toEqual(trials);
    await s.close();
  });
});
