import { AutomlError, isAutomlError, show } from '../util/errors.js';
import { trialRng } from '../util/rng.js';
import type { ConfigOf, Space } from '../space/space.js';
import type { Sampler } from '../samplers/index.js';
import type { Storage, StudyRecord } from '../storage/storage.js';
import {
  bestOf,
  countsTowardBudget,
  FINISHED_STATES,
  type Direction,
  type FlatParams,
  type Intermediate,
  type TrialRecord,
} from '../trial/trial.js';
import type { TellResult, Trial } from './trial-handle.js';
import { isDeadLocalWorker, makeWorkerId } from './worker-id.js';
import { optimize, type Objective, type OptimizeOptions, type OptimizeResult } from './optimize.js';
import { decide, type Pruner } from './pruning.js';

/** Tries a configuration gets when its trials keep being interrupted (killed process, Ctrl-C, budget end). */
export const MAX_ATTEMPTS = 3;

/**
 * A study: the search for the best configuration of a space, stored so that it can be resumed and
 * shared by several processes. `ask()` / `tell()` are the core; `optimize()` is a loop over them.
 * Create one with {@link createStudy}.
 */
export class Study<S extends Space = Space> {
  /** Identifies this process in trial records. */
  readonly workerId = makeWorkerId();
  private readonly trialCache: TrialRecord[] = [];
  /**
   * Intermediate values of this process's trials in flight, by trial number. They stay in memory
   * until `tell`, which stores them with the final state in one write: pruners (here and in other
   * processes) only compare against finished trials, and an interrupted trial is run again anyway.
   */
  private readonly live = new Map<number, Intermediate[]>();
  /** Every trial numbered below this is finished, so a refresh reads from here on. */
  private stableUpTo = 0;
  private closed = false;

  /** @internal use {@link createStudy}. */
  constructor(
    readonly record: StudyRecord,
    readonly space: S,
    readonly sampler: Sampler,
    readonly pruner: Pruner | null,
    readonly storage: Storage,
    private readonly ownsStorage: boolean,
    readonly staleAfterMs: number,
  ) {}

  get name(): string {
    return this.record.name;
  }
  get direction(): Direction {
    return this.record.direction;
  }
  get seed(): number {
    return this.record.seed;
  }

  /** Trials as of the last refresh (every `tell` and `optimize` refreshes), ordered by number. */
  get trials(): readonly TrialRecord[] {
    // The cache is indexed by number and may have holes for trials another process created that
    // this one has not read yet; callers get a dense list.
    return this.trialCache.filter((t) => t !== undefined);
  }

  /** Trial `number` as of the last refresh, or undefined. */
  trial(number: number): TrialRecord | undefined {
    return this.trialCache[number];
  }

  /** The best COMPLETE trial as of the last refresh, or null. Use `getBestTrial()` for a fresh read. */
  get bestTrial(): TrialRecord | null {
    return bestOf(this.trialCache, this.direction);
  }

  /** The best COMPLETE trial, reading storage first (sees other processes' trials). */
  async getBestTrial(): Promise<TrialRecord | null> {
    await this.refresh();
    return this.bestTrial;
  }

  /** All trials, read from storage. */
  async getTrials(): Promise<readonly TrialRecord[]> {
    await this.refresh();
    return this.trialCache;
  }

  /** The typed configuration of a trial record. */
  configOf(trial: Pick<TrialRecord, 'params'>): ConfigOf<S> {
    return this.space.build(trial.params) as ConfigOf<S>;
  }

  /** Reads trials changed since the last refresh (incrementally: finished trials never change). */
  async refresh(): Promise<void> {
    const fresh = await this.storage.getTrials(this.record.id, { fromNumber: this.stableUpTo });
    for (const t of fresh) this.remember(t);
    while (this.stableUpTo < this.trialCache.length) {
      const t = this.trialCache[this.stableUpTo];
      if (!t || t.state === 'RUNNING' || t.state === 'WAITING') break;
      this.stableUpTo++;
    }
  }

  private remember(t: TrialRecord): void {
    const before = this.trialCache[t.number];
    this.trialCache[t.number] = t;
    // Finished trials never change, so an indexing pruner sees each exactly once.
    if (this.pruner?.observe && FINISHED_STATES.includes(t.state) && (!before || !FINISHED_STATES.includes(before.state))) this.pruner.observe(t);
  }

