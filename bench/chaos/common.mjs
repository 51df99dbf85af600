// Shared helpers of the chaos run: child processes, timing, seeded randomness, and paths.
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const BIN = join(ROOT, 'dist/cli/main.js');
export const HOSTILE = join(ROOT, 'test/fixtures/hostile');
export const STUDY_CHILD = join(HOSTILE, 'study-child.mjs');
export const DATA = (f) => join(ROOT, 'datasets', f);
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const scratchDirs = [];
export const scratch = (p) => {
  const d = mkdtempSync(join(tmpdir(), `automl-chaos-${p}-`));
  scratchDirs.push(d);
  return d;
};
/** Removes every scratch folder made so far (the corpus alone holds over 60 MB). */
export function cleanupScratch() {
  for (const d of scratchDirs.splice(0)) rmSync(d, { recursive: true, force: true });
}

/** Starts `node script ...args`; returns { child, done, output() }. */
export function startNode(script, args, cwd) {
  const child = spawn(process.execPath, [script, ...args.map(String)], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '', stderr = '';
  child.stdout.on('data', (d) => (stdout += d));
  child.stderr.on('data', (d) => (stderr += d));
  const done = new Promise((resolve) => child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr })));
  return { child, done, output: () => stdout + stderr };
}

export async function waitFor(cond, timeoutMs, everyMs = 20) {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (cond()) return true;
    await sleep(everyMs);
  }
  return cond();
}

export const fileSize = (f) => {
  try {
    return statSync(f).size;
  } catch {
    return 0;
  }
};

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
export const ms = (x) => `${Math.round(x)} ms`;
