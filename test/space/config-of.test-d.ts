import { describe, expectTypeOf, it } from 'vitest';
import { categorical, choice, float, int, space, type ConfigOf } from '../../src/space/index.js';

describe('ConfigOf', () => {
  it('infers leaf types', () => {
    const s = space({ x: float(0, 1), n: int(1, 5), c: categorical(['a', 'b']), flag: categorical([true, false]), k: categorical([1, 2, 3]) });
    expectTypeOf<ConfigOf<typeof s>>().toEqualTypeOf<{ readonly x: number; readonly n: number; readonly c: 'a' | 'b'; readonly flag: boolean; readonly k: 1 | 2 | 3 }>();
  });

  it('infers conditional choices as a discriminated union', () => {
    const s = space({
      model: choice({ rf: { trees: int(10, 100), crit: categorical(['gini', 'entropy']) }, lr: { C: float(0.01, 10) }, dummy: {} }),
      prep: { scaler: categorical(['std', 'none']) },
    });
    type C = ConfigOf<typeof s>;
    expectTypeOf<C['model']>().toEqualTypeOf<
      | { readonly type: 'rf'; readonly trees: number; readonly crit: 'gini' | 'entropy' }
      | { readonly type: 'lr'; readonly C: number }
      | { readonly type: 'dummy' }
    >();
    expectTypeOf<C['prep']>().toEqualTypeOf<{ readonly scaler: 'std' | 'none' }>();
    const narrow = (c: C): number => (c.model.type === 'rf' ? c.model.trees : c.model.type === 'lr' ? c.model.C : 0);
    expectTypeOf(narrow).returns.toBeNumber();
  });

  it('types study.ask() configurations', () => {
    const s = space({ x: float(-5, 10), y: float(0, 15) });
    expectTypeOf(s.build).returns.toEqualTypeOf<{ readonly x: number; readonly y: number }>();
  });
});