  /**
   * The other trials, dense; built only when a pruner reads `ctx.history`. This process's trials
   * in flight carry the values reported so far (they are stored only when the trial ends, so
   * other processes' trials in flight show none).
   */
  private historyWithout(number: number): TrialRecord[] {
    const out: TrialRecord[] = [];
    for (const t of this.trialCache) {
      if (t === undefined || t.number === number) continue;
      const live = t.state === 'RUNNING' ? this.live.get(t.number) : undefined;
      out.push(live && live.length > 0 ? { ...t, intermediate: [...live].sort((a, b) => a.step - b.step) } : t);
    }
    return out;
  }

  /**
   * Adds a configuration to evaluate before any sampled one (e.g. a known good default).
   * Validated against the space; returns the WAITING trial's number.
   */
  async enqueue(config: ConfigOf<S>): Promise<number> {
    this.checkOpen();
    const flat = this.space.flatten(config as never);
    const t = await this.storage.enqueueTrial(this.record.id, flat, { origin: 'enqueued' });
    this.remember(t);
    return t.number;
  }

  /**
   * Starts a trial: an enqueued configuration if there is one, else a sampled one. Returns null when
   * the trial budget `maxTrials` (the study's total) is reached or the sampler has nothing left.
   */
  async ask(opts: { maxTrials?: number } = {}): Promise<Trial<ConfigOf<S>> | null> {
    this.checkOpen();
    const capacity = this.sampler.capacity(this.space);
    if (Number.isFinite(capacity)) {
      await this.refresh();
      const proposed = this.trialCache.filter((t) => t && t.origin === 'sampler').length;
      const waiting = this.trialCache.some((t) => t && t.state === 'WAITING');
      if (proposed >= capacity && !waiting) return null;
    }
    const started = await this.storage.startTrial(this.record.id, { worker: this.workerId, maxTrials: opts.maxTrials });
    if (!started) return null;
    let record = started;
    if (Object.keys(record.params).length === 0 && record.origin === 'sampler') {
      let params: FlatParams | null;
      try {
        params = await this.sampleFor(record.number);
      } catch (e) {
        await this.storage.finishTrial(this.record.id, record.number, { state: 'FAIL', failKind: 'error', failReason: `sampler failed: ${(e as Error).message}` });
        throw e;
      }
      if (params === null) {
        // Another process exhausted the grid between our check and our start: give the number back
        // as an interrupted failure (it does not count toward the budget).
        await this.storage.finishTrial(this.record.id, record.number, { state: 'FAIL', failKind: 'interrupted', failReason: 'the sampler has no configurations left' });
        return null;
      }
      try {
        await this.storage.setTrialParams(this.record.id, record.number, params);
      } catch (e) {
        // This process was paused (or its heartbeat lost) long enough between taking the number and
        // storing the configuration for another process to take the trial over as abandoned; that
        // process retries it. Ours is gone: ask again.
        if (isAutomlError(e, 'E_TRIAL_STATE')) {
          await this.refresh();
          return this.ask(opts);
        }
        throw e;
      }
      record = { ...record, params };
    }
    this.remember(record);
    return this.handle(record);
  }

  private async sampleFor(number: number): Promise<FlatParams | null> {
    // Every trial numbered below this one exists (numbers are assigned in order), so after a
    // refresh the cache knows how many configurations the sampler proposed before it.
    await this.refresh();
    const index = this.sampleIndexOf(number);
    const history = this.sampler.usesHistory ? this.trialCache.filter((t) => t !== undefined && t.number !== number) : [];
    const params = this.sampler.sample({
      space: this.space,
      direction: this.direction,
      seed: this.seed,
      trialNumber: number,
      sampleIndex: index,
      rng: trialRng(this.seed, index),
      history,
    });
    if (params !== null) this.space.validate(params);
    return params;
  }

  /**
   * How many trials numbered below `number` the sampler proposed. Randomness is keyed on this
   * index rather than the trial number, so a study that was interrupted (whose interrupted trials
   * are retried under new numbers) proposes exactly the configurations an uninterrupted run would.
   */
  private sampleIndexOf(number: number): number {
    let k = 0;
    for (let i = 0; i < number; i++) if (this.trialCache[i]?.origin === 'sampler') k++;
    return k;
  }

