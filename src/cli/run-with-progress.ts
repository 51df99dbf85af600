/** The shared run loop of search, resume and worker: Ctrl-C handling and progress on stderr. */
import type { SearchOptions, SearchResult, SearchStartInfo } from '../automl/types.js';
import { tfBackendName } from '../models/tf-backend.js';
import { formatSearchResult, searchResultJson } from '../report/search-result.js';
import { DEFAULT_STORAGE } from './args.js';
import { interruptible } from './interruptible.js';
import { Progress } from './progress.js';

/** The callbacks a search, resume or worker run reports through. */
export type RunHooks = Pick<SearchOptions, 'signal' | 'onNote' | 'onStart' | 'onTrialStart' | 'onTrial'>;

/**
 * Runs a search-like command with Ctrl-C handling and progress output, then prints its result.
 * `headline` says what started; `finish` prints the result. Resolves to the exit code (130 when
 * interrupted).
 */
export async function runWithProgress(
  quiet: boolean,
  headline: (info: SearchStartInfo) => string,
  launch: (hooks: RunHooks) => Promise<SearchResult>,
  finish: (result: SearchResult, interrupted: boolean) => void,
): Promise<number> {
  const stop = interruptible();
  let progress: Progress | null = null;
  try {
    const result = await launch({
      signal: stop.signal,
      onNote: (n) => {
        if (!quiet) process.stderr.write(`note: ${n}\n`);
      },
      onStart: (info) => {
        if (!quiet) process.stderr.write(headline(info) + '\n');
        if (info.models.includes('mlp') && !quiet) {
          void tfBackendName()
            .then((b) => process.stderr.write(`${process.stderr.isTTY ? '\r\x1b[K' : ''}note: mlp trains on TensorFlow.js, backend ${b}\n`))
            .catch(() => undefined);
        }
        progress = new Progress(process.stderr, { direction: info.direction, metric: info.metric, trials: info.trials, time: info.time, enabled: !quiet, alreadyDone: info.done });
      },
      onTrialStart: () => progress?.started_(),
      onTrial: (t) => progress?.trial(t),
    });
    (progress as Progress | null)?.end();
    finish(result, stop.interrupted());
    await result.study.close();
    return stop.interrupted() ? 130 : 0;
  } finally {
    (progress as Progress | null)?.end();
    stop.dispose();
  }
}

/** Prints a search or resume result on stdout: the JSON object with `json`, else the text summary. */
export function printSearchResult(result: SearchResult, json: boolean, interrupted: boolean): void {
  const opts = { interrupted, defaultStorage: DEFAULT_STORAGE };
  process.stdout.write((json ? JSON.stringify(searchResultJson(result, opts)) : formatSearchResult(result, opts)) + '\n');
}
