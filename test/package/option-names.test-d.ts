import { expectTypeOf, test } from 'vitest';
import type { CustomModel, MetricName, ModelName, SearchOptions, StrategyName } from '../../src/index.js';

test('metric, strategy and models are string-literal unions', () => {
  expectTypeOf<SearchOptions['metric']>().toEqualTypeOf<MetricName | undefined>();
  expectTypeOf<SearchOptions['models']>().toEqualTypeOf<readonly (ModelName | CustomModel)[] | undefined>();
  expectTypeOf<'accuracy'>().toExtend<MetricName>();
  expectTypeOf<'acuracy'>().not.toExtend<MetricName>();
  expectTypeOf<'gradient_boosting'>().toExtend<ModelName>();
  expectTypeOf<'gradient_bosting'>().not.toExtend<ModelName>();
  // Samplers can be registered by name, so any string is a strategy; the built-ins stay suggested.
  expectTypeOf<'tpe'>().toExtend<StrategyName>();
  expectTypeOf<'my_sampler'>().toExtend<StrategyName>();
});

test('a misspelt option value is a compile error', () => {
  const base = { data: 'x.csv', target: 'y' } as const;
  // @ts-expect-error 'acuracy' is not a metric
  const a: SearchOptions = { ...base, metric: 'acuracy' };
  // @ts-expect-error 'xgboost' is not a built-in model family (custom ones are CustomModel objects)
  const b: SearchOptions = { ...base, models: ['xgboost'] };
  const c: SearchOptions = { ...base, metric: 'roc_auc', strategy: 'gp', models: ['mlp', { name: 'mine', module: './m.mjs', space: {} }] };
  expectTypeOf([a, b, c]).toEqualTypeOf<SearchOptions[]>();
});
