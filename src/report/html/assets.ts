/**
 * The scripts a page inlines: ECharts, read when the page is generated (nothing is fetched from a
 * CDN), and our browser code, joined from the compiled files of `client/`. The build copies
 * ECharts' one minified file (and its Apache-2.0 licence) into dist/vendor/, so the installed
 * package does not carry the 60 MB echarts package for one 1 MB file.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { AutomlError } from '../../util/errors.js';
import { compiledModule } from '../../util/package-paths.js';

const cache = new Map<string, string>();

/** Path of the minified ECharts build the pages use. */
export function echartsPath(): string {
  const vendored = fileURLToPath(new URL('../../vendor/echarts.min.js', import.meta.url));
  if (existsSync(vendored)) return vendored;
  let main: string;
  try {
    main = createRequire(import.meta.url).resolve('echarts');
  } catch {
    throw new AutomlError('E_CONFIG', 'dist/vendor/echarts.min.js is missing and the echarts package is not installed; run `npm run build` (or `npm install`) in the automl folder');
  }
  return join(dirname(main), 'echarts.min.js');
}

/** The minified ECharts library. */
export function echartsSource(): string {
  const path = echartsPath();
  let text = cache.get(path);
  if (text === undefined) cache.set(path, (text = readFileSync(path, 'utf8')));
  return text;
}

/**
 * One script from the compiled browser modules `names` (in dependency order, under
 * dist/report/html/client/): the imports between them are dropped and their exports become plain
 * declarations inside one function scope, so nothing leaks into the page's globals.
 */
export function clientBundle(names: readonly string[]): string {
  const key = names.join(',');
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const parts = names.map((name) => {
    const file = compiledModule(`report/html/client/${name}.js`);
    const lines = readFileSync(file, 'utf8').split('\n');
    const kept = lines
      .filter((l) => !/^import .* from '\.\/[a-z-]+\.js';$/.test(l) && !/^export \{\};$/.test(l) && !l.startsWith('//# sourceMappingURL='))
      .map((l) => l.replace(/^export (function|const|let|class|async function) /, '$1 '));
    const stray = kept.find((l) => /^(import|export)\b/.test(l));
    if (stray !== undefined) throw new AutomlError('E_INTERNAL', `${file}: browser code may only import sibling client modules; cannot inline: ${stray}`, { file });
    return `// ${name}\n${kept.join('\n')}`;
  });
  const text = `(function () {\n'use strict';\n${parts.join('\n')}\n})();\n`;
  cache.set(key, text);
  return text;
}

/** The browser modules of the offline report page. */
export const REPORT_MODULES = ['dom', 'study-charts', 'final-charts', 'render', 'report-entry'] as const;
