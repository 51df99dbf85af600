/**
 * Loading of the optional packages (TensorFlow.js for the `mlp` family, `pg` for PostgreSQL
 * storage). They are optional peer dependencies, so a default install stays small; a feature that
 * needs one imports it on first use through {@link importOptional}, which turns "module not found"
 * into an error that says what to install.
 */
import { AutomlError } from './errors.js';

/** An optional package: who needs it and what to install, for the error raised when it is missing. */
export interface OptionalPackage {
  /** The specifier the loader imports, e.g. `pg`; a resolution failure naming it means "not installed". */
  readonly specifier: string;
  /** The feature and what it needs, e.g. `the mlp model family needs TensorFlow.js`. */
  readonly neededBy: string;
  /** The packages to install for the feature, e.g. `['pg']`. */
  readonly install: readonly string[];
}

/**
 * True when `e` is Node's "cannot find package" error for `specifier` itself (ESM:
 * ERR_MODULE_NOT_FOUND, CommonJS: MODULE_NOT_FOUND). A package that is installed but fails to load,
 * or lacks one of its own dependencies, is a different problem and is not reported as missing.
 */
export function isMissingPackage(e: unknown, specifier: string): boolean {
  if (!(e instanceof Error)) return false;
  const code = (e as { code?: unknown }).code;
  if (code !== 'ERR_MODULE_NOT_FOUND' && code !== 'MODULE_NOT_FOUND') return false;
  return e.message.includes(`'${specifier}'`) || e.message.includes(`"${specifier}"`);
}

/** The E_MISSING_DEPENDENCY error for `pkg`: what needs it and the exact command that installs it. */
export function missingDependencyError(pkg: OptionalPackage, cause?: unknown): AutomlError {
  return new AutomlError(
    'E_MISSING_DEPENDENCY',
    `${pkg.neededBy}: npm install ${pkg.install.join(' ')}`,
    { value: pkg.specifier, packages: [...pkg.install] },
    { cause },
  );
}

/**
 * Runs `load` (a thunk around a literal `import()`, so that type checkers and bundlers still see
 * the specifier) and returns the module. Throws E_MISSING_DEPENDENCY, naming the npm command, when
 * `pkg.specifier` is not installed; any other failure is rethrown unchanged.
 */
export async function importOptional<M>(pkg: OptionalPackage, load: () => Promise<M>): Promise<M> {
  try {
    return await load();
  } catch (e) {
    if (isMissingPackage(e, pkg.specifier)) throw missingDependencyError(pkg, e);
    throw e;
  }
}
