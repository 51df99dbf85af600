/** The shared run loop of search, resume and worker: Ctrl-C handling and progress on stderr. */
import type { SearchOptions, SearchResult, SearchStartInfo } from '../automl/types.js';
import { tfBackendName } from '../models/tf-backend.js';
import { formatSearchResult, searchResultJson } from '../report/search-result.js';
import { DEFAULT_STORAGE } from './args.js';
import { interruptible } from './interruptible.js';
import { loadProgressPrinter } from './load-progress.js';
import type { ModelOutput } from './model-output.js';
import { Progress, progressMode, type ProgressFlags } from './progress.js';
import { colorWanted } from './terminal/color.js';

/** The callbacks a search, resume or worker run reports through. */
export type RunHooks = Pick<SearchOptions, 'signal' | 'onNote' | 'onStart' | 'onPhase' | 'onTrialStart' | 'onTrial' | 'onLoadProgress'>;

/**
 * Runs a search-like command with Ctrl-C handling and progress output on stderr (see
 * {@link progressMode}: live lines on a terminal, summary lines into a pipe, none with --quiet),
 * then prints its result. `headline` says what started; `finish` prints the result and may return
 * an exit code (default 0). Resolves to the exit code (130 when interrupted).
 */
export async function runWithProgress(
  flags: ProgressFlags,
  headline: (info: SearchStartInfo) => string,
  launch: (hooks: RunHooks) => Promise<SearchResult>,
  finish: (result: SearchResult, interrupted: boolean) => number | void | Promise<number | void>,
): Promise<number> {
  const err = process.stderr;
  const mode = progressMode(flags, err);
  let progress: Progress | null = null;
  // Before the progress starts (and after it ends) notes are plain lines; while it runs, lines above its live lines.
  const note = (n: string): void => {
    if (progress) progress.note(n);
    else if (mode !== 'off') err.write(`note: ${n}\n`);
  };
  const stop = interruptible((m) => (progress ? progress.message(m) : err.write(`\n${m}\n`)));
  try {
    const onLoadProgress = loadProgressPrinter(err, mode === 'live');
    const result = await launch({
      signal: stop.signal,
      ...(onLoadProgress ? { onLoadProgress } : {}),
      onNote: note,
      onStart: (info) => {
        if (mode !== 'off') err.write(headline(info) + '\n');
        if (info.models.includes('mlp')) {
          void tfBackendName()
            .then((b) => note(`mlp trains on TensorFlow.js, backend ${b}`))
            .catch(() => undefined);
        }
        progress = new Progress(err, {
          direction: info.direction,
          metric: info.metric,
          trials: info.trials,
          time: info.time,
          alreadyDone: info.done,
          mode,
          verbose: Boolean(flags.verbose),
          color: colorWanted(err),
        });
      },
      onPhase: (phase, deadline) => progress?.phase(phase, deadline),
      onTrialStart: () => progress?.trialStarted(),
      onTrial: (t) => progress?.trial(t),
    });
    endProgress(progress, stop.interrupted());
    progress = null;
    let code: number | void;
    try {
      code = await finish(result, stop.interrupted());
    } finally {
      await result.study.close();
    }
    return stop.interrupted() ? 130 : (code ?? 0);
  } finally {
    endProgress(progress, stop.interrupted());
    stop.dispose();
  }
}

function endProgress(p: Progress | null, interrupted: boolean): void {
  p?.end(interrupted);
}

/** How `finishSearch` writes the model and what it prints. */
export interface FinishOptions {
  readonly json: boolean;
  readonly quiet: boolean;
  readonly output: ModelOutput;
}

/**
 * The end of a search or resume: writes the model (see {@link ModelOutput}), prints the result on
 * stdout (JSON with `json`, else the text summary), then any error on stderr. Returns the exit
 * code: 1 when no trial completed (E_NO_TRIAL) or the model could not be written where asked
 * (E_OUTPUT), else 0; the JSON then has an `error` object with the same code and message.
 */
export async function finishSearch(result: SearchResult, interrupted: boolean, o: FinishOptions): Promise<number> {
  const saved = await o.output.save(result, (n) => {
    if (!o.quiet) process.stderr.write(`note: ${n}\n`);
  });
  const shown = saved.result;
  const error = saved.error ?? (interrupted || shown.best !== null ? null : { code: 'E_NO_TRIAL', message: noTrialMessage(shown) });
  const opts = { interrupted, defaultStorage: DEFAULT_STORAGE, ...terminalWidth(process.stdout) };
  if (o.json) {
    const json = searchResultJson(shown, opts);
    process.stdout.write(JSON.stringify(error ? { ...json, model: null, error } : json) + '\n');
  } else process.stdout.write(formatSearchResult(shown, opts) + '\n');
  if (!error) return 0;
  process.stderr.write(`error [${error.code}]: ${error.message}\n`);
  return 1;
}

/** `{ width }` of `stream` when it is a terminal (tables are cut to it), else nothing. */
export function terminalWidth(stream: { readonly isTTY?: boolean; readonly columns?: number }): { width?: number } {
  return stream.isTTY && stream.columns ? { width: Math.max(20, stream.columns - 1) } : {};
}

/** Why a run ended without a model, from the study's trial counts and failures, and what to give instead. */
function noTrialMessage(r: SearchResult): string {
  const kinds = new Map<string, number>();
  for (const t of r.study.trials) {
    if (t?.state === 'FAIL' && t.failKind !== 'interrupted') kinds.set(t.failKind ?? 'error', (kinds.get(t.failKind ?? 'error') ?? 0) + 1);
  }
  const c = r.counts;
  const reasons = [...kinds].map(([k, n]) => `${n} ${k}`).join(', ');
  const parts = [`${c.failed} failed${reasons ? ` (${reasons})` : ''}`, `${c.interrupted} interrupted${c.interrupted ? ' (cut by the end of the time budget or a stop)' : ''}`];
  if (c.pruned) parts.push(`${c.pruned} pruned`);
  const more: string[] = [];
  if (c.interrupted > 0 || c.failed + c.pruned === 0) more.push('more --time');
  if (kinds.has('timeout')) more.push('a longer --trial-timeout');
  if (kinds.has('out-of-memory')) more.push('a larger --memory-limit');
  const advice = more.length > 0 ? [`give ${more.join(' or ')}`] : [];
  if (kinds.size > 0) advice.push(`see the failure reasons with \`automl trials ${r.study.name}\``);
  return `no trial completed in the budget, so there is no model: ${parts.join(', ')}; ${advice.join('; ')}`;
}
