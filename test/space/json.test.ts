import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadSpaceFile, spaceFromJSON, float, int, space, choice, categorical } from '../../src/space/index.js';
import { isAutomlError } from '../../src/util/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'automl-space-'));
function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

function expectSpaceError(fn: () => unknown, ...parts: (string | RegExp)[]): void {
  try {
    fn();
    expect.unreachable('expected an error');
  } catch (e) {
    expect(isAutomlError(e), String(e)).toBe(true);
    for (const p of parts) expect((e as Error).message).toMatch(p);
  }
}

describe('search spaces as JSON', () => {
  it('loads a conditional space and matches the DSL form', () => {
    const dsl = space({
      model: choice({ rf: { n: int(10, 100, { log: true }), crit: categorical(['gini', 'entropy']) }, lr: { C: float(0.001, 10, { log: true }) } }),
      prep: { scale: categorical([true, false]) },
    });
    const p = file('ok.json', JSON.stringify(dsl.toJSON(), null, 2));
    const loaded = loadSpaceFile(p);
    expect(loaded.toJSON()).toEqual(dsl.toJSON());
    expect(loaded.params.map((x) => x.name)).toEqual(dsl.params.map((x) => x.name));
  });

  it.each([
    ['low > high', '{"x": {"type": "float", "low": 5, "high": 1}}', ['$.x', 'low (5) is greater than high (1)']],
    ['log with low <= 0', '{"x": {"type": "float", "low": 0, "high": 1, "log": true}}', ['$.x.low', 'log scale needs low > 0']],
    ['empty categorical', '{"a": {"type": "group", "params": {"c": {"type": "categorical", "choices": []}}}}', ['$.a.params.c.choices', 'is empty']],
    ['unknown kind', '{"x": {"type": "uniform", "low": 0, "high": 1}}', ['$.x.type', 'unknown kind "uniform"']],
    ['__proto__ key', '{"__proto__": {"type": "float", "low": 0, "high": 1}}', ["key '__proto__' is not allowed"]],
    ['nested __proto__', '{"m": {"type": "choice", "branches": {"a": {"__proto__": {}}}}}', ['$.m.branches.a.__proto__', 'not allowed']],
    ['typo key', '{"x": {"type": "int", "lo": 0, "high": 1}}', ["$.x.lo", "unknown key 'lo'", "did you mean 'low'"]],
    ['string bound', '{"x": {"type": "int", "low": "0", "high": 1}}', ['$.x.low', 'must be a finite number, got "0"']],
    ['not an object', '[1,2]', ['$', 'expected an object']],
    ['empty space', '{}', ['no parameters']],
    ['empty branches', '{"m": {"type": "choice", "branches": {}}}', ['$.m.branches', 'is empty']],
    ['bad choice value', '{"c": {"type": "categorical", "choices": ["a", null]}}', ['$.c.choices[1]', 'got null']],
    ['non-integer int bound', '{"x": {"type": "int", "low": 0.5, "high": 3}}', ['$.x', 'must be integers']],
  ])('rejects %s naming the file and JSON path', (_label, text, parts) => {
    const p = file(`bad-${_label.replace(/\W+/g, '-')}.json`, text);
    expectSpaceError(() => loadSpaceFile(p), p, ...parts);
  });

  it('rejects deep nesting', () => {
    let json: unknown = { x: { type: 'float', low: 0, high: 1 } };
    for (let i = 0; i < 40; i++) json = { g: { type: 'group', params: json } };
    expectSpaceError(() => spaceFromJSON(json, 'deep.json'), 'deep.json', 'deeper than');
  });

  it('reports invalid JSON with line and column', () => {
    const p = file('broken.json', '{\n  "x": {"type": "float", "low": 0,, "high": 1}\n}');
    expectSpaceError(() => loadSpaceFile(p), p, /invalid JSON at line 2, column \d+/);
  });

  it('reports a missing file and refuses huge files', () => {
    try {
      loadSpaceFile(join(dir, 'nope.json'));
      expect.unreachable();
    } catch (e) {
      expect(isAutomlError(e, 'E_FILE_NOT_FOUND')).toBe(true);
    }
    const big = file('big.json', `{"x": {"type": "float", "low": 0, "high": 1}, "pad": "${'a'.repeat(6 * 1024 * 1024)}"}`);
    expectSpaceError(() => loadSpaceFile(big), big, 'too large');
  });
});
