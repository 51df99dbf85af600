/**
 * The sampler contract suite (see the doc comment of `Sampler`), run on every sampler:
 *
 * ```ts
 * describeSamplerContract('tpe', () => new TpeSampler({ nStartupTrials: 4 }));
 * describeSamplerContract('grid', () => new GridSampler({ gridSize: 3 }), { finite: true });
 * ```
 * Spaces cover flat numeric (int, log, step), categorical, a three-branch conditional choice with
 * a nested choice, and nested groups. Histories are seeded and small so every check is fast.
 */
import { describe, expect, it } from 'vitest';
import { categorical, choice, float, int, space } from '../../src/space/index.js';
import type { Space } from '../../src/space/space.js';
import type { Sampler } from '../../src/samplers/sampler.js';
import type { FlatParams, TrialRecord } from '../../src/trial/trial.js';
import { ask, drive, record } from '../samplers/helpers.js';

/** Options of {@link describeSamplerContract}. */
export interface SamplerContractOptions {
  /** The sampler has finitely many points (grid): it ends with null and need not vary with N. */
  readonly finite?: boolean;
  /** Trials per driven run (enough to pass a model-based sampler's startup). Default 16. */
  readonly trials?: number;
}

/** The contract spaces, by name. */
export function contractSpaces(): Record<string, Space> {
  return {
    flat: space({
      lr: float(1e-4, 1, { log: true }),
      frac: float(0, 1, { step: 0.25 }),
      depth: int(1, 12),
      leaves: int(2, 256, { log: true }),
      w: float(-3, 3),
    }),
    categorical: space({
      kind: categorical(['gini', 'entropy', 'log_loss']),
      bias: categorical([true, false]),
      k: categorical([1, 3, 5, 7]),
    }),
    conditional: space({
      scale: categorical(['none', 'standard']),
      model: choice({
        rf: { n_estimators: int(10, 300, { log: true }), max_features: float(0.1, 1) },
        lr: {
          C: float(1e-3, 1e3, { log: true }),
          penalty: choice({ l1: { ratio: float(0, 1) }, l2: {} }),
        },
        knn: { k: int(1, 30), weights: categorical(['uniform', 'distance']) },
      }),
    }),
    group: space({
      opt: { lr: float(1e-4, 1e-1, { log: true }), momentum: float(0, 0.99) },
      net: { layers: int(1, 4), act: categorical(['relu', 'tanh']), drop: { p: float(0, 0.5) } },
    }),
  };
}

/** A deterministic objective over any flat assignment (so model-based samplers have a signal). */
export function contractObjective(p: FlatParams): number {
  let v = 0;
  for (const [k, x] of Object.entries(p)) {
    const h = [...k].reduce((s, c) => (s * 31 + c.charCodeAt(0)) % 997, 7) / 997;
    if (typeof x === 'number') v += Math.sin(x * 3 + h * 10) + Math.log1p(Math.abs(x)) * 0.1;
    else v += (String(x).length % 3) * 0.3 + h;
  }
  return v;
}

function deepFreeze<T>(x: T): T {
  if (x && typeof x === 'object' && !Object.isFrozen(x)) {
    Object.freeze(x);
    for (const v of Object.values(x)) deepFreeze(v);
  }
  return x;
}

