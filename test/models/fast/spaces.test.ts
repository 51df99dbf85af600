/** The fast learners' search-space files parse, and the corners of each space are valid params. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { spaceFromJSON } from '../../../src/space/json.js';
import { fastModels } from '../../../src/models/fast/index.js';

describe('search-spaces for the fast learners', () => {
  for (const spec of fastModels) {
    it(`${spec.name}.json parses and its bounds are accepted by create()`, () => {
      const file = new URL(`../../../search-spaces/${spec.name}.json`, import.meta.url);
      const json = JSON.parse(readFileSync(file, 'utf8')) as Record<string, { type: string; low?: number; high?: number; choices?: unknown[] }>;
      expect(() => spaceFromJSON(json, file.pathname)).not.toThrow();
      const task = spec.tasks[0]!;
      const ctx = { task, nClasses: task === 'classification' ? 2 : 0, seed: 0 };
      // Every corner of the space (all lows, all highs, each choice) must be a valid config.
      for (const pick of ['low', 'high'] as const) {
        const params: Record<string, unknown> = {};
        for (const [name, dim] of Object.entries(json)) {
          if (name.startsWith('$')) continue;
          params[name] = dim.type === 'categorical' ? dim.choices![pick === 'low' ? 0 : dim.choices!.length - 1] : dim[pick];
        }
        expect(() => spec.create(params, ctx)).not.toThrow();
      }
    });
  }
});
