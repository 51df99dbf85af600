/**
 * Drives a sampler without the study engine: ask with a context built like the study builds it,
 * evaluate, append a frozen record, repeat.
 */
import type { Sampler } from '../../src/samplers/sampler.js';
import type { Space } from '../../src/space/space.js';
import type { Direction, FlatParams, Intermediate, TrialRecord, TrialState } from '../../src/trial/trial.js';
import { trialRng } from '../../src/util/rng.js';

/** A frozen trial record with sensible defaults, as storage would return it. */
export function record(
  number: number,
  params: FlatParams,
  value: number | null,
  state: TrialState = 'COMPLETE',
  intermediate: readonly Intermediate[] = [],
): TrialRecord {
  return Object.freeze({
    number,
    state,
    params: Object.freeze({ ...params }),
    value,
    intermediate: Object.freeze(intermediate.map((x) => Object.freeze({ ...x }))),
    origin: 'sampler' as const,
    retryOf: null,
    failKind: state === 'FAIL' ? ('error' as const) : null,
    failReason: null,
    userAttrs: Object.freeze({}),
    worker: null,
    createdAt: 0,
    startedAt: 0,
    finishedAt: state === 'RUNNING' || state === 'WAITING' ? null : 0,
    heartbeatAt: 0,
  });
}

/** One ask: the context the study would pass for trial `n`. */
export function ask(sampler: Sampler, space: Space, seed: number, n: number, history: readonly TrialRecord[], direction: Direction = 'minimize'): FlatParams | null {
  return sampler.sample({ space, direction, seed, trialNumber: n, rng: trialRng(seed, n), history });
}

/**
 * Runs `trials` sequential trials of `objective`; returns the history and the best-so-far value
 * after each trial. Stops early if the sampler returns null.
 */
export function drive(
  sampler: Sampler,
  space: Space,
  objective: (p: FlatParams) => number,
  seed: number,
  trials: number,
  direction: Direction = 'minimize',
): { history: TrialRecord[]; best: number[] } {
  const history: TrialRecord[] = [];
  const best: number[] = [];
  let b = direction === 'minimize' ? Infinity : -Infinity;
  for (let n = 0; n < trials; n++) {
    const p = ask(sampler, space, seed, n, history, direction);
    if (p === null) break;
    const v = objective(p);
    history.push(record(n, p, v));
    b = direction === 'minimize' ? Math.min(b, v) : Math.max(b, v);
    best.push(b);
  }
  return { history, best };
}

/** Branin on x0 in [-5, 10], x1 in [0, 15]; minimum 0.397887. */
export function branin(p: FlatParams): number {
  const x = p.x0 as number;
  const y = p.x1 as number;
  const b = 5.1 / (4 * Math.PI ** 2);
  const c = 5 / Math.PI;
  const t = 1 / (8 * Math.PI);
  return (y - b * x * x + c * x - 6) ** 2 + 10 * (1 - t) * Math.cos(x) + 10;
}

/** The median of a list of numbers. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const h = s.length >> 1;
  return s.length % 2 ? s[h]! : (s[h - 1]! + s[h]!) / 2;
}
