/**
 * Issue 7, part 5: hostile CSV and search-space files fed to the real CLI, plus a few seeded
 * mutations of good datasets. Every input must end with exit 0, 1 or 2 (never a signal, another
 * code, a stack trace or an uncoded message), within a time limit, and a refusal must name the
 * file and where in it. The whole corpus, the big inputs (10 MB field, 10,000 columns, 50 MB space
 * file) and hundreds of fuzz rounds run in `bench/chaos/run.mjs`.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { csvCorpus, mutateCsv, spaceCorpus, type HostileCase } from '../fixtures/hostile/corpus.mjs';
import { crashReason, mapLimit, runCli, type CliRun } from '../fixtures/hostile/cli.mjs';
import { DATA, requireBuild, scratch } from './helpers.js';

beforeAll(requireBuild);

const CSV_SUBSET = ['empty', 'bom', 'ragged-short', 'unterminated-quote', 'duplicate-header', 'empty-header-name', 'one-class-target', 'class-smaller-than-folds', 'latin1', 'nul-bytes'];
const SPACE_SUBSET = ['space-proto-key', 'space-deep-nesting', 'space-low-gt-high', 'space-log-low-zero', 'space-unknown-kind', 'space-invalid-json'];

function search(c: HostileCase, dir: string): Promise<CliRun> {
  return runCli(['search', c.file, '--trials', '2', '--cv', '2', '--workers', '1', '--quiet', '--storage', `sqlite:${join(dir, `${c.name}.db`)}`, ...c.args], { cwd: dir, timeoutMs: 45_000 });
}

function checkContract(c: HostileCase, r: CliRun): void {
  expect(crashReason(r), `${c.name}: ${r.stderr.slice(0, 400)}`).toBeNull();
  if (c.expect === 'ok') expect(r.code, `${c.name}: ${r.stderr.slice(0, 400)}`).toBe(0);
  if (c.expect === 'error') expect(r.code, c.name).toBe(1);
  if (r.code !== 0) {
    // The message names the file (the space file for space errors) and where in it.
    expect(r.stderr).toContain(basename(c.spaceFile ?? c.file));
    if (c.where) expect(r.stderr, c.name).toMatch(c.where);
  }
}

describe('hostile inputs to automl search', () => {
  it('CSV files: a clear coded error or a normal search, never a crash or a hang', async () => {
    const dir = scratch('csv');
    const cases = csvCorpus(join(dir, 'in')).filter((c) => CSV_SUBSET.includes(c.name));
    expect(cases).toHaveLength(CSV_SUBSET.length);
    const runs = await mapLimit(cases, 2, (c) => search(c, dir));
    cases.forEach((c, i) => checkContract(c, runs[i]!));
  });

  it('search-space files: refused with the JSON path, nothing executed', async () => {
    const dir = scratch('space');
    const cases = spaceCorpus(join(dir, 'in'), DATA('iris.csv'), 'species').filter((c) => SPACE_SUBSET.includes(c.name));
    expect(cases).toHaveLength(SPACE_SUBSET.length);
    const runs = await mapLimit(cases, 2, (c) => search(c, dir));
    cases.forEach((c, i) => {
      checkContract(c, runs[i]!);
      expect(runs[i]!.stderr).toMatch(/^error \[E_SPACE_FILE\]: .*(\$|line \d+, column \d+)/m);
    });
  });

  it('seeded mutations of good datasets never crash the CLI', async () => {
    const dir = scratch('fuzz');
    const sources = [['iris.csv', 'species'], ['vote.csv', 'Class'], ['labor.csv', 'class']] as const;
    const inputs = Array.from({ length: 4 }, (_, i) => {
      const [file, target] = sources[i % sources.length]!;
      const { bytes, ops } = mutateCsv(readFileSync(DATA(file)), 1000 + i);
      const path = join(dir, `fuzz-${i}.csv`);
      writeFileSync(path, bytes);
      return { path, target, ops };
    });
    const runs = await mapLimit(inputs, 2, (f) =>
      runCli(['search', f.path, '--target', f.target, '--trials', '2', '--cv', '2', '--workers', '1', '--quiet', '--storage', `sqlite:${join(dir, 'fuzz.db')}`], { cwd: dir, timeoutMs: 45_000 }),
    );
    runs.forEach((r, i) => {
      expect(crashReason(r), `fuzz-${i} (${inputs[i]!.ops.join(', ')}): ${r.stderr.slice(0, 400)}`).toBeNull();
      if (r.code !== 0) expect(r.stderr).toContain(`fuzz-${i}.csv`);
    });
  });
});
