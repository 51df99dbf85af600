import { describe, expectTypeOf, it } from 'vitest';
import type { KnnParams } from '../../src/models/knn.js';
import type { GradientBoostingParams } from '../../src/models/fast/gradient-boosting.js';
import type { ModelFamily } from '../../src/models/descriptor.js';
import { knnFamily } from '../../src/models/knn.js';

describe('typed params', () => {
  it('are inferred from the declarations', () => {
    expectTypeOf<KnnParams>().toEqualTypeOf<{ readonly n_neighbors: number; readonly weights: 'uniform' | 'distance'; readonly metric: 'euclidean' | 'manhattan' }>();
    expectTypeOf<GradientBoostingParams['early_stopping']>().toEqualTypeOf<'auto' | 'on' | 'off'>();
    expectTypeOf<GradientBoostingParams['learning_rate']>().toEqualTypeOf<number>();
  });

  it("reach the family's create", () => {
    expectTypeOf(knnFamily.create).parameter(0).toEqualTypeOf<KnnParams>();
    expectTypeOf(knnFamily).toMatchTypeOf<ModelFamily>();
  });
});