/** Registers the contract tests for one sampler; `factory` gives a fresh instance each time. */
export function describeSamplerContract(name: string, factory: () => Sampler, options: SamplerContractOptions = {}): void {
  const trials = options.trials ?? 16;
  describe(`Sampler contract: ${name}`, () => {
    const spaces = contractSpaces();
    it('has a stable name and a positive capacity', () => {
      const s = factory();
      expect(typeof s.name).toBe('string');
      expect(s.name.length).toBeGreaterThan(0);
      for (const sp of Object.values(spaces)) expect(s.capacity(sp)).toBeGreaterThan(0);
    });

    for (const [spaceName, sp] of Object.entries(spaces)) {
      describe(`space '${spaceName}'`, () => {
        it('samples valid configurations (only active params, in range) along a run', () => {
          const { history } = drive(factory(), sp, contractObjective, 7, trials);
          expect(history.length).toBe(Math.min(trials, options.finite ? factory().capacity(sp) : Infinity));
          for (const t of history) expect(() => sp.validate(t.params)).not.toThrow();
        });

        it('works with an empty history', () => {
          const p = ask(factory(), sp, 1, 0, []);
          expect(p).not.toBeNull();
          sp.validate(p!);
        });

        it('is a pure function of its context, and never mutates the history', () => {
          const { history } = drive(factory(), sp, contractObjective, 3, trials);
          const frozen = deepFreeze(history.slice(0, trials - 2));
          const before = JSON.stringify(frozen);
          const a = ask(factory(), sp, 3, trials - 2, frozen);
          const s = factory();
          const b = ask(s, sp, 3, trials - 2, frozen);
          const c = ask(s, sp, 3, trials - 2, frozen);
          expect(b).toEqual(a);
          expect(c).toEqual(a);
          expect(JSON.stringify(frozen)).toBe(before);
        });

        if (!options.finite) {
          it('gives different trial numbers different configurations (earlier asks in flight)', () => {
            const { history } = drive(factory(), sp, contractObjective, 5, trials);
            const s = factory();
            const seen = new Set<string>();
            // As in a study with several workers: each earlier ask is RUNNING when the next is made.
            const hist: TrialRecord[] = [...history];
            for (let n = trials; n < trials + 4; n++) {
              const p = ask(s, sp, 5, n, hist)!;
              seen.add(JSON.stringify(p));
              hist.push(record(n, p, null, 'RUNNING'));
            }
            expect(seen.size).toBe(4);
          });
        }

        it('copes with RUNNING, WAITING, FAIL and PRUNED trials in the history', () => {
          const { history } = drive(factory(), sp, contractObjective, 9, trials - 4);
          const p0 = history[0]!.params;
          const p1 = history[1]!.params;
          let n = history.length;
          const mixed: TrialRecord[] = [
            ...history,
            record(n++, p0, null, 'RUNNING'),
            record(n++, {}, null, 'RUNNING'),
            record(n++, p1, null, 'WAITING'),
            record(n++, p1, null, 'FAIL'),
            record(n++, p0, 0.5, 'PRUNED', [{ step: 0, value: 0.5 }]),
            record(n++, p1, null, 'PRUNED', [{ step: 0, value: 0.1 }, { step: 1, value: 0.2 }]),
          ];
          for (let k = 0; k < 3; k++) {
            const p = ask(factory(), sp, 9, n + k, mixed);
            expect(p).not.toBeNull();
            sp.validate(p!);
          }
        });

        it('ignores foreign params (another branch, unknown names, out-of-range values)', () => {
          const { history } = drive(factory(), sp, contractObjective, 11, trials - 3);
          let n = history.length;
          const first = sp.params[0]!;
          const foreign: TrialRecord[] = [
            ...history,
            record(n++, { ...history[0]!.params, 'model.rf.n_estimators': 50, unknown_param: 3 }, 0.1),
            record(n++, { [first.name]: 1e9 }, -100),
            record(n++, { model: 'svm', 'model.svm.C': 1 }, -50),
          ];
          for (let k = 0; k < 3; k++) {
            const p = ask(factory(), sp, 11, n + k, foreign);
            expect(p).not.toBeNull();
            sp.validate(p!);
          }
        });
      });
    }

    it('never produces a parameter outside its chosen branch', () => {
      const sp = spaces.conditional!;
      const { history } = drive(factory(), sp, contractObjective, 13, trials + 8);
      for (const t of history) {
        const model = t.params.model as string;
        for (const k of Object.keys(t.params)) if (k.startsWith('model.')) expect(k.startsWith(`model.${model}.`)).toBe(true);
        if (model === 'lr') expect(['l1', 'l2']).toContain(t.params['model.lr.penalty']);
      }
    });

    if (options.finite) {
      it('returns null once every point has been proposed, never repeating one', () => {
        const sp = spaces.categorical!;
        const cap = factory().capacity(sp);
        expect(Number.isFinite(cap)).toBe(true);
        const { history } = drive(factory(), sp, contractObjective, 2, cap + 5);
        expect(history.length).toBe(cap);
        expect(new Set(history.map((t) => JSON.stringify(t.params))).size).toBe(cap);
        expect(ask(factory(), sp, 2, cap, history)).toBeNull();
      });
    }
  });
}
