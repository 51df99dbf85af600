/**
 * A family's default space in the JSON space format (`search-spaces/<name>.json`), as data and as
 * the file's text. The files are generated from the descriptors (`npm run spaces`) and a test
 * compares them byte for byte, so the descriptors stay the one place where a space is written.
 * Plain data only: this module knows the JSON format, not the space classes.
 */
import { AutomlError } from '../util/errors.js';
import { SPACE_SCHEMA_REF } from '../util/package-paths.js';
import type { FamilySpace, ModelFamily } from './descriptor.js';
import { declOf } from './hyperparams.js';
import type { ParamDecls } from './hyperparams.js';

/** One searched parameter in the JSON space format. */
export type FamilyDimensionJSON =
  | { type: 'int' | 'float'; low: number; high: number; log?: true }
  | { type: 'categorical'; choices: (string | boolean)[] };

/** The family's default space as JSON: parameter name to dimension, in the space's order. */
export function familySpaceJSON(family: ModelFamily): Record<string, FamilyDimensionJSON> {
  const out: Record<string, FamilyDimensionJSON> = {};
  for (const [name, entry] of Object.entries(family.space.params as Record<string, Record<string, unknown>>)) {
    const decl = declOf(family.params, name);
    if (!decl) throw new AutomlError('E_CONFIG', `model "${family.name}": its default space names the undeclared parameter "${name}"`, { model: family.name, param: name });
    if (decl.kind === 'int' || decl.kind === 'float') {
      const log = (entry['log'] as boolean | undefined) ?? decl.log ?? false;
      out[name] = { type: decl.kind, low: entry['low'] as number, high: entry['high'] as number, ...(log ? { log: true as const } : {}) };
    } else {
      const choices = (entry['choices'] as (string | boolean)[] | undefined) ?? (decl.kind === 'bool' ? [true, false] : decl.choices);
      out[name] = { type: 'categorical', choices: [...choices] };
    }
  }
  return out;
}

/**
 * A float bound as the space files write it: small whole numbers keep a ".0" so that they read as
 * reals next to the integer ranges ("high": 1.0), and a family may write its small bounds as
 * exponents ("low": 1e-4) where orders of magnitude are the point.
 */
function floatText(x: number, notation: FamilySpace<ParamDecls>['notation']): string {
  if (notation === 'exponent' && x !== 0 && Math.abs(x) < 1) return x.toExponential();
  if (Number.isInteger(x) && Math.abs(x) < 10) return x.toFixed(1);
  return JSON.stringify(x);
}

/**
 * The text of `search-spaces/<name>.json`: `$schema` (the JSON Schema, for editors), a `$comment`,
 * then one line per searched parameter.
 */
export function familySpaceFile(family: ModelFamily): string {
  const notation = family.space.notation;
  const lines = [`  "$schema": ${JSON.stringify(SPACE_SCHEMA_REF)}`, `  "$comment": ${JSON.stringify(family.space.comment)}`];
  for (const [name, dim] of Object.entries(familySpaceJSON(family))) {
    let body: string;
    if (dim.type === 'categorical') body = `"type": "categorical", "choices": [${dim.choices.map((c) => JSON.stringify(c)).join(', ')}]`;
    else {
      const num = (x: number): string => (dim.type === 'int' ? JSON.stringify(x) : floatText(x, notation));
      body = `"type": "${dim.type}", "low": ${num(dim.low)}, "high": ${num(dim.high)}${dim.log ? ', "log": true' : ''}`;
    }
    lines.push(`  ${JSON.stringify(name)}: { ${body} }`);
  }
  return `{\n${lines.join(',\n')}\n}\n`;
}
