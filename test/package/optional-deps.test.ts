/**
 * TensorFlow.js and pg are optional peer dependencies: importing automl must not need them, and the
 * features that do must say what to install. The child processes below run the built package
 * (dist/) with a resolve hook that makes those packages unresolvable, as in a default install.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importOptional, isMissingPackage } from '../../src/util/optional-import.js';
import { isAutomlError } from '../../src/util/errors.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const HOOK = fileURLToPath(new URL('./fixtures/hide-optional.mjs', import.meta.url));
const PG = { specifier: 'pg', neededBy: 'PostgreSQL storage needs the pg package', install: ['pg'] };

function notFound(message: string, code = 'ERR_MODULE_NOT_FOUND'): Error {
  return Object.assign(new Error(message), { code });
}

/** Runs an ES module body, with `automl` bound to dist/index.js, in a child process where the optional packages are hidden. */
function runHidden(body: string): { stdout: string; stderr: string; status: number | null } {
  const script = `const automl = await import(${JSON.stringify(new URL('dist/index.js', `file://${ROOT}`).href)});\n${body}`;
  const r = spawnSync(process.execPath, ['--import', HOOK, '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
  return { stdout: r.stdout, stderr: r.stderr, status: r.status };
}

describe('importOptional', () => {
  it('turns "cannot find the package" into E_MISSING_DEPENDENCY with the install command', async () => {
    const err = await importOptional(PG, () => Promise.reject(notFound("Cannot find package 'pg' imported from /x/y.js"))).catch((e: unknown) => e);
    expect(isAutomlError(err, 'E_MISSING_DEPENDENCY')).toBe(true);
    expect((err as Error).message).toBe('PostgreSQL storage needs the pg package: npm install pg');
    expect((err as Error).cause).toBeInstanceOf(Error);
  });

  it('recognises the CommonJS form of the error too', () => {
    expect(isMissingPackage(notFound("Cannot find module 'pg'\nRequire stack:\n- /x.js", 'MODULE_NOT_FOUND'), 'pg')).toBe(true);
  });

  it('rethrows other failures unchanged: a broken install, or a dependency of the package missing', async () => {
    const broken = new SyntaxError('Unexpected token');
    await expect(importOptional(PG, () => Promise.reject(broken))).rejects.toBe(broken);
    const inner = notFound("Cannot find package 'pg-types' imported from /node_modules/pg/lib/index.js");
    await expect(importOptional(PG, () => Promise.reject(inner))).rejects.toBe(inner);
  });

  it('returns the module when it loads', async () => {
    const mod = { value: 1 };
    expect(await importOptional(PG, () => Promise.resolve(mod))).toBe(mod);
  });
});

describe('without the optional packages (built package, packages hidden)', () => {
  it('the hook really hides them', () => {
    const r = runHidden(`await import('pg').then(() => console.log('found'), (e) => console.log(e.code));`);
    expect(r.stdout.trim()).toBe('ERR_MODULE_NOT_FOUND');
  });

  it('imports, and lists mlp among the models', () => {
    const r = runHidden(`console.log(automl.listModels().map((m) => m.name).join(','));`);
    expect(r.stderr).toBe('');
    expect(r.stdout.split(',')).toContain('mlp');
  });

  it('fitting an mlp says to install TensorFlow.js', () => {
    const r = runHidden(`
      const est = automl.getModel('mlp').create({ epochs: 1 }, { task: 'regression', nClasses: 0, seed: 0 });
      const X = { rows: 4, cols: 1, data: new Float64Array([0, 1, 2, 3]) };
      await est.fit(X, new Float64Array([0, 1, 2, 3])).then(() => console.log('fitted'), (e) => console.log(e.code + ' ' + e.message));
      await automl.tfBackendName().catch((e) => console.log(e.code));`);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim().split('\n')).toEqual([
      'E_MISSING_DEPENDENCY the mlp model family needs TensorFlow.js: npm install @tensorflow/tfjs @tensorflow/tfjs-backend-wasm',
      'E_MISSING_DEPENDENCY',
    ]);
  });

  it('opening PostgreSQL storage says to install pg, naming the URL without its password', () => {
    const r = runHidden(`
      await automl.openStorage('postgresql://me:secret@localhost:1/db').then(() => console.log('opened'), (e) => console.log(e.code + ' ' + e.message));`);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('E_MISSING_DEPENDENCY PostgreSQL storage (postgresql://me:***@localhost:1/db) needs the pg package: npm install pg');
  });

  it('the CLI help lists mlp with its extra install', () => {
    const r = spawnSync(process.execPath, ['--import', HOOK, 'dist/cli/main.js', 'search', '--help'], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    const help = r.stdout.replace(/\s+/g, ' ');
    expect(help).toMatch(/known: [a-z_, ]*\bmlp\b/);
    expect(help).toContain('mlp needs an extra install: npm install @tensorflow/tfjs @tensorflow/tfjs-backend-wasm');
  });
});
