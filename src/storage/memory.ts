import { AutomlError } from '../util/errors.js';
import { countsTowardBudget, isBetter } from '../trial/trial.js';
import type { FlatParams, Intermediate, TrialOrigin, TrialRecord, TrialState } from '../trial/trial.js';
import { emptyCounts } from './storage.js';
import type { NewStudy, StartTrialOptions, Storage, StudyRecord, StudySummary, TrialFilter, TrialResult } from './storage.js';
import {
  checkEnqueue,
  checkIndex,
  checkIntermediate,
  checkNewStudy,
  checkObject,
  checkParams,
  checkResult,
  checkResultIntermediate,
  deepFreeze,
  jsonCopy,
  notRunning,
  studyNotFound,
  trialNotFound,
} from './validate.js';

interface StudyEntry {
  study: StudyRecord;
  /** Indexed by trial number; numbers are gap-free so the array is dense. */
  trials: TrialRecord[];
  /** Numbers of WAITING trials, ascending: enqueue appends the highest number, start takes the lowest. */
  waiting: number[];
  /** Started trials that count toward a budget, kept so that a start is O(1). */
  budgetUsed: number;
}

/**
 * Storage in plain in-process maps: for tests, notebooks and one-off searches that need no resume.
 *
 * Records are kept deeply frozen and replaced (never mutated) on every change, so a record handed
 * out is a snapshot that cannot change afterwards; sharing it between callers is therefore safe and
 * saves a copy per read. JSON fields go through a JSON round trip on the way in, so this backend
 * returns exactly what the SQLite and PostgreSQL backends would. Every method body runs without an
 * `await`, which makes each call atomic with respect to other callers in the same process.
 */
export class MemoryStorage implements Storage {
  /** Always `memory:`. */
  readonly url = 'memory:';
  private readonly studies = new Map<number, StudyEntry>();
  private readonly ids = new Map<string, number>();
  private nextId = 1;
  private closed = false;

  /** {@inheritDoc Storage.createStudy} */
  async createStudy(spec: NewStudy): Promise<StudyRecord> {
    this.open();
    checkNewStudy(spec);
    if (this.ids.has(spec.name)) {
      throw new AutomlError('E_STUDY_EXISTS', `A study named "${spec.name}" already exists in ${this.url}; pick another name or resume it.`, {
        value: spec.name,
      });
    }
    const study: StudyRecord = deepFreeze({
      id: this.nextId++,
      name: spec.name,
      direction: spec.direction,
      space: jsonCopy(spec.space ?? null, 'space'),
      seed: spec.seed,
      sampler: spec.sampler,
      settings: jsonCopy(spec.settings ?? {}, 'settings'),
      createdAt: Date.now(),
    });
    this.studies.set(study.id, { study, trials: [], waiting: [], budgetUsed: 0 });
    this.ids.set(study.name, study.id);
    return study;
  }

  /** {@inheritDoc Storage.getStudy} */
  async getStudy(name: string): Promise<StudyRecord | null> {
    this.open();
    const id = this.ids.get(name);
    return id === undefined ? null : this.studies.get(id)!.study;
  }

  /** {@inheritDoc Storage.listStudies} */
  async listStudies(): Promise<StudySummary[]> {
    this.open();
    return [...this.studies.values()].map(({ study, trials }) => {
      const counts = emptyCounts();
      let bestValue: number | null = null;
      for (const t of trials) {
        counts[t.state]++;
        if (t.state === 'COMPLETE' && t.value !== null && (bestValue === null || isBetter(t.value, bestValue, study.direction))) {
          bestValue = t.value;
        }
      }
      return deepFreeze({
        id: study.id,
        name: study.name,
        direction: study.direction,
        sampler: study.sampler,
        createdAt: study.createdAt,
        counts,
        bestValue,
      });
    });
  }

  /** {@inheritDoc Storage.updateStudySettings} */
  async updateStudySettings(studyId: number, patch: Readonly<Record<string, unknown>>): Promise<void> {
    const entry = this.entry(studyId);
    checkObject(patch, 'updateStudySettings: patch');
    const settings = { ...entry.study.settings, ...jsonCopy(patch, 'updateStudySettings: patch') };
    entry.study = deepFreeze({ ...entry.study, settings });
  }

  /** {@inheritDoc Storage.deleteStudy} */
  async deleteStudy(name: string): Promise<boolean> {
    this.open();
    const id = this.ids.get(name);
    if (id === undefined) return false;
    this.ids.delete(name);
    this.studies.delete(id);
    return true;
  }

  /** {@inheritDoc Storage.startTrial} */
  async startTrial(studyId: number, opts: StartTrialOptions): Promise<TrialRecord | null> {
    const entry = this.entry(studyId);
    if (opts.maxTrials !== undefined && entry.budgetUsed >= opts.maxTrials) return null;
    entry.budgetUsed++;
    const now = Date.now();
    const running = { state: 'RUNNING' as const, worker: opts.worker, startedAt: now, heartbeatAt: now };
    const waiting = entry.waiting.shift();
    if (waiting !== undefined) return this.replace(entry, { ...entry.trials[waiting]!, ...running });
    return this.replace(entry, {
      number: entry.trials.length,
      params: {},
      value: null,
      intermediate: [],
      origin: 'sampler',
      retryOf: null,
      failKind: null,
      failReason: null,
      userAttrs: {},
      createdAt: now,
      finishedAt: null,
      ...running,
    });
  }

