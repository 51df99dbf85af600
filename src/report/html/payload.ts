/**
 * The data the report's and the dashboard's charts are drawn from: the study, its parameters, and
 * its trials in a compact form (short keys, parameters by index, times relative to the study's
 * creation), so that a 10,000-trial study stays a few megabytes of JSON. The same shapes travel
 * in the report's embedded JSON and in the dashboard's API answers.
 */
import type { StudyRecord } from '../../storage/storage.js';
import type { TrialRecord, TrialState } from '../../trial/trial.js';
import { Space, spaceFromJSON } from '../../space/index.js';
import type { ImportanceResult } from '../importance.js';
import type { FinalModelSection } from './final-model.js';

/** One parameter of the study's space, as the charts need it. */
export interface PayloadParam {
  readonly name: string;
  readonly kind: 'float' | 'int' | 'categorical';
  readonly log: boolean;
  readonly low: number | null;
  readonly high: number | null;
  readonly choices: readonly (string | number | boolean)[] | null;
  /** `model=random_forest` style condition, or null. */
  readonly condition: string | null;
}

/** A trial in compact form. */
export interface CompactTrial {
  /** Trial number. */
  readonly n: number;
  /** State: C(omplete), P(runed), F(ail), R(unning), W(aiting). */
  readonly s: 'C' | 'P' | 'F' | 'R' | 'W';
  /** Objective value (a pruned trial's last intermediate value), or null. */
  readonly v: number | null;
  /**
   * Start and end, ms after the study's creation (null when not started / not finished). A
   * finished trial starts `durationMs` before its end (when it ran on its worker thread), not when
   * it was claimed: the study claims one trial ahead while every thread is busy.
   */
  readonly a: number | null;
  readonly b: number | null;
  /** Worker process id (`host:pid:random`), or null. */
  readonly w: string | null;
  /** Parameter values by index into `params`. */
  readonly p: Record<number, string | number | boolean>;
  /** Per-fold scores (complete trials) or intermediate values (pruned ones). */
  readonly f: number[];
  /** Why it failed: kind and reason, cut to 200 characters. */
  readonly e?: string;
}

/** Everything the charts read. */
export interface Payload {
  readonly version: 1;
  readonly generatedAt: string;
  readonly study: {
    readonly name: string;
    readonly direction: 'minimize' | 'maximize';
    readonly sampler: string;
    readonly seed: number;
    readonly createdAt: number;
    readonly storage: string;
    readonly metric: string | null;
    readonly task: string | null;
    readonly data: string | null;
  };
  readonly params: readonly PayloadParam[];
  readonly trials: readonly CompactTrial[];
  readonly importance: ImportanceResult | null;
  readonly importanceNote: string | null;
  readonly final: FinalModelSection | null;
  readonly finalNote: string | null;
}

const STATE_CODE: Record<TrialState, CompactTrial['s']> = { COMPLETE: 'C', PRUNED: 'P', FAIL: 'F', RUNNING: 'R', WAITING: 'W' };

/** The study's space as a Space, or null when its stored JSON is not a valid space. */
export function spaceOf(study: StudyRecord): Space | null {
  try {
    return spaceFromJSON(study.space, `study '${study.name}' space`);
  } catch {
    return null;
  }
}

/** The parameter list of a space. */
export function payloadParams(space: Space | null): PayloadParam[] {
  if (!space) return [];
  return space.params.map((p) => {
    const j = p.dimension.toJSON();
    return {
      name: p.name,
      kind: j.type,
      log: j.type !== 'categorical' && j.log === true,
      low: j.type !== 'categorical' ? j.low : null,
      high: j.type !== 'categorical' ? j.high : null,
      choices: j.type === 'categorical' ? j.choices : null,
      condition: p.condition ? `${p.condition.name}=${p.condition.branch}` : null,
    };
  });
}

function short(v: number): number {
  return Number.isFinite(v) ? Number(v.toPrecision(6)) : v;
}

/** Compacts trials; `index` maps parameter names to their index in the payload's `params`. */
export function compactTrials(trials: readonly TrialRecord[], createdAt: number, index: ReadonlyMap<string, number>): CompactTrial[] {
  return trials.map((t) => {
    const p: Record<number, string | number | boolean> = {};
    for (const [k, v] of Object.entries(t.params)) {
      const i = index.get(k);
      if (i !== undefined) p[i] = typeof v === 'number' ? short(v) : v;
    }
    const folds = t.userAttrs.foldScores;
    const f = Array.isArray(folds) ? folds.filter((x): x is number => typeof x === 'number').map(short) : t.intermediate.map((x) => short(x.value));
    const out: CompactTrial = {
      n: t.number,
      s: STATE_CODE[t.state],
      v: t.value,
      a: startOf(t) === null ? null : startOf(t)! - createdAt,
      b: t.finishedAt === null ? null : t.finishedAt - createdAt,
      w: t.worker,
      p,
      f,
    };
    if (t.state === 'FAIL') return { ...out, e: `${t.failKind ?? 'error'}: ${t.failReason ?? ''}`.slice(0, 200) };
    return out;
  });
}

/** When the trial began running: its end minus its recorded duration, or when it was claimed. */
function startOf(t: TrialRecord): number | null {
  const d = t.userAttrs.durationMs;
  if (t.startedAt !== null && t.finishedAt !== null && typeof d === 'number' && d >= 0) return Math.max(t.startedAt, Math.round(t.finishedAt - d));
  return t.startedAt;
}

/** The study header of the payload. */
export function payloadStudy(study: StudyRecord, storageUrl: string): Payload['study'] {
  const s = study.settings as Record<string, unknown>;
  const str = (v: unknown): string | null => (typeof v === 'string' ? v : null);
  return {
    name: study.name,
    direction: study.direction,
    sampler: study.sampler,
    seed: study.seed,
    createdAt: study.createdAt,
    storage: storageUrl,
    metric: str(s.metric),
    task: str(s.task),
    data: str(s.data),
  };
}

/** Assembles the payload. */
export function buildPayload(args: {
  study: StudyRecord;
  storageUrl: string;
  trials: readonly TrialRecord[];
  importance: ImportanceResult | null;
  importanceNote: string | null;
  final: FinalModelSection | null;
  finalNote: string | null;
  now?: Date;
}): Payload {
  const params = payloadParams(spaceOf(args.study));
  const index = new Map(params.map((p, i) => [p.name, i]));
  return {
    version: 1,
    generatedAt: (args.now ?? new Date()).toISOString(),
    study: payloadStudy(args.study, args.storageUrl),
    params,
    trials: compactTrials(args.trials, args.study.createdAt, index),
    importance: args.importance,
    importanceNote: args.importanceNote,
    final: args.final,
    finalNote: args.finalNote,
  };
}
