/**
 * Model plugin references: which module specifiers may be imported, and the check that the
 * plugins a person names for `resume` / `worker` are the ones the study recorded. A study's
 * stored settings are untrusted data: nothing read from storage is ever passed to `import()`.
 */
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { AutomlError, show } from '../../util/errors.js';
import type { ModelPluginRef } from './data.js';

/**
 * The `file:` URL a plugin module is imported from: an absolute path or a `file:` URL as is, a
 * relative path resolved against the current folder. Any other scheme (`data:`, `http:`, `node:`,
 * `blob:`...) is refused with E_MODEL: a plugin must be a file the user can read.
 */
export function pluginSpecifier(module: string): string {
  if (typeof module !== 'string' || module === '' || module.includes('\0')) {
    throw new AutomlError('E_MODEL', `model module ${show(module)} is not a file path`, { value: module });
  }
  if (/^file:/i.test(module)) {
    try {
      return pathToFileURL(fileURLToPath(module)).href;
    } catch {
      throw new AutomlError('E_MODEL', `model module ${show(module)} is not a valid file: URL`, { value: module });
    }
  }
  // Anything else with a URL scheme of two or more letters is not a file (one letter would be a Windows drive).
  if (/^[a-z][a-z0-9+.-]+:/i.test(module) && !isAbsolute(module)) {
    throw new AutomlError('E_MODEL', `model module ${show(module.slice(0, 80))} is not a file: only file paths and file: URLs are imported`, { value: module.slice(0, 200) });
  }
  return pathToFileURL(resolve(module)).href;
}

function key(p: ModelPluginRef): string {
  return `${pluginSpecifier(p.module)}#${p.exportName ?? 'default'}`;
}

function describe(list: readonly ModelPluginRef[]): string {
  if (list.length === 0) return 'none';
  return list.map((p) => `${show(p.module.length > 120 ? p.module.slice(0, 120) + '...' : p.module)}${p.exportName ? ` (export ${p.exportName})` : ''}`).join(', ');
}

/**
 * The plugins to import for a stored study: the ones the person running the command named
 * (`given`, paths or `{ module, exportName }`), after checking that they resolve to the same
 * files and exports as those the study recorded (`stored`). The stored values are only compared,
 * never imported. Throws E_STUDY_MISMATCH listing both lists when they differ, or when a stored
 * entry is not a file at all (a planted `data:` URL, say).
 */
export function confirmPlugins(study: string, stored: readonly ModelPluginRef[], given: readonly (string | ModelPluginRef)[]): ModelPluginRef[] {
  const mine: ModelPluginRef[] = given.map((g) => {
    const ref = typeof g === 'string' ? { module: g } : g;
    const module = pluginSpecifier(ref.module);
    return ref.exportName !== undefined ? { module, exportName: ref.exportName } : { module };
  });
  const storedKeys: string[] = [];
  let unsafe = false;
  for (const p of stored) {
    try {
      storedKeys.push(key(p));
    } catch {
      unsafe = true;
    }
  }
  const givenKeys = mine.map(key);
  const same = !unsafe && storedKeys.length === givenKeys.length && [...storedKeys].sort().every((k, i) => k === [...givenKeys].sort()[i]);
  if (!same) {
    const hint = unsafe
      ? 'the study records a model module that is not a file (refused: a study database must never run code); do not resume this study'
      : stored.length > 0
        ? `name them again with --plugin <module> (one flag per module), as the study recorded them`
        : 'the study uses no model modules; drop --plugin';
    throw new AutomlError(
      'E_STUDY_MISMATCH',
      `study '${study}' expects model modules ${describe(stored)}, but this command names ${describe(mine)}; ${hint}`,
      { param: 'plugins' },
    );
  }
  return mine;
}
