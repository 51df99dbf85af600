import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AutomlError } from './errors.js';

/** The package root (the folder holding package.json, search-spaces/ and datasets/). */
export const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));

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