  /** The seed a trial's objective gets: a retry gets its original's, so it reproduces its value. */
  private objectiveSeed(record: TrialRecord): number {
    let t: TrialRecord | undefined = record;
    for (let hops = 0; t && t.origin === 'retry' && t.retryOf !== null && hops < 100; hops++) t = this.trialCache[t.retryOf];
    const key = !t ? `n${record.number}` : t.origin === 'sampler' ? String(this.sampleIndexOf(t.number)) : `enqueued-${t.number}`;
    return trialRng(this.seed, key, 'objective').uint32();
  }

  private handle(record: TrialRecord): Trial<ConfigOf<S>> {
    const intermediate: Intermediate[] = [...record.intermediate];
    this.live.set(record.number, intermediate);
    const study = this;
    const number = record.number;
    return {
      number,
      params: record.params,
      config: this.space.build(record.params) as ConfigOf<S>,
      seed: this.objectiveSeed(record),
      intermediate,
      // Answered from memory, never awaiting storage: on small datasets a fold fit takes about a
      // millisecond, less than a storage write.
      report(step: number, value: number): Promise<boolean> {
        if (!Number.isFinite(value) || !Number.isInteger(step) || step < 0) return Promise.resolve(false);
        const i = intermediate.findIndex((x) => x.step === step);
        if (i >= 0) intermediate[i] = { step, value };
        else intermediate.push({ step, value });
        if (!study.pruner) return Promise.resolve(false);
        return decide(study.pruner, study.direction, step, intermediate, () => study.historyWithout(number));
      },
    };
  }

  /**
   * Finishes a trial. A number is a COMPLETE value; a non-finite number makes the trial FAIL
   * (invalid-value). Returns false when the trial was already finished (e.g. marked FAIL by
   * another process after its heartbeat went stale): the late result is not applied.
   */
  async tell(trial: number | { readonly number: number }, result: TellResult): Promise<boolean> {
    this.checkOpen();
    const number = typeof trial === 'number' ? trial : trial.number;
    const live = this.live.get(number);
    // Stored with the final state, in step order, in the same write.
    const intermediate = live && live.length > 0 ? [...live].sort((a, b) => a.step - b.step) : undefined;
    let ok: boolean;
    if (typeof result === 'number' || result.state === 'COMPLETE') {
      const value = typeof result === 'number' ? result : result.value;
      const userAttrs = typeof result === 'number' ? undefined : result.userAttrs;
      if (typeof value !== 'number' || !Number.isFinite(value)) {
        ok = await this.storage.finishTrial(this.record.id, number, { state: 'FAIL', failKind: 'invalid-value', failReason: `objective returned ${show(value)}, not a finite number`, userAttrs, intermediate });
      } else {
        ok = await this.storage.finishTrial(this.record.id, number, { state: 'COMPLETE', value, userAttrs, intermediate });
      }
    } else if (result.state === 'PRUNED') {
      const value = result.value ?? lastIntermediate(intermediate ?? this.trialCache[number]?.intermediate);
      ok = await this.storage.finishTrial(this.record.id, number, { state: 'PRUNED', value: value !== null && Number.isFinite(value) ? value : null, userAttrs: result.userAttrs, intermediate });
    } else {
      ok = await this.storage.finishTrial(this.record.id, number, { state: 'FAIL', failKind: result.failKind ?? 'error', failReason: result.reason ?? null, userAttrs: result.userAttrs, intermediate });
    }
    this.live.delete(number);
    const fresh = await this.storage.getTrial(this.record.id, number);
    if (fresh) this.remember(fresh);
    return ok;
  }

