/**
 * Creating and loading studies: the storage is opened (or taken over), the stored study read or
 * written, and a {@link Study} built over it. Apart from study.ts, whose class knows no URLs.
 */
import { randomBytes } from 'node:crypto';
import { AutomlError, show } from '../util/errors.js';
import { Space } from '../space/space.js';
import { spaceFromJSON } from '../space/json.js';
import { createSampler, type Sampler, type SamplerOptions } from '../samplers/index.js';
import type { Storage, StudyRecord } from '../storage/storage.js';
import { openStorage } from '../storage/open.js';
import type { Direction } from '../trial/trial.js';
import { resolvePruner, type Pruner } from './pruning.js';
import { Study } from './study.js';

/** The sampler of a new study when none is given. */
export const DEFAULT_SAMPLER = 'tpe';

/** Options of {@link createStudy}. */
export interface CreateStudyOptions<S extends Space> {
  /** Study name, unique within the storage. Default 'default'. */
  readonly name?: string;
  readonly space: S;
  /** Default 'minimize'. */
  readonly direction?: Direction;
  /** 'tpe' | 'random' | 'grid' | 'gp' or a Sampler instance. Default 'tpe' (a resumed study keeps its own). */
  readonly sampler?: string | Sampler;
  readonly samplerOptions?: SamplerOptions;
  /** 'median' | 'successive_halving' | 'none' or a Pruner. Default 'none'. */
  readonly pruner?: string | Pruner;
  /** Study seed. Default: drawn once at creation and stored, so a resume reproduces the study. */
  readonly seed?: number;
  /** A Storage, or a URL: 'memory:' (default), 'sqlite:path.db', 'postgresql://...'. */
  readonly storage?: string | Storage;
  /** Open the study if it exists (resume). Default true; false makes an existing name an error. */
  readonly loadIfExists?: boolean;
  /** Free-form JSON stored with the study at creation (dataset, metric, budget...). */
  readonly settings?: Readonly<Record<string, unknown>>;
  /** A RUNNING trial whose heartbeat is older than this is taken as abandoned (ms). Default 60 000. */
  readonly staleAfterMs?: number;
}


/** Options of {@link loadStudy}. */
export type LoadStudyOptions = Omit<CreateStudyOptions<Space>, 'space' | 'direction' | 'seed' | 'loadIfExists'> & {
  readonly name: string;
  /** Open a storage URL read-only (commands that only read): a missing SQLite file is an error, never created. */
  readonly readonly?: boolean;
};

/**
 * Creates a study, or opens the existing one of that name (resume). On resume the stored direction,
 * space and seed are used; a different space or direction is refused (E_STUDY_MISMATCH) so a study
 * never mixes trials from two searches.
 */
export async function createStudy<S extends Space>(opts: CreateStudyOptions<S>): Promise<Study<S>> {
  // Checked before the storage is opened, so that bad options never create a database file.
  const checked = checkCreateOptions(opts);
  const { storage, owns } = await resolveStorage(opts.storage);
  return closingOnFailure(storage, owns, () => createOn(storage, owns, opts, checked));
}

/**
 * {@link createStudy} on a storage the caller opened, which the study takes over: `study.close()`
 * closes it, and it is closed at once if this throws. Lets a command open its storage once, read
 * it, then hand it to the study it returns.
 */
export async function createStudyIn<S extends Space>(storage: Storage, opts: Omit<CreateStudyOptions<S>, 'storage'>): Promise<Study<S>> {
  return closingOnFailure(storage, true, () => createOn(storage, true, opts, checkCreateOptions(opts)));
}

/**
 * Opens an existing study by name with the space, direction and seed it was created with.
 * Throws E_STUDY_NOT_FOUND (listing the studies there) if there is none.
 */
export async function loadStudy(opts: LoadStudyOptions): Promise<Study<Space>> {
  const { storage, owns } = await resolveStorage(opts.storage, opts.readonly === true);
  return closingOnFailure(storage, owns, () => loadOn(storage, owns, opts));
}

/** {@link loadStudy} on a storage the caller opened, which the study takes over (see {@link createStudyIn}). */
export async function loadStudyIn(storage: Storage, opts: Omit<LoadStudyOptions, 'storage'>): Promise<Study<Space>> {
  return closingOnFailure(storage, true, () => loadOn(storage, true, opts));
}

interface CheckedCreate {
  readonly name: string;
  readonly direction: Direction;
  readonly pruner: Pruner | null;
}

