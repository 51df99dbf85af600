import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';

/** Identifies this process in trial records: `host:pid:nonce`. */
export function makeWorkerId(): string {
  return `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
}

/**
 * Whether the process that wrote `worker` is certainly gone: it ran on this host and no process
 * with its pid exists. Unknown hosts return false (only a stale heartbeat can tell there).
 */
export function isDeadLocalWorker(worker: string | null): boolean {
  if (!worker) return false;
  const [host, pidText] = worker.split(':');
  if (host !== hostname()) return false;
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return false;
  try {
    process.kill(pid, 0);
    return false;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ESRCH';
  }
}