  /**
   * Marks abandoned RUNNING trials FAIL (interrupted) and enqueues each one's configuration again,
   * once. A trial is abandoned when its process is gone (same host, pid no longer exists) or its
   * heartbeat is older than `staleAfterMs`. Called by `optimize` before it starts; safe to call
   * from several processes at once (a trial is failed and retried by exactly one of them).
   */
  async recoverAbandonedTrials(now = Date.now()): Promise<number[]> {
    const running = await this.storage.getTrials(this.record.id, { states: ['RUNNING'] });
    const recovered: number[] = [];
    for (const t of running) {
      if (t.worker === this.workerId) continue;
      const stale = isDeadLocalWorker(t.worker) || (t.heartbeatAt ?? t.startedAt ?? t.createdAt) < now - this.staleAfterMs;
      if (!stale) continue;
      const ok = await this.storage.finishTrial(this.record.id, t.number, {
        state: 'FAIL',
        failKind: 'interrupted',
        failReason: `abandoned: worker ${t.worker ?? '?'} stopped (process gone or heartbeat older than ${Math.round(this.staleAfterMs / 1000)} s)`,
      });
      if (!ok) continue;
      recovered.push(t.number);
      await this.retryLater(t.number);
    }
    if (recovered.length > 0) await this.refresh();
    return recovered;
  }

  /**
   * Enqueues the configuration of interrupted trial `number` again (up to `MAX_ATTEMPTS` tries
   * of one configuration). A sampled trial whose process died between taking its number and storing
   * its configuration has none: it gets the configuration the sampler draws for its place in the
   * sampling order, so the study still proposes what an uninterrupted run would. Called by whoever
   * marked the trial interrupted (exactly one caller, since marking is a conditional update).
   */
  async retryLater(number: number): Promise<void> {
    let t = this.trialCache[number] ?? (await this.storage.getTrial(this.record.id, number));
    if (!t) return;
    if (Object.keys(t.params).length === 0) {
      if (t.origin !== 'sampler') return;
      let params: FlatParams | null = null;
      try {
        params = await this.sampleFor(number);
      } catch {
        return;
      }
      if (params === null) return;
      t = { ...t, params };
    }
    // A retry points at the original trial; a configuration gets MAX_ATTEMPTS tries in all, so one
    // that keeps killing its process cannot loop forever.
    const original = t.origin === 'retry' && t.retryOf !== null ? t.retryOf : t.number;
    await this.refresh();
    const attempts = 1 + this.trialCache.filter((x) => x !== undefined && x.retryOf === original).length;
    if (attempts >= MAX_ATTEMPTS) return;
    this.remember(await this.storage.enqueueTrial(this.record.id, t.params, { origin: 'retry', retryOf: original }));
  }

  /**
   * Configurations whose trials were interrupted and that have not run since, as of the last
   * refresh: what a resume would still run first. An interrupted trial whose configuration ran
   * again (its retry finished, or is running) is not counted, and a configuration interrupted
   * several times counts once.
   */
  pendingRetries(): number {
    const originOf = (t: TrialRecord): number => (t.origin === 'retry' && t.retryOf !== null ? t.retryOf : t.number);
    const interrupted = new Set<number>();
    const settled = new Set<number>();
    for (const t of this.trialCache) {
      if (t === undefined) continue;
      if (t.state === 'FAIL' && t.failKind === 'interrupted') interrupted.add(originOf(t));
      else if (t.state !== 'WAITING') settled.add(originOf(t));
    }
    let n = 0;
    for (const o of interrupted) if (!settled.has(o)) n++;
    return n;
  }

  /** Trials that count toward a trial budget (all but interrupted failures), as of the last refresh. */
  countedTrials(): number {
    return this.trialCache.filter((t) => t !== undefined && t.state !== 'WAITING' && countsTowardBudget(t)).length;
  }

  /**
   * Runs the objective on sampled configurations until a budget is spent:
   * `trials` is the study's total (a resumed 100-trial study that stopped at 37 runs 63 more),
   * `time` a hard wall-clock budget in seconds (running trials are aborted at the deadline).
   * The objective is a function (run in this thread) or `{ module, exportName }` (run in worker threads).
   */
  async optimize(objective: Objective<ConfigOf<S>>, opts: OptimizeOptions = {}): Promise<OptimizeResult> {
    this.checkOpen();
    return optimize(this, objective as Objective<unknown>, opts);
  }

  /** Closes the storage if the study opened it. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.ownsStorage) await this.storage.close();
  }

  private checkOpen(): void {
    if (this.closed) throw new AutomlError('E_CONFIG', `study '${this.name}' is closed`);
  }
}

function lastIntermediate(xs: readonly Intermediate[] | undefined): number | null {
  if (!xs || xs.length === 0) return null;
  return xs.reduce((a, b) => (b.step >= a.step ? b : a)).value;
}
