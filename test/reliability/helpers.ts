/**
 * Shared helpers of the reliability suite: child processes (the CLI and a library-level study
 * script) and scratch folders. The heavy lifting lives in `test/fixtures/hostile/*.mjs`, which the
 * chaos run (`bench/chaos/run.mjs`) imports as well, so the test and the long run check the same
 * things.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = join(ROOT, 'dist/cli/main.js');
export const STUDY_CHILD = join(ROOT, 'test/fixtures/hostile/study-child.mjs');
export const DATA = (f: string): string => join(ROOT, 'datasets', f);

/** Fails early, with the fix, when the compiled CLI is missing. */
export function requireBuild(): void {
  if (!existsSync(BIN)) throw new Error('dist/ is missing: run `npm run build` (npm test does it first)');
}

/** A fresh scratch folder under the OS temp dir. */
export function scratch(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `automl-rel-${prefix}-`));
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** A running child and its end. */
export interface Child {
  readonly child: ChildProcess;
  readonly done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
  /** Stdout + stderr received so far. */
  output(): string;
}

/** Starts `node <script> ...args` with piped output. */
export function startNode(script: string, args: (string | number)[], cwd?: string): Child {
  const child = spawn(process.execPath, [script, ...args.map(String)], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d) => (stdout += d));
  child.stderr!.on('data', (d) => (stderr += d));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>((resolve) =>
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })),
  );
  return { child, done, output: () => stdout + stderr };
}

/** Polls `cond` every `everyMs` until it holds or `timeoutMs` passes; returns whether it held. */
export async function waitFor(cond: () => boolean, timeoutMs: number, everyMs = 20): Promise<boolean> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (cond()) return true;
    await sleep(everyMs);
  }
  return cond();
}
