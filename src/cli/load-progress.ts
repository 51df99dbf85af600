/** Progress of a long CSV load on stderr: one line rewritten in place on a terminal, nothing otherwise. */
import type { LoadProgress } from '../data/csv-stream.js';

const MB = 1024 * 1024;

/** The text of one progress report: rows, megabytes read of the total, and the read rate. */
export function loadProgressLine(p: LoadProgress): string {
  const rate = p.seconds > 0 ? p.bytes / MB / p.seconds : 0;
  const share = p.totalBytes > 0 ? ` (${Math.min(100, Math.round((100 * p.bytes) / p.totalBytes))}%)` : '';
  const verb = p.done ? 'loaded' : 'loading:';
  return `${verb} ${p.rows.toLocaleString('en-US')} rows, ${(p.bytes / MB).toFixed(0)} of ${(p.totalBytes / MB).toFixed(0)} MB${share}, ${rate.toFixed(1)} MB/s, ${p.seconds.toFixed(1)} s`;
}

/** A load-progress callback for `out`: a no-op unless `out` is a terminal and output is wanted. */
export function loadProgressPrinter(out: NodeJS.WriteStream, enabled: boolean): ((p: LoadProgress) => void) | undefined {
  if (!enabled || !out.isTTY) return undefined;
  return (p) => {
    out.write(`\r\x1b[K${loadProgressLine(p)}${p.done ? '\n' : ''}`);
  };
}
