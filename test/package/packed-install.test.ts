/**
 * The package as users get it: `npm pack`, then `npm install` of the tarball into a scratch project
 * (registry access for the dependencies; `--prefer-offline` takes them from the npm cache when it
 * can). Checks the installed size, that a strict TypeScript consumer compiles against the published
 * types, and that the installed CLI and library run without the optional packages.
 *
 * Needs dist/ (built by `npm test`). better-sqlite3's install script is skipped and its compiled
 * addon copied from this project's own install (the scratch project is pinned to the same version):
 * compiling SQLite again takes minutes, and users get the same single prebuilt file.
 */
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/** The installed size a default install must stay under (issue #22). */
const MAX_INSTALLED_MB = 60;

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  version: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
};

let dir = '';
let app = '';
let installed = '';

/** Environment for child npm runs: without the variables an outer `npm test` sets for this project. */
function childEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_(package_|lifecycle_|command$|config_local_prefix$|config_call$)/.test(k) || k === 'INIT_CWD') continue;
    env[k] = v;
  }
  return env;
}

function run(cmd: string, args: readonly string[], cwd: string): string {
  const r = spawnSync(cmd, args, { cwd, env: childEnv(), encoding: 'utf8', timeout: 480_000, maxBuffer: 64 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) failed with ${r.status ?? r.signal}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

function filesUnder(folder: string, suffix: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith(suffix))
    .map((f) => join(folder, f));
}

beforeAll(() => {
  if (!existsSync(join(ROOT, 'dist/index.js'))) throw new Error('dist/ is missing: run `npm run build` (npm test does) first');
  dir = mkdtempSync(join(tmpdir(), 'automl-package-'));
  const packed = (JSON.parse(run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', dir], ROOT)) as { filename: string }[])[0]!.filename;
  app = join(dir, 'app');
  mkdirSync(app);
  const sqlite = join(ROOT, 'node_modules/better-sqlite3');
  const sqliteVersion = (JSON.parse(readFileSync(join(sqlite, 'package.json'), 'utf8')) as { version: string }).version;
  writeFileSync(
    join(app, 'package.json'),
    JSON.stringify({ name: 'automl-consumer', private: true, type: 'module', dependencies: { automl: `file:../${packed}` }, overrides: { 'better-sqlite3': sqliteVersion } }, null, 2),
  );
  run('npm', ['install', '--no-audit', '--no-fund', '--ignore-scripts', '--prefer-offline', '--loglevel=error'], app);
  // Only the addon: a user's install downloads this one prebuilt file (build/Release/better_sqlite3.node);
  // the object files a from-source build leaves beside it here (about 15 MB) are not what users get.
  mkdirSync(join(app, 'node_modules/better-sqlite3/build/Release'), { recursive: true });
  cpSync(join(sqlite, 'build/Release/better_sqlite3.node'), join(app, 'node_modules/better-sqlite3/build/Release/better_sqlite3.node'));
  installed = join(app, 'node_modules/automl');
}, 600_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('the packed package, installed', () => {
  it(`takes less than ${MAX_INSTALLED_MB} MB with its dependencies`, () => {
    const kb = Number(run('du', ['-sk', 'node_modules'], app).split('\t')[0]);
    console.log(`installed size: ${(kb / 1024).toFixed(1)} MB (node_modules of a project depending only on automl)`);
    expect(kb).toBeGreaterThan(1024);
    expect(kb / 1024).toBeLessThan(MAX_INSTALLED_MB);
  });

  it('installs none of the optional peer dependencies', () => {
    for (const p of ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-node', 'pg']) expect(existsSync(join(app, 'node_modules', p)), p).toBe(false);
  });

  it('ships a LICENSE, the README and the CHANGELOG', () => {
    for (const f of ['LICENSE', 'README.md', 'CHANGELOG.md']) expect(existsSync(join(installed, f)), f).toBe(true);
  });

  it('runs its CLI: --version is the package version', () => {
    const out = run(process.execPath, [join(app, 'node_modules/.bin/automl'), '--version'], app);
    expect(out.trim()).toBe(manifest.version);
  });

  it('works without the optional packages, and says what to install for the features that need them', () => {
    const script = `
      import { createStudy, float, getModel, openStorage, space } from 'automl';
      const study = await createStudy({ space: space({ x: float(-1, 1) }), direction: 'minimize', seed: 1, storage: 'sqlite:study.db' });
      await study.optimize((c) => c.x * c.x, { trials: 5 });
      console.log('study', study.trials.length);
      await study.close();
      const est = getModel('mlp').create({ epochs: 1 }, { task: 'regression', nClasses: 0, seed: 0 });
      await est.fit({ rows: 2, cols: 1, data: new Float64Array([0, 1]) }, new Float64Array([0, 1])).catch((e) => console.log(e.code, e.message));
      await openStorage('postgresql://me@localhost:1/db').catch((e) => console.log(e.code, e.message));`;
    const out = run(process.execPath, ['--input-type=module', '-e', script], app);
    expect(out.trim().split('\n')).toEqual([
      'study 5',
      'E_MISSING_DEPENDENCY the mlp model family needs TensorFlow.js: npm install @tensorflow/tfjs @tensorflow/tfjs-backend-wasm',
      'E_MISSING_DEPENDENCY PostgreSQL storage (postgresql://me@localhost:1/db) needs the pg package: npm install pg',
    ]);
  });

  it('publishes declarations that import only Node built-ins and dependencies that carry their own types', () => {
    const allowed = Object.keys(manifest.dependencies).filter((d) => !(`@types/${d}` in manifest.devDependencies));
    const bad: string[] = [];
    for (const file of filesUnder(join(installed, 'dist'), '.d.ts')) {
      // Comments may quote module names ("import from 'automl'"); only code counts.
      const text = readFileSync(file, 'utf8').replace(/\/\*[\s\S]*?\*\//g, '').replace(/^\s*\/\/.*$/gm, '');
      for (const m of text.matchAll(/(?:\bfrom\s+|\bimport\s*\(\s*|<reference\s+types=)['"]([^'"]+)['"]/g)) {
        const spec = m[1]!;
        if (spec.startsWith('.') || spec.startsWith('node:')) continue;
        const pkg = spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]!;
        if (!allowed.includes(pkg)) bad.push(`${relative(installed, file)}: ${spec}`);
      }
    }
    expect(bad).toEqual([]);
  });

  it('ships the sources its source maps point at', () => {
    const missing: string[] = [];
    const maps = [...filesUnder(join(installed, 'dist'), '.js.map'), ...filesUnder(join(installed, 'dist'), '.d.ts.map')];
    expect(maps.length).toBeGreaterThan(10);
    for (const map of maps) {
      const { sources } = JSON.parse(readFileSync(map, 'utf8')) as { sources: string[] };
      for (const s of sources) if (!existsSync(resolve(join(map, '..'), s))) missing.push(`${relative(installed, map)} -> ${s}`);
    }
    expect(missing).toEqual([]);
  });

  it('type-checks a strict consumer project (strict, skipLibCheck false, NodeNext)', () => {
    const tsconfig = {
      compilerOptions: {
        strict: true,
        skipLibCheck: false,
        exactOptionalPropertyTypes: true,
        noUncheckedIndexedAccess: true,
        module: 'NodeNext',
        moduleResolution: 'NodeNext',
        target: 'ES2022',
        lib: ['ES2022'],
        noEmit: true,
        // The consumer's own @types/node; taken from this project to keep the test offline.
        typeRoots: [join(ROOT, 'node_modules/@types')],
        types: ['node'],
      },
      files: ['consumer.ts'],
    };
    writeFileSync(join(app, 'tsconfig.json'), JSON.stringify(tsconfig, null, 2));
    cpSync(fileURLToPath(new URL('./fixtures/consumer.ts', import.meta.url)), join(app, 'consumer.ts'));
    const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', app], { cwd: app, encoding: 'utf8', timeout: 240_000 });
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  });
});
