/**
 * Output paths that must not destroy anything: a file the command writes is never one of its
 * inputs, never a link, device, FIFO or directory, and (unless the caller allows it) never an
 * existing file. Checked before the work starts, so that a bad path fails in a second rather than
 * after an hour of search, and again when writing. Also the rule for study names, which become
 * file names (`<study>.model.json`).
 */
import { randomBytes } from 'node:crypto';
import { closeSync, lstatSync, openSync, renameSync, statSync, unlinkSync, writeFileSync, type Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { AutomlError, show } from './errors.js';

/** The longest study name accepted. */
export const MAX_STUDY_NAME_LENGTH = 200;

/** What a study name may be, for messages. */
export const STUDY_NAME_RULE = `1 to ${MAX_STUDY_NAME_LENGTH} characters, no '/' or '\\', no control characters, not '.' or '..' (e.g. letters, digits, '-', '_', '.')`;

/** Why `name` cannot be a study name (it would make a path), or null when it can. */
export function studyNameProblem(name: unknown): string | null {
  if (typeof name !== 'string') return `it is ${show(name)}, not a string`;
  if (name.length === 0) return 'it is empty';
  if (name.length > MAX_STUDY_NAME_LENGTH) return `it has ${name.length} characters`;
  if (/[/\\]/.test(name)) return "it contains '/' or '\\', which would name a file in another directory";
  if (name === '.' || name === '..') return `it is ${show(name)}`;
  if (/[\u0000-\u001f\u007f]/.test(name)) return 'it contains a control character';
  return null;
}

/**
 * Throws E_CONFIG unless `name` is a valid study name ({@link STUDY_NAME_RULE}); `param` names the
 * option in the message.
 */
export function checkStudyName(name: unknown, param = 'study'): asserts name is string {
  const why = studyNameProblem(name);
  if (why !== null) {
    throw new AutomlError('E_CONFIG', `${param}: study name ${show(name)} is not allowed: ${why}; a study name is ${STUDY_NAME_RULE}`, { param, value: name });
  }
}

/** An input of the command, which its output must not replace. */
export interface NamedInput {
  readonly path: string;
  /** What it is, for the message: 'the training data', 'the model file', ... */
  readonly what: string;
}

/** Options of {@link checkOutputPath}. */
export interface OutputCheck {
  /** The command's input files (missing ones are ignored). */
  readonly inputs?: readonly NamedInput[];
  /** An existing regular file: 'replace' it, or 'refuse' (the message then suggests `forceHint`). */
  readonly existing: 'replace' | 'refuse';
  /** How the user allows replacing, for the message. Default '--force'. */
  readonly forceHint?: string;
  /** The option that gave the path, for messages. Default '--out'. */
  readonly flag?: string;
}

function outputError(path: string, message: string, extra: Record<string, unknown> = {}): AutomlError {
  return new AutomlError('E_OUTPUT', message, { file: path, ...extra });
}

function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch (e) {
    // ENOTDIR: a parent is a file; the directory check then says so.
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return null;
    throw outputError(path, `${path}: cannot be examined (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}); check the path and its permissions`);
  }
}

/** Throws E_OUTPUT when an existing `st` at `path` is not a regular file. */
function refuseNonRegular(path: string, st: Stats, flag: string): void {
  if (st.isSymbolicLink()) throw outputError(path, `${flag} ${path} is a symbolic link; give the path of a regular file (a file is never written through a link)`);
  if (st.isDirectory()) throw outputError(path, `${flag} ${path} is a directory; give a file path, e.g. ${join(path, 'model.json')}`);
  if (!st.isFile()) throw outputError(path, `${flag} ${path} is not a regular file (a device, FIFO or socket); give the path of a regular file`);
}

/**
 * Checks, before any work, that `path` may be written: not one of `inputs` (same file, however
 * named, hard links included), not a link, directory, device or FIFO, not an existing file unless
 * `existing` is 'replace', and in an existing directory where a file can be created (a temporary
 * file is created and removed). Throws E_OUTPUT naming the path and what to do.
 */
