/**
 * The README's quickstart runs `npx automl ...` in a fresh clone: npm runs the package's own bin
 * file directly, so the build must leave it executable (tsc writes 0644).
 */
import { spawnSync } from 'node:child_process';
import { statSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const root = join(__dirname, '../..');

describe('the automl bin', () => {
  it('is executable after the build, and `npx automl --version` runs it from the project root', () => {
    const bin = join(root, JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).bin.automl as string);
    expect(statSync(bin).mode & 0o111).toBe(0o111);
    const r = spawnSync('npx', ['--no-install', 'automl', '--version'], { cwd: root, encoding: 'utf8' });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
  });
});
