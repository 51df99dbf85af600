/**
 * Where the compiled worker entry lives. Worker threads run plain Node, which cannot load the
 * TypeScript sources, so the pool always starts `dist/worker/entry.js`: beside this module when
 * running from `dist/`, and mapped from `src/` to `dist/` when this module is itself loaded from
 * the sources (vitest, ts loaders). `npm test` builds first, so the mapped file exists there.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { AutomlError } from '../util/errors.js';

/**
 * The file path of the worker entry for a coordinator module at `from` (default: this module).
 * @throws AutomlError `E_CONFIG` when that file is missing (from sources: `npm run build` was not run).
 */
export function resolveWorkerEntry(from: string = import.meta.url): string {
  const beside = new URL('../worker/entry.js', from);
  const suffix = '/src/worker/entry.js';
  let entry = beside;
  if (beside.pathname.endsWith(suffix)) {
    // Loaded from the TypeScript sources: use the same file under the package's dist/.
    entry = new URL(beside.href);
    entry.pathname = `${beside.pathname.slice(0, -suffix.length)}/dist/worker/entry.js`;
  }
  const path = fileURLToPath(entry);
  if (!existsSync(path)) {
    throw new AutomlError(
      'E_CONFIG',
      `the worker pool needs the compiled worker entry ${path}, which does not exist (worker threads run plain Node ` +
        `and cannot load the TypeScript sources); run \`npm run build\` first`,
      { file: path },
    );
  }
  return path;
}
