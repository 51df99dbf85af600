/** `--delimiter` through the compiled CLI: search remembers it in the study, predict takes it, bad values are usage errors. */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openStorage } from '../../src/storage/index.js';
import { runCli } from '../cli/storage-cli.js';

const dir = mkdtempSync(join(tmpdir(), 'automl-delim-cli-'));
const iris = readFileSync(join(import.meta.dirname, '../../datasets/iris.csv'), 'utf8');

describe('--delimiter on the command line', () => {
  it('search with --delimiter ";" stores it for resume; predict reads a tab file; a bad value is a usage error', async () => {
    writeFileSync(join(dir, 'iris-semi.csv'), iris.replaceAll(',', ';'));
    writeFileSync(join(dir, 'iris-tab.csv'), iris.replaceAll(',', '\t'));
    const s = await runCli(['search', 'iris-semi.csv', '--target', 'species', '--delimiter', 'semicolon', '--trials', '2', '--workers', '1', '--no-recheck', '--no-ensemble', '--storage', 'sqlite:s.db', '--study', 'semi', '--out', 'm.json'], dir);
    expect(s.code, s.stderr).toBe(0);
    expect(s.stderr).toContain('note: fields separated by ";" (semicolon)');
    const storage = await openStorage(`sqlite:${join(dir, 's.db')}`);
    try {
      expect((await storage.getStudy('semi'))?.settings['delimiter']).toBe(';');
    } finally {
      await storage.close();
    }
    const p = await runCli(['predict', 'm.json', 'iris-tab.csv', '--delimiter', '\\t'], dir);
    expect(p.code, p.stderr).toBe(0);
    expect(p.stdout.trim().split('\n')).toHaveLength(151);
    const bad = await runCli(['predict', 'm.json', 'iris-tab.csv', '--delimiter', ':'], dir);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('delimiter ":" is not supported');
  }, 120_000);
});
