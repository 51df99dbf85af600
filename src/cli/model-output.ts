/**
 * Where `automl search` and `automl resume` write the model. The path is checked before the run
 * (so a bad `--out` fails in a second, not after the search) and again when writing; a write that
 * still fails keeps the model in a temporary file and says how to get it. An existing file is only
 * replaced with `--force`; the default `<study>.model.json` takes a free name instead
 * (`<study>-2.model.json`), as study names do.
 */
import { recordModelFile } from '../automl/final-summary.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SearchResult } from '../automl/types.js';
import { openStorage } from '../storage/open.js';
import { AutomlError, isAutomlError, messageOf } from '../util/errors.js';
import { checkOutputPath, checkWritableDir, freeFilePath, studyNameProblem, writeFileAtomic, type NamedInput } from '../util/output-path.js';

const MODEL_EXT = '.model.json';

/** The model output of one search or resume: `--out` or the default, with `--force` or not. */
export class ModelOutput {
  private constructor(
    private readonly out: string | null,
    private readonly force: boolean,
    private readonly inputs: readonly NamedInput[],
  ) {}

  /**
   * Checks the output before the run. With `out`: not one of `inputs`, not a link, directory or
   * device, not an existing file unless `force`, in a writable directory. Without: the current
   * directory is writable, and `study` (when known) can name a file.
   * @throws AutomlError E_OUTPUT (or E_USAGE for a study name that cannot name the default file).
   */
  static plan(out: string | undefined, force: boolean, inputs: readonly NamedInput[], study?: string): ModelOutput {
    if (out !== undefined) {
      if (out === '') throw new AutomlError('E_USAGE', '--out needs a file path');
      if (!out.includes('{study}')) checkOutputPath(out, { inputs, existing: force ? 'replace' : 'refuse' });
      return new ModelOutput(out, force, inputs);
    }
    if (study !== undefined && studyNameProblem(study) !== null) {
      throw new AutomlError('E_USAGE', `study '${study}' cannot name the default model file (${studyNameProblem(study)}); give --out <model.json>`);
    }
    checkWritableDir(`<study>${MODEL_EXT}`, process.cwd(), 'the model file');
    return new ModelOutput(null, force, inputs);
  }

  /**
   * Writes `result.model` (if any) and returns the result with `modelFile` set, or, when the write
   * fails, the result without it and the error (the model then sits in a temporary file that the
   * error names). `note` tells the user about a free name chosen for the default path.
   */
  async save(result: SearchResult, note: (n: string) => void): Promise<{ result: SearchResult; error: SaveError | null }> {
    const model = result.model;
    if (!model) return { result, error: null };
    const study = result.study.name;
    let path: string | null = null;
    try {
      path = this.pathFor(study, [...this.inputs, ...studyInputs(result)], note);
      await model.save(path);
      // The study's record of its final model names the file, for `automl best`.
      return { result: { ...(await recordModelFile(result, path)), modelFile: path }, error: null };
    } catch (e) {
      return { result, error: await this.fallback(result, path ?? this.out ?? `${study}${MODEL_EXT}`, e) };
    }
  }

  private pathFor(study: string, inputs: readonly NamedInput[], note: (n: string) => void): string {
    if (this.out !== null) {
      const path = this.out.replaceAll('{study}', study);
      checkOutputPath(path, { inputs, existing: this.force ? 'replace' : 'refuse' });
      return path;
    }
    const stem = studyNameProblem(study) === null ? study : 'model';
    const path = freeFilePath('.', stem, MODEL_EXT);
    if (path !== `${stem}${MODEL_EXT}`) note(`${stem}${MODEL_EXT} exists, so the model is written to ${path} (give --out to choose, --force to replace)`);
    return path;
  }

  /** Keeps a model whose write failed in a new temporary directory; says how to get it either way. */
  private async fallback(result: SearchResult, wanted: string, cause: unknown): Promise<SaveError> {
    const why = isAutomlError(cause) ? cause.message : `cannot write ${wanted}: ${messageOf(cause)}`;
    const study = result.study.name;
    const again =
      result.study.storage.url.startsWith('memory')
        ? ''
        : `; or write it again with \`automl resume ${study}${result.study.storage.url !== 'sqlite:automl.db' ? ` --storage ${result.study.storage.url}` : ''} --trials ${result.study.countedTrials()} --out <model.json>\` (no new trial: only the final choice and refit run again)`;
    try {
      const dir = mkdtempSync(join(tmpdir(), 'automl-model-'));
      const kept = join(dir, `${studyNameProblem(study) === null ? study : 'model'}${MODEL_EXT}`);
      await result.model!.save(kept);
      return { code: isAutomlError(cause) ? cause.code : 'E_OUTPUT', message: `${why}. The model was saved to ${kept} instead: move it where you want it${again}`, savedTo: kept };
    } catch (e) {
      return { code: isAutomlError(cause) ? cause.code : 'E_OUTPUT', message: `${why}. The model could not be kept in a temporary file either (${messageOf(e)})${again || '; run the search again with a writable --out'}` };
    }
  }
}

/** A model write that failed: what to print, and where the model was kept (absent: nowhere). */
export interface SaveError {
  readonly code: string;
  readonly message: string;
  readonly savedTo?: string;
}

/** The data and test files a study was started with, from its stored settings. */
function studyInputs(result: SearchResult): NamedInput[] {
  return settingsInputs(result.study.record.settings);
}

function settingsInputs(settings: Readonly<Record<string, unknown>>): NamedInput[] {
  const out: NamedInput[] = [];
  if (typeof settings['data'] === 'string') out.push({ path: settings['data'], what: "the study's training data" });
  if (typeof settings['test'] === 'string') out.push({ path: settings['test'], what: "the study's test data" });
  return out;
}

/**
 * The data and test files of a stored study, read before a resume so that its `--out` can be
 * checked against them; empty when the study is not there (the resume then says so).
 */
export async function storedStudyInputs(storageUrl: string, name: string): Promise<NamedInput[]> {
  const storage = await openStorage(storageUrl);
  try {
    const record = await storage.getStudy(name);
    return record ? settingsInputs(record.settings) : [];
  } finally {
    await storage.close();
  }
}
