/**
 * Output paths that must not destroy anything (issue 17, data loss), unit level: the checks the
 * CLI runs before a search and the atomic write behind `FittedModel.save` and `predict --out`.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AutomlError } from '../../src/util/errors.js';
import { checkOutputPath, checkSearchPaths, checkStudyName, freeFilePath, studyNameProblem, writeFileAtomic } from '../../src/util/output-path.js';

const dir = (): string => mkdtempSync(join(tmpdir(), 'automl-paths-'));

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(AutomlError);
    return `${(e as AutomlError).code}: ${(e as AutomlError).message}`;
  }
  return 'ok';
}

describe('checkOutputPath', () => {
  it('refuses an input of the command, however it is named (relative, absolute, hard link)', () => {
    const d = dir();
    const data = join(d, 'train.csv');
    writeFileSync(data, 'a,y\n1,2\n');
    linkSync(data, join(d, 'hard.csv'));
    const inputs = [{ path: data, what: 'the training data' }];
    for (const out of [data, join(d, '.', 'train.csv'), join(d, 'hard.csv')]) {
      expect(code(() => checkOutputPath(out, { inputs, existing: 'replace' }))).toMatch(/^E_OUTPUT: --out .* is the training data .*writing there would destroy it/);
    }
    expect(readFileSync(data, 'utf8')).toBe('a,y\n1,2\n');
  });

  it('refuses a symlink (to anything), a directory, a device and a FIFO', () => {
    const d = dir();
    writeFileSync(join(d, 'target.json'), 'keep');
    symlinkSync(join(d, 'target.json'), join(d, 'link.json'));
    symlinkSync(join(d, 'nothing'), join(d, 'dangling.json'));
    mkdirSync(join(d, 'sub'));
    const opts = { existing: 'replace' as const };
    expect(code(() => checkOutputPath(join(d, 'link.json'), opts))).toMatch(/E_OUTPUT: .*is a symbolic link/);
    expect(code(() => checkOutputPath(join(d, 'dangling.json'), opts))).toMatch(/is a symbolic link/);
    expect(code(() => checkOutputPath(join(d, 'sub'), opts))).toMatch(/is a directory; give a file path/);
    expect(code(() => checkOutputPath('/dev/null', opts))).toMatch(/\/dev\/null is not a regular file/);
    if (spawnSync('mkfifo', [join(d, 'fifo')]).status === 0) expect(code(() => checkOutputPath(join(d, 'fifo'), opts))).toMatch(/not a regular file/);
    expect(readFileSync(join(d, 'target.json'), 'utf8')).toBe('keep');
  });

  it("an existing file: 'refuse' suggests --force, 'replace' allows it; a missing directory is named", () => {
    const d = dir();
    writeFileSync(join(d, 'm.json'), '{}');
    expect(code(() => checkOutputPath(join(d, 'm.json'), { existing: 'refuse' }))).toMatch(/m\.json exists; pass --force to replace it/);
    expect(code(() => checkOutputPath(join(d, 'm.json'), { existing: 'replace' }))).toBe('ok');
    expect(code(() => checkOutputPath(join(d, 'nope', 'm.json'), { existing: 'refuse' }))).toMatch(/the directory .*nope does not exist; create it first/);
    expect(code(() => checkOutputPath(join(d, 'm.json', 'x.json'), { existing: 'refuse' }))).toMatch(/m\.json is not a directory/);
    // The write check leaves nothing behind.
    expect(readdirSync(d)).toEqual(['m.json']);
  });
});

describe('writeFileAtomic (FittedModel.save, predict --out)', () => {
  it('writes and replaces a regular file, leaving no temporary file', () => {
    const d = dir();
    writeFileAtomic(join(d, 'a.json'), 'one');
    writeFileAtomic(join(d, 'a.json'), 'two');
    expect(readFileSync(join(d, 'a.json'), 'utf8')).toBe('two');
    expect(readdirSync(d)).toEqual(['a.json']);
  });

  it('never replaces a link or a device, and names the path when the write fails', () => {
    const d = dir();
    writeFileSync(join(d, 'target.csv'), 'keep');
    symlinkSync(join(d, 'target.csv'), join(d, 'link.json'));
    expect(code(() => writeFileAtomic(join(d, 'link.json'), 'x'))).toMatch(/symbolic link/);
    expect(lstatSync(join(d, 'link.json')).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(d, 'target.csv'), 'utf8')).toBe('keep');
    expect(code(() => writeFileAtomic('/dev/null', 'x'))).toMatch(/not a regular file/);
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
    expect(code(() => writeFileAtomic(join(d, 'missing', 'm.json'), 'x'))).toMatch(/^E_OUTPUT: cannot write .*missing\/m\.json \(ENOENT\)/);
  });
});

describe('study names and free file names', () => {
  it('refuses names that make paths, saying what is allowed', () => {
    for (const bad of ['../x', 'a/b', 'a\\b', '.', '..', '', 'a\nb', 'tab\there', '\u007f', 'x'.repeat(201)]) {
      expect(studyNameProblem(bad)).not.toBeNull();
      expect(code(() => checkStudyName(bad))).toMatch(/^E_CONFIG: study: study name .* is not allowed: .*; a study name is 1 to 200 characters, no '\/' or '\\'/);
    }
    for (const ok of ['iris', 'iris-2', 'my study', 'v1.2_final', 'x'.repeat(200), 'été']) expect(studyNameProblem(ok)).toBeNull();
  });

  it('search() options: study name and out are checked before anything runs', () => {
    const d = dir();
    writeFileSync(join(d, 'train.csv'), 'a,y\n1,2\n');
    expect(code(() => checkSearchPaths({ study: '../x', data: join(d, 'train.csv') }))).toMatch(/E_CONFIG: study/);
    expect(code(() => checkSearchPaths({ out: join(d, 'train.csv'), data: join(d, 'train.csv') }))).toMatch(/is the training data/);
    expect(code(() => checkSearchPaths({ out: join(d, 'no', '{study}.json'), data: join(d, 'train.csv') }))).toMatch(/does not exist/);
    expect(code(() => checkSearchPaths({ out: join(d, '{study}.json'), study: 'ok' }))).toBe('ok');
  });

  it('freeFilePath: the name, then -2, -3, ... (anything at a path makes it taken)', () => {
    const d = dir();
    expect(freeFilePath(d, 'iris', '.model.json')).toBe(join(d, 'iris.model.json'));
    writeFileSync(join(d, 'iris.model.json'), '');
    mkdirSync(join(d, 'iris-2.model.json'));
    expect(freeFilePath(d, 'iris', '.model.json')).toBe(join(d, 'iris-3.model.json'));
    expect(existsSync(join(d, 'iris-3.model.json'))).toBe(false);
  });
});
