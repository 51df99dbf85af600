import { describe, expect, it } from 'vitest';
import { categorical, choice, float, int, space, Space } from '../../src/space/index.js';
import { isAutomlError } from '../../src/util/errors.js';
import { createRng } from '../../src/util/rng.js';

const model = space({
  lr: float(1e-4, 1, { log: true }),
  depth: int(1, 12),
  model: choice({
    rf: { n_estimators: int(10, 500, { log: true }), criterion: categorical(['gini', 'entropy']) },
    lr: { C: float(1e-3, 1e3, { log: true }) },
    none: {},
  }),
  prep: { scaler: categorical(['standard', 'none']) },
});

describe('dimensions', () => {
  it('round-trips every value through encode/decode', () => {
    const rng = createRng(1);
    const dims = [float(-5, 10), float(1e-5, 1, { log: true }), float(0, 1, { step: 0.1 }), int(1, 9), int(1, 1000, { log: true }), int(0, 20, { step: 5 }), categorical(['a', 'b', 3, true])];
    for (const d of dims) {
      for (let i = 0; i < 200; i++) {
        const v = d.decode(rng.next());
        expect(d.contains(v)).toBe(true);
        const u = d.encode(v as never);
        expect(u).toBeGreaterThanOrEqual(0);
        expect(u).toBeLessThanOrEqual(1);
        if (d.kind !== 'float' || (d as ReturnType<typeof float>).step !== undefined) expect(d.decode(u)).toBe(v);
        else expect(d.decode(u)).toBeCloseTo(v as number, 9);
      }
    }
  });

  it('log-uniform sampling spreads over orders of magnitude', () => {
    const d = float(1e-4, 1, { log: true });
    const rng = createRng(7);
    const below = Array.from({ length: 2000 }, () => d.decode(rng.next())).filter((v) => v < 1e-2).length;
    expect(below / 2000).toBeGreaterThan(0.4);
    expect(below / 2000).toBeLessThan(0.6);
  });

  it('int log decodes every integer reachable, including the bounds', () => {
    const d = int(1, 8, { log: true });
    const seen = new Set<number>();
    for (let u = 0; u <= 1; u += 0.001) seen.add(d.decode(u));
    expect([...seen].sort((a, b) => a - b)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('stepped floats stay on the step lattice without float noise', () => {
    const d = float(0, 1, { step: 0.1 });
    expect(d.grid()).toEqual([0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1]);
    expect(d.decode(0.31)).toBe(0.3);
  });

  it.each([
    [() => float(2, 1), /low \(2\) is greater than high \(1\)/],
    [() => float(0, 1, { log: true }), /log scale needs low > 0/],
    [() => int(1.5, 3), /must be integers/],
    [() => float(0, Number.NaN), /finite number/],
    [() => float(0, 1, { step: -1 }), /step must be a positive/],
    [() => float(1, 2, { step: 0.1, log: true }), /cannot be combined/],
    [() => categorical([]), /at least one choice/],
    [() => categorical(['a', 'a']), /duplicate choice "a"/],
  ])('rejects bad dimensions with E_SPACE (%#)', (make, msg) => {
    try {
      make();
      expect.unreachable();
    } catch (e) {
      expect(isAutomlError(e, 'E_SPACE')).toBe(true);
      expect((e as Error).message).toMatch(msg);
    }
  });
});

describe('space', () => {
  it('flattens parents before children with branch conditions', () => {
    expect(model.params.map((p) => p.name)).toEqual(['lr', 'depth', 'model', 'model.rf.n_estimators', 'model.rf.criterion', 'model.lr.C', 'prep.scaler']);
    expect(model.param('model.lr.C')!.condition).toEqual({ name: 'model', branch: 'lr' });
    expect(model.param('model')!.isBranch).toBe(true);
  });

  it('builds nested configs and flattens them back', () => {
    const flat = { lr: 0.01, depth: 3, model: 'rf', 'model.rf.n_estimators': 100, 'model.rf.criterion': 'gini', 'prep.scaler': 'none' };
    const config = model.build(flat);
    expect(config).toEqual({ lr: 0.01, depth: 3, model: { type: 'rf', n_estimators: 100, criterion: 'gini' }, prep: { scaler: 'none' } });
    expect(model.flatten(config)).toEqual(flat);
    expect(model.build({ lr: 0.5, depth: 1, model: 'none', 'prep.scaler': 'standard' }).model).toEqual({ type: 'none' });
  });

  it('validate names the parameter that is wrong', () => {
    const ok = { lr: 0.01, depth: 3, model: 'lr', 'model.lr.C': 1, 'prep.scaler': 'none' };
    expect(() => model.validate(ok)).not.toThrow();
    expect(() => model.validate({ ...ok, depth: 13 })).toThrow(/'depth' = 13 is outside/);
    expect(() => model.validate({ ...ok, 'model.rf.criterion': 'gini' })).toThrow(/'model.rf.criterion' is set but its branch is not chosen/);
    expect(() => model.validate({ ...ok, extra: 1 })).toThrow(/unknown parameter 'extra'/);
    const { ['model.lr.C']: _, ...missing } = ok;
    expect(() => model.validate(missing)).toThrow(/'model.lr.C' is missing/);
    expect(() => model.flatten({ ...model.build(ok), model: { type: 'svm' } } as never)).toThrow(/must be one of \["rf","lr","none"\], got "svm"/);
  });

  it('round-trips through its JSON form', () => {
    const json = model.toJSON();
    expect(JSON.parse(JSON.stringify(json))).toEqual(json);
    expect((json.model as { type: string }).type).toBe('choice');
    expect((json.prep as { type: string }).type).toBe('group');
  });

  it('rejects reserved and malformed names', () => {
    expect(() => space({ 'a.b': float(0, 1) })).toThrow(/contain no '\.'/);
    expect(() => space({ x: choice({ a: { type: float(0, 1) } }) })).toThrow(/reserved for the branch name/);
    expect(() => space({})).toThrow(/no parameters/);
    expect(() => space({ x: 3 as never })).toThrow(/expected float\(\), int\(\), categorical\(\), choice\(\)/);
    expect(() => new Space(JSON.parse('{"__proto__": 1}'))).toThrow(/no parameters|not allowed/);
    expect(() => space(JSON.parse('{"constructor": {}}') as never)).toThrow(/'constructor' is not allowed/);
  });

  it('isActive follows nested choices', () => {
    const nested = space({ a: choice({ x: { b: choice({ y: { c: int(0, 3) }, z: {} }) }, w: {} }) });
    const c = nested.param('a.x.b.y.c')!;
    expect(c.condition).toEqual({ name: 'a.x.b', branch: 'y' });
    expect(Space.isActive(c, { a: 'x', 'a.x.b': 'y' })).toBe(true);
    expect(Space.isActive(nested.param('a.x.b')!, { a: 'w' })).toBe(false);
  });
});
