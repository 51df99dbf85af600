/** Ctrl-C handling for long-running commands. */

/** What a command gets from interruptible(): a signal for the library, and a way to ask whether it fired. */
export interface Interruptible {
  readonly signal: AbortSignal;
  interrupted(): boolean;
  /** Removes the signal handlers; call when the command is done. */
  dispose(): void;
}

/**
 * Ctrl-C: the first stops the search gracefully (exit 130), the second exits at once. `say` prints
 * what happens (default: on its own line on stderr; the progress output passes its own, above its live lines).
 */
export function interruptible(say: (message: string) => void = (m) => process.stderr.write(`\n${m}\n`)): Interruptible {
  const ctl = new AbortController();
  let count = 0;
  const onSigint = (): void => {
    count++;
    if (count === 1) {
      say('interrupted: stopping the running trials (press Ctrl-C again to exit at once)');
      ctl.abort('interrupted');
    } else {
      process.exit(130);
    }
  };
  process.on('SIGINT', onSigint);
  process.on('SIGTERM', onSigint);
  return {
    signal: ctl.signal,
    interrupted: () => count > 0,
    dispose: () => {
      process.off('SIGINT', onSigint);
      process.off('SIGTERM', onSigint);
    },
  };
}
