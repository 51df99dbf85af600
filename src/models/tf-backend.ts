/**
 * Loads TensorFlow.js once per thread with the fastest backend available:
 * 1. `@tensorflow/tfjs-node` (native TensorFlow) when the optional dependency is installed;
 * 2. `@tensorflow/tfjs` with the WebAssembly backend, its .wasm binaries located inside
 *    node_modules (Node cannot fetch them from a CDN, and this also works in worker threads);
 * 3. the plain JavaScript 'cpu' backend.
 * `AUTOML_TF_BACKEND=tensorflow|wasm|cpu` forces a choice (useful to compare or to debug).
 *
 * All three are optional peer dependencies (a default install stays small): without
 * `@tensorflow/tfjs` the first MLP fit throws E_MISSING_DEPENDENCY with the install command. The
 * exports that carry TensorFlow.js types are `@internal` (left out of the published .d.ts files), so
 * that a consumer without TensorFlow.js still type-checks against this package.
 */
import { createRequire } from 'node:module';
import path from 'node:path';
import type * as TF from '@tensorflow/tfjs';
import { importOptional } from '../util/optional-import.js';
import type { OptionalPackage } from '../util/optional-import.js';

/**
 * The TensorFlow.js namespace as this module loaded it.
 * @internal
 */
export type Tf = typeof TF;

/** What the `mlp` family needs, for the error raised when it is not installed. */
export const TFJS_PACKAGE: OptionalPackage = {
  specifier: '@tensorflow/tfjs',
  neededBy: 'the mlp model family needs TensorFlow.js',
  install: ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm'],
};

let loading: Promise<Tf> | undefined;

async function tryNative(): Promise<Tf | undefined> {
  // A variable specifier keeps TypeScript and bundlers from requiring the optional package.
  const specifier = '@tensorflow/tfjs-node';
  try {
    const mod = (await import(specifier)) as Tf & { default?: Tf };
    const tf = (mod.default ?? mod) as Tf;
    await tf.ready();
    return tf;
  } catch {
    return undefined;
  }
}

async function tryWasm(tf: Tf): Promise<boolean> {
  try {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const require = createRequire(import.meta.url);
    // The package's main file sits in dist/ next to the .wasm binaries.
    const dir = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
    wasm.setWasmPaths(dir + path.sep);
    return await tf.setBackend('wasm');
  } catch {
    return false;
  }
}

async function load(): Promise<Tf> {
  const forced = process.env['AUTOML_TF_BACKEND'];
  if (forced === undefined || forced === 'tensorflow') {
    const native = await tryNative();
    if (native) return native;
  }
  const tf = await importOptional(TFJS_PACKAGE, () => import('@tensorflow/tfjs'));
  // PROD silences tfjs's console advice to install tfjs-node (printed once per worker otherwise).
  tf.env().set('PROD', true);
  if ((forced === undefined || forced === 'wasm') && (await tryWasm(tf))) {
    await tf.ready();
    return tf;
  }
  await tf.setBackend('cpu');
  await tf.ready();
  return tf;
}

/**
 * TensorFlow.js with its backend initialised; loaded once per thread.
 * @throws AutomlError('E_MISSING_DEPENDENCY') when `@tensorflow/tfjs` is not installed.
 * @internal
 */
export function loadTf(): Promise<Tf> {
  loading ??= load().catch((e: unknown) => {
    loading = undefined;
    throw e;
  });
  return loading;
}

/**
 * Name of the TensorFlow.js backend that trains the MLP here: 'tensorflow', 'wasm' or 'cpu'.
 * @throws AutomlError('E_MISSING_DEPENDENCY') when `@tensorflow/tfjs` is not installed.
 */
export async function tfBackendName(): Promise<string> {
  const tf = await loadTf();
  return tf.getBackend();
}