function checkCreateOptions(opts: Omit<CreateStudyOptions<Space>, 'storage'>): CheckedCreate {
  if (!(opts.space instanceof Space)) throw new AutomlError('E_CONFIG', 'createStudy: `space` must be built with space({...}) or loaded with loadSpaceFile()');
  const name = opts.name ?? 'default';
  const direction = opts.direction ?? 'minimize';
  if (direction !== 'minimize' && direction !== 'maximize') {
    throw new AutomlError('E_CONFIG', `createStudy: direction must be 'minimize' or 'maximize', got ${show(direction)}`);
  }
  if (opts.seed !== undefined && (!Number.isInteger(opts.seed) || opts.seed < 0 || opts.seed > 2 ** 32 - 1)) {
    throw new AutomlError('E_CONFIG', `createStudy: seed must be an integer in [0, 2^32), got ${show(opts.seed)}`);
  }
  return { name, direction, pruner: resolvePruner(opts.pruner ?? 'none') };
}

/** The storage of `opts.storage`: a Storage object as given (the caller's), or one opened from a URL (ours). */
async function resolveStorage(s: string | Storage | undefined, readonly = false): Promise<{ storage: Storage; owns: boolean }> {
  return typeof s === 'object' ? { storage: s, owns: false } : { storage: await openStorage(s ?? 'memory:', { readonly }), owns: true };
}

async function closingOnFailure<T>(storage: Storage, owns: boolean, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (e) {
    if (owns) await storage.close();
    throw e;
  }
}

async function createOn<S extends Space>(storage: Storage, owns: boolean, opts: Omit<CreateStudyOptions<S>, 'storage'>, { name, direction, pruner }: CheckedCreate): Promise<Study<S>> {
  let record = await storage.getStudy(name);
  if (record) {
    if (opts.loadIfExists === false) {
      throw new AutomlError('E_STUDY_EXISTS', `study '${name}' already exists in ${storage.url}; resume it, or choose another name`);
    }
    checkCompatible(record, opts.space, direction, opts.seed);
  } else {
    const seed = opts.seed ?? randomBytes(4).readUInt32LE(0);
    try {
      const samplerName = typeof opts.sampler === 'object' ? opts.sampler.name : (opts.sampler ?? DEFAULT_SAMPLER);
      createSampler(opts.sampler ?? DEFAULT_SAMPLER, opts.samplerOptions); // validates the name before anything is stored
      record = await storage.createStudy({ name, direction, space: opts.space.toJSON(), seed, sampler: samplerName, settings: opts.settings ?? {} });
    } catch (e) {
      // Another process created it between our read and our write: open theirs.
      const existing = (e as AutomlError).code === 'E_STUDY_EXISTS' ? await storage.getStudy(name) : null;
      if (!existing) throw e;
      checkCompatible(existing, opts.space, direction, opts.seed);
      record = existing;
    }
  }
  // A resumed study keeps its sampler unless another is asked for.
  const sampler = createSampler(opts.sampler ?? record.sampler, opts.samplerOptions);
  const study = new Study(record, opts.space, sampler, pruner, storage, owns, opts.staleAfterMs ?? 60_000);
  await study.refresh();
  return study;
}

async function loadOn(storage: Storage, owns: boolean, opts: Omit<LoadStudyOptions, 'storage'>): Promise<Study<Space>> {
  const record = await storage.getStudy(opts.name);
  if (!record) {
    const names = (await storage.listStudies()).map((s) => s.name);
    throw new AutomlError('E_STUDY_NOT_FOUND', `no study named '${opts.name}' in ${storage.url}${names.length ? `; studies there: ${names.join(', ')}` : ' (it has no studies)'}`);
  }
  const space = spaceFromJSON(record.space, `study '${opts.name}' space`);
  const sampler = createSampler(opts.sampler ?? record.sampler, opts.samplerOptions);
  const study = new Study(record, space, sampler, resolvePruner(opts.pruner ?? 'none'), storage, owns, opts.staleAfterMs ?? 60_000);
  await study.refresh();
  return study;
}

function checkCompatible(record: StudyRecord, space: Space, direction: Direction, seed: number | undefined): void {
  if (record.direction !== direction) {
    throw new AutomlError('E_STUDY_MISMATCH', `study '${record.name}' was created to ${record.direction}, not ${direction}; use another study name`);
  }
  if (JSON.stringify(record.space) !== JSON.stringify(space.toJSON())) {
    throw new AutomlError('E_STUDY_MISMATCH', `study '${record.name}' was created with a different search space; use another study name (or the same space to resume)`);
  }
  if (seed !== undefined && seed !== record.seed) {
    throw new AutomlError('E_STUDY_MISMATCH', `study '${record.name}' was created with seed ${record.seed}, not ${seed}; omit the seed to resume it`);
  }
}
