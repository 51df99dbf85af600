import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isAutomlError } from '../../src/util/errors.js';
import type { ErrorCode } from '../../src/util/errors.js';
import type { NewStudy, Storage, StudyRecord } from '../../src/storage/storage.js';
import type { TrialRecord } from '../../src/trial/trial.js';

/**
 * The contract every `Storage` backend passes (see the doc comment of `Storage`). Each test gets a
 * fresh, empty storage from `factory` and closes it afterwards.
 */
export function describeStorageContract(name: string, factory: () => Promise<Storage>): void {
  describe(`Storage contract: ${name}`, () => {
    let s: Storage;
    beforeEach(async () => {
      s = await factory();
    });
    afterEach(async () => {
      await s.close();
    });

    const spec = (over: Partial<NewStudy> = {}): NewStudy => ({
      name: 'study',
      direction: 'minimize',
      space: { type: 'space', params: { lr: { type: 'float', low: 0.001, high: 1, log: true } } },
      seed: 42,
      sampler: 'random',
      settings: { maxTrials: 10, metric: 'accuracy' },
      ...over,
    });
    const W = 'host:1:abc';

    async function expectCode(p: Promise<unknown>, code: ErrorCode): Promise<void> {
      const e = await p.then(
        () => null,
        (err: unknown) => err,
      );
      expect(e, `expected ${code}`).not.toBeNull();
      expect(isAutomlError(e, code), `expected ${code}, got ${String(e)}`).toBe(true);
    }
    /** Starts a trial, sets its params and finishes it. */
    async function run(id: number, value: number, state: 'COMPLETE' | 'PRUNED' | 'FAIL' = 'COMPLETE'): Promise<TrialRecord> {
      const t = (await s.startTrial(id, { worker: W }))!;
      await s.setTrialParams(id, t.number, { lr: value });
      expect(await s.finishTrial(id, t.number, { state, value })).toBe(true);
      return (await s.getTrial(id, t.number))!;
    }

    describe('studies', () => {
      it('creates, gets and round-trips every field', async () => {
        const created = await s.createStudy(spec());
        expect(created).toMatchObject({ ...spec(), id: expect.any(Number) });
        expect(typeof created.createdAt).toBe('number');
        expect(Math.abs(created.createdAt - Date.now())).toBeLessThan(60_000);
        expect(await s.getStudy('study')).toEqual(created);
        expect(await s.getStudy('other')).toBeNull();
        expect(typeof s.url).toBe('string');
      });

      it('defaults settings to {} and keeps unicode names apart', async () => {
        const names = ['étude-数据-🚀', 'etude-数据-🚀', 'Étude', 'é'.normalize('NFD')];
        for (const n of names) await s.createStudy({ ...spec({ name: n }), settings: undefined });
        for (const n of names) {
          const st = (await s.getStudy(n))!;
          expect(st.name).toBe(n);
          expect(st.settings).toEqual({});
        }
        expect(new Set((await s.listStudies()).map((x) => x.name))).toEqual(new Set(names));
      });

      it('throws E_STUDY_EXISTS for a taken name and E_CONFIG for a bad spec or non-JSON input', async () => {
        await s.createStudy(spec());
        await expectCode(s.createStudy(spec({ direction: 'maximize' })), 'E_STUDY_EXISTS');
        await expectCode(s.createStudy(spec({ name: '' })), 'E_CONFIG');
        await expectCode(s.createStudy(spec({ name: 'x', direction: 'up' as never })), 'E_CONFIG');
        await expectCode(s.createStudy(spec({ name: 'y', seed: 1.5 })), 'E_CONFIG');
        await expectCode(s.createStudy(spec({ name: 'z', settings: { big: 1n } })), 'E_CONFIG');
        await expectCode(s.createStudy(spec({ name: 'w', settings: [1, 2] as never })), 'E_CONFIG');
        expect((await s.listStudies()).length).toBe(1);
        const { id } = (await s.getStudy('study'))!;
        await expectCode(s.updateStudySettings(id, [1] as never), 'E_CONFIG');
        await expectCode(s.updateStudySettings(id, { big: 2n }), 'E_CONFIG');
        expect((await s.getStudy('study'))!.settings).toEqual(spec().settings);
        const t = (await s.startTrial(id, { worker: W }))!;
        const cyclic: Record<string, unknown> = {};
        cyclic.self = cyclic;
        await expectCode(s.finishTrial(id, t.number, { state: 'COMPLETE', value: 1, userAttrs: cyclic }), 'E_CONFIG');
        await expectCode(s.finishTrial(id, t.number, { state: 'COMPLETE', value: 1, userAttrs: 'x' as never }), 'E_CONFIG');
        expect((await s.getTrial(id, t.number))!.state).toBe('RUNNING');
      });

      it('merges settings shallowly', async () => {
        const { id } = await s.createStudy(spec());
        await s.updateStudySettings(id, { maxTrials: 20, dataset: { path: 'a.csv', rows: 3 } });
        await s.updateStudySettings(id, { dataset: { path: 'b.csv' } });
        expect((await s.getStudy('study'))!.settings).toEqual({ maxTrials: 20, metric: 'accuracy', dataset: { path: 'b.csv' } });
        await expectCode(s.updateStudySettings(id + 1000, { a: 1 }), 'E_STUDY_NOT_FOUND');
      });

      it('lists counts and the best value for both directions', async () => {
        const min = await s.createStudy(spec({ name: 'min' }));
        const max = await s.createStudy(spec({ name: 'max', direction: 'maximize' }));
        const empty = await s.createStudy(spec({ name: 'empty' }));
        for (const id of [min.id, max.id]) {
          await run(id, 0.5);
          await run(id, 0.2);
          await run(id, 0.9);
          await run(id, 0.05, 'PRUNED');
          await run(id, 0.01, 'FAIL');
          await s.startTrial(id, { worker: W });
          await s.enqueueTrial(id, { lr: 0.3 });
        }
        const list = await s.listStudies();
        expect(list.map((x) => x.name)).toEqual(['min', 'max', 'empty']);
        const byName = Object.fromEntries(list.map((x) => [x.name, x]));
        expect(byName.min!.bestValue).toBe(0.2);
        expect(byName.max!.bestValue).toBe(0.9);
        expect(byName.empty!.bestValue).toBeNull();
        expect(byName.min!.counts).toEqual({ WAITING: 1, RUNNING: 1, COMPLETE: 3, FAIL: 1, PRUNED: 1 });
        expect(byName.empty!.counts).toEqual({ WAITING: 0, RUNNING: 0, COMPLETE: 0, FAIL: 0, PRUNED: 0 });
        expect(byName.max).toMatchObject({ id: max.id, direction: 'maximize', sampler: 'random', createdAt: max.createdAt });
        expect(await s.countTrials(min.id)).toEqual(byName.min!.counts);
        expect(empty.id).not.toBe(min.id);
      });

      it('deletes a study with its trials and frees its name', async () => {
        const a = await s.createStudy(spec());
        const b = await s.createStudy(spec({ name: 'keep' }));
        await run(a.id, 1);
        await run(b.id, 2);
        await s.reportIntermediate(a.id, (await s.startTrial(a.id, { worker: W }))!.number, 0, 1);
        expect(await s.deleteStudy('study')).toBe(true);
        expect(await s.deleteStudy('study')).toBe(false);
        expect(await s.getStudy('study')).toBeNull();
        await expectCode(s.getTrials(a.id), 'E_STUDY_NOT_FOUND');
        const again = await s.createStudy(spec());
        expect(await s.getTrials(again.id)).toEqual([]);
        expect((await s.startTrial(again.id, { worker: W }))!.number).toBe(0);
        expect((await s.getTrials(b.id)).map((t) => t.value)).toEqual([2]);
      });

      it('deletes a study in every state at once and leaves every other study exactly as it was', async () => {
        const gone = await s.createStudy(spec({ name: 'gone', settings: { data: '/x.csv' } }));
        const kept = await s.createStudy(spec({ name: 'kept', settings: { data: '/y.csv', metric: 'r2' } }));
        for (const id of [gone.id, kept.id]) {
          await run(id, 0.5);
          await run(id, 0.7, 'PRUNED');
          const running = (await s.startTrial(id, { worker: W }))!;
          await s.setTrialParams(id, running.number, { lr: 0.1 });
          await s.reportIntermediate(id, running.number, 0, 0.25);
          await s.reportIntermediate(id, running.number, 1, 0.5);
          await s.enqueueTrial(id, { lr: 0.2 });
        }
        const before = { study: await s.getStudy('kept'), trials: await s.getTrials(kept.id), counts: await s.countTrials(kept.id) };
        const summaryBefore = (await s.listStudies()).find((x) => x.name === 'kept');
        expect(await s.deleteStudy('gone')).toBe(true);
        expect(await s.getStudy('gone')).toBeNull();
        expect((await s.listStudies()).map((x) => x.name)).toEqual(['kept']);
        await expectCode(s.getTrials(gone.id), 'E_STUDY_NOT_FOUND');
        await expectCode(s.startTrial(gone.id, { worker: W }), 'E_STUDY_NOT_FOUND');
        expect(await s.getStudy('kept')).toEqual(before.study);
        expect(await s.getTrials(kept.id)).toEqual(before.trials);
        expect(before.trials.find((t) => t.state === 'RUNNING')!.intermediate.map((i) => i.value)).toEqual([0.25, 0.5]);
        expect(await s.countTrials(kept.id)).toEqual(before.counts);
        expect((await s.listStudies()).find((x) => x.name === 'kept')).toEqual(summaryBefore);
        // The kept study goes on numbering where it was, and its WAITING trial is still claimable.
        const next = (await s.startTrial(kept.id, { worker: W }))!;
        expect(next.params).toEqual({ lr: 0.2 });
      });
    });

    describe('trials', () => {
      let id: number;
      beforeEach(async () => {
        id = (await s.createStudy(spec())).id;
      });

      it('starts RUNNING trials numbered 0, 1, 2 with worker and times set', async () => {
        const before = Date.now();
        const ts = [];
        for (let i = 0; i < 3; i++) ts.push((await s.startTrial(id, { worker: `w${i}` }))!);
        expect(ts.map((t) => t.number)).toEqual([0, 1, 2]);
        for (const [i, t] of ts.entries()) {
          expect(t).toMatchObject({ state: 'RUNNING', params: {}, value: null, intermediate: [], origin: 'sampler' });
          expect(t).toMatchObject({ retryOf: null, failKind: null, failReason: null, userAttrs: {}, worker: `w${i}`, finishedAt: null });
          expect(t.startedAt).toBeGreaterThanOrEqual(before - 1000);
          expect(t.heartbeatAt).toBe(t.startedAt);
          expect(t.createdAt).toBeLessThanOrEqual(t.startedAt!);
          expect(await s.getTrial(id, t.number)).toEqual(t);
        }
      });

      it('assigns unique gap-free numbers to concurrent starts and enqueues', async () => {
        const calls = Array.from({ length: 30 }, (_, i) => (i % 3 === 0 ? s.enqueueTrial(id, { lr: i }) : s.startTrial(id, { worker: W })));
        const got = (await Promise.all(calls)).map((t) => t!);
        const starts = got.filter((t) => t.state === 'RUNNING').map((t) => t.number);
        const enqueued = got.filter((t) => t.state === 'WAITING').map((t) => t.number);
        expect(new Set(starts).size).toBe(20);
        expect(new Set(enqueued).size).toBe(10);
        const all = (await s.getTrials(id)).map((t) => t.number);
        expect(all).toEqual(Array.from({ length: all.length }, (_, i) => i));
        expect(new Set([...starts, ...enqueued])).toEqual(new Set(all));
        expect((await s.countTrials(id)).RUNNING).toBe(20);
      });

      it('enforces maxTrials atomically, counting all but WAITING and interrupted trials', async () => {
        const got = await Promise.all(Array.from({ length: 12 }, () => s.startTrial(id, { worker: W, maxTrials: 4 })));
        expect(got.filter((t) => t !== null).length).toBe(4);
        expect(await s.startTrial(id, { worker: W, maxTrials: 4 })).toBeNull();
        expect((await s.countTrials(id)).RUNNING).toBe(4);
        await s.finishTrial(id, 0, { state: 'COMPLETE', value: 1 });
        await s.finishTrial(id, 1, { state: 'PRUNED', value: 1 });
        await s.finishTrial(id, 2, { state: 'FAIL', failKind: 'error', failReason: 'boom' });
        expect(await s.startTrial(id, { worker: W, maxTrials: 4 })).toBeNull();
        await s.finishTrial(id, 3, { state: 'FAIL', failKind: 'interrupted' });
        await s.enqueueTrial(id, { lr: 0.5 });
        await s.enqueueTrial(id, { lr: 0.6 });
        const next = (await s.startTrial(id, { worker: W, maxTrials: 4 }))!;
        expect(next).toMatchObject({ number: 4, params: { lr: 0.5 }, state: 'RUNNING' });
        expect(await s.startTrial(id, { worker: W, maxTrials: 4 })).toBeNull();
        expect((await s.getTrial(id, 5))!.state).toBe('WAITING');
        expect((await s.startTrial(id, { worker: W, maxTrials: 6 }))!.number).toBe(5);
        expect((await s.startTrial(id, { worker: W }))!.number).toBe(6);
      });

      it('claims WAITING trials lowest number first, then creates new ones', async () => {
        const a = await s.enqueueTrial(id, { lr: 0.1, kind: 'rf', on: true });
        expect(a).toMatchObject({ number: 0, state: 'WAITING', origin: 'enqueued', worker: null, startedAt: null, heartbeatAt: null });
        const r0 = (await s.startTrial(id, { worker: W }))!;
        await s.enqueueTrial(id, { lr: 0.2 });
        await s.enqueueTrial(id, { lr: 0.3 });
        const r1 = (await s.startTrial(id, { worker: 'w2' }))!;
        const r2 = (await s.startTrial(id, { worker: W }))!;
        const r3 = (await s.startTrial(id, { worker: W }))!;
        expect([r0, r1, r2, r3].map((t) => [t.number, t.params.lr ?? null])).toEqual([
          [0, 0.1],
          [1, 0.2],
          [2, 0.3],
          [3, null],
        ]);
        expect(r0).toMatchObject({ params: { lr: 0.1, kind: 'rf', on: true }, origin: 'enqueued', createdAt: a.createdAt });
        expect(r1).toMatchObject({ worker: 'w2', state: 'RUNNING', origin: 'enqueued' });
      });

      it('records retries of earlier trials', async () => {
        await run(id, 0.4, 'FAIL');
        const r = await s.enqueueTrial(id, { lr: 0.4 }, { origin: 'retry', retryOf: 0 });
        expect(r).toMatchObject({ number: 1, origin: 'retry', retryOf: 0, state: 'WAITING' });
        expect((await s.enqueueTrial(id, { lr: 0.4 }, { retryOf: 0 })).origin).toBe('retry');
        await expectCode(s.enqueueTrial(id, { lr: 1 }, { origin: 'retry', retryOf: 99 }), 'E_TRIAL_STATE');
        await expectCode(s.enqueueTrial(id, { lr: Number.NaN }), 'E_PARAM');
        expect((await s.getTrials(id)).length).toBe(3);
      });

      it('sets params once, on RUNNING trials only', async () => {
        const t = (await s.startTrial(id, { worker: W }))!;
        await s.setTrialParams(id, t.number, { lr: 0.01, model: 'knn', scale: false });
        expect((await s.getTrial(id, t.number))!.params).toEqual({ lr: 0.01, model: 'knn', scale: false });
        await expectCode(s.setTrialParams(id, t.number, { lr: 0.02 }), 'E_TRIAL_STATE');
        await expectCode(s.setTrialParams(id, 7, { lr: 0.02 }), 'E_TRIAL_STATE');
        const u = (await s.startTrial(id, { worker: W }))!;
        await expectCode(s.setTrialParams(id, u.number, { lr: Infinity }), 'E_PARAM');
        await s.finishTrial(id, u.number, { state: 'FAIL', failKind: 'error' });
        await expectCode(s.setTrialParams(id, u.number, { lr: 0.02 }), 'E_TRIAL_STATE');
        const w = await s.enqueueTrial(id, { lr: 0.5 });
        await expectCode(s.setTrialParams(id, w.number, { lr: 0.02 }), 'E_TRIAL_STATE');
        expect((await s.getTrial(id, u.number))!.params).toEqual({});
        await expectCode(s.setTrialParams(id + 1000, 0, { lr: 0.02 }), 'E_STUDY_NOT_FOUND');
      });

      it('replaces intermediate values per step and ignores them once finished', async () => {
        const t = (await s.startTrial(id, { worker: W }))!;
        expect(await s.reportIntermediate(id, t.number, 2, 0.3)).toBe(true);
        expect(await s.reportIntermediate(id, t.number, 0, 0.1)).toBe(true);
        expect(await s.reportIntermediate(id, t.number, 2, 0.25)).toBe(true);
        expect((await s.getTrial(id, t.number))!.intermediate).toEqual([
          { step: 0, value: 0.1 },
          { step: 2, value: 0.25 },
        ]);
        await expectCode(s.reportIntermediate(id, t.number, 1, Number.NaN), 'E_TRIAL_STATE');
        await expectCode(s.reportIntermediate(id, t.number, -1, 0), 'E_TRIAL_STATE');
        await s.finishTrial(id, t.number, { state: 'PRUNED', value: 0.25 });
        expect(await s.reportIntermediate(id, t.number, 3, 0.9)).toBe(false);
        expect(await s.reportIntermediate(id, t.number, 0, 0.9)).toBe(false);
        expect((await s.getTrial(id, t.number))!.intermediate).toEqual([
          { step: 0, value: 0.1 },
          { step: 2, value: 0.25 },
        ]);
        await expectCode(s.reportIntermediate(id, 5, 0, 0.1), 'E_TRIAL_STATE');
        const w = await s.enqueueTrial(id, {});
        await expectCode(s.reportIntermediate(id, w.number, 0, 0.1), 'E_TRIAL_STATE');
      });

      it('stores intermediate values given with the final state, in one write', async () => {
        const t = (await s.startTrial(id, { worker: W }))!;
        expect(await s.reportIntermediate(id, t.number, 1, 0.5)).toBe(true);
        const intermediate = [
          { step: 2, value: 0.3 },
          { step: 0, value: -0 },
          { step: 1, value: 0.4 },
        ];
        expect(await s.finishTrial(id, t.number, { state: 'PRUNED', value: 0.3, intermediate })).toBe(true);
        const done = (await s.getTrial(id, t.number))!;
        expect(done.state).toBe('PRUNED');
        expect(done.intermediate).toEqual([
          { step: 0, value: 0 },
          { step: 1, value: 0.4 },
          { step: 2, value: 0.3 },
        ]);
        expect(Object.is(done.intermediate[0]!.value, -0)).toBe(false);
        // A late finish changes nothing, values included.
        expect(await s.finishTrial(id, t.number, { state: 'COMPLETE', value: 1, intermediate: [{ step: 0, value: 9 }, { step: 5, value: 9 }] })).toBe(false);
        expect((await s.getTrial(id, t.number))!.intermediate).toEqual(done.intermediate);
        // Bad values are refused before anything is written.
        const u = (await s.startTrial(id, { worker: W }))!;
        await expectCode(s.finishTrial(id, u.number, { state: 'COMPLETE', value: 1, intermediate: [{ step: 0, value: Number.NaN }] }), 'E_TRIAL_STATE');
        await expectCode(s.finishTrial(id, u.number, { state: 'COMPLETE', value: 1, intermediate: [{ step: -1, value: 0 }] }), 'E_TRIAL_STATE');
        expect((await s.getTrial(id, u.number))!.state).toBe('RUNNING');
        expect(await s.finishTrial(id, u.number, { state: 'FAIL', failKind: 'interrupted', intermediate: [{ step: 0, value: 0.7 }] })).toBe(true);
        expect((await s.getTrial(id, u.number))!.intermediate).toEqual([{ step: 0, value: 0.7 }]);
        // With attributes too (the merge path of some backends).
        const v = (await s.startTrial(id, { worker: W }))!;
        expect(await s.finishTrial(id, v.number, { state: 'COMPLETE', value: 0.6, userAttrs: { a: 1 }, intermediate: [{ step: 0, value: 0.6 }] })).toBe(true);
        const vDone = (await s.getTrial(id, v.number))!;
        expect(vDone.userAttrs).toEqual({ a: 1 });
        expect(vDone.intermediate).toEqual([{ step: 0, value: 0.6 }]);
      });

      it('refreshes heartbeats of RUNNING trials only', async () => {
        const a = (await s.startTrial(id, { worker: W }))!;
        const b = (await s.startTrial(id, { worker: W }))!;
        const c = (await s.startTrial(id, { worker: W }))!;
        await s.finishTrial(id, c.number, { state: 'COMPLETE', value: 1 });
        const cDone = (await s.getTrial(id, c.number))!;
        await new Promise((r) => setTimeout(r, 15));
        await s.heartbeat(id, [a.number, c.number, 99]);
        const [a2, b2, c2] = await s.getTrials(id);
        expect(a2!.heartbeatAt!).toBeGreaterThan(a.heartbeatAt!);
        expect(b2!.heartbeatAt).toBe(b.heartbeatAt);
        expect(c2).toEqual(cDone);
        await s.heartbeat(id, []);
        await expectCode(s.heartbeat(id + 1000, [0]), 'E_STUDY_NOT_FOUND');
      });

      it('finishes a trial once; a late finish returns false and changes nothing', async () => {
        const t = (await s.startTrial(id, { worker: W }))!;
        const ok = await s.finishTrial(id, t.number, {
          state: 'COMPLETE',
          value: 0.75,
          userAttrs: { kept: ['a', 'b'], note: 'ü' },
        });
        expect(ok).toBe(true);
        const done = (await s.getTrial(id, t.number))!;
        expect(done).toMatchObject({ state: 'COMPLETE', value: 0.75, userAttrs: { kept: ['a', 'b'], note: 'ü' } });
        expect(done.finishedAt).toBeGreaterThanOrEqual(done.startedAt!);
        expect(await s.finishTrial(id, t.number, { state: 'FAIL', failKind: 'interrupted', failReason: 'stale heartbeat' })).toBe(false);
        expect(await s.finishTrial(id, t.number, { state: 'COMPLETE', value: 0.1 })).toBe(false);
        expect(await s.getTrial(id, t.number)).toEqual(done);
        const w = await s.enqueueTrial(id, { lr: 1 });
        expect(await s.finishTrial(id, w.number, { state: 'COMPLETE', value: 1 })).toBe(false);
        expect((await s.getTrial(id, w.number))!.state).toBe('WAITING');
        await expectCode(s.finishTrial(id, 42, { state: 'COMPLETE', value: 1 }), 'E_TRIAL_STATE');
        await expectCode(s.finishTrial(id + 1000, 0, { state: 'COMPLETE', value: 1 }), 'E_STUDY_NOT_FOUND');
      });

      it('rejects non-finite values unless the trial fails, and merges userAttrs', async () => {
        const t = (await s.startTrial(id, { worker: W }))!;
        await s.setTrialParams(id, t.number, { lr: 1 });
        await s.finishTrial(id, t.number, { state: 'FAIL', value: Number.NaN, failKind: 'invalid-value', failReason: 'NaN' });
        expect(await s.getTrial(id, t.number)).toMatchObject({ state: 'FAIL', value: null, failKind: 'invalid-value', failReason: 'NaN' });
        const u = (await s.startTrial(id, { worker: W }))!;
        await expectCode(s.finishTrial(id, u.number, { state: 'COMPLETE', value: Number.NaN }), 'E_TRIAL_STATE');
        await expectCode(s.finishTrial(id, u.number, { state: 'COMPLETE', value: Infinity }), 'E_TRIAL_STATE');
        await expectCode(s.finishTrial(id, u.number, { state: 'PRUNED', value: -Infinity }), 'E_TRIAL_STATE');
        await expectCode(s.finishTrial(id, u.number, { state: 'COMPLETE' }), 'E_TRIAL_STATE');
        await expectCode(s.finishTrial(id, u.number, { state: 'RUNNING' as never, value: 1 }), 'E_TRIAL_STATE');
        await expectCode(s.finishTrial(id, u.number, { state: 'FAIL', failKind: 'oops' as never }), 'E_TRIAL_STATE');
        expect((await s.getTrial(id, u.number))!.state).toBe('RUNNING');
        expect(await s.finishTrial(id, u.number, { state: 'PRUNED', value: -3.5e-300, userAttrs: { a: 1 } })).toBe(true);
        expect(await s.getTrial(id, u.number)).toMatchObject({ state: 'PRUNED', value: -3.5e-300, userAttrs: { a: 1 } });
        const v = (await s.startTrial(id, { worker: W }))!;
        expect(await s.finishTrial(id, v.number, { state: 'PRUNED' })).toBe(true);
        expect((await s.getTrial(id, v.number))!.value).toBeNull();
        const z = (await s.startTrial(id, { worker: W }))!;
        await s.reportIntermediate(id, z.number, 0, -0);
        await s.finishTrial(id, z.number, { state: 'COMPLETE', value: -0 });
        const zz = (await s.getTrial(id, z.number))!;
        expect(Object.is(zz.value, 0) && Object.is(zz.intermediate[0]!.value, 0)).toBe(true);
      });

      it('returns deeply frozen snapshots that later changes do not reach', async () => {
        const t = (await s.startTrial(id, { worker: W }))!;
        await s.setTrialParams(id, t.number, { lr: 0.5 });
        await s.reportIntermediate(id, t.number, 0, 0.4);
        const snap = (await s.getTrial(id, t.number))!;
        const study = (await s.getStudy('study'))!;
        const frozen = (x: unknown): boolean => Object.isFrozen(x);
        expect([t, snap, snap.params, snap.intermediate, snap.intermediate[0], snap.userAttrs].every(frozen)).toBe(true);
        expect([study, study.settings, study.space].every(frozen)).toBe(true);
        expect(() => {
          (snap.params as Record<string, unknown>).lr = 9;
        }).toThrow();
        await s.reportIntermediate(id, t.number, 0, 0.45);
        await s.finishTrial(id, t.number, { state: 'COMPLETE', value: 0.45, userAttrs: { x: 1 } });
        await s.updateStudySettings(study.id, { metric: 'f1' });
        expect(snap).toMatchObject({ state: 'RUNNING', value: null, intermediate: [{ step: 0, value: 0.4 }], userAttrs: {} });
        expect(t.params).toEqual({});
        expect(study.settings.metric).toBe('accuracy');
        for (const r of await s.getTrials(id)) expect(frozen(r) && frozen(r.params)).toBe(true);
        for (const r of await s.listStudies()) expect(frozen(r) && frozen(r.counts)).toBe(true);
      });

      it('copies inputs, so a caller mutating its objects changes nothing stored', async () => {
        const params: Record<string, number> = { lr: 0.5 };
        const settings: Record<string, unknown> = { nested: { a: 1 } };
        const st = await s.createStudy(spec({ name: 'copy', settings }));
        (settings.nested as Record<string, number>).a = 2;
        await s.enqueueTrial(st.id, params);
        params.lr = 9;
        expect((await s.getStudy('copy'))!.settings).toEqual({ nested: { a: 1 } });
        expect((await s.getTrial(st.id, 0))!.params).toEqual({ lr: 0.5 });
      });

      it('filters and counts trials', async () => {
        await run(id, 1);
        await run(id, 2, 'FAIL');
        await s.startTrial(id, { worker: W });
        await run(id, 3);
        await s.enqueueTrial(id, { lr: 4 });
        await s.reportIntermediate(id, 2, 0, 0.5);
        expect((await s.getTrials(id)).map((t) => t.number)).toEqual([0, 1, 2, 3, 4]);
        expect((await s.getTrials(id, { states: ['COMPLETE'] })).map((t) => t.number)).toEqual([0, 3]);
        expect((await s.getTrials(id, { states: ['RUNNING', 'WAITING'] })).map((t) => t.number)).toEqual([2, 4]);
        expect((await s.getTrials(id, { fromNumber: 2 })).map((t) => t.number)).toEqual([2, 3, 4]);
        expect((await s.getTrials(id, { fromNumber: 1, states: ['COMPLETE', 'FAIL'] })).map((t) => t.number)).toEqual([1, 3]);
        expect(await s.getTrials(id, { fromNumber: 5 })).toEqual([]);
        expect(await s.getTrials(id, { states: [] })).toEqual([]);
        const two = (await s.getTrials(id, { fromNumber: 2 }))[0]!;
        expect(two.intermediate).toEqual([{ step: 0, value: 0.5 }]);
        expect(two).toEqual(await s.getTrial(id, 2));
        expect(await s.getTrial(id, 5)).toBeNull();
        expect(await s.countTrials(id)).toEqual({ WAITING: 1, RUNNING: 1, COMPLETE: 2, FAIL: 1, PRUNED: 0 });
      });

      it('throws E_STUDY_NOT_FOUND from every method given an unknown study', async () => {
        const bad = id + 1000;
        await expectCode(s.startTrial(bad, { worker: W }), 'E_STUDY_NOT_FOUND');
        await expectCode(s.enqueueTrial(bad, {}), 'E_STUDY_NOT_FOUND');
        await expectCode(s.reportIntermediate(bad, 0, 0, 1), 'E_STUDY_NOT_FOUND');
        await expectCode(s.getTrial(bad, 0), 'E_STUDY_NOT_FOUND');
        await expectCode(s.getTrials(bad), 'E_STUDY_NOT_FOUND');
        await expectCode(s.countTrials(bad), 'E_STUDY_NOT_FOUND');
      });
    });

    it('closes idempotently and refuses calls afterwards', async () => {
      const st: StudyRecord = await s.createStudy(spec());
      await s.close();
      await s.close();
      await expectCode(s.getTrials(st.id), 'E_STORAGE');
      await expectCode(s.getStudy('study'), 'E_STORAGE');
    });
  });
}