  /** {@inheritDoc Storage.enqueueTrial} */
  async enqueueTrial(studyId: number, params: FlatParams, opts?: { origin?: TrialOrigin; retryOf?: number }): Promise<TrialRecord> {
    const entry = this.entry(studyId);
    checkParams(params, `enqueueTrial(study ${studyId})`);
    const { origin, retryOf } = checkEnqueue(opts);
    if (retryOf !== null && !entry.trials[retryOf]) throw trialNotFound(studyId, retryOf);
    entry.waiting.push(entry.trials.length);
    return this.replace(entry, {
      number: entry.trials.length,
      state: 'WAITING',
      params: jsonCopy(params, 'params'),
      value: null,
      intermediate: [],
      origin,
      retryOf,
      failKind: null,
      failReason: null,
      userAttrs: {},
      worker: null,
      createdAt: Date.now(),
      startedAt: null,
      finishedAt: null,
      heartbeatAt: null,
    });
  }

  /** {@inheritDoc Storage.setTrialParams} */
  async setTrialParams(studyId: number, number: number, params: FlatParams): Promise<void> {
    const entry = this.entry(studyId);
    const t = this.trial(entry, studyId, number);
    checkParams(params, `setTrialParams(study ${studyId}, trial ${number})`);
    if (t.state !== 'RUNNING') throw notRunning('setTrialParams', studyId, t);
    if (Object.keys(t.params).length > 0) {
      throw new AutomlError('E_TRIAL_STATE', `setTrialParams: trial ${number} of study ${studyId} already has params; they are set once.`, {
        value: number,
      });
    }
    this.replace(entry, { ...t, params: jsonCopy(params, 'params') });
  }

  /** {@inheritDoc Storage.reportIntermediate} */
  async reportIntermediate(studyId: number, number: number, step: number, value: number): Promise<boolean> {
    const entry = this.entry(studyId);
    const t = this.trial(entry, studyId, number);
    const v = checkIntermediate(studyId, number, step, value);
    if (t.state === 'WAITING') throw notRunning('reportIntermediate', studyId, t);
    if (t.state !== 'RUNNING') return false;
    const intermediate: Intermediate[] = t.intermediate.filter((i) => i.step !== step);
    intermediate.push({ step, value: v });
    intermediate.sort((a, b) => a.step - b.step);
    this.replace(entry, { ...t, intermediate });
    return true;
  }

  /** {@inheritDoc Storage.heartbeat} */
  async heartbeat(studyId: number, numbers: readonly number[]): Promise<void> {
    const entry = this.entry(studyId);
    const now = Date.now();
    for (const n of numbers) {
      const t = entry.trials[n];
      if (t?.state === 'RUNNING') this.replace(entry, { ...t, heartbeatAt: now });
    }
  }

  /** {@inheritDoc Storage.finishTrial} */
  async finishTrial(studyId: number, number: number, result: TrialResult): Promise<boolean> {
    const entry = this.entry(studyId);
    const t = this.trial(entry, studyId, number);
    const value = checkResult(studyId, number, result);
    const attrs = result.userAttrs === undefined ? undefined : jsonCopy(result.userAttrs, 'finishTrial: userAttrs');
    const given = checkResultIntermediate(studyId, number, result);
    if (t.state !== 'RUNNING') return false;
    let intermediate = t.intermediate;
    if (given.length > 0) {
      const steps = new Set(given.map((x) => x.step));
      intermediate = [...t.intermediate.filter((x) => !steps.has(x.step)), ...given].sort((a, b) => a.step - b.step);
    }
    const finished = this.replace(entry, {
      ...t,
      intermediate,
      state: result.state,
      value,
      failKind: result.failKind ?? null,
      failReason: result.failReason ?? null,
      userAttrs: attrs ? { ...t.userAttrs, ...attrs } : t.userAttrs,
      finishedAt: Date.now(),
    });
    if (!countsTowardBudget(finished)) entry.budgetUsed--;
    return true;
  }

  /** {@inheritDoc Storage.getTrial} */
  async getTrial(studyId: number, number: number): Promise<TrialRecord | null> {
    const entry = this.entry(studyId);
    return entry.trials[number] ?? null;
  }

  /** {@inheritDoc Storage.getTrials} */
  async getTrials(studyId: number, filter?: TrialFilter): Promise<TrialRecord[]> {
    const entry = this.entry(studyId);
    const from = Math.max(0, Math.ceil(filter?.fromNumber ?? 0));
    const trials = entry.trials.slice(from);
    const states = filter?.states;
    return states ? trials.filter((t) => states.includes(t.state)) : trials;
  }

  /** {@inheritDoc Storage.countTrials} */
  async countTrials(studyId: number): Promise<Record<TrialState, number>> {
    const counts = emptyCounts();
    for (const t of this.entry(studyId).trials) counts[t.state]++;
    return counts;
  }

  /** {@inheritDoc Storage.close} */
  async close(): Promise<void> {
    this.closed = true;
  }

  private open(): void {
    if (this.closed) throw new AutomlError('E_STORAGE', `Storage ${this.url} is closed; open a new one.`);
  }

  private entry(studyId: number): StudyEntry {
    this.open();
    const entry = this.studies.get(studyId);
    if (!entry) throw studyNotFound(studyId);
    return entry;
  }

  private trial(entry: StudyEntry, studyId: number, number: number): TrialRecord {
    checkIndex(number, 'trial number');
    const t = entry.trials[number];
    if (!t) throw trialNotFound(studyId, number);
    return t;
  }

  /** Stores `t` as the new frozen snapshot of its trial and returns it. */
  private replace(entry: StudyEntry, t: TrialRecord): TrialRecord {
    entry.trials[t.number] = deepFreeze(t);
    return entry.trials[t.number]!;
  }
}
