import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AutomlError, messageOf } from './errors.js';

/** The package root (the folder holding package.json, search-spaces/ and datasets/). */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

let version: string | undefined;

/**
 * The `version` field of this package's package.json, read once: the one place the version is
 * written, so `automl --version` cannot disagree with what npm installed.
 * @throws AutomlError('E_INTERNAL') when package.json is missing or has no version string.
 */
export function packageVersion(): string {
  if (version !== undefined) return version;
  const file = join(PACKAGE_ROOT, 'package.json');
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    throw new AutomlError('E_INTERNAL', `cannot read the package manifest ${file}: ${messageOf(e)}`, { file }, { cause: e });
  }
  const v = (parsed as { version?: unknown } | null)?.version;
  if (typeof v !== 'string' || v === '') throw new AutomlError('E_INTERNAL', `the package manifest ${file} has no version`, { file, value: v });
  version = v;
  return v;
}

/**
 * The compiled JavaScript file for a module of this package, as a file path: worker threads run
 * plain Node and cannot load TypeScript, so modules they import are always taken from `dist/`.
 * `relative` is the path under `src/` or `dist/`, e.g. `automl/worker/objective.js`.
 */
export function compiledModule(relative: string): string {
  const path = fileURLToPath(new URL(`dist/${relative}`, new URL('../../', import.meta.url)));
  if (!existsSync(path)) {
    throw new AutomlError('E_CONFIG', `the compiled module ${path} does not exist; run \`npm run build\` first`, { file: path });
  }
  return path;
}
