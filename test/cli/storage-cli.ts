/** The compiled command line for the storage CLI tests (dist/, `npx tsc -p tsconfig.build.json`). */
import { spawn } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const DIST = process.env.AUTOML_DIST ? fileURLToPath(process.env.AUTOML_DIST) : fileURLToPath(new URL('../../dist/index.js', import.meta.url));
/** dist/cli/main.js, or the one beside AUTOML_DIST (a `file:` URL). */
export const BIN = join(dirname(DIST), 'cli', 'main.js');

/** Runs `automl <args>` in `cwd`; killed after `timeoutMs`. */
export function runCli(args: string[], cwd: string, timeoutMs = 120_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}
