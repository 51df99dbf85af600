import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { adapterModels } from '../../src/models/registry.js';

interface Dim {
  type: 'int' | 'float' | 'categorical';
  low?: number;
  high?: number;
  log?: boolean;
  choices?: unknown[];
}

describe('search-spaces for the adapters', () => {
  for (const spec of adapterModels) {
    it(`${spec.name}.json names only valid params and every extreme value is accepted`, () => {
      const json = JSON.parse(readFileSync(new URL(`../../search-spaces/${spec.name}.json`, import.meta.url), 'utf8')) as Record<string, Dim | string>;
      const dims = Object.entries(json).filter(([k]) => !k.startsWith('$')) as [string, Dim][];
      expect(dims.length).toBeGreaterThan(0);
      const task = spec.tasks[0]!;
      const ctx = { task, nClasses: task === 'classification' ? 2 : 0, seed: 1 };
      for (const [name, dim] of dims) {
        const values = dim.type === 'categorical' ? dim.choices! : [dim.low!, dim.high!];
        if (dim.type !== 'categorical') {
          expect(dim.low!).toBeLessThan(dim.high!);
          if (dim.log) expect(dim.low!).toBeGreaterThan(0);
        }
        for (const v of values) expect(() => spec.create({ [name]: v }, ctx), `${name}=${String(v)}`).not.toThrow();
      }
    });
  }
});
