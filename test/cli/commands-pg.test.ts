/**
 * `automl delete` and `automl leaderboard` on PostgreSQL, with the storage given by AUTOML_STORAGE
 * (compiled CLI in dist/; skipped without AUTOML_TEST_PG_URL, see test/fixtures/pg/env.ts).
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';
import { describePg, freshSchemas, withSchema } from '../fixtures/pg/env.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'dist/cli/main.js');
const IRIS = join(ROOT, 'datasets', 'iris.csv');

describePg('automl delete and leaderboard on PostgreSQL', (url) => {
  const schema = freshSchemas(url, 'cmd');

  it('deletes one study with its trials and leaves the other as it was', () => {
    if (!existsSync(BIN)) throw new Error(`${BIN} is missing: run \`npm run build\``);
    const cwd = mkdtempSync(join(tmpdir(), 'automl-commands-pg-'));
    const env = { ...process.env, AUTOML_STORAGE: withSchema(url, schema()) };
    const automl = (args: string[]) => spawnSync(process.execPath, [BIN, ...args], { cwd, env, encoding: 'utf8', input: '', timeout: 120_000 });
    for (const s of ['gone', 'kept']) {
      const r = automl(['search', IRIS, '--target', 'species', '--trials', '4', '--workers', '1', '--cv', '3', '--no-recheck', '--no-ensemble', '--quiet', '--study', s]);
      expect(r.status, r.stderr).toBe(0);
    }
    const board = JSON.parse(automl(['leaderboard', 'kept', '--json']).stdout);
    expect(board.leaderboard.length).toBeGreaterThan(0);
    const before = automl(['trials', 'kept', '--json']).stdout;
    const refused = automl(['delete', 'gone']);
    expect(refused.status).toBe(2);
    expect(refused.stderr).toMatch(/pass --yes/);
    const deleted = automl(['delete', 'gone', '--yes']);
    expect(deleted.status, deleted.stderr).toBe(0);
    expect(deleted.stdout).toMatch(/^deleted study 'gone' and its \d+ trials from postgresql:\/\//);
    expect(deleted.stdout).not.toMatch(/password|:[^/@]*@/);
    expect(JSON.parse(automl(['studies', '--json']).stdout).map((s: { name: string }) => s.name)).toEqual(['kept']);
    expect(automl(['trials', 'kept', '--json']).stdout).toBe(before);
    expect(JSON.parse(automl(['leaderboard', 'kept', '--json']).stdout)).toEqual(board);
  }, 300_000);
});