export function checkOutputPath(path: string, opts: OutputCheck): void {
  const flag = opts.flag ?? '--out';
  const target = resolve(path);
  const st = lstatOrNull(target);
  if (st) {
    refuseNonRegular(path, st, flag);
    for (const input of opts.inputs ?? []) {
      if (sameFile(st, input.path)) {
        throw outputError(path, `${flag} ${path} is ${input.what} (${input.path}); writing there would destroy it: choose another output path`, { input: input.path });
      }
    }
    if (opts.existing === 'refuse') {
      throw outputError(path, `${flag} ${path} exists; pass ${opts.forceHint ?? '--force'} to replace it, or choose another path`);
    }
  }
  checkWritableDir(path, dirname(target), flag);
}

/** True when `input` exists and is the file `st` describes. */
function sameFile(st: Stats, input: string): boolean {
  try {
    const other = statSync(input);
    return other.dev === st.dev && other.ino === st.ino;
  } catch {
    return false;
  }
}

/** Throws E_OUTPUT unless `dir` is an existing directory in which a new file can be created. */
export function checkWritableDir(path: string, dir: string, flag = '--out'): void {
  let st: Stats;
  try {
    st = statSync(dir);
  } catch {
    throw outputError(path, `${flag} ${path}: the directory ${dir} does not exist; create it first or choose another path`, { dir });
  }
  if (!st.isDirectory()) throw outputError(path, `${flag} ${path}: ${dir} is not a directory`, { dir });
  const probe = join(dir, `.automl-write-check-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    closeSync(openSync(probe, 'wx'));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw outputError(path, `${flag} ${path}: cannot create a file in ${dir} (${code}); check its permissions or choose another path`, { dir });
  }
  try {
    unlinkSync(probe);
  } catch {
    // The probe is an empty hidden file; failing to remove it must not fail the command.
  }
}

/**
 * Writes `data` to `path` atomically: into a new temporary file beside it, then renamed over it,
 * so a reader never sees half a file and a failure leaves the old file as it was. Refuses (E_OUTPUT)
 * a `path` that exists and is not a regular file: a rename would replace a link, or as root a
 * device such as /dev/null, rather than write to it. Any failure is E_OUTPUT naming the path.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const target = resolve(path);
  const st = lstatOrNull(target);
  if (st) refuseNonRegular(path, st, 'output');
  const tmp = join(dirname(target), `.${basename(target)}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  try {
    writeFileSync(tmp, data, { flag: 'wx' });
    renameSync(tmp, target);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // Never created, or already renamed.
    }
    const code = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
    throw new AutomlError('E_OUTPUT', `cannot write ${path} (${code}); check that its directory exists and is writable`, { file: path }, { cause: e });
  }
}

/**
 * `<stem><ext>` in `dir` if nothing is there, else the first free `<stem>-2<ext>`, `<stem>-3<ext>`, ...
 * (as study names are chosen). Anything at a path (file, link, directory) makes it taken.
 */
export function freeFilePath(dir: string, stem: string, ext: string): string {
  for (let i = 1; ; i++) {
    const candidate = join(dir, `${stem}${i === 1 ? '' : `-${i}`}${ext}`);
    if (lstatOrNull(resolve(candidate)) === null) return candidate;
  }
}

/**
 * The path checks `search()` makes on its options before any work: `study` is a valid study name,
 * and `out` (where `{study}` stands for the study's name) is not the data or test file, not a
 * link, directory or device, and in a writable directory. An existing model file there is
 * replaced, as `save` does; the command line adds its own rule for that (--force).
 */
export function checkSearchPaths(o: { readonly study?: unknown; readonly out?: unknown; readonly data?: unknown; readonly test?: unknown }): void {
  if (o.study !== undefined) checkStudyName(o.study, 'study');
  if (o.out === undefined) return;
  if (typeof o.out !== 'string' || o.out === '') throw new AutomlError('E_CONFIG', `out must be a file path, got ${show(o.out)}`, { param: 'out', value: o.out });
  const inputs: NamedInput[] = [];
  if (typeof o.data === 'string') inputs.push({ path: o.data, what: 'the training data' });
  if (typeof o.test === 'string') inputs.push({ path: o.test, what: 'the test data' });
  const out = typeof o.study === 'string' ? o.out.replaceAll('{study}', o.study) : o.out;
  if (!out.includes('{study}')) checkOutputPath(out, { inputs, existing: 'replace', flag: 'out' });
  else if (!dirname(out).includes('{study}')) checkWritableDir(out, dirname(resolve(out)), 'out');
}
