import { describe, expect, it } from 'vitest';
import { describeSamplerContract, contractSpaces } from '../contracts/sampler-contract.js';
import { TpeSampler } from '../../src/samplers/tpe.js';
import { RandomSampler } from '../../src/samplers/random.js';
import { createSampler } from '../../src/samplers/index.js';
import { float, space } from '../../src/space/index.js';
import { isAutomlError } from '../../src/util/errors.js';
import { ask, branin, drive, median, record } from './helpers.js';
import type { TrialRecord } from '../../src/trial/trial.js';

describeSamplerContract('tpe', () => new TpeSampler({ nStartupTrials: 4 }));

describe('TpeSampler', () => {
  const braninSpace = space({ x0: float(-5, 10), x1: float(0, 15) });

  it('beats random search on Branin at 50 trials (median over 10 seeds)', () => {
    const tpe: number[] = [];
    const rnd: number[] = [];
    for (let seed = 0; seed < 10; seed++) {
      tpe.push(drive(new TpeSampler(), braninSpace, branin, seed, 50).best.at(-1)!);
      rnd.push(drive(new RandomSampler(), braninSpace, branin, seed, 50).best.at(-1)!);
    }
    expect(median(tpe)).toBeLessThan(median(rnd));
    expect(median(tpe)).toBeLessThan(0.7);
  });

  it('maximises when asked to', () => {
    const neg = (p: Parameters<typeof branin>[0]): number => -branin(p);
    const best: number[] = [];
    for (let seed = 0; seed < 5; seed++) best.push(drive(new TpeSampler(), braninSpace, neg, seed, 40, 'maximize').best.at(-1)!);
    expect(median(best)).toBeGreaterThan(-0.8);
  });

  it('is deterministic given the seed and history (whole runs repeat exactly)', () => {
    const a = drive(new TpeSampler(), braninSpace, branin, 42, 30).history.map((t) => t.params);
    const b = drive(new TpeSampler(), braninSpace, branin, 42, 30).history.map((t) => t.params);
    const c = drive(new TpeSampler(), braninSpace, branin, 43, 30).history.map((t) => t.params);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('learns which branch is good and keeps every config inside its branch', () => {
    const sp = contractSpaces().conditional!;
    const f = (p: Record<string, unknown>): number => (p.model === 'knn' ? (p['model.knn.k'] as number) / 30 : 2);
    const { history } = drive(new TpeSampler(), sp, f, 1, 60);
    for (const t of history) sp.validate(t.params);
    const late = history.slice(30).filter((t) => t.params.model === 'knn').length;
    expect(late).toBeGreaterThan(20);
    expect(median(history.slice(40).filter((t) => t.params.model === 'knn').map((t) => t.params['model.knn.k'] as number))).toBeLessThan(8);
  });

  it('answers from its memo of finished trials exactly as a fresh sampler reading the whole history', () => {
    // One long-lived sampler (as a study keeps) against a new one per ask, over a history that
    // grows, has trials finishing out of order, and is replaced by fresh copies (a refresh).
    const sp = contractSpaces().conditional!;
    const kept = new TpeSampler({ nStartupTrials: 3 });
    let history: TrialRecord[] = [];
    const pending: number[] = [];
    let changed = 0;
    for (let n = 0; n < 120; n++) {
      const a = ask(kept, sp, 5, n, history, n % 2 === 0 ? 'minimize' : 'maximize')!;
      const b = ask(new TpeSampler({ nStartupTrials: 3 }), sp, 5, n, history, n % 2 === 0 ? 'minimize' : 'maximize')!;
      expect(a).toEqual(b);
      const v = (n * 37) % 11;
      const state = n % 5 === 0 ? 'RUNNING' : n % 7 === 0 ? 'PRUNED' : n % 13 === 0 ? 'FAIL' : 'COMPLETE';
      history.push(record(n, a, state === 'COMPLETE' || state === 'PRUNED' ? v : null, state, state === 'PRUNED' ? [{ step: 0, value: v }] : []));
      if (state === 'RUNNING') pending.push(n);
      if (n % 3 === 0 && pending.length > 1) {
        // An older running trial finishes, after later ones did.
        const k = pending.shift()!;
        history[k] = record(k, history[k]!.params, v / 2, 'COMPLETE');
        changed++;
      }
      if (n % 40 === 39) history = history.map((t) => ({ ...t }));
    }
    expect(changed).toBeGreaterThan(5);
  });

  it('steers a second worker away from a RUNNING trial (constant liar)', () => {
    const sp = space({ x: float(0, 1) });
    const { history } = drive(new TpeSampler(), sp, (p) => ((p.x as number) - 0.3) ** 2, 3, 30);
    const s = new TpeSampler();
    const first = ask(s, sp, 3, 30, history)!;
    const withRunning = [...history, record(30, first, null, 'RUNNING')];
    const second = ask(s, sp, 3, 31, withRunning)!;
    const secondIgnoring = ask(new TpeSampler({ constantLiar: false }), sp, 3, 31, withRunning)!;
    const d = Math.abs((second.x as number) - (first.x as number));
    expect(d).toBeGreaterThan(Math.abs((secondIgnoring.x as number) - (first.x as number)));
  });

  it('ranks PRUNED trials below COMPLETE ones and ignores FAIL trials', () => {
    const sp = space({ x: float(0, 1) });
    const base: TrialRecord[] = [];
    for (let i = 0; i < 20; i++) base.push(record(i, { x: 0.5 + (i % 10) * 0.05 }, 1 + i * 0.01));
    // A trial at x = 0.05 with the best value of all: as COMPLETE it pulls samples to it; as
    // PRUNED (a partial score) it must rank below every COMPLETE trial and not.
    const near = (hist: readonly TrialRecord[]): number =>
      Array.from({ length: 30 }, (_, k) => ask(new TpeSampler(), sp, 9, 40 + k, hist)!.x as number).filter((x) => x < 0.15).length;
    const asComplete = near([...base, record(20, { x: 0.05 }, -5)]);
    const asPruned = near([...base, record(20, { x: 0.05 }, -5, 'PRUNED', [{ step: 0, value: -5 }])]);
    expect(asComplete).toBeGreaterThan(15);
    expect(asPruned).toBeLessThan(asComplete / 2);
    // FAIL trials change nothing at all.
    const fails = Array.from({ length: 10 }, (_, i) => record(21 + i, { x: 0.07 }, null, 'FAIL'));
    for (let k = 0; k < 5; k++) expect(ask(new TpeSampler(), sp, 9, 60 + k, [...base, ...fails])).toEqual(ask(new TpeSampler(), sp, 9, 60 + k, base));
  });

  it('rejects bad options with E_CONFIG and is registered as "tpe"', () => {
    let err: unknown;
    try {
      new TpeSampler({ nEiCandidates: 0 });
    } catch (e) {
      err = e;
    }
    expect(isAutomlError(err, 'E_CONFIG')).toBe(true);
    expect(() => new TpeSampler({ linearForgetting: 0 })).toThrow(/linearForgetting/);
    expect(() => new TpeSampler({ linearForgetting: null })).not.toThrow();
    expect(createSampler('tpe').name).toBe('tpe');
    expect(createSampler('tpe', { nStartupTrials: 3 })).toBeInstanceOf(TpeSampler);
  });
});
