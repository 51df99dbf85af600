/**
 * A small pool of WebAssembly workspaces (../fast/abt-wasm.ts) for the kernel learners. Creating
 * one means instantiating the module and a fresh WebAssembly memory, whose reservation is costly
 * to collect: per fit (and per prediction call) that showed up as a fifth of the time of small
 * fits, in the garbage collector. Workspaces are handed out for the duration of one computation
 * and come back to the pool; nested computations get distinct ones.
 */
import { AbtWorkspace } from '../fast/abt-wasm.js';

/** Workspaces larger than this are not kept once released (bytes). */
const KEEP_BYTES = 64 * 1024 * 1024;
/** At most this many idle workspaces are kept. */
const KEEP_COUNT = 4;

const idle: AbtWorkspace[] = [];

/** A workspace of at least `doubles` float64 slots, or null where WebAssembly SIMD is unavailable or disabled. */
export function acquireWorkspace(doubles: number): AbtWorkspace | null {
  if (!AbtWorkspace.enabled) return null;
  let best = -1;
  for (let k = 0; k < idle.length; k++) {
    const len = idle[k]!.f64.length;
    if (len >= doubles && (best < 0 || len < idle[best]!.f64.length)) best = k;
  }
  if (best >= 0) return idle.splice(best, 1)[0]!;
  // Round small requests up, so that one workspace serves many small fits.
  return AbtWorkspace.create(Math.max(doubles, 1 << 17));
}

/** Returns a workspace to the pool (or lets it go when it is large or the pool is full). */
export function releaseWorkspace(ws: AbtWorkspace | null): void {
  if (!ws || ws.f64.length * 8 > KEEP_BYTES) return;
  if (idle.length >= KEEP_COUNT) idle.shift();
  idle.push(ws);
}
