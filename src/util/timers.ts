/**
 * Timers for long delays. Node's `setTimeout` takes at most 2^31-1 ms (about 24.8 days): a longer
 * delay is clamped to 1 ms, so a budget of 600 hours would end at once. These timers chain
 * shorter ones until the whole delay has passed.
 */

/** The longest delay one `setTimeout` honours (ms). */
export const MAX_TIMEOUT_MS = 2_147_483_647;

/** A pending long timer; `clear()` cancels it (idempotent). */
export interface LongTimer {
  clear(): void;
}

/**
 * Calls `fn` once, `ms` milliseconds from now, for any finite `ms` (an infinite one never fires).
 * The wait is measured on the wall clock (`Date.now()`), each link re-arming for what is left.
 */
export function setLongTimeout(fn: () => void, ms: number): LongTimer {
  let handle: ReturnType<typeof setTimeout> | null = null;
  if (!Number.isFinite(ms) && ms > 0) return { clear: () => undefined };
  const due = Date.now() + Math.max(0, Number.isFinite(ms) ? ms : 0);
  const arm = (): void => {
    const left = due - Date.now();
    if (left > MAX_TIMEOUT_MS) handle = setTimeout(arm, MAX_TIMEOUT_MS);
    else
      handle = setTimeout(() => {
        handle = null;
        fn();
      }, Math.max(0, left));
  };
  arm();
  return {
    clear(): void {
      if (handle !== null) clearTimeout(handle);
      handle = null;
    },
  };
}
